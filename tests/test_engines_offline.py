"""Offline engines (opencc, pseudo), the registry, text splitting and Retry-After parsing."""

from __future__ import annotations

import math
import sys
import time
from email.utils import formatdate
from pathlib import Path

import pytest

from localize.config import EngineSettings
from localize.engines import PermanentError, get_engine, known_engines, parse_retry_after
from localize.engines.base import Engine, classify_http
from localize.engines.opencc_engine import opencc_chain
from localize.engines.pseudo import PDF, RLM, RLO, pseudo_inner
from localize.engines.splitting import split_to_fit, translate_preserving, url_fits
from localize.errors import ConfigError
from localize.locales import parse_locale

TW, HK, CN = parse_locale("zh-Hant-TW"), parse_locale("zh-Hant-HK"), parse_locale("zh-Hans-CN")
XA, XB = parse_locale("en-XA"), parse_locale("ar-XB")
SOURCE = "軟體開發者使用滑鼠和記憶體，透過資訊網路下載程式。"


def _engine(name: str, **extra: object) -> Engine:
    return get_engine(EngineSettings(name=name, extra=extra))


# -- opencc -------------------------------------------------------------------------------
def test_opencc_taiwan_to_mainland_uses_regional_phrases() -> None:
    result = _engine("opencc").translate([SOURCE, "  ⟦0⟧ 網路 "], TW, CN)
    assert result[0] == "软件开发者使用鼠标和内存，透过信息网络下载程序。"
    assert result[1] == "  ⟦0⟧ 网络 "  # tokens and whitespace untouched


def test_opencc_chains_follow_the_locales() -> None:
    assert opencc_chain(TW, CN) == ("tw2sp",)
    assert opencc_chain(HK, parse_locale("zh-Hans")) in (("hk2sp",), ("hk2s",))
    assert opencc_chain(CN, TW) == ("s2twp",)
    assert opencc_chain(TW, HK) == ("tw2t", "t2hk")
    assert opencc_chain(TW, parse_locale("zh-Hant-TW")) == ()


def test_opencc_mainland_to_taiwan_round_trip() -> None:
    engine = _engine("opencc")
    simplified = engine.translate([SOURCE], TW, CN)[0]
    assert (
        engine.translate([simplified], CN, TW)[0]
        == "軟體開發者使用滑鼠和記憶體，透過資訊網路下載程式。"
    )


def test_opencc_refuses_non_chinese() -> None:
    with pytest.raises(PermanentError) as caught:
        _engine("opencc").translate(["hello"], parse_locale("en"), CN)
    assert caught.value.reason == "language"


# -- pseudo -------------------------------------------------------------------------------
PLACEABLES = [
    "[3]",
    "`pip install x`",
    "https://example.com/a?b=1",
    "⟦0⟧",
    "<b>",
    "</b>",
    "{name}",
    "X1X",
    "%s",
    "dev@example.com",
    "&amp;",
]
TEXT = (
    "Read the guide [3] with `pip install x` at https://example.com/a?b=1 ⟦0⟧ "
    "<b>now</b> {name} X1X %s dev@example.com &amp; more"
)


def test_pseudo_en_xa_accents_brackets_expands_and_keeps_placeables() -> None:
    result = _engine("pseudo").translate([TEXT], parse_locale("en"), XA)[0]
    assert result.startswith("[") and result.endswith("]")
    for placeable in PLACEABLES:
        assert placeable in result
    assert "Ŕéàđ" in result and "ţĥé" in result and "Read" not in result
    assert len(result) > len(TEXT) + 2


def test_pseudo_expands_translatable_text_by_about_a_third() -> None:
    plain = "Machine translation makes articles readable in many languages at once."
    result = _engine("pseudo").translate([plain], parse_locale("en"), XA)[0]
    assert 1.3 <= len(result) / len(plain) <= 1.45


def test_pseudo_works_on_chinese_source_text() -> None:
    result = _engine("pseudo").translate(["  臺灣的 Gemma 模型 [2]。\n"], TW, XA)[0]
    assert result.startswith("  [臺灣的 Ĝéɱɱà 模型 [2]。") and result.endswith("]\n")


def test_pseudo_ar_xb_wraps_words_in_rtl_marks() -> None:
    result = _engine("pseudo").translate([TEXT], parse_locale("en"), XB)[0]
    assert f"{RLM}{RLO}Read{PDF}{RLM}" in result
    for placeable in PLACEABLES:
        assert placeable in result
    assert f"{RLO}[3]" not in result and f"{RLO}⟦0⟧" not in result


def test_pseudo_blank_text_is_returned_as_is() -> None:
    assert _engine("pseudo").translate(["  "], TW, XA) == ["  "]


# -- registry -----------------------------------------------------------------------------
def test_unknown_engine_lists_known_names() -> None:
    with pytest.raises(ConfigError) as caught:
        get_engine(EngineSettings(name="babelfish"))
    for name in ("google", "deepl", "opencc", "pseudo", "libre"):
        assert name in caught.value.message


def test_builtin_engines_are_all_constructible_offline() -> None:
    for name in (
        "google",
        "mymemory",
        "libre",
        "microsoft",
        "yandex",
        "papago",
        "baidu",
        "qcri",
        "deepl",
        "opencc",
        "pseudo",
    ):
        engine = get_engine(EngineSettings(name=name))
        assert engine.name == name and engine.max_chars > 0
    assert "memory" in known_engines()


