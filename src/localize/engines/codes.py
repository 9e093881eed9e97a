"""Our own table from locales to each engine's language codes.

deep-translator's lists are stale (no ``zh-Hant`` for LibreTranslate, an
inverted Papago table, Microsoft's fetched over the network) and its
``source``/``target`` setters do not validate, so the engines set the codes
from here directly. An unsupported pair raises PermanentError before any
request is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from localize.engines.base import PermanentError
from localize.locales import LocaleInfo

_HANT_TERRITORIES = {"TW", "HK", "MO"}


def _codes(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


GOOGLE = _codes(
    "af ak am ar as ay az be bg bho bm bn bs ca ceb ckb co cs cy da de doi dv ee el en eo es et eu "
    "fa fi fr fy ga gd gl gn gom gu ha haw hi hmn hr ht hu hy id ig ilo is it iw ja jw ka kk km kn "
    "ko kri ku ky la lb lg ln lo lt lus lv mai mg mi mk ml mn mr ms mt my ne nl no nso ny om or pa "
    "pl ps pt qu ro ru rw sa sd si sk sl sm sn so sq sr st su sv sw ta te tg th ti tk tl tr ts tt ug "
    "uk ur uz vi xh yi yo zu"
)
LIBRE = _codes(
    "ar az bg bn ca cs da de el en eo es et eu fa fi fr ga gl he hi hu id it ja ko lt lv ms nb nl "
    "pl pt ro ru sk sl sq sr sv th tl tr uk ur vi"
)
MICROSOFT = _codes(
    "af am ar as az ba bg bn bo bs ca cs cy da de dv el en es et eu fa fi fil fj fo fr ga gl gu ha "
    "he hi hr ht hu hy id ig is it iu ja ka kk km kn ko ku ky lo lt lv lzh mg mi mk ml mn mr ms mt "
    "my nb ne nl or pa pl prs ps pt ro ru rw sk sl sm so sq sr sv sw ta te th ti tk tlh to tr tt ty "
    "ug uk ur uz vi xh yo yua yue zu"
)
YANDEX = _codes(
    "af am ar az ba be bg bn bs ca ceb cs cv cy da de el en eo es et eu fa fi fr ga gd gl gu he hi "
    "hr ht hu hy id is it ja jv ka kk km kn ko ky la lb lo lt lv mg mhr mi mk ml mn mr mrj ms mt my "
    "ne nl no pa pap pl pt ro ru si sk sl sq sr su sv sw ta te tg th tl tr tt udm uk ur uz vi xh "
    "yi zh zu"
)
PAPAGO = _codes("ko en ja es fr vi th id de ru it")
QCRI = frozenset({"ar", "en", "es"})
BAIDU = {
    "ar": "ara",
    "bg": "bul",
    "cs": "cs",
    "da": "dan",
    "de": "de",
    "el": "el",
    "en": "en",
    "es": "spa",
    "et": "est",
    "fi": "fin",
    "fr": "fra",
    "hu": "hu",
    "it": "it",
    "ja": "jp",
    "ko": "kor",
    "nl": "nl",
    "pl": "pl",
    "pt": "pt",
    "ro": "rom",
    "ru": "ru",
    "sl": "slo",
    "sv": "swe",
    "th": "th",
    "vi": "vie",
    "yue": "yue",
}
DEEPL = _codes(
    "ar bg cs da de el en es et fi fr he hu id it ja ko lt lv nb nl pl pt ro ru sk sl sv th tr "
    "uk vi zh"
)
_EN_US_TERRITORIES = {None, "US", "CA", "PR", "PH", "UM", "AS", "GU", "VI", "MP"}
_PT_BR_TERRITORIES = {None, "BR"}


def chinese_script(locale: LocaleInfo) -> str:
    """Hant or Hans for a Chinese locale: its script, else inferred from its territory."""
    if locale.script in ("Hant", "Hans"):
        return locale.script
    return "Hant" if locale.territory in _HANT_TERRITORIES else "Hans"


def _base(language: str) -> str:
    """Collapse macrolanguage spellings Babel may produce."""
    return {"nn": "nb", "no": "nb", "fil": "tl", "tw": "ak"}.get(language, language)


def _unsupported(engine: str, locale: LocaleInfo, role: str) -> PermanentError:
    return PermanentError(
        f"engine {engine!r} does not support {locale.bcp47} as {role} language",
        reason="language",
    )


def _google(locale: LocaleInfo, role: str, options: Mapping[str, object]) -> str | None:
    if locale.language == "zh":
        return "zh-TW" if chinese_script(locale) == "Hant" else "zh-CN"
    code = {"he": "iw", "jv": "jw", "nb": "no", "nn": "no", "fil": "tl"}.get(
        locale.language, locale.language
    )
    return code if code in GOOGLE else None


def _libre(locale: LocaleInfo, role: str, options: Mapping[str, object]) -> str | None:
    if locale.language == "zh":
        legacy = bool(options.get("legacy_chinese_codes"))
        if chinese_script(locale) == "Hant":
            return "zt" if legacy else "zh-Hant"
        return "zh" if legacy else "zh-Hans"
    code = _base(locale.language)
    return code if code in LIBRE else None


def _microsoft(locale: LocaleInfo, role: str, options: Mapping[str, object]) -> str | None:
    language, territory, script = locale.language, locale.territory, locale.script
    if language == "zh":
        return f"zh-{chinese_script(locale)}"
    if language == "sr":
        return "sr-Latn" if script == "Latn" else "sr-Cyrl"
    if language == "pt" and territory and territory != "BR":
        return "pt-pt"
    if language == "fr" and territory == "CA":
        return "fr-ca"
    code = "nb" if language in ("no", "nn") else language
    return code if code in MICROSOFT else None


def _mymemory(locale: LocaleInfo, role: str, options: Mapping[str, object]) -> str | None:
    if locale.language == "zh":
        return "zh-TW" if chinese_script(locale) == "Hant" else "zh-CN"
    if len(locale.language) > 3:
        return None
    if locale.territory and len(locale.territory) == 2:
        return f"{locale.language}-{locale.territory}"
    return locale.language


def _yandex(locale: LocaleInfo, role: str, options: Mapping[str, object]) -> str | None:
    if locale.language == "zh":
        # Yandex writes Simplified Chinese only; it reads either script.
        return "zh" if role == "source" or chinese_script(locale) == "Hans" else None
    code = "no" if locale.language in ("nb", "nn") else locale.language
    return code if code in YANDEX else None


def _papago(locale: LocaleInfo, role: str, options: Mapping[str, object]) -> str | None:
    if locale.language == "zh":
        return "zh-TW" if chinese_script(locale) == "Hant" else "zh-CN"
    return locale.language if locale.language in PAPAGO else None


def _baidu(locale: LocaleInfo, role: str, options: Mapping[str, object]) -> str | None:
    if locale.language == "zh":
        return "cht" if chinese_script(locale) == "Hant" else "zh"
    return BAIDU.get(locale.language)


def _qcri(locale: LocaleInfo, role: str, options: Mapping[str, object]) -> str | None:
    return locale.language if locale.language in QCRI else None


def _deepl(locale: LocaleInfo, role: str, options: Mapping[str, object]) -> str | None:
    language = _base(locale.language)
    if language not in DEEPL:
        return None
    if role == "source":
        return language.upper()
    if language == "zh":
        return f"ZH-{chinese_script(locale).upper()}"
    if language == "en":
        return "EN-US" if locale.territory in _EN_US_TERRITORIES else "EN-GB"
    if language == "pt":
        return "PT-BR" if locale.territory in _PT_BR_TERRITORIES else "PT-PT"
    return language.upper()


def _opencc(locale: LocaleInfo, role: str, options: Mapping[str, object]) -> str | None:
    """Script plus region: Hant-TW, Hant-HK, Hant (generic), Hans."""
    if locale.language != "zh":
        return None
    script = chinese_script(locale)
    if script == "Hans":
        return "Hans"
    if locale.territory in ("HK", "MO"):
        return "Hant-HK"
    return "Hant-TW" if locale.territory == "TW" else "Hant"


def _pseudo(locale: LocaleInfo, role: str, options: Mapping[str, object]) -> str | None:
    return locale.bcp47


def _llm(locale: LocaleInfo, role: str, options: Mapping[str, object]) -> str | None:
    """Chat models read any BCP 47 tag; TranslateGemma's template wants language-region."""
    if options.get("prompt_style") == "translategemma":
        return locale.og_locale.replace("_", "-")
    return locale.bcp47


_TABLE: dict[str, Callable[[LocaleInfo, str, Mapping[str, object]], str | None]] = {
    "google": _google,
    "libre": _libre,
    "microsoft": _microsoft,
    "mymemory": _mymemory,
    "yandex": _yandex,
    "papago": _papago,
    "baidu": _baidu,
    "qcri": _qcri,
    "deepl": _deepl,
    "llm": _llm,
    "opencc": _opencc,
    "pseudo": _pseudo,
}


def engine_code(
    engine_name: str,
    locale: LocaleInfo,
    role: str,
    options: Mapping[str, object] | None = None,
) -> str:
    """The code ``engine_name`` uses for ``locale`` as "source" or "target"; PermanentError if none."""
    if role not in ("source", "target"):
        raise ValueError(f"role must be 'source' or 'target', not {role!r}")
    mapper = _TABLE.get(engine_name)
    if mapper is None:
        raise PermanentError(f"no language table for engine {engine_name!r}", reason="config")
    code = mapper(locale, role, options or {})
    if code is None:
        raise _unsupported(engine_name, locale, role)
    return code


def known_table_engines() -> tuple[str, ...]:
    return tuple(_TABLE)
