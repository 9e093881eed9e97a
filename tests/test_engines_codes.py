"""The locale -> engine code table, for every engine (codes.py wins over deep-translator's lists)."""

from __future__ import annotations

import pytest

from localize.engines import PermanentError, engine_code
from localize.engines.codes import known_table_engines
from localize.locales import parse_locale

# (engine, locale, role, expected code)
CASES = [
    ("google", "zh-Hant-TW", "source", "zh-TW"),
    ("google", "zh-Hans-CN", "target", "zh-CN"),
    ("google", "zh-HK", "target", "zh-TW"),
    ("google", "he", "target", "iw"),
    ("google", "ja", "target", "ja"),
    ("google", "nb", "target", "no"),
    ("libre", "zh-Hant-TW", "source", "zh-Hant"),
    ("libre", "zh-Hans", "target", "zh-Hans"),
    ("libre", "zh_CN", "target", "zh-Hans"),
    ("libre", "en", "target", "en"),
    ("microsoft", "zh-Hant-HK", "target", "zh-Hant"),
    ("microsoft", "zh-Hans-CN", "target", "zh-Hans"),
    ("microsoft", "sr-Latn", "target", "sr-Latn"),
    ("microsoft", "pt-PT", "target", "pt-pt"),
    ("microsoft", "pt-BR", "target", "pt"),
    ("microsoft", "fr-CA", "target", "fr-ca"),
    ("mymemory", "zh-Hant-TW", "source", "zh-TW"),
    ("mymemory", "zh-Hans", "target", "zh-CN"),
    ("mymemory", "en-GB", "target", "en-GB"),
    ("mymemory", "ja", "target", "ja"),
    ("baidu", "zh-Hant-TW", "source", "cht"),
    ("baidu", "zh-Hans-CN", "target", "zh"),
    ("baidu", "ja", "target", "jp"),
    ("baidu", "ko", "target", "kor"),
    ("baidu", "fr", "target", "fra"),
    ("yandex", "zh-Hant-TW", "source", "zh"),
    ("yandex", "zh-Hans", "target", "zh"),
    ("yandex", "en", "target", "en"),
    ("papago", "zh-Hant-TW", "source", "zh-TW"),
    ("papago", "zh-Hans", "target", "zh-CN"),
    ("papago", "ko", "target", "ko"),
    ("qcri", "ar", "target", "ar"),
    ("qcri", "en", "source", "en"),
    ("deepl", "zh-Hant-TW", "source", "ZH"),
    ("deepl", "zh-Hant-TW", "target", "ZH-HANT"),
    ("deepl", "zh-Hans-CN", "target", "ZH-HANS"),
    ("deepl", "en", "target", "EN-US"),
    ("deepl", "en-GB", "target", "EN-GB"),
    ("deepl", "en-AU", "target", "EN-GB"),
    ("deepl", "en-GB", "source", "EN"),
    ("deepl", "pt", "target", "PT-BR"),
    ("deepl", "pt-PT", "target", "PT-PT"),
    ("deepl", "ja", "source", "JA"),
    ("deepl", "ja", "target", "JA"),
    ("opencc", "zh-Hant-TW", "source", "Hant-TW"),
    ("opencc", "zh-HK", "source", "Hant-HK"),
    ("opencc", "zh-Hant", "source", "Hant"),
    ("opencc", "zh-Hans-SG", "target", "Hans"),
    ("llm", "zh-Hant-TW", "source", "zh-Hant-TW"),
    ("pseudo", "en-XA", "target", "en-XA"),
    ("pseudo", "ar-XB", "target", "ar-XB"),
]

UNSUPPORTED = [
    ("google", "kl", "target"),
    ("libre", "haw", "target"),
    ("microsoft", "haw", "target"),
    ("yandex", "zh-Hant-TW", "target"),  # Yandex writes Simplified only
    ("papago", "ar", "target"),
    ("baidu", "sw", "target"),
    ("qcri", "ja", "target"),
    ("deepl", "sw", "target"),
    ("opencc", "ja", "target"),
    ("opencc", "en", "source"),
]


@pytest.mark.parametrize(("engine", "locale", "role", "expected"), CASES)
def test_engine_code(engine: str, locale: str, role: str, expected: str) -> None:
    assert engine_code(engine, parse_locale(locale), role) == expected


@pytest.mark.parametrize(("engine", "locale", "role"), UNSUPPORTED)
def test_unsupported_language_is_permanent(engine: str, locale: str, role: str) -> None:
    with pytest.raises(PermanentError) as caught:
        engine_code(engine, parse_locale(locale), role)
    assert caught.value.reason == "language"
    assert parse_locale(locale).bcp47 in caught.value.message


def test_every_builtin_engine_has_a_table_and_a_tested_case() -> None:
    from localize.engines.registry import BUILTIN_ENGINES

    assert set(known_table_engines()) == set(BUILTIN_ENGINES)
    assert {case[0] for case in CASES} == set(BUILTIN_ENGINES)


def test_libre_legacy_chinese_codes_are_configurable() -> None:
    options = {"legacy_chinese_codes": True}
    assert engine_code("libre", parse_locale("zh-Hant-TW"), "target", options) == "zt"
    assert engine_code("libre", parse_locale("zh-Hans-CN"), "target", options) == "zh"


def test_our_codes_beat_deep_translators_stale_lists() -> None:
    from deep_translator.constants import LIBRE_LANGUAGES_TO_CODES

    assert "zh-Hant" not in LIBRE_LANGUAGES_TO_CODES.values()  # stale upstream list
    assert engine_code("libre", parse_locale("zh-Hant"), "target") == "zh-Hant"


def test_unknown_role_and_engine() -> None:
    with pytest.raises(ValueError):
        engine_code("google", parse_locale("en"), "both")
    with pytest.raises(PermanentError):
        engine_code("nosuch", parse_locale("en"), "target")
