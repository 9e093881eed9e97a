"""Catalogs parsed once per run: a stage that holds a catalog parsed lends it to the next.

``translate`` ends holding every catalog it wrote, parsed; ``check`` and ``build``
then read the same files. Parsing a PO file costs far more than reading it, so
the writer keeps what it wrote here (:func:`keep`) and a later reader asks for it
with :func:`read_shared`, which hands the kept object over only while the file
is as it was kept (its stamp: mtime, size and inode, see ``localize.stamps``),
and parses the file otherwise.

The objects are shared: a caller of :func:`read_shared` only reads them. Their
``linenum`` fields are those of the parse they came from, not of the file as
written, so a reader that reports line numbers parses the file itself
(``load_po``) for that. At most :data:`BUDGET` entries are kept, oldest out
first, so memory stays bounded on large projects.

Within ``localize run`` (:func:`sharing`), what does not fit is not dropped but
spilled: pickled into an unnamed temporary file beside the project's state, which
only this process and the workers it forks can read, and which vanishes with them.
Unpickling a catalog costs a fifth of parsing it, and ``check``, ``build`` and the
Markdown output each read every catalog of every locale.
"""

from __future__ import annotations

import contextlib
import pickle
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from pathlib import Path

import polib

from localize.catalog.pofile import load_po
from localize.fileio import ScratchFile
from localize.stamps import stamp_of
from localize.statmemo import resolved_text

__all__ = ["BUDGET", "forget", "fresh", "keep", "lent", "pickled", "read_shared", "settle", "sharing", "spill",
           "spill_pickled", "spilling"]

#: Entries kept at most, over all catalogs (a few KB each, parsed).
BUDGET = 40_000

_kept: OrderedDict[str, tuple[list[int], polib.POFile]] = OrderedDict()
_size = 0


class _SpillFile:
    """Pickled catalogs in a ``ScratchFile``: path -> (stamp, offset, length). Forked workers
    inherit the index and read; once the file cannot be written, readers parse."""

    def __init__(self, directory: Path) -> None:
        self.scratch = ScratchFile(directory)
        self.index: dict[str, tuple[list[int] | None, int, int]] = {}

    def put(self, key: str, stamp: list[int] | None, po: polib.POFile) -> None:
        if self.scratch.writable():  # a worker would pickle for nothing
            self.put_pickled(key, stamp, pickle.dumps(po, protocol=pickle.HIGHEST_PROTOCOL))

    def put_pickled(self, key: str, stamp: list[int] | None, data: bytes) -> None:
        """Spill ``data``; a stamp of None is set by ``settle`` once the file is in place."""
        offset = self.scratch.append(data)
        if offset is not None:
            self.index[key] = (stamp, offset, len(data))

    def settle(self, key: str) -> None:
        found = self.index.get(key)
        if found is not None and found[0] is None:
            stamp = stamp_of(key)
            if stamp is None:
                del self.index[key]
            else:
                self.index[key] = (stamp, found[1], found[2])

    def get(self, key: str, stamp: list[int] | None) -> polib.POFile | None:
        found = self.index.get(key)
        if found is None or found[0] is None or found[0] != stamp:
            return None
        data = self.scratch.read(found[1], found[2])
        return pickle.loads(data) if data is not None else None  # this process pickled it

    def close(self) -> None:
        self.scratch.close()


_spill: _SpillFile | None = None


@contextlib.contextmanager
def sharing(state_dir: Path) -> Iterator[None]:
    """For the stages of one run: catalogs that do not fit the budget are spilled, not dropped."""
    global _spill
    outer, _spill = _spill, _SpillFile(state_dir)
    try:
        yield
    finally:
        _spill.close()
        _spill = outer


def spilling() -> bool:
    """Whether catalogs beyond the budget are spilled (inside :func:`sharing`)."""
    return _spill is not None and not _spill.scratch.broken


def spill(path: Path, po: polib.POFile) -> None:
    """Keep ``po`` as the parse of ``path`` in the spill file only (a locale too large to keep)."""
    if _spill is None:
        return
    key = resolved_text(path)
    stamp = stamp_of(key)
    if stamp is not None:
        _spill.put(key, stamp, po)


def pickled(po: polib.POFile) -> bytes | None:
    """``po`` as :func:`spill_pickled` takes it, made where the catalog is (a worker); None
    when nothing is spilled."""
    return pickle.dumps(po, protocol=pickle.HIGHEST_PROTOCOL) if spilling() else None


def spill_pickled(path: Path, data: bytes) -> None:
    """Spill what :func:`pickled` made of the catalog about to be written to ``path``: lent
    once :func:`settle` has taken the stamp of the file in place."""
    if _spill is not None:
        _spill.put_pickled(resolved_text(path), None, data)


def settle(paths: Iterable[Path]) -> None:
    """The files :func:`spill_pickled` was told about are written: lend them from now on."""
    if _spill is not None:
        for path in paths:
            _spill.settle(resolved_text(path))


def fresh(path: Path) -> polib.POFile | None:
    """A copy of the spilled parse of ``path`` for a caller that changes it (never a kept
    object, which others share), while the file is unchanged; else None."""
    if _spill is None:
        return None
    key = resolved_text(path)
    return _spill.get(key, stamp_of(key))


def keep(path: Path, po: polib.POFile) -> None:
    """Remember ``po`` as the parse of what ``path`` holds: bytes this process just wrote there
    (or read from it)."""
    global _size
    key = resolved_text(path)
    old = _kept.pop(key, None)
    if old is not None:
        _size -= len(old[1])
    stamp = stamp_of(key)
    if stamp is None:
        return
    if len(po) > BUDGET:
        if _spill is not None:
            _spill.put(key, stamp, po)
        return
    _kept[key] = (stamp, po)
    _size += len(po)
    while _size > BUDGET:
        dropped_key, (dropped_stamp, dropped) = _kept.popitem(last=False)
        _size -= len(dropped)
        if _spill is not None:
            _spill.put(dropped_key, dropped_stamp, dropped)


def read_shared(path: Path) -> polib.POFile:
    """The catalog at ``path``: the kept parse while the file's bytes are unchanged, else
    ``load_po`` (same errors). Read-only for the caller."""
    kept = lent(path)
    return kept if kept is not None else load_po(path)


def lent(path: Path) -> polib.POFile | None:
    """The kept parse of ``path`` while the file holds exactly the bytes it was kept with."""
    key = resolved_text(path)
    kept = _kept.get(key)
    if kept is None:
        return _spill.get(key, stamp_of(key)) if _spill is not None else None
    if stamp_of(key) != kept[0]:
        return None
    _kept.move_to_end(key)
    return kept[1]


def forget() -> None:
    """Drop every kept catalog (between runs of a long-lived process, or in tests)."""
    global _size
    _kept.clear()
    _size = 0
    if _spill is not None:
        _spill.index.clear()
