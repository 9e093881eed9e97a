"""The machine-translation cache: money is spent once (SPEC sections 7 and 11).

Every answer an engine returns is stored the moment it arrives, before it is
unmasked or verified, keyed by what determines it: the engine, the engine
options that change its output, the source and target locale and the masked
text. A re-run (even after the catalogs were deleted) therefore never pays for
the same masked text again; a glossary or masking change alters the masked
text and so makes a new key by itself.

Where answers live is the store's business (``localize.store``: SQLite under
``.localize/cache.sqlite`` by default, PostgreSQL with ``[store] url``); this
module turns texts into keys. ``claim`` and ``release`` wrap the store's
in-flight locks, so two processes needing the same text at once pay once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from localize.store import Answer, Store
from localize.store.local import CACHE_NAME, LocalStore

__all__ = ["CACHE_NAME", "CacheScope", "TranslationCache", "cache_key", "lookup"]


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
    """Raw engine answers by text within a scope, over a :class:`~localize.store.Store`.

    ``TranslationCache(path)`` opens (and creates) a SQLite cache file of its own;
    ``TranslationCache.on(store)`` uses a store the caller opened and closes.
    """

    def __init__(self, path: Path | None = None, store: Store | None = None):
        if store is None:
            if path is None:
                raise ValueError("a cache needs a path or a store")
            local = LocalStore(Path(path).parent, cache_path=Path(path))
            local.open_cache()
            store, self._owned = local, True
        else:
            self._owned = False
        self.store = store

    @classmethod
    def for_project(cls, state_dir: Path) -> TranslationCache:
        return cls(state_dir / CACHE_NAME)

    @classmethod
    def on(cls, store: Store) -> TranslationCache:
        return cls(store=store)

    def get_many(self, scope: CacheScope, texts: Iterable[str]) -> dict[str, str]:
        """The cached answer of each text that has one."""
        wanted = {scope.key(t): t for t in texts}
        return {wanted[key]: answer for key, answer in self.store.get(list(wanted)).items()}

    def get(self, scope: CacheScope, text: str) -> str | None:
        return self.get_many(scope, [text]).get(text)

    def put_many(self, scope: CacheScope, texts: Sequence[str], answers: Sequence[str]) -> None:
        """Store answers at once, in their own transaction (durable before anyone uses them)."""
        self.store.put([
            Answer(scope.key(t), a, scope.engine, scope.target)
            for t, a in zip(texts, answers, strict=True)
        ])

    def put(self, scope: CacheScope, text: str, answer: str) -> None:
        self.put_many(scope, [text], [answer])

    def claim(self, scope: CacheScope, texts: Sequence[str]) -> set[str]:
        """The texts whose in-flight lock this process took (others are being asked elsewhere)."""
        keys = {scope.key(t): t for t in texts}
        return {keys[k] for k in self.store.try_lock(list(keys))}

    def release(self, scope: CacheScope, texts: Iterable[str]) -> None:
        self.store.unlock([scope.key(t) for t in texts])

    def count(self) -> int:
        return self.store.count()

    def close(self) -> None:
        if self._owned:
            self.store.close()

    def __enter__(self) -> TranslationCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def lookup(
    cache: TranslationCache | None, scope: CacheScope, texts: Iterable[str]
) -> Mapping[str, str]:
    """Cache look-up that tolerates running without a cache (offline engines)."""
    return cache.get_many(scope, texts) if cache is not None else {}
