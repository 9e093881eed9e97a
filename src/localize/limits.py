"""Caps on what no one means to translate in one piece (SPEC section 9).

``max_article_bytes`` (default 10 MB) and ``max_segment_chars`` (default
20,000 characters) in localize.toml: an article or a sentence beyond them is
bad input, exit 2 naming the file (and the line of the sentence), checked
before any catalog is written. The defaults are far above any real article (a
long chapter is well under 1 MB) and any real sentence, and keep the cost of a
hostile file bounded.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from localize.errors import InputError
from localize.model import Segment
from localize.statmemo import file_stat

__all__ = ["check_article_size", "check_segment_sizes"]


def check_article_size(path: Path | str, limit: int, shown: str | Path) -> None:
    """InputError when the file at ``path`` has more than ``limit`` bytes."""
    stat = file_stat(os.fspath(path))
    size = stat.st_size if stat is not None else Path(path).stat().st_size  # (raises as os.stat does)
    if size > limit:
        raise InputError(
            f"article has {size:,} bytes, more than max_article_bytes ({limit:,}); "
            "split it, or raise max_article_bytes in localize.toml",
            shown,
        )


def check_segment_sizes(segments: Iterable[Segment], limit: int, shown: str | Path) -> None:
    """InputError naming the line of the first sentence longer than ``limit`` characters."""
    for segment in segments:
        if len(segment.text) > limit:
            raise InputError(
                f"a sentence of {len(segment.text):,} characters, more than max_segment_chars "
                f"({limit:,}); add sentence ends, or raise max_segment_chars in localize.toml",
                shown,
                segment.line,
            )
