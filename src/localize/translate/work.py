"""Which PO entries of a locale go to an engine (SPEC sections 7 and 8).

Missing entries always; stale ones only with --refresh-stale; entries whose
last attempt failed only with --retry-failed. Reviewed and machine entries
are never touched, nor obsolete, plural or header entries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polib

from localize.catalog.pofile import po_bytes
from localize.catalog.state import entry_state
from localize.failures import FailureLog
from localize.fileio import write_all_if_changed
from localize.glossary import Glossary
from localize.locales import LocaleInfo
from localize.model import DocumentFormat
from localize.protect.masking import SafeTranslation
from localize.qa import blocking_problems, entry_format
from localize.qa.answers import answer_problems


@dataclass(frozen=True)
class Catalog:
    """One locale's PO file of one article, loaded."""

    slug: str
    path: Path
    po: polib.POFile


@dataclass(frozen=True)
class WorkItem:
    """One entry to translate; ``entry`` is the live polib object the result is written into."""

    catalog: int  # index into the locale's catalogs
    slug: str
    entry: polib.POEntry
    fmt: DocumentFormat  # from the entry's #: reference

    @property
    def msgid(self) -> str:
        return str(self.entry.msgid)


def by_slug(catalogs: list[Catalog]) -> dict[str, tuple[Path, polib.POFile]]:
    """The catalogs in the shape ``localize.catalog.tm`` takes, sharing the same parsed objects."""
    return {catalog.slug: (catalog.path, catalog.po) for catalog in catalogs}


def select_work(
    catalogs: list[Catalog], failures: FailureLog, refresh_stale: bool, retry_failed: bool
) -> tuple[list[WorkItem], int]:
    """Entries to send, in catalog order, and how many were skipped as failed before."""
    items: list[WorkItem] = []
    skipped_failed = 0
    for index, catalog in enumerate(catalogs):
        for entry in catalog.po:
            if entry.obsolete or not entry.msgid or entry.msgid_plural:
                continue
            state = entry_state(entry)
            if state == "missing":
                if failures.reason(catalog.slug, entry.msgid) is not None and not retry_failed:
                    skipped_failed += 1
                    continue
            elif not (state == "stale" and refresh_stale):
                continue
            items.append(WorkItem(index, catalog.slug, entry, entry_format(entry)))
    return items, skipped_failed


def save_catalogs(catalogs: list[Catalog], saved: list[tuple[Catalog, bytes]] | None = None) -> int:
    """Write every catalog that changed (each atomically, with one sync for all); the number written.

    ``saved`` collects each catalog with the bytes it now has on disk (serialised once).
    """
    serialised = [(catalog, po_bytes(catalog.po)) for catalog in catalogs]
    written = write_all_if_changed((catalog.path, data) for catalog, data in serialised)
    if saved is not None:
        saved.extend(serialised)
    return len(written)


class CallOnce:
    """A call made at most once (a group's save: when the next group's processes run, or
    before an error propagates, whichever comes first)."""

    def __init__(self, call: Callable[[], None] | None) -> None:
        self.call = call

    def __call__(self) -> None:
        call, self.call = self.call, None
        if call is not None:
            call()


def masked_translation(
    text: str,
    fmt: DocumentFormat,
    glossary: Glossary | None,
    source: LocaleInfo,
    target: LocaleInfo,
    engine: str = "",
    mask_terms: bool = True,
    extra: Callable[[str, str], tuple[str, ...]] | None = None,
) -> SafeTranslation:
    """The repair ladder for ``text``; every restored answer must pass QA's blocking checks
    and the answer checks every engine gets (echo, script, length), then ``extra`` (an
    engine's own, such as an LLM's notes). ``mask_terms=False`` leaves glossary terms in
    the text (the llm engine names them instead); they are verified all the same."""

    def verify(translation: str) -> tuple[str, ...]:
        return (
            blocking_problems(text, translation, fmt, glossary, target)
            or answer_problems(text, translation, fmt, glossary, source, target, engine)
            or (extra(text, translation) if extra is not None else ())
        )

    masking = glossary if mask_terms else None
    return SafeTranslation(text, fmt, masking, source, target, verify)
