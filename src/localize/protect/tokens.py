"""Placeholder tokens: how a masked span is written for MT and found again in its answer.

Engines drop, repeat, re-space, widen and re-case tokens; each style has a tolerant
pattern that still finds them and a residue pattern for what is left of a broken one.
Both masking (to restore) and QA (to flag remnants) use these, so they live here, below both.
Every pattern starts with a token character, never with optional space: a pattern that may
start with a space run is tried at every position of the run and rescans it (quadratic).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["BRACKET_STYLE", "TOKEN_STYLES", "WORD_STYLE", "TokenStyle", "mask_residue", "parse_index"]

_SPACE = r"[ \t\u00a0\u3000]*"
_CJK_DIGITS = "〇零一二三四五六七八九十"
_DIGIT = rf"[0-9０-９{_CJK_DIGITS}]"
_INDEX = rf"(?P<n>{_DIGIT}(?:{_SPACE}{_DIGIT})*)"


def _letter(char: str) -> str:
    """A character class matching ``char`` in either case and in full width."""
    wide = chr(ord(char.upper()) + 0xFEE0), chr(ord(char.lower()) + 0xFEE0)
    return f"[{char.upper()}{char.lower()}{wide[0]}{wide[1]}]"


@dataclass(frozen=True)
class TokenStyle:
    """One way of writing token ``n``, the tolerant pattern that finds it again, and its residue.

    ``marks``: every match of ``tolerant`` holds one of these characters, so a text
    without any has no token to look for.
    """

    name: str
    template: str
    tolerant: re.Pattern[str]
    residue: re.Pattern[str]
    marks: str

    def token(self, index: int) -> str:
        return self.template.format(index)

    def blank(self, text: str) -> str:
        """``text`` with every token of this style (as found tolerantly) replaced by a space."""
        if not any(mark in text for mark in self.marks):
            return text
        return self.tolerant.sub(" ", text)


WORD_STYLE = TokenStyle(
    "word",
    "ZX{}Q",
    re.compile(
        rf"{_letter('Z')}{_SPACE}{_letter('X')}{_SPACE}{_INDEX}{_SPACE}{_letter('Q')}"
    ),
    re.compile(rf"{_letter('Z')}{_SPACE}{_letter('X')}{_SPACE}{_DIGIT}"),
    "ZzＺｚ",
)
BRACKET_STYLE = TokenStyle(
    "bracket",
    "⟦{}⟧",
    # Doubled brackets ("[[0]]") as a pair of the same bracket on both sides, or an extra
    # token bracket ("⟦0⟧⟧"); a bracket the engine wrote next to a token ("[⟦0⟧ text]")
    # stays in the text.
    re.compile(
        rf"[⟦〚]?(?P<open>[⟦〚【［\[])(?P<twice>(?P=open))?{_SPACE}{_INDEX}"
        rf"{_SPACE}(?P<close>[⟧〛】］\]])(?(twice)(?P=close)|[⟧〛]?)"
    ),
    re.compile(r"[⟦⟧〚〛]"),
    "⟦〚【［[",
)
TOKEN_STYLES: tuple[TokenStyle, ...] = (WORD_STYLE, BRACKET_STYLE)


@lru_cache(maxsize=1024)
def parse_index(raw: str) -> int | None:
    """Token numbers as engines write them back: ASCII, full-width or CJK numerals."""
    digits = unicodedata.normalize("NFKC", re.sub(r"\s", "", raw))
    if digits.isascii() and digits.isdigit():
        return int(digits)
    values = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}
    if "十" not in digits:
        if all(c in values or c.isdigit() for c in digits):
            return int("".join(str(values.get(c, c)) for c in digits))
        return None
    tens, _, ones = digits.partition("十")
    if len(tens) > 1 or len(ones) > 1 or any(c not in values for c in tens + ones):
        return None
    return (values[tens] if tens else 1) * 10 + (values[ones] if ones else 0)

def mask_residue(source: str, translation: str) -> list[str]:
    """Token remnants in ``translation`` that its source does not contain."""
    problems = []
    for style in TOKEN_STYLES:
        extra = len(style.residue.findall(translation)) - len(style.residue.findall(source))
        if extra > 0:
            problems.append(f"{extra} {style.name} token remnant(s) left in the translation")
    return problems
