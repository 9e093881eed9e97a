"""Locales: every common spelling normalises to one LocaleInfo with the forms SPEC section 4 names."""

from __future__ import annotations

import pytest

from localize.errors import LocaleError
from localize.locales import parse_locale


@pytest.mark.parametrize("code", ["zh-Hant-TW", "zh_TW", "zh-tw", "zh_Hant_TW", "ZH-hant-tw"])
def test_traditional_chinese_spellings_normalise_to_one_locale(code: str) -> None:
    locale = parse_locale(code)
    assert locale.posix == "zh_Hant_TW"
    assert locale.bcp47 == "zh-Hant-TW"
    assert locale.hreflang == "zh-TW"
    assert locale.og_locale == "zh_TW"
    assert locale.url_tag == "zh-hant-tw"


@pytest.mark.parametrize(
    ("code", "posix", "bcp47", "hreflang", "og"),
    [
        ("en", "en", "en", "en", "en_US"),
        ("ja", "ja", "ja", "ja", "ja_JP"),
        ("pt-BR", "pt_BR", "pt-BR", "pt-BR", "pt_BR"),
        ("sr-Latn", "sr_Latn", "sr-Latn", "sr-Latn", "sr_RS"),
        ("zh-Hans-CN", "zh_Hans_CN", "zh-Hans-CN", "zh-CN", "zh_CN"),
        ("zh-Hant", "zh_Hant", "zh-Hant", "zh-Hant", "zh_TW"),
    ],
)
def test_forms(code: str, posix: str, bcp47: str, hreflang: str, og: str) -> None:
    locale = parse_locale(code)
    assert (locale.posix, locale.bcp47, locale.hreflang, locale.og_locale) == (posix, bcp47, hreflang, og)


def test_direction_and_names_come_from_babel() -> None:
    arabic = parse_locale("ar")
    assert arabic.direction == "rtl"
    assert parse_locale("ja").display_name == "日本語"
    assert parse_locale("ja").english_name == "Japanese"
    assert parse_locale("zh-Hant-TW").display_name.startswith("中文")


def test_locale_data_is_read_only_when_a_name_direction_or_plural_rule_is_asked(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``status`` and a run that changes nothing parse every configured locale and need none
    of CLDR's per-locale data: loading it is most of what parsing six locales cost."""
    import babel.localedata

    from localize import locales

    loaded: list[str] = []
    real_load = babel.localedata.load
    monkeypatch.setattr(babel.localedata, "load", lambda name, *a, **k: loaded.append(name) or real_load(name, *a, **k))
    locales.parse_locale.cache_clear()
    locales._cldr_facts.cache_clear()
    korean = parse_locale("ko-KR")
    assert (korean.posix, korean.hreflang) == ("ko_KR", "ko-KR")
    assert loaded == []
    assert korean.direction == "ltr"
    assert "ko_KR" in loaded
    assert korean.display_name == "한국어 (대한민국)"
    locales.parse_locale.cache_clear()


def test_plural_forms_header_from_babel() -> None:
    assert parse_locale("ja").plural_forms == "nplurals=1; plural=0;"
    assert parse_locale("en").plural_forms.startswith("nplurals=2;")


@pytest.mark.parametrize(
    ("code", "posix", "base_direction", "name"),
    [
        ("en-XA", "en_XA", "ltr", "English (pseudo-accented)"),
        ("en_XA", "en_XA", "ltr", "English (pseudo-accented)"),
        ("ar-XB", "ar_XB", "rtl", "Arabic (pseudo-bidi)"),
    ],
)
def test_pseudo_locales(code: str, posix: str, base_direction: str, name: str) -> None:
    locale = parse_locale(code)
    assert locale.is_pseudo
    assert locale.posix == posix
    assert locale.direction == base_direction
    assert locale.display_name == name
    assert locale.plural_forms == parse_locale(posix.split("_")[0]).plural_forms


def test_unknown_locale_suggests_close_ones() -> None:
    with pytest.raises(LocaleError) as err:
        parse_locale("zh_TWW")
    assert "zh-Hant-TW" in str(err.value)


@pytest.mark.parametrize("code", ["", "x", "en/../../etc", "en US", "12-34"])
def test_malformed_codes_are_rejected(code: str) -> None:
    with pytest.raises(LocaleError):
        parse_locale(code)


def test_spacing_languages() -> None:
    assert not parse_locale("ja").uses_spaces
    assert not parse_locale("zh-Hans-CN").uses_spaces
    assert parse_locale("de").uses_spaces
