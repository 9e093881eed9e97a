"""Entries whose last translation attempt failed, kept in ``.localize/`` (SPEC section 8).

A failed entry stays empty in its PO file; the reason lives here until a
translation is written, so ``translate``, ``status`` and ``check`` can all report it.
"""

from __future__ import annotations

import json
from pathlib import Path

from localize.fileio import write_if_changed
from localize.locales import LocaleInfo


class FailureLog:
    """Reasons by slug and msgid for one locale, in ``.localize/failures/<posix>.json``."""

    def __init__(self, path: Path, records: dict[str, dict[str, str]] | None = None):
        self.path = path
        self.records: dict[str, dict[str, str]] = records or {}

    @classmethod
    def load(cls, state_dir: Path, locale: LocaleInfo) -> FailureLog:
        path = state_dir / "failures" / f"{locale.posix}.json"
        try:
            records = json.loads(path.read_text("utf-8"))
        except (FileNotFoundError, ValueError):
            records = {}
        return cls(path, records if isinstance(records, dict) else {})

    def record(self, slug: str, msgid: str, reason: str) -> None:
        self.records.setdefault(slug, {})[msgid] = reason

    def clear(self, slug: str, msgid: str) -> None:
        entries = self.records.get(slug)
        if entries and msgid in entries:
            del entries[msgid]
            if not entries:
                del self.records[slug]

    def reason(self, slug: str, msgid: str) -> str | None:
        return self.records.get(slug, {}).get(msgid)

    def for_slug(self, slug: str) -> dict[str, str]:
        return dict(self.records.get(slug, {}))

    def save(self) -> None:
        data = json.dumps(self.records, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        if self.records or self.path.exists():
            write_if_changed(self.path, data.encode("utf-8"))
