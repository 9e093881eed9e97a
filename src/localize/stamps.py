"""Digests of files kept by their stamp, so a run with nothing changed stats files instead of reading them.

A stamp is a file's (mtime in ns, size, inode). Editors and atomic writes (ours
included) give a changed file a new mtime or a new inode, so while the stamp is
the one recorded with a digest, the digest still holds. One exception is guarded
against as git guards its index: a file changed in place within the clock tick
of the moment it was digested keeps its stamp. A digest taken of a file
modified less than ``RACY_NS`` before (a few ticks) is therefore not trusted on
its own: the next lookup reads the file again (and trusts it from then on). A
file this process wrote itself (``remember``) is trusted at once.

``project_digests(state_dir)`` is the one record of a project's catalogs in this
process, kept in ``<state_dir>/digests.json`` by ``save_project_digests``; a
missing, unreadable or other-version file only means reading the files again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from pathlib import Path
from typing import Any

from localize import __version__
from localize.fileio import DeferredOnce, read_cache, write_cache
from localize.statmemo import FileStat, file_stat

#: A file modified this close (ns) before it was digested may change again within the same
#: stamp: a few clock ticks, or two seconds where mtimes come in whole seconds (FAT, HFS+).
RACY_NS = 20_000_000
RACY_COARSE_NS = 2_000_000_000
DIGESTS_NAME = "digests.json"


def blake2_digest(data: bytes, *extra: bytes) -> str:
    """The digest catalogs are known by (and memo keys: the bytes and whatever else shaped them)."""
    digest = hashlib.blake2b(data, digest_size=16)
    for part in extra:
        digest.update(part)
    return digest.hexdigest()


def sha256_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class StampedDigests:
    """path -> digest of its bytes, taken again only when the file's stamp changed.

    Callable as ``digests(path)`` ("" for a missing file). ``used`` holds every record
    looked up or made in this process: what to keep for the next one.
    """

    def __init__(self, previous: object = None, digest=blake2_digest) -> None:  # type: ignore[no-untyped-def]
        self.previous: dict[str, Any] = previous if isinstance(previous, dict) else {}
        self.digest = digest
        self.used: dict[str, list[Any]] = {}
        #: path -> (the stat memo's answer, the digest trusted with it): a run asks about each
        #: catalog several times, and the memo gives the same object while the file is unchanged
        self._trusted: dict[str, tuple[FileStat, str]] = {}

    def __call__(self, path: Path | str) -> str:
        key = os.fspath(path)
        stat = file_stat(key)
        if stat is None:
            return ""
        trusted = self._trusted.get(key)
        if trusted is not None and trusted[0] is stat:
            return trusted[1]
        known = self.used.get(key) or self.previous.get(key)
        # field by field, no list made: a build asks this once of each of thousands of pages
        if (type(known) is list and len(known) == 5 and known[0] == stat.st_mtime_ns
                and known[1] == stat.st_size and known[2] == stat.st_ino and known[4]
                and type(known[3]) is str):
            self.used[key] = known
            self._trusted[key] = (stat, known[3])
            return known[3]
        stamp = [stat.st_mtime_ns, stat.st_size, stat.st_ino]
        try:
            with open(key, "rb") as file:  # stamped before reading: a change after gives a new stamp
                digest = self.digest(file.read())
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return ""
        self.used[key] = [*stamp, digest, _settled(stamp)]
        return digest

    def remember(self, path: Path | str, data: bytes) -> str:
        """Record a file this process just wrote with ``data`` (its digest is taken here, not
        read back). Trusted at once: our writes replace the file, so its inode is new, and
        only another writer changing it in place within the same clock tick would go unseen.
        Returns the digest."""
        digest = self.digest(data)
        self.remember_digest(path, digest)
        return digest

    def remember_digest(self, path: Path | str, digest: str) -> None:
        """``remember`` for a caller that has the digest of the bytes it wrote."""
        key = os.fspath(path)
        self._trusted.pop(key, None)
        stamp = stamp_of(key)
        if stamp is not None:
            self.used[key] = [*stamp, digest, True]

    def to_json(self) -> dict[str, list[Any]]:
        """What to keep: every record used now, and the earlier ones of files that still exist.

        When no file's stamp or digest changed, the earlier records come back as they were,
        even those a lookup has since found settled: a run that changed nothing rewrites nothing.
        """
        kept = {key: value for key, value in self.previous.items()
                if key not in self.used and file_stat(key) is not None}
        kept.update(self.used)
        if len(kept) == len(self.previous) and all(
                isinstance(old := self.previous.get(key), list) and old[:4] == value[:4]
                for key, value in kept.items()):
            return dict(sorted(self.previous.items()))
        return dict(sorted(kept.items()))


def stamp_of(path: str) -> list[int] | None:
    """A file's (mtime in ns, size, inode), None when there is no file."""
    stat = file_stat(path)
    return None if stat is None else [stat.st_mtime_ns, stat.st_size, stat.st_ino]


def _settled(stamp: list[int]) -> bool:
    """Whether the file was last modified long enough ago that a change now would move its mtime."""
    margin = RACY_COARSE_NS if stamp[0] % 1_000_000_000 == 0 else RACY_NS
    return stamp[0] < time.time_ns() - margin


_projects: dict[str, StampedDigests] = {}


def project_digests(state_dir: Path) -> StampedDigests:
    """The blake2 digests of a project's files (catalogs), shared by every stage of this process."""
    key = os.fspath(state_dir)
    digests = _projects.get(key)
    if digests is None:
        digests = _projects[key] = StampedDigests(read_cache(state_dir / DIGESTS_NAME, __version__))
    return digests


def digests_saved_once() -> contextlib.AbstractContextManager[None]:
    """Within it, ``save_project_digests`` only notes the project, saved once on leaving.

    ``run`` spans its stages with it: every stage ends by saving, and each save writes the
    record of every catalog and source (7,000 at 1,000 articles and five locales). The
    stages share the record in memory, so only the next run needs it on disk.
    """
    return _saves.batch()


def save_project_digests(state_dir: Path) -> None:
    """Keep this process's records for the next run; never an error (a read-only checkout still runs)."""
    if _saves.defer(os.fspath(state_dir)):
        return
    digests = _projects.get(os.fspath(state_dir))
    if digests is None:
        return
    kept = digests.to_json()
    write_cache(state_dir / DIGESTS_NAME, __version__, kept)
    digests.previous, digests.used = kept, {}  # what the next save compares with


_saves = DeferredOnce(lambda key: save_project_digests(Path(key)))
