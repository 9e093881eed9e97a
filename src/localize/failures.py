"""Entries whose last translation attempt failed (SPEC sections 8 and 11).

A failed entry stays empty in its PO file; the reason lives in the store until
a translation is written, so ``translate``, ``status`` and ``check`` can all
report it. With the default store the records are ``.localize/failures/<posix>.json``;
with ``[store] url`` they are rows in PostgreSQL, shared by every shard. A log
remembers what this run changed, and ``save`` applies only those changes, so
processes writing records of different articles never undo each other's.
"""

from __future__ import annotations

from pathlib import Path

from localize.locales import LocaleInfo
from localize.store import Store
from localize.store.local import LocalStore


class FailureLog:
    """Reasons by slug and msgid for one locale."""

    def __init__(self, store: Store, locale: LocaleInfo, records: dict[str, dict[str, str]]):
        self.store = store
        self.locale = locale
        self.records = records
        self._changes: dict[tuple[str, str], str | None] = {}

    @classmethod
    def load(cls, where: Store | Path, locale: LocaleInfo) -> FailureLog:
        """The records of ``locale`` from a store, or from the local store in a state directory."""
        store = where if isinstance(where, Store) else LocalStore(Path(where))
        return cls(store, locale, store.failures(locale.posix))

    @property
    def path(self) -> Path | None:
        """The JSON file of the local store (None for a database)."""
        return self.store.failure_path(self.locale.posix) if isinstance(self.store, LocalStore) else None

    def record(self, slug: str, msgid: str, reason: str) -> None:
        self.records.setdefault(slug, {})[msgid] = reason
        self._changes[(slug, msgid)] = reason

    def clear(self, slug: str, msgid: str) -> None:
        entries = self.records.get(slug)
        if entries and msgid in entries:
            del entries[msgid]
            if not entries:
                del self.records[slug]
            self._changes[(slug, msgid)] = None

    def reason(self, slug: str, msgid: str) -> str | None:
        return self.records.get(slug, {}).get(msgid)

    def for_slug(self, slug: str) -> dict[str, str]:
        return dict(self.records.get(slug, {}))

    def save(self) -> None:
        """Apply this run's changes to the store (merged with what others wrote meanwhile)."""
        if self._changes:
            self.store.update_failures(self.locale.posix, self._changes)
            self._changes = {}
