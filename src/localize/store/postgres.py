"""The shared store in PostgreSQL through psycopg 3 (SPEC section 11).

Shards on different machines share answers and failure records here. While a
text's request is in flight its process holds a session-level advisory lock
(``pg_try_advisory_lock`` on a 64-bit hash of the cache key); the lock lives
with the connection, so a killed shard holds nothing. The schema is created
and migrated by localize itself, inside a transaction holding an advisory
lock of its own (in the two-key lock space, apart from the texts' locks).
One connection per process, in autocommit, shared by the worker threads
behind a lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from localize.store.base import Answer, FailureChanges, Store, StoreError, lock_id, shown_url

_T = TypeVar("_T")
_SCHEMA_LOCK = (0x6C6F63, 0x5C4E)  # pg_advisory_xact_lock(int, int): "loc", schema
#: Each step brings the schema from version n to n + 1; never edit a released step.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE localize_answers (
        key text PRIMARY KEY,
        engine text NOT NULL,
        target text NOT NULL,
        answer text NOT NULL,
        created double precision NOT NULL
    )
    """,
    """
    CREATE TABLE localize_failures (
        locale text NOT NULL,
        slug text NOT NULL,
        msgid text NOT NULL,
        reason text NOT NULL,
        PRIMARY KEY (locale, slug, msgid)
    )
    """,
)


class PostgresStore(Store):
    """Answers, failure records and in-flight advisory locks in one PostgreSQL database."""

    def __init__(self, url: str, connect_timeout: int = 10):
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - a dependency of the package
            raise StoreError("[store] url needs psycopg 3: pip install 'psycopg[binary]'") from exc
        self.url = url
        self.label = shown_url(url)
        self._errors: type[Exception] = psycopg.Error
        self._lock = threading.Lock()
        self._held: dict[str, int] = {}
        try:
            self._db: Any = psycopg.connect(
                url, autocommit=True, connect_timeout=connect_timeout, application_name="localize"
            )
        except (psycopg.Error, ValueError) as exc:
            raise StoreError(f"cannot reach the store {self.label}: {self._clean(exc)}") from exc
        self._run(self._migrate)

    # -- plumbing -----------------------------------------------------------------------
    def _clean(self, exc: BaseException) -> str:
        """The first line of a driver error, with any trace of the password removed."""
        text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        from urllib.parse import unquote, urlsplit

        try:
            password = urlsplit(self.url).password
        except ValueError:
            password = None
        for secret in {password, unquote(password or "")} - {None, ""}:
            text = text.replace(str(secret), "***")
        return text

    def _run(self, action: Callable[[Any], _T]) -> _T:
        with self._lock:
            if self._db is None:
                raise StoreError(f"the store {self.label} is closed")
            try:
                return action(self._db)
            except self._errors as exc:
                raise StoreError(f"store {self.label}: {self._clean(exc)}") from exc

    @staticmethod
    def _migrate(db: Any) -> None:
        with db.transaction():
            db.execute("SELECT pg_advisory_xact_lock(%s, %s)", _SCHEMA_LOCK)
            db.execute("CREATE TABLE IF NOT EXISTS localize_schema (version integer NOT NULL)")
            row = db.execute("SELECT coalesce(max(version), 0) FROM localize_schema").fetchone()
            current = int(row[0])
            if current > len(MIGRATIONS):
                raise StoreError(
                    f"the store's schema is version {current}; this localize knows up to "
                    f"{len(MIGRATIONS)}: upgrade localize"
                )
            for version in range(current + 1, len(MIGRATIONS) + 1):
                db.execute(MIGRATIONS[version - 1])
                db.execute("INSERT INTO localize_schema (version) VALUES (%s)", (version,))

    def schema_version(self) -> int:
        return self._run(lambda db: int(
            db.execute("SELECT coalesce(max(version), 0) FROM localize_schema").fetchone()[0]
        ))

    # -- answers ------------------------------------------------------------------------
    def get(self, keys: Sequence[str]) -> dict[str, str]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        rows = self._run(lambda db: db.execute(
            "SELECT key, answer FROM localize_answers WHERE key = ANY(%s)", (wanted,)
        ).fetchall())
        return dict(rows)

    def put(self, answers: Sequence[Answer]) -> None:
        if not answers:
            return
        now = time.time()
        columns: tuple[list[Any], ...] = ([], [], [], [], [])
        for row in {a.key: a for a in answers}.values():
            for column, value in zip(columns, (row.key, row.engine, row.target, row.answer, now),
                                     strict=True):
                column.append(value)
        self._run(lambda db: db.execute(
            "INSERT INTO localize_answers (key, engine, target, answer, created) "
            "SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], "
            "%s::double precision[]) "
            "ON CONFLICT (key) DO UPDATE SET engine = EXCLUDED.engine, target = EXCLUDED.target, "
            "answer = EXCLUDED.answer, created = EXCLUDED.created",
            columns,
        ))

    def count(self) -> int:
        return self._run(lambda db: int(
            db.execute("SELECT count(*) FROM localize_answers").fetchone()[0]
        ))

    # -- failure records ----------------------------------------------------------------
    def failures(self, locale: str) -> dict[str, dict[str, str]]:
        rows = self._run(lambda db: db.execute(
            "SELECT slug, msgid, reason FROM localize_failures WHERE locale = %s "
            "ORDER BY slug, msgid", (locale,)
        ).fetchall())
        records: dict[str, dict[str, str]] = {}
        for slug, msgid, reason in rows:
            records.setdefault(slug, {})[msgid] = reason
        return records

    def update_failures(self, locale: str, changes: FailureChanges) -> None:
        if not changes:
            return
        cleared = [(locale, s, m) for (s, m), r in changes.items() if r is None]
        recorded = [(locale, s, m, r) for (s, m), r in changes.items() if r is not None]

        def apply(db: Any) -> None:
            with db.transaction(), db.cursor() as cursor:
                if cleared:
                    cursor.executemany(
                        "DELETE FROM localize_failures WHERE locale = %s AND slug = %s "
                        "AND msgid = %s", cleared,
                    )
                if recorded:
                    cursor.executemany(
                        "INSERT INTO localize_failures (locale, slug, msgid, reason) "
                        "VALUES (%s, %s, %s, %s) ON CONFLICT (locale, slug, msgid) "
                        "DO UPDATE SET reason = EXCLUDED.reason", recorded,
                    )

        self._run(apply)

    # -- texts in flight ----------------------------------------------------------------
    def try_lock(self, keys: Sequence[str]) -> set[str]:
        with self._lock:
            fresh = [k for k in dict.fromkeys(keys) if k not in self._held]
        if not fresh:
            return set()
        ids = [lock_id(k) for k in fresh]

        def take(db: Any) -> list[tuple[int, bool]]:
            return db.execute(
                "SELECT k, pg_try_advisory_lock(k) FROM unnest(%s::bigint[]) AS k", (ids,)
            ).fetchall()

        taken = {k: i for k, i, (_, ok) in zip(fresh, ids, self._run(take), strict=True) if ok}
        with self._lock:
            self._held.update(taken)
        return set(taken)

    def unlock(self, keys: Iterable[str]) -> None:
        with self._lock:
            ids = [self._held.pop(k) for k in keys if k in self._held]
        if ids:
            self._run(lambda db: db.execute(
                "SELECT pg_advisory_unlock(k) FROM unnest(%s::bigint[]) AS k", (ids,)
            ).fetchall())

    def close(self) -> None:
        with self._lock:
            db, self._db = self._db, None
            self._held.clear()
        if db is not None:
            db.close()  # the session ends: PostgreSQL drops its advisory locks with it
