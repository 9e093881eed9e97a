"""The glossary's data: approved terms and the matches found in a text.

Target and forbidden renderings are keyed by POSIX locale as the glossary
file spelled it (``en``, ``zh_Hans``, ``ja_JP``); lookups for a project locale
fall back from the full locale to language+script, to language, and finally to
any entry of the same language and script, so a column ``zh-CN`` still serves a
``zh-Hans`` target.

A locale may have several accepted renderings (a CSV cell ``更新|重新整理``, or
TBX preferred and admitted terms): the first is *the* target engines and
masking use; QA accepts any of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar

from localize.errors import LocaleError
from localize.locales import LocaleInfo, parse_locale

_V = TypeVar("_V")


def _empty() -> Mapping:
    return MappingProxyType({})


Warn = Callable[[str, int | None, str], None]
"""How readers report what they skipped or kept as a note: (file, line, message)."""


def locale_key(mapping: Mapping[str, object], locale: LocaleInfo) -> str | None:
    """The key serving ``locale``: posix, then lang_Script, then lang, then same language+script."""
    keys = [locale.posix]
    if locale.script:
        keys.append(f"{locale.language}_{locale.script}")
    keys.append(locale.language)
    for key in keys:
        if key in mapping:
            return key
    for key in sorted(mapping):
        try:
            other = parse_locale(key)
        except LocaleError:
            continue
        if other.language == locale.language and other.script == locale.script:
            return key
    return None


def lookup_locale(mapping: Mapping[str, _V], locale: LocaleInfo) -> _V | None:
    """The value for ``locale`` (see locale_key), None when no key serves it."""
    key = locale_key(mapping, locale)
    return None if key is None else mapping[key]


@dataclass(frozen=True)
class Term:
    """One source term with its approved and forbidden renderings per locale.

    ``keep`` (do-not-translate) holds when the glossary says ``translate=no`` or
    when every target given equals the source; a kept term renders as its source
    in every locale, listed or not. ``targets`` holds the one rendering engines
    use; ``alternatives`` the other renderings QA accepts as equally valid.
    """

    source: str
    targets: Mapping[str, str] = field(default_factory=_empty)
    forbidden: Mapping[str, tuple[str, ...]] = field(default_factory=_empty)
    keep: bool = False
    case_sensitive: bool = False
    note: str = ""
    origin: str = ""
    alternatives: Mapping[str, tuple[str, ...]] = field(default_factory=_empty)

    def __post_init__(self) -> None:
        # read-only views even when a caller passes plain dicts
        if not isinstance(self.targets, MappingProxyType):
            object.__setattr__(self, "targets", MappingProxyType(dict(self.targets)))
        for name in ("forbidden", "alternatives"):
            value = getattr(self, name)
            if not isinstance(value, MappingProxyType):
                frozen = {k: tuple(v) for k, v in value.items()}
                object.__setattr__(self, name, MappingProxyType(frozen))

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
                dict(self.alternatives),
            ),
        )

    def target_for(self, locale: LocaleInfo) -> str | None:
        """The rendering to use in ``locale``; the source itself for a kept term."""
        if self.keep:
            return self.source
        return lookup_locale(self.targets, locale)

    def targets_for(self, locale: LocaleInfo) -> tuple[str, ...]:
        """Every accepted rendering in ``locale``, the one engines use first; () if none."""
        if self.keep:
            return (self.source,)
        key = locale_key(self.targets, locale)
        if key is None:
            return ()
        return (self.targets[key], *self.alternatives.get(key, ()))

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
    targets: Mapping[str, tuple[str, ...]]  # accepted renderings, the one to use first
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
