"""Growth-rate assertions for hostile sizes: compare times at n and 4n, never absolute times.

A linear step costs about 4x when its input grows 4x; a quadratic one 16x. The
bound (8x by default) leaves room for noise on a shared machine while still
telling the two apart; each size takes the best of a few runs.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any


def best_time(call: Callable[[], Any], repeats: int = 3) -> float:
    """The fastest of ``repeats`` runs of ``call`` (the least disturbed by other work)."""
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        gc.disable()  # a collection landing in one run and not the other is noise, not cost
        try:
            start = time.perf_counter()
            call()
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return best


def growth(make: Callable[[int], Any], run: Callable[[Any], Any], size: int, factor: int = 4,
           repeats: int = 3) -> float:
    """Time ratio of ``run(make(size * factor))`` to ``run(make(size))``."""
    small, large = make(size), make(size * factor)
    run(small)  # warm caches (compiled patterns, lazy imports) before timing
    return best_time(lambda: run(large), repeats) / max(best_time(lambda: run(small), repeats), 1e-6)


def assert_linear(make: Callable[[int], Any], run: Callable[[Any], Any], size: int,
                  bound: float = 8.0, repeats: int = 3) -> None:
    """4x the input must cost less than ``bound`` times as much (a quadratic step costs 16x)."""
    ratio = growth(make, run, size, repeats=repeats)
    if ratio >= bound:  # one retry: a burst of other work on the machine is not a regression
        ratio = min(ratio, growth(make, run, size, repeats=repeats))
    assert ratio < bound, f"4x the input cost {ratio:.1f}x the time (linear is about 4x)"
