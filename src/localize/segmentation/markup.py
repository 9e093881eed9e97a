"""Inline markup, URLs and brackets that a sentence boundary must never fall inside.

``mask`` returns a copy of the text of the same length in which every opaque
span (inline code, autolinks, URLs, e-mail addresses, HTML tags, link targets)
is overwritten with private-use characters, so the boundary rules can scan it
without ever seeing a period of "example.com" or "v1.2.3" in a URL, and offsets
still point into the original text. Closing parts (``</em>``, ``](url)``) become
CLOSE_MARK so a terminator right before them keeps them with its sentence.

``protected_ranges`` lists the spans (links, emphasis, HTML elements, matched
brackets and quotes) inside which a terminator does not end a sentence.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

OPAQUE_MARK = "\ue000"
CLOSE_MARK = "\ue001"

_CJK_STOP = r"\u3000-\u303f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffef"
_BACKTICKS = re.compile(r"`+")
_VERBATIM_ELEMENT = re.compile(
    r"<(code|kbd|samp|var|script|style|pre|math|svg)\b[^>]*>.*?</\1\s*>", re.S | re.I
)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)>")
_TAG = re.compile(r"<(/?)([A-Za-z][\w:-]*)(?:\s[^<>]*)?(/?)>")
#: Starts at the literal "[" (a fast substring search; "!" of an image is added by
#: _mask_links); each run of plain characters is one possessive repeat.
_LINK = re.compile(
    r"\[(?P<text>(?:[^\[\]\n]++|\[[^\[\]\n]*\])*)\]"
    r"(?P<target>\((?:[^()\s]++|\([^()\s]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?\s*\))"
)
_URL_CHAR = rf"[^\s<>\"'`(){{}}\[\]{_CJK_STOP}]"
_URL_END = rf"[^\s<>\"'`(){{}}\[\].,;:!?{_CJK_STOP}]"
#: Runs of URL characters, each up to a character that may end a URL or a "(...)" group
#: (Wikipedia-style links): a single-character repeat per run, not an alternation per character.
_URL = re.compile(rf"(?:https?://|ftp://|www\.)(?:{_URL_CHAR}*(?:{_URL_END}|\({_URL_CHAR}*\)))+")

#: E-mail addresses are found from their "@" (a literal the regex engine scans for fast);
#: the local part is then read backwards.
_EMAIL_DOMAIN = re.compile(r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_EMAIL_LOCAL_REVERSED = re.compile(r"[A-Za-z0-9._%+-]{1,64}")
_EMPHASIS = re.compile(
    r"(\*\*|\*|~~)(?=[^\s*~])(.+?)(?<=[^\s*~])\1(?!\1)|(?<!\w)(__|_)(?=\S)(.+?)(?<=\S)\3(?!\w)",
    re.S,
)
_MAX_NESTING = 8  # how far down the stack a closer looks for its opener (keeps it linear)
_VOID_TAGS = frozenset({"br", "img", "hr", "wbr", "input", "source", "meta", "link", "area", "col"})

#: Opening bracket or quote -> the closers that end it.
_PAIRS = {
    "(": ")", "（": "）", "「": "」", "『": "』", "《": "》", "【": "】", "〈": "〉", "〔": "〕",
    "﹁": "﹂", "﹃": "﹄", "“": "”", "„": "“”", "«": "»", "‹": "›",
}  # fmt: skip
_OPENER_ONLY = frozenset(_PAIRS) - frozenset("".join(_PAIRS.values()))
_BRACKETS = re.compile("[" + re.escape("".join(_PAIRS) + "".join(_PAIRS.values())) + "]")
_NOT_BRACKET = "[^" + _BRACKETS.pattern[1:-1] + "]*+"
#: Text whose brackets all come in closed pairs, none inside another ("„" may close with
#: "“", which also opens, so it is left to bracket_ranges()).
_FLAT_TEXT = re.compile(
    f"{_NOT_BRACKET}(?:(?:"
    + "|".join(
        f"{re.escape(o)}{_NOT_BRACKET}[{re.escape(c)}]" for o, c in _PAIRS.items() if o != "„"
    )
    + f"){_NOT_BRACKET})*+"
)
_CLOSERS = frozenset("".join(c for o, c in _PAIRS.items() if o != "„"))


def _overwrite(mark: str) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        return mark * (match.end() - match.start())

    return replace


_BLANK = _overwrite(OPAQUE_MARK)


def _mask_code_spans(text: str) -> str:
    """CommonMark code spans: a backtick run up to the next run of the same length."""
    if text.count("`") == 2:  # the common case, one `span`, needs no run bookkeeping
        first, last = text.index("`"), text.rindex("`")
        if last == first + 1:
            return text  # a lone "``" run opens nothing
        return text[:first] + OPAQUE_MARK * (last + 1 - first) + text[last + 1 :]
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)]
    by_length: dict[int, list[int]] = {}
    for number, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(number)
    pieces: list[str] = []
    last = 0
    number = 0
    while number < len(runs):
        start, end = runs[number]
        same = by_length[end - start]
        later = bisect.bisect_right(same, number)
        if later == len(same):
            number += 1
            continue
        close = same[later]
        pieces += [text[last:start], OPAQUE_MARK * (runs[close][1] - start)]
        last = runs[close][1]
        number = close + 1
    pieces.append(text[last:])
    return "".join(pieces)


def _mask_emails(text: str) -> str:
    pieces: list[str] = []
    last = 0
    for match in _EMAIL_DOMAIN.finditer(text):
        at = match.start()
        local = _EMAIL_LOCAL_REVERSED.match(text[max(last, at - 64) : at][::-1])
        if local is None:
            continue
        start = at - local.end()
        pieces += [text[last:start], OPAQUE_MARK * (match.end() - start)]
        last = match.end()
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def _mask_links(text: str, ranges: list[tuple[int, int]]) -> str:
    """Link and image syntax: "[" (or "![") and "](url)" hidden, the link text kept visible."""
    pieces: list[str] = []
    last = 0
    for match in _LINK.finditer(text):
        start, end = match.span()
        if start > last and text[start - 1] == "!":
            start -= 1  # an image: ![alt](src)
        ranges.append((start, end))
        text_start, text_end = match.span("text")
        pieces += (
            text[last:start],
            OPAQUE_MARK * (text_start - start),
            text[text_start:text_end],
            CLOSE_MARK * (end - text_end),
        )
        last = end
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def _mask_tags(text: str, ranges: list[tuple[int, int]]) -> str:
    """HTML tags hidden (closing ones as CLOSE_MARK); each element's extent protected."""
    pieces: list[str] = []
    open_tags: list[tuple[str, int]] = []
    last = 0
    for match in _TAG.finditer(text):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        pieces.append(text[last : match.start()])
        width = match.end() - match.start()
        pieces.append((CLOSE_MARK if closing else OPAQUE_MARK) * width)
        last = match.end()
        if closing:
            for depth in range(len(open_tags) - 1, max(-1, len(open_tags) - 1 - _MAX_NESTING), -1):
                if open_tags[depth][0] == name:
                    ranges.append((open_tags[depth][1], match.end()))
                    del open_tags[depth:]
                    break
        elif not self_closing and name not in _VOID_TAGS:
            open_tags.append((name, match.start()))
    pieces.append(text[last:])
    return "".join(pieces)


