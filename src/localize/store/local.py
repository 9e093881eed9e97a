"""The default store: SQLite and JSON under ``.localize/`` (one machine, any number of processes).

Answers live in ``cache.sqlite`` (WAL mode; one connection shared by the worker
threads behind a lock, so in-process writers queue on the lock instead of
sleeping in SQLite's busy handler; each write its own short transaction, so an
interrupted run keeps every answer it got). Failure records stay readable JSON
files, ``failures/<posix>.json``, updated under a file lock by re-reading and
applying only this run's changes, so shards sharing a checkout never undo each
other's records. In-flight locks are POSIX record locks on one byte each of
``inflight.lock``: the kernel drops them when the process dies.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from localize.errors import InputError
from localize.fileio import write_if_changed
from localize.store.base import Answer, FailureChanges, Store, lock_id

CACHE_NAME = "cache.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY,
    engine TEXT NOT NULL,
    target TEXT NOT NULL,
    answer TEXT NOT NULL,
    created REAL NOT NULL
)
"""
_LOCK_SPAN = 1 << 62  # byte offsets the in-flight locks are spread over


class LocalStore(Store):
    """SQLite answers, JSON failure records and record-lock in-flight locks in one directory."""

    def __init__(self, state_dir: Path, cache_path: Path | None = None):
        self.state_dir = Path(state_dir)
        self.cache_path = cache_path or self.state_dir / CACHE_NAME
        self.label = str(self.state_dir)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._lock_fd: int | None = None
        self._held: set[str] = set()
        self._closed = False

    # -- answers ------------------------------------------------------------------------
    def open_cache(self) -> sqlite3.Connection:
        """The SQLite connection, created (with the file) on first use."""
        with self._lock:
            return self._connection()

    def _connection(self) -> sqlite3.Connection:
        if self._closed:
            raise RuntimeError("the translation cache is closed")
        if self._db is None:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.cache_path, timeout=30.0, check_same_thread=False,
                                 isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(_SCHEMA)
            self._db = db
        return self._db

    def has_answers(self) -> bool:
        return self._db is not None or self.cache_path.exists()

    def get(self, keys: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        keys = list(dict.fromkeys(keys))
        with self._lock:
            connection = self._connection()
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = connection.execute(
                    f"SELECT key, answer FROM answers WHERE key IN ({marks})", chunk
                ).fetchall()
                found.update(rows)
        return found

    def put(self, answers: Sequence[Answer]) -> None:
        now = time.time()
        rows = [(a.key, a.engine, a.target, a.answer, now) for a in answers]
        with self._lock:
            connection = self._connection()
            connection.execute("BEGIN IMMEDIATE")
            try:
                connection.executemany(
                    "INSERT OR REPLACE INTO answers (key, engine, target, answer, created) "
                    "VALUES (?,?,?,?,?)",
                    rows,
                )
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def count(self) -> int:
        with self._lock:
            return int(self._connection().execute("SELECT COUNT(*) FROM answers").fetchone()[0])

    # -- failure records ----------------------------------------------------------------
    def failure_path(self, locale: str) -> Path:
        return self.state_dir / "failures" / f"{locale}.json"

    def failures(self, locale: str) -> dict[str, dict[str, str]]:
        return _read_failures(self.failure_path(locale))

    def update_failures(self, locale: str, changes: FailureChanges) -> None:
        path = self.failure_path(locale)
        if not changes and not path.exists():
            return
        with _file_lock(self.state_dir / "failures.lock"):
            records = _read_failures(path)
            for (slug, msgid), reason in changes.items():
                if reason is None:
                    entries = records.get(slug)
                    if entries and msgid in entries:
                        del entries[msgid]
                        if not entries:
                            del records[slug]
                else:
                    records.setdefault(slug, {})[msgid] = reason
            data = json.dumps(records, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
            if records or path.exists():
                write_if_changed(path, data.encode("utf-8"))

    # -- texts in flight ----------------------------------------------------------------
    def try_lock(self, keys: Sequence[str]) -> set[str]:
        taken: set[str] = set()
        with self._lock:
            fd = self._inflight_fd()
            for key in dict.fromkeys(keys):
                if key in self._held:
                    continue
                try:
                    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, lock_id(key) % _LOCK_SPAN)
                except OSError:
                    continue
                self._held.add(key)
                taken.add(key)
        return taken

    def unlock(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                if key in self._held and self._lock_fd is not None:
                    self._held.discard(key)
                    fcntl.lockf(self._lock_fd, fcntl.LOCK_UN, 1, lock_id(key) % _LOCK_SPAN)

    def _inflight_fd(self) -> int:
        if self._lock_fd is None:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            self._lock_fd = os.open(self.state_dir / "inflight.lock", os.O_RDWR | os.O_CREAT, 0o644)
        return self._lock_fd

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._db is not None:
                self._db.close()
                self._db = None
            if self._lock_fd is not None:
                os.close(self._lock_fd)  # releases every record lock of this process on the file
                self._lock_fd = None
                self._held.clear()


def _read_failures(path: Path) -> dict[str, dict[str, str]]:
    try:
        records = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return {}
    except (ValueError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(f"unreadable failure log ({exc}); fix or delete it", path, line) from exc
    if not isinstance(records, dict) or not all(isinstance(v, dict) for v in records.values()):
        raise InputError("failure log is not a mapping of slug to {msgid: reason}", path)
    return records


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
