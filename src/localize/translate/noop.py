"""A memo of locales whose last ``translate`` had nothing to do, so a no-op run parses nothing.

A locale has nothing to do when the TM pass fills no entry, no entry is selected
for an engine and no catalog changes on save. Whether that is still so depends
only on the bytes of every catalog of the locale (the memory is taken from all
of them), the imported TMX pairs, the locale's failure records, the TM and engine
settings and the run's flags; the memo stores one hash of all of those, and a
run whose hash matches skips the locale without parsing or re-serialising a
single catalog (issue 14). Anything that changes an input changes the hash.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from localize import __version__
from localize.catalog.tm import imported_pairs_path
from localize.catalog.tm import locale_catalogs as catalog_paths
from localize.fileio import atomic_write_bytes
from localize.locales import LocaleInfo
from localize.project import Project
from localize.shard import Shard
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
        self._keys: dict[str, str] = {}

    def key(self, locale: LocaleInfo, engine_settings: object) -> str:
        """The hash of everything the locale's pass reads (taken before the pass writes)."""
        digest = hashlib.sha256()
        settings = self.project.settings
        head = (__version__, locale.posix, repr(engine_settings), settings.fuzzy_threshold,
                settings.tm_trust_reviewed, self.flags, str(self.shard))
        digest.update(repr(head).encode("utf-8"))
        for slug, path in catalog_paths(self.project, locale).items():
            data = _read(path)
            digest.update(f"\0{slug}\0{len(data)}\0".encode())
            digest.update(data)
        digest.update(b"\0tm\0" + _read(imported_pairs_path(self.project, locale)))
        failures = self.store.failures(locale.posix)
        digest.update(b"\0failures\0" + json.dumps(failures, sort_keys=True).encode("utf-8"))
        self._keys[locale.posix] = key = digest.hexdigest()
        return key

    def _path(self, locale: LocaleInfo) -> Path:
        return self.directory / f"{locale.posix}.json"

    def unchanged(self, locale: LocaleInfo, engine_settings: object) -> bool:
        """True when the last run of this locale had nothing to do and no input changed since."""
        try:
            recorded = json.loads(self._path(locale).read_text("utf-8")).get("key")
        except (OSError, ValueError, AttributeError):
            recorded = None
        return recorded is not None and recorded == self.key(locale, engine_settings)

    def record(self, locale: LocaleInfo, nothing_done: bool) -> None:
        """Remember (or forget) the key taken before this locale's pass."""
        path = self._path(locale)
        key = self._keys.get(locale.posix)
        if nothing_done and key is not None:
            atomic_write_bytes(path, json.dumps({"key": key}).encode("utf-8"), durable=False)
        else:
            path.unlink(missing_ok=True)