def _mask_emphasis(text: str, ranges: list[tuple[int, int]]) -> str:
    """Emphasis delimiters hidden (the closing one as CLOSE_MARK); the span protected."""

    def replace(match: re.Match[str]) -> str:
        ranges.append(match.span())
        delimiter = match.group(1) or match.group(3)
        inner = match.group(2) if match.group(1) else match.group(4)
        width = len(delimiter)
        return OPAQUE_MARK * width + inner + CLOSE_MARK * width

    return _EMPHASIS.sub(replace, text)


def mask(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The text with opaque spans overwritten, and the protected ranges found on the way."""
    masked, ranges = mask_markup(text)
    ranges.extend(bracket_ranges(masked))
    return masked, ranges


#: Periods that end nothing: a spaced ellipsis inside a sentence (". . ." between words),
#: the spaced ellipsis after a sentence's own period ("compounds. . . . The": the period
#: ends the sentence, the ellipsis opens the next), and a period that is a key's name
#: ("**alt-.**", "`C-x .`" is code already).
_SPACED_ELLIPSIS = re.compile(r"(?:(?<=\s)(?<!\. )|(?<=\w\. ))\.(?: \.){2}(?! \.)")
_KEY_PERIOD = re.compile(r"(?<=[-+=\\|^~])\.(?=[*_~`<])")


def _mask_periods(text: str) -> str:
    if ". ." in text:
        text = _SPACED_ELLIPSIS.sub(_BLANK, text)
    if ".*" in text or ".`" in text or "._" in text or ".<" in text or ".~" in text:
        text = _KEY_PERIOD.sub(OPAQUE_MARK, text)
    return text


def mask_markup(text: str) -> tuple[str, list[tuple[int, int]]]:
    """mask() without the bracket ranges, which protection() finds faster on its own."""
    ranges: list[tuple[int, int]] = []
    masked = _mask_periods(text) if "." in text else text
    if "`" in masked:
        masked = _mask_code_spans(masked)
    if "<" in masked:
        masked = _COMMENT.sub(_BLANK, masked)
        masked = _VERBATIM_ELEMENT.sub(_BLANK, masked)
        masked = _AUTOLINK.sub(_BLANK, masked)
    if "](" in masked:
        masked = _mask_links(masked, ranges)
    if "<" in masked:
        masked = _mask_tags(masked, ranges)
    if "://" in masked or "www." in masked:
        masked = _URL.sub(_BLANK, masked)
    if "@" in masked:
        masked = _mask_emails(masked)
    if "*" in masked or "_" in masked or "~~" in masked:
        masked = _mask_emphasis(masked, ranges)
    return masked, ranges


def protection(masked: str, ranges: list[tuple[int, int]]) -> Callable[[int], bool] | None:
    """A test "is this offset strictly inside a protected range?" for offsets asked in
    increasing order: the markup ``ranges`` plus matched brackets and quotes; None if
    nothing is protected."""
    first = _BRACKETS.search(masked)
    if first is None:
        return RangeIndex(ranges).covers if ranges else None
    if _FLAT_TEXT.fullmatch(masked, first.start()) is None:
        return RangeIndex(ranges + bracket_ranges(masked)).covers
    inside_pair = _FlatPairs(masked, first).inside
    if not ranges:
        return inside_pair
    in_markup = RangeIndex(ranges).covers
    return lambda offset: inside_pair(offset) or in_markup(offset)


class _FlatPairs:
    """Brackets that all come in closed pairs, none inside another ("（）「」《》"): an offset
    is inside a pair exactly when the next bracket after it closes one. Each bracket is
    looked up once, however many offsets are asked."""

    __slots__ = ("_masked", "_next_at", "_next_closes")

    def __init__(self, masked: str, first: re.Match[str]) -> None:
        self._masked = masked
        self._next_at = first.start()
        self._next_closes = False

    def inside(self, offset: int) -> bool:
        if offset > self._next_at:
            found = _BRACKETS.search(self._masked, offset)
            if found is None:
                self._next_at, self._next_closes = len(self._masked), False
            else:
                self._next_at, self._next_closes = found.start(), found.group() in _CLOSERS
        return self._next_closes


def bracket_ranges(text: str) -> list[tuple[int, int]]:
    """Spans of matched brackets and quotes; an opener with no closer protects nothing."""
    ranges: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    for match in _BRACKETS.finditer(text):
        char = match.group()
        if stack and char in _PAIRS[stack[-1][0]]:  # the common case: closes the innermost
            ranges.append((stack.pop()[1], match.end()))
            continue
        if char in _OPENER_ONLY:
            stack.append((char, match.start()))
            continue
        for depth in range(len(stack) - 1, max(-1, len(stack) - 1 - _MAX_NESTING), -1):
            if char in _PAIRS[stack[depth][0]]:
                ranges.append((stack[depth][1], match.end()))
                del stack[depth:]
                break
        else:
            if char in _PAIRS:
                stack.append((char, match.start()))
    return ranges


class RangeIndex:
    """Answers "is this offset strictly inside a protected range?" for offsets asked in order."""

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        self._ranges = sorted(r for r in ranges if r[1] - r[0] > 1)
        self._next = 0
        self._furthest_end = -1  # of the ranges that start before the offsets asked so far

    def covers(self, offset: int) -> bool:
        ranges = self._ranges
        while self._next < len(ranges) and ranges[self._next][0] < offset:
            self._furthest_end = max(self._furthest_end, ranges[self._next][1])
            self._next += 1
        return self._furthest_end > offset
