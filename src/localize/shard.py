"""``--shard K/N``: which articles a shard owns, and where it keeps its run state (SPEC section 11).

A slug falls to shard ``int(sha256(slug)[:16], 16) % N + 1``: the same on every
machine and Python, and independent of which other articles exist, so adding
an article never moves the others between shards.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

_SPEC = re.compile(r"^\s*([0-9]+)\s*/\s*([0-9]+)\s*$")
MAX_SHARDS = 100_000


def shard_of(slug: str, count: int) -> int:
    """The shard (1..count) a slug falls to."""
    digest = hashlib.sha256(slug.encode("utf-8")).hexdigest()
    return int(digest[:16], 16) % count + 1


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` of ``count``."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if not 1 <= self.count <= MAX_SHARDS:
            raise ValueError(f"N must be from 1 to {MAX_SHARDS}, not {self.count}")
        if not 1 <= self.index <= self.count:
            raise ValueError(f"K must be from 1 to N ({self.count}), not {self.index}")

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``"K/N"``; ValueError naming what is wrong."""
        match = _SPEC.match(text)
        if not match:
            raise ValueError(f"{text!r} is not K/N (for example 2/4)")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def name(self) -> str:
        return f"{self.index}-of-{self.count}"

    def owns(self, slug: str) -> bool:
        return shard_of(slug, self.count) == self.index

    def state_dir(self, project_state_dir: Path) -> Path:
        """``.localize/shard-K-of-N/``: this shard's lock and run state."""
        return project_state_dir / f"shard-{self.name}"

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"