def test_settings_resolve_against_engine_defaults() -> None:
    google = get_engine(EngineSettings(name="google"))
    assert google.rate_limit == 5.0 and google.timeout == 30.0
    own = get_engine(EngineSettings(name="google", url="http://127.0.0.1:1/", timeout=2.5))
    assert own.rate_limit is None and own.timeout == 2.5  # an own endpoint has no default limit
    assert "url=http://127.0.0.1:1/" in own.cache_options()
    assert get_engine(EngineSettings(name="libre", concurrency=16)).concurrency == 16


PLUGIN = """
from localize.engines.base import Engine

class Shout(Engine):
    name = "shout"
    def translate(self, texts, source, target):
        return [t.upper() for t in texts]
"""


def test_entry_point_engine_is_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "shout_engine.py").write_text(PLUGIN, encoding="utf-8")
    dist = tmp_path / "shout_engine-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: shout-engine\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[localize.engines]\nshout = shout_engine:Shout\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        engine = get_engine(EngineSettings(name="shout"))
        assert engine.translate(["abc"], TW, XA) == ["ABC"]
        assert "shout" in known_engines()
    finally:
        sys.modules.pop("shout_engine", None)


# -- splitting, whitespace, Retry-After ---------------------------------------------------
def test_split_to_fit_keeps_every_character_and_the_limit() -> None:
    text = "".join(f"第{i}句話很長很長。" for i in range(200))
    fits = url_fits(4900, 2000)
    pieces = split_to_fit(text, fits, "zh")
    assert "".join(pieces) == text and len(pieces) > 1 and all(fits(p) for p in pieces)


def test_a_sentence_without_breaks_is_still_cut_to_fit() -> None:
    text = "字" * 1000
    pieces = split_to_fit(text, url_fits(5000, 900), "zh")
    assert "".join(pieces) == text and all(len(p) <= 100 for p in pieces)


def test_translate_preserving_restores_whitespace_and_line_breaks() -> None:
    sent: list[str] = []

    def fake(piece: str) -> str:
        sent.append(piece)
        return piece.upper()

    result = translate_preserving(
        "\n  one two\n\n  three \t",
        fake,
        url_fits(100, 100),
        parse_locale("en"),
        parse_locale("de"),
    )
    assert result == "\n  ONE TWO\n\n  THREE \t"
    assert sent == ["one two", "three"]


def test_parse_retry_after() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("1.5") == 1.5
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    when = formatdate(time.time() + 20, usegmt=True)
    assert 18 <= (parse_retry_after(when) or 0) <= 21
    assert parse_retry_after(formatdate(time.time() - 100, usegmt=True)) == 0.0


@pytest.mark.parametrize(
    ("status", "kind", "reason"),
    [
        (429, "transient", None),
        (502, "transient", None),
        (408, "transient", None),
        (401, "permanent", "auth"),
        (403, "permanent", "auth"),
        (456, "permanent", "quota"),
        (413, "permanent", "length"),
        (414, "permanent", "length"),
        (404, "permanent", "other"),
    ],
)
def test_classify_http(status: int, kind: str, reason: str | None) -> None:
    error = classify_http("x", status, {"Retry-After": "2"}, "")
    assert type(error).__name__.lower().startswith(kind)
    assert error.status == status
    if reason:
        assert error.reason == reason  # type: ignore[union-attr]
    else:
        assert error.retry_after == 2.0  # type: ignore[union-attr]


def test_pseudo_keeps_numbers_whole_in_both_pseudo_locales() -> None:
    text = "需要 2.5 GB 記憶體，約 1,000.50 元，10:30 開始，版本 v2.5.1。"
    for target in (XA, XB):
        result = _engine("pseudo").translate([text], TW, target)[0]
        for number in ("2.5", "1,000.50", "10:30", "2.5.1"):
            assert number in result, (target.bcp47, number, result)
    bidi = _engine("pseudo").translate([text], TW, XB)[0]
    assert f"2{RLM}" not in bidi and f"{PDF}5" not in bidi


def test_pseudo_protects_tokens_and_urls_right_against_cjk() -> None:
    result = _engine("pseudo").translate(["ZX0Q ZX1Q上路，見 https://a.org/LICENSE-2.0"], TW, XB)[0]
    assert "ZX0Q ZX1Q" in result and "https://a.org/LICENSE-2.0" in result
    assert "ŽẊ" not in _engine("pseudo").translate(["ZX1Q上路"], TW, XA)[0]


def test_pseudo_expands_chinese_by_display_width_with_brackets() -> None:
    result = _engine("pseudo").translate(["開放模型上路。"], TW, XA)[0]
    inner, padding = result[1:-1].rsplit(" ", 1)
    assert result.startswith("[開放模型上路。") and result.endswith("]")
    assert len(padding) == math.ceil(2 * 7 * 0.35)  # seven wide characters take 14 columns


def test_pseudo_inner_undoes_the_wrapping() -> None:
    for target in (XA, XB):
        text = "  把模型放進手機[1]。很長的句子需要好幾個字的填充才能測試到空格。\n"
        wrapped = _engine("pseudo").translate([text], TW, target)[0]
        assert pseudo_inner(wrapped) == text
    assert pseudo_inner("not pseudo.") is None
    assert pseudo_inner("[3]") is None
