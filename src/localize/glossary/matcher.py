"""The matching rules: normalisation with an offset map, boundaries, case, resolution.

The fast search itself is in automaton.py. Rules (shared with the naive reference
matcher in benchmarks/glossary.py):
- both text and terms are NFKC-normalised, so full-width and half-width forms
  match; the text's normalisation keeps an offset map, so matches are reported
  in ORIGINAL offsets even where NFKC changed lengths (``㍿`` -> ``株式会社``);
- comparison is case-insensitive (a length-preserving lower-casing) unless the
  term is case-sensitive, which is then checked on the normalised text;
- a term that starts (ends) with a letter or digit of a script written with
  spaces must not be preceded (followed) by one: ``Gemma`` is not found in
  ``Gemmas``, but ``Gemma 4`` is found in ``Gemma 4的``; CJK, kana, Hangul and
  Thai-like scripts have no boundaries;
- overlapping candidates are resolved longest first (then leftmost, then a
  case-sensitive term before a case-insensitive one, then glossary order).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from localize.glossary.terms import Term, TermMatch

_NO_SPACE_RANGES = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x0F00, 0x0FFF),  # Tibetan
    (0x1000, 0x109F),  # Myanmar
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x1780, 0x17FF),  # Khmer
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3000, 0x9FFF),  # CJK symbols, kana, Bopomofo, Hangul compat, CJK ideographs
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # half-width katakana
    (0x20000, 0x3FFFF),  # CJK extensions
)


def _spaced_word_char(code: int) -> bool:
    if code == 0x5F:  # "_"
        return True
    if unicodedata.category(chr(code))[0] not in "LNM":
        return False
    return not any(low <= code <= high for low, high in _NO_SPACE_RANGES)


@lru_cache(maxsize=1)
def word_table() -> bytes:
    """One byte per BMP character (1 = word character): checked for every candidate."""
    # _spaced_word_char for every code, by slices: a per-code range test made this a
    # noticeable share of each process's start-up
    table = bytearray(unicodedata.category(chr(code))[0] in "LNM" for code in range(0x10000))
    for low, high in _NO_SPACE_RANGES:
        if low < 0x10000:
            high = min(high, 0xFFFF)
            table[low : high + 1] = bytes(high - low + 1)
    table[0x5F] = 1  # "_"
    table[0xD800:0xE000] = bytes(0x800)  # surrogates
    return bytes(table)


def is_word_char(char: str) -> bool:
    """A letter, digit or mark of a script that separates words with spaces."""
    code = ord(char)
    if code >= 0x10000:
        return _spaced_word_char(code)
    return word_table()[code] == 1


def fold(text: str) -> str:
    """Lower-case without changing the length (``İ`` would grow under str.lower)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def normalize_term(text: str) -> str:
    """A term as the matcher sees it: NFKC, runs of whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _non_starter(char: str) -> bool:
    """True when ``char`` (after NFKC) attaches to the character before it."""
    normal = unicodedata.normalize("NFKC", char)
    return unicodedata.combining(char) != 0 or (
        bool(normal) and unicodedata.combining(normal[0]) != 0
    )


def class_ranges(codes: Iterable[int]) -> str:
    """The inside of a regex character class for ascending ``codes``, runs written as ranges."""
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(
        re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}"
        for lo, hi in ranges
    )


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[int, str], re.Pattern[str]]:
    """(1:1 replacements for str.translate, pattern of characters needing real NFKC).

    Most changes are one character for one (full-width punctuation and letters):
    those are translated in bulk. Only expansions (``㍿``) and characters that
    attach to their neighbour (combining marks, half-width voiced marks) go
    through per-chunk NFKC with an offset record.
    """
    simple: dict[int, str] = {}
    careful: list[int] = []
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        if unicodedata.is_normalized("NFKC", char) and not unicodedata.combining(char):
            continue  # most characters: decided without building their normal form
        normal = unicodedata.normalize("NFKC", char)
        # _non_starter(char), reusing ``normal``
        attaches = unicodedata.combining(char) != 0 or (bool(normal) and unicodedata.combining(normal[0]) != 0)
        if normal == char and not attaches:
            continue
        if len(normal) == 1 and not attaches:
            simple[code] = normal
        else:
            careful.append(code)
    # every astral character takes the careful path: a BMP-only class plus one
    # range compiles to a bitmap, which is an order of magnitude faster to scan
    return simple, re.compile(f"[{class_ranges(careful)}\U00010000-\U0010ffff]+")


@dataclass(frozen=True)
class NormalizedText:
    """NFKC form of a text plus the map back to original offsets.

    ``chunks`` lists only the places where normalisation changed the length:
    (normalised start, normalised length, original start, original length).
    """

    original: str
    norm: str
    chunk_starts: tuple[int, ...]
    chunks: tuple[tuple[int, int, int, int], ...]

    def original_start(self, pos: int) -> int:
        index = bisect.bisect_right(self.chunk_starts, pos) - 1
        if index < 0:
            return pos
        n_start, n_len, o_start, o_len = self.chunks[index]
        if pos < n_start + n_len:
            return o_start
        return pos - (n_start + n_len) + o_start + o_len

    def original_end(self, pos: int) -> int:
        if pos <= 0:
            return 0
        index = bisect.bisect_right(self.chunk_starts, pos - 1) - 1
        if index < 0:
            return pos
        n_start, n_len, o_start, o_len = self.chunks[index]
        if pos - 1 < n_start + n_len:
            return o_start + o_len
        return pos - (n_start + n_len) + o_start + o_len


def normalize_text(text: str) -> NormalizedText:
    """NFKC-normalise ``text`` chunk by chunk, recording where lengths change."""
    if unicodedata.is_normalized("NFKC", text):
        return NormalizedText(text, text, (), ())
    simple, complex_pattern = _tables()
    pieces: list[str] = []
    chunks: list[tuple[int, int, int, int]] = []
    done = 0
    norm_len = 0
    for found in complex_pattern.finditer(text):
        start, end = found.span()
        if start > done and _non_starter(text[start]):
            start -= 1
        pieces.append(_one_to_one(text[done:start], simple))
        norm_len += start - done
        for c_start, c_end in _chunk_spans(text, start, end):
            normal = unicodedata.normalize("NFKC", text[c_start:c_end])
            pieces.append(normal)
            if len(normal) != c_end - c_start:
                chunks.append((norm_len, len(normal), c_start, c_end - c_start))
            norm_len += len(normal)
        done = end
    pieces.append(_one_to_one(text[done:], simple))
    return NormalizedText(text, "".join(pieces), tuple(c[0] for c in chunks), tuple(chunks))


def _one_to_one(stretch: str, simple: dict[int, str]) -> str:
    """NFKC of a stretch without expanding or attaching characters (same length)."""
    normal = unicodedata.normalize("NFKC", stretch)
    if len(normal) == len(stretch):
        return normal
    return stretch.translate(simple)  # conjoining jamo composed: keep characters apart


def _chunk_spans(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    """A starter plus the non-starters that follow it, so NFKC can compose them."""
    chunk_start = start
    for pos in range(start + 1, end):
        if not _non_starter(text[pos]):
            yield chunk_start, pos
            chunk_start = pos
    yield chunk_start, end


@dataclass(frozen=True)
class CompiledTerm:
    """A term prepared for matching: folded key, normalised form and resolution rank."""

    key: str
    norm: str
    term: Term
    rank: int  # glossary order
    priority: int  # 0 case-sensitive, 1 case-insensitive
    case_sensitive: bool
    need_left: bool
    need_right: bool


def compile_terms(terms: Sequence[Term]) -> list[CompiledTerm]:
    compiled = []
    for rank, term in enumerate(terms):
        norm = normalize_term(term.source)
        if not norm:
            continue
        compiled.append(
            CompiledTerm(
                key=fold(norm),
                norm=norm,
                term=term,
                rank=rank,
                priority=0 if term.case_sensitive else 1,
                case_sensitive=term.case_sensitive,
                need_left=is_word_char(norm[0]),
                need_right=is_word_char(norm[-1]),
            )
        )
    return compiled


def accepts(
    norm_text: str, start: int, end: int, entry: CompiledTerm, table: bytes | None = None
) -> bool:
    """Word boundaries and case for one candidate occurrence of ``entry`` at [start, end)."""
    table = table or word_table()
    if entry.need_left and start > 0:
        code = ord(norm_text[start - 1])
        if table[code] if code < 0x10000 else _spaced_word_char(code):
            return False
    if entry.need_right and end < len(norm_text):
        code = ord(norm_text[end])
        if table[code] if code < 0x10000 else _spaced_word_char(code):
            return False
    return not (entry.case_sensitive and norm_text[start:end] != entry.norm)


Candidate = tuple[
    int, int, int, int, int, CompiledTerm
]  # (-len, start, priority, rank, end, entry)


def candidate(start: int, end: int, entry: CompiledTerm) -> Candidate:
    return (start - end, start, entry.priority, entry.rank, end, entry)


def resolve(candidates: list[Candidate], text: NormalizedText) -> list[TermMatch]:
    """Longest first, non-overlapping; matches sorted by start, in original offsets."""
    candidates.sort()  # (-length, start, priority, rank) is unique: entries are never compared
    occupied = bytearray(len(text.norm) + 1)
    chosen: list[tuple[int, int, CompiledTerm]] = []
    for _neg, start, _prio, _rank, end, entry in candidates:
        # every span chosen before is at least as long, so it can only overlap this one
        # by covering its first or its last character
        if not (occupied[start] or occupied[end - 1]):
            occupied[start:end] = b"\x01" * (end - start)
            chosen.append((start, end, entry))
    chosen.sort(key=lambda c: c[0])
    original = text.original
    if not text.chunks:
        return [TermMatch(e.term, s, t, original[s:t]) for s, t, e in chosen]
    matches = []
    for start, end, entry in chosen:
        o_start, o_end = text.original_start(start), text.original_end(end)
        matches.append(TermMatch(entry.term, o_start, o_end, original[o_start:o_end]))
    return matches
