"""The store interface: where answers, failure records and in-flight locks live (SPEC section 11).

Two backends implement it: :class:`~localize.store.local.LocalStore` (SQLite and
JSON under ``.localize/``, the default) and
:class:`~localize.store.postgres.PostgresStore` (``[store] url``), so shards on
different machines pay for a masked text once. The interface is deliberately
small: answers by key string plus a little metadata, failure records by locale,
and try-locks by key that a dead process never keeps.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from localize.errors import LocalizeError

#: (slug, msgid) -> reason, or None to clear the record
FailureChanges = Mapping[tuple[str, str], "str | None"]


class StoreError(LocalizeError):
    """The store cannot be reached or used (exit 2); the message never carries a password."""


@dataclass(frozen=True)
class Answer:
    """One engine answer to keep: the cache key, the raw answer, what it was for."""

    key: str
    answer: str
    engine: str = ""
    target: str = ""


def lock_id(key: str) -> int:
    """A signed 64-bit number for a cache key (PostgreSQL advisory locks take a bigint)."""
    value = int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big")
    return value - (1 << 64) if value >= (1 << 63) else value


def shown_url(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable store url>"
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{user}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


class Store(ABC):
    """Shared state of translate runs; every method is safe to call from worker threads."""

    #: how the store is named in messages (a URL without password, or a directory)
    label: str = ""

    # -- the answer cache -----------------------------------------------------------------
    @abstractmethod
    def get(self, keys: Sequence[str]) -> dict[str, str]:
        """The stored answer of each key that has one."""

    @abstractmethod
    def put(self, answers: Sequence[Answer]) -> None:
        """Keep answers durably before returning (each call its own transaction)."""

    @abstractmethod
    def count(self) -> int:
        """How many answers are stored."""

    def has_answers(self) -> bool:
        """Whether a cache exists at all (a dry run never creates a local one)."""
        return True

    # -- failure records ------------------------------------------------------------------
    @abstractmethod
    def failures(self, locale: str) -> dict[str, dict[str, str]]:
        """slug -> {msgid: reason} for one locale (POSIX code)."""

    @abstractmethod
    def update_failures(self, locale: str, changes: FailureChanges) -> None:
        """Apply set/clear changes atomically, merging with what other processes wrote."""

    # -- texts in flight ------------------------------------------------------------------
    @abstractmethod
    def try_lock(self, keys: Sequence[str]) -> set[str]:
        """Take the in-flight lock of each key that is free; the keys taken.

        A lock is held by this process until :meth:`unlock` or until the process
        (or its connection) dies; a key this process already holds is not taken again.
        """

    @abstractmethod
    def unlock(self, keys: Iterable[str]) -> None:
        """Release locks taken by :meth:`try_lock` (keys not held are ignored)."""

    @abstractmethod
    def close(self) -> None:
        """Release every lock and connection."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
