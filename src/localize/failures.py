"""Entries whose last translation attempt failed, kept in ``.localize/`` (SPEC section 8).

A failed entry stays empty in its PO file; the reason lives here until a
translation is written, so ``translate``, ``status`` and ``check`` can all report it.
"""

from __future__ import annotations

import json
from pathlib import Path

from localize.errors import InputError
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
        except FileNotFoundError:
            return cls(path, {})
        except (ValueError, UnicodeDecodeError) as exc:
            line = getattr(exc, "lineno", None)
            raise InputError(f"unreadable failure log ({exc}); fix or delete it", path, line) from exc
        if not isinstance(records, dict) or not all(isinstance(v, dict) for v in records.values()):
            raise InputError("failure log is not a mapping of slug to {msgid: reason}", path)
        return cls(path, records)

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
