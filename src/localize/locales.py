"""Locales: any common spelling in, every form the pipeline needs out.

Babel does the parsing and carries the data. The two pseudo-locales of SPEC
section 4 (``en-XA``, ``ar-XB``) are not in CLDR, so they are defined here on
top of ``en`` and ``ar``.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from babel import Locale, UnknownLocaleError
from babel.core import get_global, localedata
from babel.messages.plurals import get_plural

from localize.errors import LocaleError

_PSEUDO = {
    "en_XA": ("en", "English (pseudo-accented)", "ltr"),
    "ar_XB": ("ar", "Arabic (pseudo-bidi)", "rtl"),
}
_CODE = re.compile(r"^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*$")


class _CLDRFacts(NamedTuple):
    og_locale: str
    direction: str
    display_name: str
    english_name: str
    plural_forms: str


class _FromCLDR:
    """A ``LocaleInfo`` attribute from CLDR's data of its locale, read on first use."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, locale: LocaleInfo, owner: type | None = None) -> str:
        return getattr(_cldr_facts(locale.posix), self.name)


@dataclass(frozen=True)
class LocaleInfo:
    """One locale in every spelling the pipeline writes.

    What comes from CLDR's locale data (direction, names, plural forms, the Open Graph
    locale) is read on first use: loading that data took about 25 ms for the sample's six
    locales, and ``status``, ``check`` or a run that changes nothing never needs it.
    """

    posix: str  # directory names and PO Language: zh_Hant_TW
    bcp47: str  # lang attributes: zh-Hant-TW
    language: str
    script: str | None
    territory: str | None
    hreflang: str  # zh-TW, zh-Hant or zh
    is_pseudo: bool = False

    og_locale = _FromCLDR()  # zh_TW, en_US: the territory filled in from likely subtags
    direction = _FromCLDR()  # "ltr" or "rtl"
    display_name = _FromCLDR()  # in its own language
    english_name = _FromCLDR()
    plural_forms = _FromCLDR()  # the PO header's Plural-Forms value

    @property
    def url_tag(self) -> str:
        """``{locale}`` in URL patterns: the BCP 47 tag in lower case."""
        return self.bcp47.lower()

    @property
    def uses_spaces(self) -> bool:
        """Whether sentences of this language are separated by spaces (not zh, ja, th...)."""
        return self.language not in {"zh", "ja", "th", "lo", "km", "my", "bo"}

    def __str__(self) -> str:
        return self.bcp47


def _normalise(code: str) -> str:
    return code.strip().replace("-", "_")


@lru_cache(maxsize=512)
def parse_locale(code: str) -> LocaleInfo:
    """Parse ``zh-Hant-TW``, ``zh_TW``, ``zh-tw``, ``pt-BR``, ``en-XA``... into a LocaleInfo.

    Raises LocaleError naming the closest known locales when the code is unknown.
    """
    raw = _normalise(code)
    if not raw or not _CODE.match(raw):
        raise LocaleError(f"malformed locale code {code!r}{_suggest(raw)}")
    parts = raw.split("_")
    pseudo_key = f"{parts[0].lower()}_{parts[-1].upper()}" if len(parts) == 2 else ""
    if pseudo_key in _PSEUDO:
        return _pseudo(pseudo_key)
    try:
        locale = Locale.parse(raw)
    except (UnknownLocaleError, ValueError) as exc:
        raise LocaleError(f"unknown locale {code!r}{_suggest(raw)}") from exc
    if locale.variant or locale.modifier:
        raise LocaleError(f"locale variants are not supported: {code!r}")
    return _from_babel(locale)


def _from_babel(locale: Locale) -> LocaleInfo:
    language, script, territory = locale.language, locale.script, locale.territory
    if territory:
        hreflang = f"{language}-{territory}"
    elif script:
        hreflang = f"{language}-{script}"
    else:
        hreflang = language
    return LocaleInfo(
        posix="_".join(p for p in (language, script, territory) if p),
        bcp47="-".join(p for p in (language, script, territory) if p),
        language=language,
        script=script,
        territory=territory,
        hreflang=hreflang,
    )


@lru_cache(maxsize=512)
def _cldr_facts(posix: str) -> _CLDRFacts:
    if posix in _PSEUDO:
        base, name, direction = _PSEUDO[posix]
        return _CLDRFacts(posix, direction, name, name, str(get_plural(base)))
    locale = Locale.parse(posix)
    bcp47 = posix.replace("_", "-")
    return _CLDRFacts(
        og_locale=_og_locale(locale.language, locale.script, locale.territory),
        direction=locale.text_direction,
        display_name=locale.get_display_name(locale) or bcp47,
        english_name=locale.english_name or bcp47,
        plural_forms=str(get_plural(posix)),
    )


def _og_locale(language: str, script: str | None, territory: str | None) -> str:
    if not territory:
        likely = get_global("likely_subtags")
        key = f"{language}_{script}" if script else language
        expanded = likely.get(key) or likely.get(language) or ""
        territory = expanded.split("_")[-1] if expanded.count("_") >= 1 else None
    return f"{language}_{territory}" if territory else language


def _pseudo(posix: str) -> LocaleInfo:
    language, region = posix.split("_")
    return LocaleInfo(
        posix=posix,
        bcp47=f"{language}-{region}",
        language=language,
        script=None,
        territory=region,
        hreflang=f"{language}-{region}",
        is_pseudo=True,
    )


@lru_cache(maxsize=1)
def _known_codes() -> tuple[str, ...]:
    return tuple(sorted(set(localedata.locale_identifiers()) | set(_PSEUDO)))


def _suggest(raw: str) -> str:
    known = _known_codes()
    lowered = {k.lower(): k for k in known}
    close = difflib.get_close_matches(raw.lower(), list(lowered), n=3, cutoff=0.6)
    if not close:
        return ""
    names = ", ".join(lowered[c].replace("_", "-") for c in close)
    return f"; did you mean {names}?"

