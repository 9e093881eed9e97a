"""The machine-translation cache: money is spent once (SPEC section 7).

Every answer an engine returns is stored here the moment it arrives, before
it is unmasked or verified, keyed by what determines it: the engine, the
engine options that change its output, the source and target locale and the
masked text. A re-run (even after the catalogs were deleted) therefore never
pays for the same masked text again; a glossary or masking change alters
the masked text and so makes a new key by itself.

SQLite in WAL mode under ``.localize/cache.sqlite``; one connection shared
by the worker threads behind a lock (in-process writers then queue on the
lock instead of sleeping in SQLite's busy handler), each write its own
short transaction so an interrupted run keeps every answer it got.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

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


def cache_key(engine: str, options: str, source: str, target: str, masked: str) -> str:
    """sha256 over the fields that determine an answer, separated so none can run into another."""
    digest = hashlib.sha256()
    for part in (engine, options, source, target, masked):
        data = part.encode("utf-8")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


class CacheScope:
    """Keys for one engine configuration and language pair."""

    def __init__(self, engine: str, options: str, source: str, target: str):
        self.engine = engine
        self.options = options
        self.source = source
        self.target = target

    def key(self, masked: str) -> str:
        return cache_key(self.engine, self.options, self.source, self.target, masked)


class TranslationCache:
    """Raw engine answers by cache key; thread-safe (one connection behind a lock)."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = sqlite3.connect(
            path, timeout=30.0, check_same_thread=False, isolation_level=None
        )
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)

    @classmethod
    def for_project(cls, state_dir: Path) -> TranslationCache:
        return cls(state_dir / CACHE_NAME)

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            raise RuntimeError("the translation cache is closed")
        return self._db

    def get_many(self, scope: CacheScope, texts: Iterable[str]) -> dict[str, str]:
        """The cached answer of each text that has one."""
        wanted = {scope.key(t): t for t in texts}
        found: dict[str, str] = {}
        keys = list(wanted)
        with self._lock:
            connection = self._connection()
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = connection.execute(
                    f"SELECT key, answer FROM answers WHERE key IN ({marks})", chunk
                ).fetchall()
                for key, answer in rows:
                    found[wanted[key]] = answer
        return found

    def get(self, scope: CacheScope, text: str) -> str | None:
        return self.get_many(scope, [text]).get(text)

    def put_many(self, scope: CacheScope, texts: Sequence[str], answers: Sequence[str]) -> None:
        """Store answers at once, in their own transaction (durable before anyone uses them)."""
        now = time.time()
        rows = [
            (scope.key(t), scope.engine, scope.target, a, now)
            for t, a in zip(texts, answers, strict=True)
        ]
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

    def put(self, scope: CacheScope, text: str, answer: str) -> None:
        self.put_many(scope, [text], [answer])

    def count(self) -> int:
        with self._lock:
            return int(self._connection().execute("SELECT COUNT(*) FROM answers").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def __enter__(self) -> TranslationCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def lookup(
    cache: TranslationCache | None, scope: CacheScope, texts: Iterable[str]
) -> Mapping[str, str]:
    """Cache look-up that tolerates running without a cache (offline engines)."""
    return cache.get_many(scope, texts) if cache is not None else {}
