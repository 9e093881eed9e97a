"""Numbers as values for QA's ``numbers`` warning, across the ways languages write them.

``10 億`` and ``1 billion`` are both 1,000,000,000; ``四`` and ``4`` are both four;
``2026 年 4 月`` and ``April 2026`` hold the same numbers. Numbers written in digits
are *required*: a source number with no counterpart is missing, a translation
number with no counterpart is added. Numbers written as words (CJK numerals,
``four``, month names) only *absorb*: they may stand for a digit number on the
other side, but are never reported themselves, because the words also occur
where no number is meant (``一共`` "altogether", ``one of``, ``May``).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

__all__ = ["Number", "compare_numbers", "numbers_in"]

_DIGITS = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,'’]\d+)*"
_CJK_VALUES = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "兩": 2, "两": 2}
_CJK_UNITS = {"十": 10, "百": 100, "千": 1000}
_CJK_GROUPS = {"萬": 10**4, "万": 10**4, "億": 10**8, "亿": 10**8, "兆": 10**12}
_SHORT_SCALE = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_LONG_SCALE = {
    "tausend": 10**3, "mille": 10**3, "mil": 10**3, "million": 10**6, "millionen": 10**6,
    "millón": 10**6, "millones": 10**6, "milliarde": 10**9, "milliarden": 10**9,
    "milliard": 10**9, "mil millones": 10**9, "billion": 10**12, "billionen": 10**12,
    "billón": 10**12, "billones": 10**12, "mio": 10**6, "mrd": 10**9,
}  # fmt: skip
_LONG_SCALE_LANGUAGES = frozenset({"de", "fr", "es", "it", "nl", "pl", "sv", "da", "nb", "fi", "cs"})
_SUFFIXES = {"k": 10**3, "K": 10**3, "M": 10**6, "B": 10**9, "bn": 10**9}
_UNIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
               "ten", "eleven", "twelve")  # fmt: skip
_TENS_WORDS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_WORDS = {w: i for i, w in enumerate(_UNIT_WORDS)} | {
    w: 10 * i for i, w in enumerate(_TENS_WORDS, 2)
}
_MONTHS = {
    name: index
    for names in (
        "january february march april may june july august september october november december",
        "januar februar märz april mai juni juli august september oktober november dezember",
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
        "jan feb mar apr may jun jul aug sep oct nov dec",
    )
    for index, name in enumerate(names.split(), 1)
} | {"sept": 9}


def _alternatives(words: Sequence[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_SCALE_WORDS = _alternatives([*_SHORT_SCALE, *_LONG_SCALE, *(w + "s" for w in _SHORT_SCALE)])
_MAGNITUDE = (
    rf"(?:[ \u00a0]?(?P<cjk_mag>[十百千]?[萬万億亿]|兆(?![赫位字瓦焦])|[百千](?![克米瓦赫卡字位元]))"
    rf"|[ \u00a0-]+(?i:(?P<word_mag>{_SCALE_WORDS}))\b"
    rf"|(?P<suffix>bn|[kKMB])(?![A-Za-z]))"
)
# Latin words are matched whole and looked up (faster than a regex alternative per word).
_TOKEN = re.compile(
    rf"(?P<digits>{_DIGITS}){_MAGNITUDE}?"
    r"|(?P<cjk>[〇零一二兩两三四五六七八九十百千萬万億亿兆]+)"
    r"|(?<![\w])(?P<latin>[A-Za-zÀ-ÖØ-öø-ÿ]+)(?![\w])"
)
_MAGNITUDE_AFTER = re.compile(_MAGNITUDE)


@dataclass(frozen=True)
class Number:
    """A number as written, the values it can mean, and whether it must have a counterpart."""

    written: str
    values: frozenset[Decimal]
    required: bool


def _digit_values(token: str) -> set[Decimal]:
    """Values a digit number can mean: 1,000 / 1.000 / 1 000 all read 1000, 2,5 also 2.5."""
    token = re.sub(r"[ \u00a0\u202f'’]", "", token)
    values = set()
    for candidate in {token.replace(",", ""), token.replace(".", "").replace(",", ".")}:
        try:
            values.add(Decimal(candidate))
        except InvalidOperation:
            continue
    if re.fullmatch(r"[1-9]\d{0,2}[.,]000", token):
        # "1,000" / "1.000" is a thousand: nobody writes 1 with three zero decimals in prose
        values.discard(Decimal(token[:-4]))
    return values


def _date_parts(written: str, digits: str) -> list[str]:
    """``18.04.2026`` (or ``1.2.3``) as its parts: inner groups not of three digits are no grouping."""
    if written != digits:
        return []
    parts = re.split(r"[.,'’]", written)
    if len(parts) < 3 or all(len(part) == 3 for part in parts[1:-1]):
        return []
    return parts


def cjk_numeral_value(text: str) -> int | None:
    """``四`` 4, ``二十七`` 27, ``兩千`` 2000, ``四十億`` 4e9, ``二〇二六`` 2026; None for no digit."""
    if not any(c in _CJK_VALUES or c == "十" for c in text):
        return None
    if all(c in _CJK_VALUES for c in text):
        return int("".join(str(_CJK_VALUES[c]) for c in text))
    total = section = digit = 0
    for char in text:
        if char in _CJK_VALUES:
            digit = _CJK_VALUES[char]
        elif char in _CJK_UNITS:
            section += (digit or 1) * _CJK_UNITS[char]
            digit = 0
        else:
            total += ((section + digit) or 1) * _CJK_GROUPS[char]
            section = digit = 0
    return total + section + digit


def _magnitude(match: re.Match[str], language: str | None) -> int:
    cjk, word, suffix = match.group("cjk_mag", "word_mag", "suffix")
    return _scale(cjk, word, suffix, language)


def _scale(cjk: str | None, word: str | None, suffix: str | None, language: str | None) -> int:
    if cjk:
        value = 1
        for char in cjk:
            value *= _CJK_UNITS.get(char) or _CJK_GROUPS[char]
        return value
    if word:
        word = word.lower()
        scale = _LONG_SCALE if language in _LONG_SCALE_LANGUAGES else {}
        singular = word[:-1] if word.endswith("s") and word[:-1] in _SHORT_SCALE else word
        return scale.get(word) or _SHORT_SCALE.get(singular) or _LONG_SCALE.get(word, 1)
    return _SUFFIXES.get(suffix or "", 1)


def numbers_in(text: str, language: str | None = None) -> list[Number]:
    """Every number of ``text`` (already NFKC-normalised); ``language`` picks long/short scale."""
    found: list[Number] = []
    for match in _TOKEN.finditer(text):
        digits, cjk = match.group("digits", "cjk")
        if digits:
            found += _digit_numbers(match.group(), digits, *match.group("cjk_mag", "word_mag", "suffix"), language)
        elif cjk:
            number = _cjk_number(cjk)
            if number is not None:
                found.append(number)
        else:
            number = _word_number(text, match, language)
            if number is not None:
                found.append(number)
    return found


@lru_cache(maxsize=4096)
def _digit_numbers(
    written: str, digits: str, cjk: str | None, word: str | None, suffix: str | None, language: str | None
) -> tuple[Number, ...]:
    """The number(s) one digit token stands for; remembered, as years, months and counts recur."""
    parts = _date_parts(written, digits)
    if parts:
        return tuple(Number(p, frozenset({Decimal(p)}), True) for p in parts)
    scale = _scale(cjk, word, suffix, language)
    return (Number(written, frozenset(v * scale for v in _digit_values(digits)), True),)


@lru_cache(maxsize=1024)
def _cjk_number(written: str) -> Number | None:
    value = cjk_numeral_value(written)
    return None if value is None else Number(written, frozenset({Decimal(value)}), False)


def _word_number(text: str, match: re.Match[str], language: str | None) -> Number | None:
    """A number word (with any magnitude after it, "four billion") or a month name."""
    word = match.group("latin").lower()
    if word in _WORDS:
        after = _MAGNITUDE_AFTER.match(text, match.end())
        scale = _magnitude(after, language) if after else 1
        written = text[match.start() : after.end()] if after else match.group()
        return Number(written, frozenset({Decimal(_WORDS[word] * scale)}), False)
    if word in _MONTHS:
        return Number(match.group(), frozenset({Decimal(_MONTHS[word])}), False)
    return None


class _Pool:
    """Numbers in order, each taken at most once; indexed by value, so taking one is O(values).

    (A scan of the whole pool per number would make a sentence of many numbers quadratic.)
    """

    def __init__(self, numbers: Sequence[Number]):
        self.numbers = list(numbers)
        self.taken = [False] * len(self.numbers)
        self.index: dict[tuple[bool, Decimal], deque[int]] = {}
        for position, number in enumerate(self.numbers):
            for value in number.values:
                self.index.setdefault((number.required, value), deque()).append(position)

    def take(self, number: Number, required: bool) -> bool:
        """Take the first number of the given kind sharing a value with ``number``."""
        best = None
        for value in number.values:
            queue = self.index.get((required, value))
            while queue and self.taken[queue[0]]:
                queue.popleft()
            if queue and (best is None or queue[0] < best):
                best = queue[0]
        if best is None:
            return False
        self.taken[best] = True
        return True

    def left(self) -> list[Number]:
        return [n for n, taken in zip(self.numbers, self.taken, strict=True) if not taken]


def compare_numbers(source: Sequence[Number], translation: Sequence[Number]) -> tuple[list[str], list[str]]:
    """(missing, added): digit numbers of one side with no counterpart on the other side."""
    pool = _Pool(translation)
    unmatched = [n for n in source if n.required and not pool.take(n, True)]
    missing = [n.written for n in unmatched if not pool.take(n, False)]
    spare = _Pool([n for n in source if not n.required])
    added = [n.written for n in pool.left() if n.required and not spare.take(n, False)]
    return missing, added
