"""Exact best-match search for ``fuzz.ratio`` over a translation memory's sources.

``process.extractOne`` scores every source; with tens of thousands of them and
as many queries that dominates a TM pass. :class:`NearIndex` scores only the
sources an upper bound cannot rule out, and returns exactly what ``extractOne``
would (the same source, score and tie-breaking).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np  # imported where used: start-up of every command pays for it otherwise

_BUCKETS = 64  # character-count columns per source: the 48 commonest characters own one each,
_OWN_BUCKETS = 48  # the rest share the other 16 by code point
_SLACK = 0.01  # score points of float tolerance: a filter may keep too much, never too little
DIRECT_QUERIES = 16  # queries scored over their length window alone before the counts are made


class NearIndex:
    """Exact best-match search for ``fuzz.ratio`` that scores only sources that could reach the cutoff.

    Why it never drops the true best match: ``fuzz.ratio(a, b) = 200 * LCS(a, b) / (|a| + |b|)``,
    and the longest common subsequence uses each character at most as often as either string
    holds it, so ``LCS <= sum over characters c of min(count_a(c), count_b(c))``. Summing counts
    over groups of characters (buckets) only loosens that bound, since
    ``min(x + y, u + v) >= min(x, u) + min(y, v)``; and ``LCS <= min(|a|, |b|)`` gives the length
    window. A source whose bound is below the cutoff (less a small float slack) therefore scores
    below it too, and ``extractOne`` ignores every candidate below its cutoff; the survivors keep
    their original order, so the same source wins, with the same score and the same tie-breaking.
    The first ``DIRECT_QUERIES`` queries are scored over their length window alone: a run that
    looks up an edit's few new sentences does not pay for counting every source's characters.
    """

    def __init__(self, choices: Sequence[str]):
        self._choices = list(choices)
        self._sizes = [len(choice) for choice in self._choices]
        self._queries = 0
        self._counts_made = False

    def _make_counts(self) -> None:
        """Sources sorted by length and their bucket counts: a pass over every source (and
        numpy's import), worth it once a run asks many queries."""
        import numpy as np

        lengths = np.fromiter(self._sizes, dtype=np.int64, count=len(self._sizes))
        self._order = np.argsort(lengths, kind="stable")  # positions sorted by length
        self._lengths = lengths[self._order]
        self._bucket_of, self._counts = _bucket_counts(
            [self._choices[i] for i in self._order], self._lengths
        )
        self._counts_made = True

    def best(self, query: str, cutoff: float) -> tuple[int, float] | None:
        """(position, score) of the source ``extractOne`` would return for ``query``, or None."""
        size = len(query)
        loosened = cutoff / 100.0 - 1e-4
        if size == 0 or loosened <= 0.0:
            return self._extract(range(len(self._choices)), query, cutoff)
        shortest, longest = size * loosened / (2.0 - loosened), size * (2.0 - loosened) / loosened
        if not self._counts_made and self._queries < DIRECT_QUERIES:  # an edit's few new sentences
            window = [i for i, length in enumerate(self._sizes) if shortest <= length <= longest]
            if window:
                self._queries += 1
                return self._extract(window, query, cutoff)
            return None
        if not self._counts_made:
            self._make_counts()
        import numpy as np

        low = int(np.searchsorted(self._lengths, shortest, "left"))
        high = int(np.searchsorted(self._lengths, longest, "right"))
        if low >= high:
            return None
        shared = self._shared_upper_bound(query, low, high)
        bound = shared * 200.0 / (size + self._lengths[low:high])
        survivors = self._order[low + np.flatnonzero(bound >= cutoff - _SLACK)]
        return self._extract(np.sort(survivors).tolist(), query, cutoff)

    def _shared_upper_bound(self, query: str, low: int, high: int) -> np.ndarray:
        """Per source in the length window, an upper bound on its LCS with ``query``."""
        import numpy as np

        wanted: dict[int, int] = {}
        table = self._bucket_of
        for char in query:
            code = ord(char)
            if code < len(table):  # a code point beyond the table occurs in no source
                bucket = int(table[code])
                wanted[bucket] = wanted.get(bucket, 0) + 1
        shared = np.zeros(high - low, dtype=np.int32 if len(query) > 65535 else np.uint16)
        for bucket, count in wanted.items():
            if count > 255:  # counts are stored capped at 255: bound this bucket by the query side
                shared += count
            else:
                shared += np.minimum(self._counts[bucket, low:high], count)
        return shared

    def _extract(self, positions: Sequence[int], query: str, cutoff: float) -> tuple[int, float] | None:
        from rapidfuzz import fuzz, process  # here: a run that matches nothing never imports it

        candidates = [self._choices[i] for i in positions]
        found = process.extractOne(query, candidates, scorer=fuzz.ratio, score_cutoff=cutoff)
        return None if found is None else (positions[found[2]], found[1])


def _bucket_counts(texts: Sequence[str], lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(code point -> bucket table, buckets x texts matrix of character counts capped at 255)."""
    import numpy as np

    codes = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
    table = np.arange(int(codes.max(initial=0)) + 1, dtype=np.int64)
    table = _OWN_BUCKETS + table % (_BUCKETS - _OWN_BUCKETS)
    frequency = np.bincount(codes, minlength=len(table))
    commonest = np.argsort(-frequency, kind="stable")[:_OWN_BUCKETS]
    commonest = commonest[frequency[commonest] > 0]
    table[commonest] = np.arange(len(commonest))
    owner = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    flat = np.bincount(table[codes] * len(texts) + owner, minlength=_BUCKETS * len(texts))
    counts = np.minimum(flat, 255).astype(np.uint8).reshape(_BUCKETS, len(texts))
    return table.astype(np.uint8), counts
