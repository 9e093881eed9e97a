"""Whitespace kept and long texts split, for engines that translate one string per request.

Services strip or glue the whitespace around a text and refuse texts over a
character or URL-length limit (Google's web endpoint and MyMemory put the
text in the query string, where one CJK character costs nine bytes). So the
text is cut into its surrounding whitespace, its lines and, when a line is
still too long, sentence-sized pieces that fit; only the pieces travel and
the result is reassembled around the original whitespace.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote_plus

from localize.locales import LocaleInfo
from localize.segmentation import split_sentences

_LINE_BREAKS = re.compile(r"(\s*\n\s*)")
_SOFT_BREAK = re.compile(r"[\s，、,;；:：]")


def url_fits(max_chars: int, max_url_bytes: int) -> Callable[[str], bool]:
    """A predicate: under the character limit and under the percent-encoded length limit."""

    def fits(text: str) -> bool:
        return len(text) < max_chars and len(quote_plus(text)) <= max_url_bytes

    return fits


def chars_fit(max_chars: int) -> Callable[[str], bool]:
    def fits(text: str) -> bool:
        return len(text) <= max_chars

    return fits


def join_pieces(pieces: list[str], target: LocaleInfo) -> str:
    """Rebuild one line from translated pieces: no separator for zh/ja, a space otherwise."""
    return ("" if not target.uses_spaces else " ").join(p.strip() for p in pieces)


def split_to_fit(text: str, fits: Callable[[str], bool], language: str) -> list[str]:
    """Pieces of ``text`` that each satisfy ``fits``, cut at sentence boundaries where possible."""
    if fits(text):
        return [text]
    sep = " " if language not in {"zh", "ja", "th", "lo", "km", "my"} else ""
    chunks: list[str] = []
    current = ""
    for sentence in split_sentences(text, language):
        candidate = f"{current}{sep}{sentence}" if current else sentence
        if fits(candidate):
            current = candidate
            continue
        if current:
            chunks.append(current)
        if fits(sentence):
            current = sentence
        else:
            hard = _hard_split(sentence, fits)
            chunks.extend(hard[:-1])
            current = hard[-1]
    if current:
        chunks.append(current)
    return chunks


def _hard_split(text: str, fits: Callable[[str], bool]) -> list[str]:
    """Cut a single over-long sentence at the last soft break (space, comma) that fits."""
    pieces: list[str] = []
    rest = text
    while rest and not fits(rest):
        low, high = 1, len(rest)
        while low < high:  # longest prefix that fits
            middle = (low + high + 1) // 2
            if fits(rest[:middle]):
                low = middle
            else:
                high = middle - 1
        cut = low
        breaks = [m.end() for m in _SOFT_BREAK.finditer(rest, 0, cut)]
        if breaks and breaks[-1] > cut // 2:
            cut = breaks[-1]
        head = rest[:cut].strip()
        if head:
            pieces.append(head)
        rest = rest[cut:].strip()
    if rest:
        pieces.append(rest)
    return pieces


def translate_preserving(
    text: str,
    translate_piece: Callable[[str], str],
    fits: Callable[[str], bool],
    source: LocaleInfo,
    target: LocaleInfo,
) -> str:
    """Translate ``text`` piece by piece, keeping its outer whitespace and its line breaks."""
    core = text.strip()
    if not core:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    parts = _LINE_BREAKS.split(core)
    out: list[str] = []
    for index, part in enumerate(parts):
        if index % 2 == 1 or not part.strip():  # a line-break run, kept as it is
            out.append(part)
            continue
        pieces = split_to_fit(part, fits, source.language)
        out.append(join_pieces([translate_piece(p) for p in pieces], target))
    return lead + "".join(out) + trail
