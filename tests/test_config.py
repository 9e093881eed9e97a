"""localize.toml: SPEC section 6 keys validated, with errors naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from localize.config import DEFAULT_MT_NOTICE, load_settings
from localize.errors import ConfigError
from localize.locales import parse_locale

FULL = """\
source_locale  = "zh-Hant-TW"
target_locales = ["en", "ja", "zh_Hans_CN", "en-XA"]
base_url       = "https://example.com/docs/"
x_default      = "en"
publish        = "reviewed"
min_completion = 0.5
mt_notice      = { "*" = "Machine translated.", "ja" = "機械翻訳です。" }
fallbacks      = { "zh-Hant-HK" = ["zh-Hant-TW"] }

[engine]
name = "libre"
url = "http://127.0.0.1:5000/"
concurrency = 8
rate_limit = 5

[engines."zh-hans-cn"]
name = "opencc"

[engines.ja]
timeout = 5

[qa]
ignore = ["numbers"]
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "localize.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_full_settings(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, FULL))
    assert settings.source_locale.posix == "zh_Hant_TW"
    assert [t.posix for t in settings.target_locales] == ["en", "ja", "zh_Hans_CN", "en_XA"]
    assert settings.base_url == "https://example.com/docs"
    assert settings.publish == "reviewed"
    assert settings.min_completion == 0.5
    assert settings.qa_ignore == {"numbers"}
    assert settings.notice_for(parse_locale("ja")) == "機械翻訳です。"
    assert settings.notice_for(parse_locale("en")) == "Machine translated."
    assert [f.posix for f in settings.fallbacks_for(parse_locale("zh-HK"))] == ["zh_Hant_TW"]


def test_per_locale_engines_inherit_or_start_fresh(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, FULL))
    japanese = settings.engine_for(parse_locale("ja"))
    assert (japanese.name, japanese.url, japanese.concurrency, japanese.timeout) == (
        "libre", "http://127.0.0.1:5000/", 8, 5.0,
    )
    simplified = settings.engine_for(parse_locale("zh-Hans-CN"))
    assert (simplified.name, simplified.url, simplified.concurrency) == ("opencc", None, None)
    assert settings.engine_for(parse_locale("en")).rate_limit == 5.0


def test_engine_override_and_pseudo_locales(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, FULL))
    assert settings.engine_for(parse_locale("en"), "libre").url == "http://127.0.0.1:5000/"
    assert settings.engine_for(parse_locale("en"), "deepl").url is None
    assert settings.engine_for(parse_locale("en-XA"), "deepl").name == "pseudo"


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, 'source_locale = "en"\n'))
    assert settings.target_locales == ()
    assert settings.url_pattern == "{locale}/{slug}/"
    assert settings.publish == "machine"
    assert settings.fuzzy_threshold == 0.75
    assert settings.engine.name == "google"
    assert settings.notice_for(parse_locale("en")) == DEFAULT_MT_NOTICE


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('source_locale = "en"\ntarget_locale = ["ja"]\n', 2, "unknown setting"),
        ('source_locale = "en"\ntarget_locales = ["xx-QQ"]\n', 2, "unknown locale"),
        ('source_locale = "en"\npublish = "everything"\n', 2, "publish"),
        ('source_locale = "en"\nmin_completion = 2\n', 2, "between 0 and 1"),
        ('source_locale = "en"\nurl_pattern = "/{slug}"\n', 2, "url_pattern"),
        ('source_locale = "en"\n[engine]\nconcurrency = "many"\n', 3, "wrong type"),
        ('source_locale = "en"\ntarget_locales = [\n', 2, "invalid TOML"),
    ],
)
def test_errors_name_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, text))
    assert err.value.file.endswith("localize.toml")
    assert err.value.line == line
    assert words in err.value.message


def test_missing_config_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="localize init"):
        load_settings(tmp_path)


def test_engine_table_errors_point_at_the_key_inside_the_locale_table(tmp_path: Path) -> None:
    text = 'source_locale = "en"\n[engine]\nname = "libre"\n\n[engines.ja]\nretries = -1\n'
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, text))
    assert err.value.line == 6
    assert "retries" in err.value.message
