"""Find every glossary term in one pass: Aho-Corasick automata over an encoded text.

Two tricks keep the automaton fast with tens of thousands of terms:

- characters are searched as their two UTF-16-BE bytes (astral characters
  replaced by U+FFFF first, so every character is exactly two symbols and
  offsets are halves). A trie node then has at most a few hundred children
  instead of thousands of ideographs, which pyahocorasick scans linearly;
- terms that need a word boundary on the left (they start with a letter or
  digit of a spaced script) live in a second automaton, keyed with a sentinel
  that the text carries only where a word starts. Mid-word hits (``ma`` in
  ``Gemma``) are never reported, so Latin text produces few candidates.

Every hit is still confirmed against the folded text and checked with the
shared rules in matcher.accepts, so the result is exactly what the naive
term-by-term matcher returns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import ahocorasick

from localize.glossary.matcher import (
    Candidate,
    CompiledTerm,
    accepts,
    candidate,
    class_ranges,
    compile_terms,
    fold,
    normalize_text,
    resolve,
    word_table,
)
from localize.glossary.terms import Term, TermMatch

_SENTINEL = "\x00"
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@lru_cache(maxsize=1)
def _word_start() -> re.Pattern[str]:
    """A non-word character followed by a word character (BMP classes of is_word_char)."""
    word = class_ranges(code for code, is_word in enumerate(word_table()) if is_word)
    return re.compile(f"[^{word}](?=[{word}])")


def _bmp(text: str) -> str:
    return _ASTRAL.sub("\uffff", text)


def _encode(text: str) -> str:
    """Two latin-1 symbols per character (UTF-16-BE code unit)."""
    return text.encode("utf-16-be").decode("latin-1")


def _mark_word_starts(text: str) -> str:
    """Sentinel-prefixed text whose character before each word start is the sentinel."""
    return _word_start().sub(_SENTINEL, _SENTINEL + text)


class _Automaton:
    """One automaton; each key maps to the terms sharing it (case variants)."""

    def __init__(self) -> None:
        self.automaton = ahocorasick.Automaton()
        self.slots: list[list[CompiledTerm]] = []
        self.lengths: list[int] = []  # characters of each key
        self._by_key: dict[str, int] = {}

    def add(self, key: str, entry: CompiledTerm) -> None:
        slot = self._by_key.get(key)
        if slot is None:
            slot = self._by_key[key] = len(self.slots)
            self.slots.append([])
            self.lengths.append(len(key) // 2)
            self.automaton.add_word(key, slot)
        self.slots[slot].append(entry)

    def finish(self) -> None:
        for entries in self.slots:
            entries.sort(key=lambda e: (e.priority, e.rank))
        if self.slots:
            self.automaton.make_automaton()

    def collect(self, encoded: str, norm: str, folded: str, out: list[Candidate]) -> None:
        """Confirm every hit aligned on a character and add it to ``out``."""
        if not self.slots:
            return
        slots, lengths, append, table = self.slots, self.lengths, out.append, word_table()
        for last, slot in self.automaton.iter(encoded):
            if not last & 1:
                continue  # a hit straddling two characters
            start = ((last + 1) >> 1) - lengths[slot]
            for entry in slots[slot]:
                end = start + len(entry.key)
                if folded[start:end] == entry.key and accepts(norm, start, end, entry, table):
                    append(candidate(start, end, entry))  # all: keys of one slot may differ


class TermMatcher:
    """All terms of a glossary, searched in one pass per automaton."""

    def __init__(self, terms: Sequence[Term]):
        self._free = _Automaton()  # no left boundary needed (CJK, punctuation first)
        self._bounded = _Automaton()  # keys start with the word-start sentinel
        for entry in compile_terms(terms):
            if entry.need_left and ord(entry.key[0]) < 0x10000:
                # (an astral first letter becomes U+FFFF, which is never marked: free automaton)
                key = _mark_word_starts(_bmp(entry.key))
                if not entry.need_right:  # its last character may be marked in the text
                    key = key[:-1]
                self._bounded.add(_encode(key), entry)
            else:
                self._free.add(_encode(_bmp(entry.key)), entry)
        self._free.finish()
        self._bounded.finish()
        _word_start()  # build the shared tables now, not inside the first find()
        normalize_text("\uff21")

    def find(self, text: str) -> list[TermMatch]:
        """Non-overlapping matches, longest first, sorted by start, in original offsets."""
        if not text or not (self._free.slots or self._bounded.slots):
            return []
        normalized = normalize_text(text)
        norm = normalized.norm
        folded = fold(norm)
        bmp = _bmp(folded)
        candidates: list[Candidate] = []
        self._free.collect(_encode(bmp), norm, folded, candidates)
        if self._bounded.slots:
            # marked[j] is folded[j - 1]: a hit starting at the sentinel marked[j]
            # is a term starting at folded[j]
            self._bounded.collect(_encode(_mark_word_starts(bmp)), norm, folded, candidates)
        return resolve(candidates, normalized)
