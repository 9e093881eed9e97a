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
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import polib

from localize.catalog.pofile import load_po
from localize.stamps import stamp_of
from localize.statmemo import resolved_text

__all__ = ["BUDGET", "forget", "keep", "lent", "read_shared"]

#: Entries kept at most, over all catalogs (a few KB each, parsed).
BUDGET = 40_000

_kept: OrderedDict[str, tuple[list[int], polib.POFile]] = OrderedDict()
_size = 0


def keep(path: Path, po: polib.POFile) -> None:
    """Remember ``po`` as the parse of what ``path`` holds: bytes this process just wrote there
    (or read from it)."""
    global _size
    key = resolved_text(path)
    old = _kept.pop(key, None)
    if old is not None:
        _size -= len(old[1])
    stamp = stamp_of(key)
    if len(po) > BUDGET or stamp is None:
        return
    _kept[key] = (stamp, po)
    _size += len(po)
    while _size > BUDGET:
        _, (_, dropped) = _kept.popitem(last=False)
        _size -= len(dropped)


def read_shared(path: Path) -> polib.POFile:
    """The catalog at ``path``: the kept parse while the file's bytes are unchanged, else
    ``load_po`` (same errors). Read-only for the caller."""
    kept = lent(path)
    return kept if kept is not None else load_po(path)


def lent(path: Path) -> polib.POFile | None:
    """The kept parse of ``path`` while the file holds exactly the bytes it was kept with."""
    key = resolved_text(path)
    kept = _kept.get(key)
    if kept is None or stamp_of(key) != kept[0]:
        return None
    _kept.move_to_end(key)
    return kept[1]


def forget() -> None:
    """Drop every kept catalog (between runs of a long-lived process, or in tests)."""
    global _size
    _kept.clear()
    _size = 0
