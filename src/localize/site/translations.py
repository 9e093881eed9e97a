"""Which text each segment shows on a locale's page, under SPEC's publishing rules.

A segment shows the locale's own publishable translation, else the first
publishable one along ``fallbacks``, else the source text. A translation that
fails a QA error check (a lost citation or term, mask residue, markup its
source does not have: SPEC section 6) is never used, so ``run`` can build
while ``check`` reports errors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from localize.catalog.parsed import read_shared
from localize.catalog.state import entry_state
from localize.glossary import Glossary
from localize.locales import LocaleInfo
from localize.model import PLAIN_TEXT_KINDS, DocumentFormat, Segment
from localize.site.manifest import Completion

#: (source text, translation, locale posix, flags): what a safety verdict depends on within one article
SafetyKey = tuple[str, str, str, frozenset[str]]
#: The QA check that reports markup a page must not show (``protect.placeables.markup_problems``).
UNSAFE_MARKUP = "unsafe-markup"
PUBLISHABLE = {"reviewed": frozenset({"reviewed"}), "machine": frozenset({"reviewed", "machine"})}


@dataclass(frozen=True)
class CatalogText:
    """One locale's usable entries for one article: msgid -> (translation, state, flags)."""

    locale: LocaleInfo
    entries: Mapping[str, tuple[str, str, frozenset[str]]]

    @classmethod
    def empty(cls, locale: LocaleInfo) -> CatalogText:
        return cls(locale, MappingProxyType({}))


def load_catalog(path: Path, locale: LocaleInfo) -> CatalogText:
    """Live entries of a PO file with a translation that is reviewed or machine (stale never).

    The catalog is only read: the parse an earlier stage of the run kept serves while the
    file's bytes are unchanged."""
    if not path.is_file():
        return CatalogText.empty(locale)
    po = read_shared(path)
    entries: dict[str, tuple[str, str, frozenset[str]]] = {}
    for entry in po:
        if entry.obsolete or entry.msgid_plural:
            continue
        state = entry_state(entry)
        if state in ("reviewed", "machine") and entry.msgid not in entries:
            entries[entry.msgid] = (entry.msgstr, state, frozenset(entry.flags))
    return CatalogText(locale, MappingProxyType(entries))


@dataclass(frozen=True)
class Choice:
    """The text a segment shows: ``locale`` None means the source text."""

    text: str
    locale: LocaleInfo | None
    machine: bool


class SegmentChooser:
    """Picks each segment's text for one page; remembers the safety verdicts it computed."""

    def __init__(self, fmt: DocumentFormat, chain: Sequence[CatalogText], publish: str,
                 own_publish: str, glossary: Glossary | None = None,
                 qa_ignore: frozenset[str] = frozenset(),
                 verdicts: dict[SafetyKey, bool] | None = None) -> None:
        self.fmt = fmt
        self.chain = tuple(chain)
        self.publish = publish
        self.own_publish = own_publish
        self.glossary = glossary
        self.qa_ignore = qa_ignore
        # shared by every chooser of one article (same format, glossary and qa_ignore), so
        # planning and each page's rendering check a translation once
        self._safe: dict[SafetyKey, bool] = verdicts if verdicts is not None else {}

    def usable(self, segment: Segment, catalog: CatalogText,
               publish: str) -> tuple[str, str, frozenset[str]] | None:
        found = catalog.entries.get(segment.text)
        if found is None or found[1] not in PUBLISHABLE[publish]:
            return None
        if not self.is_safe(segment, found[0], catalog.locale, found[2]):
            return None
        return found

    def is_safe(self, segment: Segment, translation: str, locale: LocaleInfo,
                flags: frozenset[str] = frozenset()) -> bool:
        """Safe markup (plain-text kinds are always escaped) and no QA error."""
        key = (segment.text, translation, locale.posix, flags)
        if key not in self._safe:
            from localize.qa import check_translation, waived_checks

            # QA's unsafe-markup check is exactly protect's markup check; the unwaived answer
            # comes from the QA memo (a waiver may hide it from QA, never from the page)
            unwaived = check_translation(segment.text, translation, self.fmt, locale, self.glossary)
            safe = segment.kind in PLAIN_TEXT_KINDS or all(check != UNSAFE_MARKUP for _, check, _ in unwaived)
            waived = waived_checks(flags, self.qa_ignore)
            self._safe[key] = safe and not any(severity == "error" and check not in waived
                                               for severity, check, _ in unwaived)
        return self._safe[key]

    def choose(self, segment: Segment) -> Choice:
        for position, catalog in enumerate(self.chain):
            publish = self.own_publish if position == 0 else self.publish
            found = self.usable(segment, catalog, publish)
            if found is not None:
                return Choice(found[0], catalog.locale, found[1] == "machine")
        return Choice(segment.text, None, False)

    def completion(self, segments: Sequence[Segment]) -> tuple[Completion, int]:
        """Catalog states of the distinct msgids, and how many the page can publish itself."""
        own = self.chain[0]
        seen: dict[str, Segment] = {}
        for segment in segments:
            seen.setdefault(segment.text, segment)
        reviewed = machine = publishable = 0
        for msgid, segment in seen.items():
            found = own.entries.get(msgid)
            if found is None:
                continue
            reviewed += found[1] == "reviewed"
            machine += found[1] == "machine"
            publishable += self.usable(segment, own, self.own_publish) is not None
        total = len(seen)
        return Completion(total, reviewed, machine, total - reviewed - machine), publishable


def qualifies(publishable: int, total: int, min_completion: float) -> bool:
    """SPEC: share of publishable segments >= min_completion, and at least one translated."""
    return publishable >= 1 and total > 0 and publishable >= min_completion * total - 1e-9
