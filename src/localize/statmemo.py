"""What this process knows about files while one operation runs: each file is stat'ed once.

A run looks at every catalog and source in each of its stages (about thirty stats an
article at N=3,000, and pathlib lstat's every component of a path it resolves). Inside
``stat_memo`` (which each stage enters, and ``run`` around all of them) the answers are
remembered until this process writes or removes the file through ``localize.fileio``,
which calls ``forget_stat``. A file changed by someone else meanwhile is seen by the next
command, as one changed between two stages always was.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple, ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")


class FileStat(NamedTuple):
    """What localize asks of a file's stat. (A whole ``os.stat_result`` is some twenty
    objects: the memo of a large run would hold tens of MB of them.)"""

    st_mtime_ns: int
    st_size: int
    st_ino: int


#: The stat memo of the running operation (see ``stat_memo``): path -> its stat, and -> is a symlink.
_stats: dict[str, FileStat | None] | None = None
_links: dict[str, bool] = {}
_listings: dict[tuple[str, str], Any] = {}
_resolved: dict[str, str] = {}


@contextlib.contextmanager
def stat_memo() -> Iterator[None]:
    """Within: each file is stat'ed once (``file_stat``, ``is_symlink``, ``resolved_text``,
    ``remembered_listing``) until this process writes or removes it through ``localize.fileio``.
    One entered inside another does nothing; worker processes forked inside start without one.
    """
    global _stats
    if _stats is not None:
        yield
        return
    _stats = {}
    try:
        yield
    finally:
        _leave_stat_memo()


def in_stat_memo(operation: Callable[P, T]) -> Callable[P, T]:
    """``operation`` (a stage: extract, translate, check, build, status) run in a stat memo,
    or in the one already entered around it (``run`` spans its stages with one)."""

    @functools.wraps(operation)
    def within(*args: P.args, **kwargs: P.kwargs) -> T:
        with stat_memo():
            return operation(*args, **kwargs)

    return within


def _leave_stat_memo() -> None:
    global _stats
    _stats = None
    _links.clear()
    _listings.clear()
    _resolved.clear()


_inherited: list[object] = []
#: In a forked worker (which lives for one stage): directory -> its resolved form. A worker
#: resolves a few paths an article, each a lstat per component; the directories of a
#: project do not turn into symlinks while a stage runs, its files may.
_worker_directories: dict[str, str] | None = None


def _start_without_memo() -> None:
    """In a forked worker: no memo, and the parent's left untouched. Clearing or freeing it
    here would write to every string it holds, copying those pages into the worker."""
    global _stats, _links, _listings, _resolved, _worker_directories
    _inherited.append((_stats, _links, _listings, _resolved))
    _stats, _links, _listings, _resolved = None, {}, {}, {}
    _worker_directories = {}


os.register_at_fork(after_in_child=_start_without_memo)


def file_stat(path: str) -> FileStat | None:
    """``os.stat(path)``, None when there is no such file; from the stat memo when one is entered."""
    memo = _stats
    if memo is not None and path in memo:
        return memo[path]
    try:
        found = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        result = None
    else:
        result = FileStat(found.st_mtime_ns, found.st_size, found.st_ino)
    if memo is not None:
        memo[path] = result
    return result


def is_symlink(path: str) -> bool:
    """``os.path.islink``, from the stat memo when one is entered."""
    if _stats is None:
        return os.path.islink(path)
    known = _links.get(path)
    if known is None:
        known = _links[path] = os.path.islink(path)
    return known


def resolved_text(path: Path | str) -> str:
    """``str(Path(path).resolve())``; in a stat memo each directory on the way is resolved once
    (pathlib lstat's every component of every path: a dozen calls for each page a build writes),
    and in a forked worker each path's directory."""
    text = os.fspath(path)
    if _stats is not None and (known := _resolved.get(text)) is not None:
        return known  # only normal absolute paths are kept: asked again, no checks needed
    if not os.path.isabs(text) or os.path.normpath(text) != text:
        return str(Path(text).resolve())
    if _stats is not None:
        return _resolve_normal(text)
    if _worker_directories is not None:
        return _resolve_in_worker(text, _worker_directories)
    return str(Path(text).resolve())


def _resolve_in_worker(text: str, directories: dict[str, str]) -> str:
    """A normal absolute path resolved with its directory's resolution remembered."""
    directory, name = os.path.split(text)
    if not name or os.path.islink(text):
        return str(Path(text).resolve())
    known = directories.get(directory)
    if known is None:
        known = directories[directory] = str(Path(directory).resolve())
    return os.path.join(known, name)


def _resolve_normal(text: str) -> str:
    known = _resolved.get(text)
    if known is None:
        parent, name = os.path.split(text)
        if not name:  # the root
            known = text
        elif is_symlink(text):  # the whole walk, symlink loops included
            known = str(Path(text).resolve())
        else:
            known = os.path.join(_resolve_normal(parent), name)
        _resolved[text] = known
    return known


def remembered_listing(base: str, kind: str, make: Callable[[], T]) -> T:
    """``make()``, a listing of the files under the directory ``base``, taken once in a stat
    memo until this process writes or removes a file under ``base`` through ``localize.fileio``."""
    if _stats is None:
        return make()
    key = (base, kind)
    if key not in _listings:
        _listings[key] = make()
    return _listings[key]  # type: ignore[no-any-return]


def forget_stat(path: Path | str) -> None:
    """This process changed or removed ``path``: the stat memo must look again."""
    if _stats is not None:
        key = os.fspath(path)
        for form in (key, os.path.abspath(key)):
            _stats.pop(form, None)
            _links.pop(form, None)
            _resolved.pop(form, None)
            for listed in [listed for listed in _listings if form.startswith(listed[0] + os.sep)]:
                del _listings[listed]
