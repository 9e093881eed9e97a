"""The glossary's data: approved terms and the matches found in a text.

Target and forbidden renderings are keyed by POSIX locale as the glossary
file spelled it (``en``, ``zh_Hans``, ``ja_JP``); lookups for a project locale
fall back from the full locale to language+script, to language, and finally to
any entry of the same language and script, so a column ``zh-CN`` still serves a
``zh-Hans`` target.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar

from localize.errors import LocaleError
from localize.locales import LocaleInfo, parse_locale

_V = TypeVar("_V")


def _empty() -> Mapping:
    return MappingProxyType({})


def lookup_locale(mapping: Mapping[str, _V], locale: LocaleInfo) -> _V | None:
    """The value for ``locale``: posix, then lang_Script, then lang, then same language+script."""
    keys = [locale.posix]
    if locale.script:
        keys.append(f"{locale.language}_{locale.script}")
    keys.append(locale.language)
    for key in keys:
        if key in mapping:
            return mapping[key]
    for key in sorted(mapping):
        try:
            other = parse_locale(key)
        except LocaleError:
            continue
        if other.language == locale.language and other.script == locale.script:
            return mapping[key]
    return None


@dataclass(frozen=True)
class Term:
    """One source term with its approved and forbidden renderings per locale.

    ``keep`` (do-not-translate) holds when the glossary says ``translate=no`` or
    when every target given equals the source; a kept term renders as its source
    in every locale, listed or not.
    """

    source: str
    targets: Mapping[str, str] = field(default_factory=_empty)
    forbidden: Mapping[str, tuple[str, ...]] = field(default_factory=_empty)
    keep: bool = False
    case_sensitive: bool = False
    note: str = ""
    origin: str = ""

    def __post_init__(self) -> None:
        # read-only views even when a caller passes plain dicts
        if not isinstance(self.targets, MappingProxyType):
            object.__setattr__(self, "targets", MappingProxyType(dict(self.targets)))
        if not isinstance(self.forbidden, MappingProxyType):
            frozen = {k: tuple(v) for k, v in self.forbidden.items()}
            object.__setattr__(self, "forbidden", MappingProxyType(frozen))

    def __hash__(self) -> int:
        return hash((self.source, self.keep, self.case_sensitive, self.origin))

    def __reduce__(self) -> tuple:
        """Picklable (mappingproxy is not): worker processes and caches may copy terms."""
        return (
            Term,
            (
                self.source,
                dict(self.targets),
                dict(self.forbidden),
                self.keep,
                self.case_sensitive,
                self.note,
                self.origin,
            ),
        )

    def target_for(self, locale: LocaleInfo) -> str | None:
        """The rendering to use in ``locale``; the source itself for a kept term."""
        if self.keep:
            return self.source
        return lookup_locale(self.targets, locale)

    def forbidden_for(self, locale: LocaleInfo) -> tuple[str, ...]:
        """Renderings the glossary marks deprecated for ``locale``."""
        return lookup_locale(self.forbidden, locale) or ()


@dataclass(frozen=True, slots=True)
class TermMatch:
    """A glossary term found in a text; offsets index the ORIGINAL (unnormalised) text."""

    term: Term
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class TermRecord:
    """One row or entry as a glossary file states it, before files are merged."""

    source: str
    targets: Mapping[str, str]
    forbidden: Mapping[str, tuple[str, ...]]
    translate: bool | None  # explicit translate=yes/no, None when the file does not say
    case_sensitive: bool
    note: str
    file: str
    line: int

    @property
    def origin(self) -> str:
        return f"{self.file}:{self.line}"


def is_source_locale(candidate: LocaleInfo, source: LocaleInfo) -> bool:
    """A glossary language section is the source when language and script agree.

    ``zh-TW`` and ``zh-Hant`` both stand for a ``zh_Hant_TW`` project source;
    ``zh-Hans`` does not.
    """
    return candidate.language == source.language and candidate.script == source.script
