"""``--jobs N``: the CPU stages' per-article work in N processes (SPEC section 11).

A stage hands ``parallel_map`` a module-level function ``fn(context, item)``,
the shared ``context`` (sent once to each worker, not once per item) and its
items; results come back in the items' order, so the output does not depend on
the number of processes or their timing. With one job, or too few items to be
worth a process, nothing is started and ``fn`` runs in this process.
"""

from __future__ import annotations

import contextlib
import copyreg
import gc
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from types import MappingProxyType
from typing import Any, TypeVar

__all__ = ["default_jobs", "parallel_iter", "parallel_map"]

Item = TypeVar("Item")
Result = TypeVar("Result")

#: Fewer items than this per extra process are not worth a process's start-up.
MIN_PER_WORKER = 4
#: Items sent to a worker at once at most: a chunk's results come back together.
MAX_CHUNK = 16
#: Chunks handed out ahead per process: results the caller has not taken yet wait in this
#: process's memory, so a caller slower than its workers holds this many, not all of them.
CHUNKS_AHEAD = 2

_context: Any = None


def _mapping_proxy(data: dict) -> MappingProxyType:
    return MappingProxyType(data)


def _reduce_mapping_proxy(proxy: MappingProxyType) -> tuple:
    return _mapping_proxy, (dict(proxy),)


# Settings and documents keep their mappings read-only; a worker gets them read-only too.
copyreg.pickle(MappingProxyType, _reduce_mapping_proxy)


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _install(context: Any) -> None:
    global _context
    _context = context
    _close_inherited_locks()


def _close_inherited_locks() -> None:
    """Close the project lock's descriptor a forked worker inherited.

    An ``flock`` belongs to the open file, so a worker holding a copy would keep the
    project locked after its parent was killed, until the worker noticed; closing the
    copy leaves the parent's lock as it is.
    """
    try:
        descriptors = os.listdir("/proc/self/fd")
    except OSError:  # no /proc: the worker ends when its parent's pipe closes
        return
    for name in descriptors:
        try:
            target = os.readlink(f"/proc/self/fd/{name}")
        except OSError:
            continue
        if os.path.basename(target) == "lock" and os.path.basename(os.path.dirname(target)).startswith(
            (".localize", "shard-")
        ):
            with contextlib.suppress(OSError):
                os.close(int(name))


def _release_free_memory() -> None:
    """Hand the C heap's free pages back to the system before forking: what a stage freed
    would otherwise be counted again in every worker that shares it (glibc only)."""
    import ctypes  # here: only a run that forks pays for it

    with contextlib.suppress(OSError, AttributeError, TypeError):  # not glibc, or not a C library by name
        ctypes.CDLL(None).malloc_trim(0)


def _call_chunk(fn: Callable[[Any, Any], Any], chunk: list[Any]) -> list[Any]:
    return [fn(_context, item) for item in chunk]


def parallel_map(
    fn: Callable[[Any, Item], Result], items: Iterable[Item], jobs: int | None, context: Any = None,
    meanwhile: Callable[[], None] | None = None,
) -> list[Result]:
    """``[fn(context, item) for item in items]``, in up to ``jobs`` processes (None: one per core).

    ``meanwhile`` runs in this process once every item is handed out (first, when no process
    is started): work of the caller's that the processes need not wait for.
    """
    return list(parallel_iter(fn, items, jobs, context, meanwhile))


def parallel_iter(
    fn: Callable[[Any, Item], Result], items: Iterable[Item], jobs: int | None, context: Any = None,
    meanwhile: Callable[[], None] | None = None,
) -> Iterator[Result]:
    """``parallel_map`` yielding each result as soon as it and those before it are done, so a
    caller that lets go of each one holds a few at a time, not all of them.

    The processes run while the iterator is consumed; closing it early (an error in the
    caller) cancels the items not started.
    """
    items = list(items)
    workers = min(default_jobs() if jobs is None else jobs, len(items) // MIN_PER_WORKER)
    if workers <= 1:
        if meanwhile is not None:
            meanwhile()
        yield from (fn(context, item) for item in items)
        return
    import multiprocessing  # here: a run with nothing to share out never pays for importing it
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    mp_context = multiprocessing.get_context("fork" if "fork" in methods else None)
    chunk = max(1, min(len(items) // (workers * 4), MAX_CHUNK))
    _release_free_memory()
    # A forked worker's collections would walk (and so copy, page by page) the whole heap it
    # inherited; frozen, the parent's objects are left out of them.
    gc.freeze()
    pool = ProcessPoolExecutor(workers, mp_context=mp_context, initializer=_install, initargs=(context,))
    chunks = (items[start : start + chunk] for start in range(0, len(items), chunk))
    try:
        first = None if meanwhile is not None else workers * CHUNKS_AHEAD  # all: busy while it runs
        ahead = deque(pool.submit(_call_chunk, fn, part) for part in islice(chunks, first))
        if meanwhile is not None:
            meanwhile()
        while ahead:
            results = ahead.popleft().result()
            ahead.extend(pool.submit(_call_chunk, fn, part) for part in islice(chunks, 1))
            yield from results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()
