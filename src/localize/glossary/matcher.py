"""Find glossary terms in a text: one Aho-Corasick pass, then longest-first resolution.

Rules (shared with the naive reference matcher in benchmarks/glossary.py):
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

import ahocorasick

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


@lru_cache(maxsize=4096)
def is_word_char(char: str) -> bool:
    """A letter, digit or mark of a script that separates words with spaces."""
    if char == "_":
        return True
    if unicodedata.category(char)[0] not in "LNM":
        return False
    code = ord(char)
    return not any(low <= code <= high for low, high in _NO_SPACE_RANGES)


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
    return unicodedata.combining(char) != 0 or (bool(normal) and unicodedata.combining(normal[0]) != 0)


@lru_cache(maxsize=1)
def _unstable_pattern() -> re.Pattern[str]:
    """Characters NFKC may change or attach; everything else is copied as it is."""
    ranges: list[list[int]] = []
    for code in range(0x30000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        if unicodedata.normalize("NFKC", char) == char and not _non_starter(char):
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    parts = "".join(
        re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}"
        for lo, hi in ranges
    )
    return re.compile(f"[{parts}]+")


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
    pieces: list[str] = []
    chunks: list[tuple[int, int, int, int]] = []
    done = 0
    norm_len = 0
    for found in _unstable_pattern().finditer(text):
        start, end = found.span()
        if start > done and _non_starter(text[start]):
            start -= 1
        pieces.append(text[done:start])
        norm_len += start - done
        for c_start, c_end in _chunk_spans(text, start, end):
            normal = unicodedata.normalize("NFKC", text[c_start:c_end])
            pieces.append(normal)
            if len(normal) != c_end - c_start:
                chunks.append((norm_len, len(normal), c_start, c_end - c_start))
            norm_len += len(normal)
        done = end
    pieces.append(text[done:])
    return NormalizedText(
        text, "".join(pieces), tuple(c[0] for c in chunks), tuple(chunks)
    )


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
                need_left=is_word_char(norm[0]),
                need_right=is_word_char(norm[-1]),
            )
        )
    return compiled


def accepts(norm_text: str, start: int, end: int, entry: CompiledTerm) -> bool:
    """Word boundaries and case for one candidate occurrence of ``entry`` at [start, end)."""
    if entry.need_left and start > 0 and is_word_char(norm_text[start - 1]):
        return False
    if entry.need_right and end < len(norm_text) and is_word_char(norm_text[end]):
        return False
    return not (entry.term.case_sensitive and norm_text[start:end] != entry.norm)


Candidate = tuple[int, int, int, int, int, CompiledTerm]  # (-len, start, priority, rank, end, entry)


def candidate(start: int, end: int, entry: CompiledTerm) -> Candidate:
    return (start - end, start, entry.priority, entry.rank, end, entry)


def resolve(candidates: list[Candidate], text: NormalizedText) -> list[TermMatch]:
    """Longest first, non-overlapping; matches sorted by start, in original offsets."""
    candidates.sort(key=lambda c: c[:4])
    occupied = bytearray(len(text.norm) + 1)
    chosen: list[tuple[int, int, CompiledTerm]] = []
    for _neg, start, _prio, _rank, end, entry in candidates:
        if occupied.find(1, start, end) == -1:
            occupied[start:end] = b"\x01" * (end - start)
            chosen.append((start, end, entry))
    chosen.sort(key=lambda c: c[0])
    matches = []
    for start, end, entry in chosen:
        o_start, o_end = text.original_start(start), text.original_end(end)
        matches.append(TermMatch(entry.term, o_start, o_end, text.original[o_start:o_end]))
    return matches


class TermMatcher:
    """All terms in one Aho-Corasick automaton over folded keys."""

    def __init__(self, terms: Sequence[Term]):
        self._slots: list[list[CompiledTerm]] = []
        self._automaton = ahocorasick.Automaton()
        by_key: dict[str, int] = {}
        for entry in compile_terms(terms):
            slot = by_key.get(entry.key)
            if slot is None:
                slot = by_key[entry.key] = len(self._slots)
                self._slots.append([])
                self._automaton.add_word(entry.key, slot)
            self._slots[slot].append(entry)
        for entries in self._slots:
            entries.sort(key=lambda e: (e.priority, e.rank))
        if self._slots:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[TermMatch]:
        if not self._slots or not text:
            return []
        normalized = normalize_text(text)
        norm = normalized.norm
        candidates: list[Candidate] = []
        slots = self._slots
        for last, slot in self._automaton.iter(fold(norm)):
            entries = slots[slot]
            end = last + 1
            start = end - len(entries[0].key)
            for entry in entries:
                if accepts(norm, start, end, entry):
                    candidates.append(candidate(start, end, entry))
                    break
        return resolve(candidates, normalized)
