"""Where sentences end: one regex finds every terminator cluster, a few rules judge each.

A cluster is a run of terminators (。！？.!?…) plus what belongs to the sentence it
ends: closing quotes and brackets, closing markup, and citation markers such as
[3], [3][5], [1-3] or ［３］ (before or after the terminator; those before need no
help, they are simply inside the sentence). Only clusters are visited, so the cost
is one C-level regex scan plus a little Python per terminator.
"""

from __future__ import annotations

import re

from localize.segmentation.languages import PREVIOUS_TOKEN, LanguageRules
from localize.segmentation.markup import CLOSE_MARK, OPAQUE_MARK, RangeIndex, mask

_CJK_TERMINATORS = "。！？｡．‼⁇⁈⁉"
_ELLIPSES = "…⋯"
_CITATION = (
    r"(?:\[\^[\w-]+\]"
    r"|\[\s*\d{1,4}(?:\s*[-–,，]\s*\d{1,4})*\s*\](?![(:])"
    r"|［\s*[0-9０-９]{1,4}(?:\s*[-–－,，、]\s*[0-9０-９]{1,4})*\s*］)"
)
_CITE = rf"(?:{OPAQUE_MARK}*{_CITATION}{CLOSE_MARK}*)"
_CLOSER = rf"(?:[”’」』）》】〉〕﹂﹄)\"'»›{CLOSE_MARK}]|“(?!\w)|[ \u00a0\u202f][»›])"
_CLUSTER = re.compile(
    rf"(?P<term>[.!?{_CJK_TERMINATORS}{_ELLIPSES}]+)"
    rf"(?P<tail>(?:{_CLOSER}|[ \t\u00a0\u3000]*{_CITE})*)"
    r"(?P<space>\s*)"
)
_CJK_CHAR = re.compile(
    r"[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf"
    r"\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40"
    r"\uff5b-\uff65\U00020000-\U0003134f]"
)
_WORD = re.compile(r"[^\W\d_][\w’'-]*")
_CONTINUATIONS = frozenset("，、,;；:：")
_QUOTATIVES = ("と", "って", "という")
_DASH = re.compile(r"[—–―]\s*|-+\s+")
_SPACED_PART = re.compile(r"([^\W\d_]{1,2})\.")
_DOTTED = re.compile(r"(?:[^\W\d_]{1,3}\.)+[^\W\d_]{1,3}")
_LIST_MARKER = re.compile(r"(?:\d{1,3}|[ivxIVX]{1,4}|[A-Za-z])")


def _is_cjk(char: str) -> bool:
    return bool(_CJK_CHAR.match(char))


