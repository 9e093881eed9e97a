"""Facts about catalogs kept by their bytes, so a run parses only the catalogs that changed.

A memo is a cache in one JSON file under ``.localize/``: per catalog (project-relative
path) the digest of the bytes the facts were taken from, and the facts. A missing,
unreadable or other-version file just means working them out again; a digest that does
not match the catalog's bytes now is never used. Only entries looked up or added this
run are kept, so deleted catalogs drop out.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import orjson

from localize import __version__
from localize.fileio import json_bytes, read_cache, write_cache, write_if_changed


class DigestMemo:
    """relative path -> (digest, facts), read from and written back to ``path``."""

    def __init__(self, path: Path, kind: str):
        self.path = path
        self.version = f"{__version__}/{kind}"  # facts of another release or shape are not reused
        self.known: dict[str, list[Any]] = read_cache(path, self.version) or {}
        self.used: dict[str, list[Any]] = {}

    def get(self, relative: str, digest: str) -> Any | None:
        """The facts kept for ``relative`` when they were taken from bytes with ``digest``."""
        known = self.known.get(relative)
        if isinstance(known, list) and len(known) == 2 and known[0] == digest:
            self.used[relative] = known
            return known[1]
        return None

    def put(self, relative: str, digest: str, facts: Any) -> None:
        self.used[relative] = [digest, facts]

    def save(self) -> None:
        """Write what this run used, if it differs; never an error (a read-only checkout still runs)."""
        write_cache(self.path, self.version, self.used)


class FactsLog:
    """relative path -> (digest, facts) as JSON lines appended to one file; a path's last line wins.

    For facts as large as the catalogs' own text (the translation memory's pairs): a stage
    that changed a few catalogs appends their lines instead of reading and rewriting the
    whole memo. Lines of another release or kind, and a line a killed process left torn,
    are skipped (a cache miss). ``compact`` rewrites the file when it is mostly dead lines.
    """

    def __init__(self, path: Path, kind: str):
        self.path = path
        self.version = f"{__version__}/{kind}"

    def load(self) -> tuple[dict[str, tuple[str, Any]], int]:
        """(the live record of each path, how many lines the file holds)."""
        records: dict[str, tuple[str, Any]] = {}
        lines = 0
        with contextlib.suppress(OSError), open(self.path, "rb") as handle:
            for line in handle:
                lines += 1
                with contextlib.suppress(ValueError):  # orjson: thousands of lines, each a call
                    record = orjson.loads(line)
                    if isinstance(record, list) and len(record) == 4 and record[0] == self.version:
                        records[str(record[1])] = (str(record[2]), record[3])
        return records, lines

    def append(self, records: list[tuple[str, str, Any]]) -> None:
        """Add (relative, digest, facts) lines in one write; nothing when there is no state directory."""
        if not records or not self.path.parent.is_dir():
            return
        data = b"".join(self._line(*record) for record in records)
        with contextlib.suppress(OSError), open(self.path, "ab") as handle:
            handle.write(data)

    def compact(self, records: dict[str, tuple[str, Any]]) -> None:
        """Replace the file by exactly ``records`` (atomically; a cache, so not synced)."""
        if not self.path.parent.is_dir():
            return
        data = b"".join(self._line(relative, digest, facts) for relative, (digest, facts) in sorted(records.items()))
        with contextlib.suppress(OSError):
            write_if_changed(self.path, data, durable=False)

    def _line(self, relative: str, digest: str, facts: Any) -> bytes:
        return json_bytes([self.version, relative, digest, facts]) + b"\n"
