"""A memo of locales whose last ``translate`` had nothing to do, so a no-op run parses nothing.

A locale has nothing to do when its catalogs hold no missing entry (nor, with
--refresh-stale, a stale one): the TM pass then fills nothing, no entry is
selected for an engine and saving rewrites nothing. Whether that is still so
depends only on the bytes of every catalog of the locale (the memory is taken from all
of them), the imported TMX pairs, the locale's failure records, the TM and engine
settings and the run's flags; after a pass that leaves the locale settled, the memo stores
one hash of all of those (taken after the pass wrote), and a
run whose hash matches skips the locale without parsing or re-serialising a
single catalog (issue 14). Anything that changes an input changes the hash.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

import polib

from localize import __version__
from localize.catalog.state import entry_state
from localize.catalog.tm import TranslationMemory, imported_pairs_path
from localize.catalog.tm import locale_catalogs as catalog_paths
from localize.fileio import atomic_write_bytes, read_cache, read_json, write_cache
from localize.locales import LocaleInfo
from localize.project import Project
from localize.shard import Shard
from localize.stamps import project_digests
from localize.store import Store


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return b"\0missing"


class NoopMemo:
    """The "nothing to do" hashes of one run's locales (one file per locale and shard)."""

    def __init__(self, project: Project, store: Store, shard: Shard | None, flags: tuple[object, ...]):
        self.project = project
        self.store = store
        self.shard = shard
        self.flags = flags
        base = project.state_dir if shard is None else shard.state_dir(project.state_dir)
        self.directory = base / "noop"
        self._engines: dict[str, object] = {}

    def key(self, locale: LocaleInfo, engine_settings: object) -> str:
        """The hash of everything the locale's pass reads (taken before the pass writes)."""
        digest = hashlib.sha256()
        self._engines[locale.posix] = engine_settings
        head = (__version__, locale.posix, repr(engine_settings), *self._settings())
        digest.update(repr(head).encode("utf-8"))
        digests = project_digests(self.project.state_dir)
        # one update for all catalogs (the same bytes as one a catalog: 5,000 calls fewer)
        digest.update("".join([f"\0{slug}\0{digests(path) or 'missing'}"
                               for slug, path in catalog_paths(self.project, locale).items()]).encode())
        digest.update(b"\0tm\0" + _read(imported_pairs_path(self.project, locale)))
        failures = self.store.failures(locale.posix)
        digest.update(b"\0failures\0" + json.dumps(failures, sort_keys=True).encode("utf-8"))
        return digest.hexdigest()

    def _path(self, locale: LocaleInfo) -> Path:
        return self.directory / f"{locale.posix}.json"

    def unchanged(self, locale: LocaleInfo, engine_settings: object) -> bool:
        """True when the last run left this locale settled and no input changed since."""
        self._engines[locale.posix] = engine_settings
        try:
            recorded = read_json(self._path(locale)).get("key")
        except (OSError, ValueError, AttributeError):
            recorded = None
        return recorded is not None and recorded == self.key(locale, engine_settings)

    def untouched(self, locale: LocaleInfo, memory_fingerprint: str) -> dict[str, str]:
        """Catalogs (path -> digest) a memory-only pass left unchanged, when the memory and the
        settings are as they were then: filling them again would change nothing."""
        return read_cache(self._untouched_path(locale), self._shape(locale, memory_fingerprint)) or {}

    def record_untouched(self, locale: LocaleInfo, memory_fingerprint: str, catalogs: dict[str, str]) -> None:
        """Remember the catalogs a memory-only pass (with this memory) left unchanged."""
        with contextlib.suppress(OSError):
            self.directory.mkdir(parents=True, exist_ok=True)
        write_cache(self._untouched_path(locale), self._shape(locale, memory_fingerprint), catalogs)

    def _shape(self, locale: LocaleInfo, memory_fingerprint: str) -> str:
        head = (__version__, locale.posix, *self._settings(), memory_fingerprint)
        return hashlib.sha256(repr(head).encode("utf-8")).hexdigest()

    def _settings(self) -> tuple[object, ...]:
        """What besides the catalogs shapes a pass: memory settings, flags, shard."""
        settings = self.project.settings
        return settings.fuzzy_threshold, settings.tm_trust_reviewed, self.flags, str(self.shard)

    def _untouched_path(self, locale: LocaleInfo) -> Path:
        return self.directory / f"{locale.posix}.memory.json"

    def record(self, locale: LocaleInfo, settled: bool) -> None:
        """After a pass (and its saves): remember the locale when it is ``settled`` (see
        :func:`settled`), else forget it."""
        path = self._path(locale)
        engine = self._engines.get(locale.posix)
        if locale.posix in self._engines and settled:
            key = self.key(locale, engine)
            atomic_write_bytes(path, json.dumps({"key": key}).encode("utf-8"), durable=False)
        else:
            path.unlink(missing_ok=True)


def settled(catalogs: Iterable[polib.POFile], refresh_stale: bool) -> bool:
    """True when no live entry is missing (nor stale, with --refresh-stale): nothing to send."""
    for po in catalogs:
        for entry in po:
            if entry.obsolete or not entry.msgid or entry.msgid_plural:
                continue
            state = entry_state(entry)
            if state == "missing" or (state == "stale" and refresh_stale):
                return False
    return True


class UntouchedCatalogs:
    """A memory-only locale's catalogs its last pass left unchanged, skipped while they and the
    memory stay as they were: the memory would fill nothing in them again. Without this,
    an edit to one article made the pass parse every catalog of the locale with a missing
    entry, which under the memory engine is nearly all of them for good."""

    def __init__(self, project: Project, locale: LocaleInfo, memory: TranslationMemory, memo: NoopMemo) -> None:
        self.project, self.locale, self.memo = project, locale, memo
        self.fingerprint = memory.fingerprint()
        self.known = memo.untouched(locale, self.fingerprint)
        self.now: dict[str, str] = {}
        self.digests = project_digests(project.state_dir)
        self.before: dict[str, str] = {}

    def to_fill(self, group: list[tuple[str, Path]]) -> list[tuple[str, Path]]:
        """The catalogs of ``group`` to fill; the others are kept as untouched."""
        todo = []
        for slug, path in group:
            relative, digest = self.project.relative(path), self.digests(path)
            if self.known.get(relative) == digest:
                self.now[relative] = digest
            else:
                self.before[relative] = digest
                todo.append((slug, path))
        return todo

    def filled(self, group: list[tuple[str, Path]]) -> None:
        """After the pass over ``group``: those it did not write are untouched."""
        for _, path in group:
            relative, digest = self.project.relative(path), self.digests(path)
            if digest == self.before.pop(relative, None):
                self.now[relative] = digest

    def save(self) -> None:
        self.memo.record_untouched(self.locale, self.fingerprint, self.now)