class _Scan:
    """One block's boundary search; holds the masked text and per-block state."""

    def __init__(self, text: str, rules: LanguageRules) -> None:
        self.text = text
        self.rules = rules
        self.masked, ranges = mask(text)
        self.protected = RangeIndex(ranges)

    def cuts(self) -> list[tuple[int, int]]:
        """(end of a sentence, start of the next) for every boundary, in order."""
        found: list[tuple[int, int]] = []
        masked = self.masked
        size = len(masked)
        sentence_start = 0
        for match in _CLUSTER.finditer(masked):
            end, resume = match.end("tail"), match.end()
            if resume >= size:
                break
            if self.protected.covers(end):
                continue
            if self._ends_sentence(match, sentence_start):
                found.append((end, resume))
                sentence_start = resume
        return found

    def _ends_sentence(self, match: re.Match[str], sentence_start: int) -> bool:
        term = match.group("term")
        spaced = bool(match.group("space"))
        following = self.masked[match.end()]
        if following in _CONTINUATIONS:
            return False  # 「好。」，他說 / "Go!", she said
        if any(char in _CJK_TERMINATORS for char in term):
            return self._cjk_terminator_ends(match, following)
        if "!" in term or "?" in term or term.endswith(("....", "….", "⋯.")):
            return (spaced and self._starts_sentence(match.end())) or _is_cjk(following)
        if len(term) > 1 or term in _ELLIPSES:
            # an ellipsis alone: ends a sentence only before a capital in spaced text
            return spaced and following.isupper()
        if not spaced and not _is_cjk(following):
            return False  # 2.0, v1.2.3, example.com, end.Next
        return self._period_ends(match, sentence_start)

    def _cjk_terminator_ends(self, match: re.Match[str], following: str) -> bool:
        term = match.group("term")
        if term.count("．") == len(term) and following.isdigit():
            return False  # full-width decimal point: ３．５
        if match.group("tail") and not match.group("space"):
            # Japanese quotative particle after a quote: 「本当？」と彼は言った。
            return not self.masked.startswith(_QUOTATIVES, match.end())
        return True

    def _starts_sentence(self, offset: int) -> bool:
        """Whether the text at ``offset`` can begin a sentence (not a lower-case word)."""
        dash = _DASH.match(self.masked, offset)
        if dash:
            offset = dash.end()  # «Готово?» — спросила она.
            if offset >= len(self.masked):
                return True
        char = self.masked[offset]
        if char.islower():
            word = _WORD.match(self.masked, offset)
            return bool(word and any(c.isupper() for c in word.group()[1:3]))  # iPhone, eBay
        return True

    def _period_ends(self, match: re.Match[str], sentence_start: int) -> bool:
        start = match.start()
        following_offset = match.end()
        following = self.masked[following_offset]
        cjk_next = _is_cjk(following)
        if not cjk_next and not self._starts_sentence(following_offset):
            return False
        window = self.masked[max(sentence_start, start - 24) : start]
        token_match = PREVIOUS_TOKEN.search(window)
        token = token_match.group(1).replace(" ", "").replace("\u00a0", "") if token_match else ""
        if not token:
            return True
        rules = self.rules
        last = token.rsplit(".", 1)[-1] if "." in token else token
        if token in rules.prefix or (last in rules.prefix and token not in rules.terminal):
            return False
        ahead = _SPACED_PART.match(self.masked, following_offset)
        if ahead and f"{last}.{ahead.group(1)}" in rules.all_abbreviations:
            return False  # the first half of "z. B.", "т. е.", "d. h."
        next_word = _WORD.match(self.masked, following_offset)
        starter = cjk_next or bool(next_word and next_word.group() in rules.starters and not ahead)
        if token in rules.terminal or last in rules.terminal:
            return starter and not (cjk_next and not match.group("space"))
        if len(last) == 1 and last.isalpha() and last.isupper():
            return starter  # an initial: J. R. R. Tolkien
        if _DOTTED.fullmatch(token):
            return starter  # an unlisted dotted abbreviation: Ph.D., U.S.A.
        if token.isdigit() or _LIST_MARKER.fullmatch(token):
            return self._number_ends(token, start, sentence_start, next_word, starter, cjk_next)
        return True

    def _number_ends(
        self,
        token: str,
        start: int,
        sentence_start: int,
        next_word: re.Match[str] | None,
        starter: bool,
        cjk_next: bool,
    ) -> bool:
        before = self.masked[sentence_start : start - len(token)].rstrip()
        if not before or before.endswith((":", "：")):
            return False  # a list marker: "1. Install it." or "Steps: 1. ..."
        if not token.isdigit():
            return True
        if next_word and next_word.group() in self.rules.number_followers:
            return False
        if self.rules.ordinal_dots and not cjk_next and next_word:
            return starter  # German ordinals: "am 3. Oktober", "der 2. Platz"
        return True


def sentence_spans(text: str, rules: LanguageRules) -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence of ``text``, surrounding whitespace excluded."""
    spans: list[tuple[int, int]] = []
    start = 0
    for end, resume in _Scan(text, rules).cuts():
        spans.append((start, end))
        start = resume
    spans.append((start, len(text)))
    return spans
