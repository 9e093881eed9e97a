"""Where sentences end: one regex finds every terminator cluster, a few rules judge each.

A cluster is a run of terminators (。！？.!?…) plus what belongs to the sentence it
ends: closing quotes and brackets, closing markup, and citation markers such as
[3], [3][5], [1-3] or ［３］ (before or after the terminator; those before need no
help, they are simply inside the sentence). Only clusters are visited, so the cost
is one C-level regex scan plus a little Python per terminator.
"""

from __future__ import annotations

import re
from functools import lru_cache

from localize.segmentation.languages import TOKEN_DELIMITERS, LanguageRules, previous_token
from localize.segmentation.markup import CLOSE_MARK, OPAQUE_MARK, mask_markup, protection

_CJK_TERMINATORS = "。！？｡．‼⁇⁈⁉"
_ELLIPSES = "…⋯"
_CITATION = (
    r"(?:\[\^[\w-]+\]"
    r"|\[\s*\d{1,4}(?:\s*[-–,，]\s*\d{1,4})*\s*\](?![(:])"
    r"|［\s*[0-9０-９]{1,4}(?:\s*[-–－,，、]\s*[0-9０-９]{1,4})*\s*］)"
)
_CITE = rf"(?:{OPAQUE_MARK}*{_CITATION}{CLOSE_MARK}*)"
_CLOSER = rf"(?:[”’」』）》】〉〕﹂﹄)\"'»›{CLOSE_MARK}]|“(?!\w)|[ \u00a0\u202f][»›])"
_TAIL_BODY = rf"(?:{_CLOSER}|[ \t\u00a0\u3000]*{_CITE})*+"
_TERM = rf"(?P<term>[.!?{_CJK_TERMINATORS}{_ELLIPSES}]++)"
_TAIL = rf"(?P<tail>{_TAIL_BODY})"
_CLUSTER = rf"{_TERM}{_TAIL}(?P<space>\s*)"
#: For languages written with spaces: a Latin terminator glued to the next character
#: (2.0, v1.2.3, example.com, end.Next) is never a boundary, so the regex skips it.
_SPACED_CLUSTER = rf"{_TERM}{_TAIL}(?P<space>\s++|\Z|(?=[^\x00-\u2e7f])|(?<=[{_CJK_TERMINATORS}]))"
#: Clusters the rules below would always accept, recognised by the regex alone so the
#: common case costs no Python: a CJK terminator not followed by a comma or a quotative
#: particle, and (spaced languages) "!"/"?" or a period after a word of 5+ letters that
#: is no abbreviation, before white space and a capital letter.
_IDEOGRAPH_OR_KANA = r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af「『（《【“]"
_SURE_CJK = (
    r"[。！？｡‼⁇⁈⁉](?=[\u3400-\u9fff])|"  # the usual case, 好。我們, settled in a few steps
    rf"[.!?…⋯．]*+[。！？｡‼⁇⁈⁉][.!?{_CJK_TERMINATORS}{_ELLIPSES}]*+{_TAIL_BODY}"
    r"(?=\s*+(?![，、,;；:：]))(?!と|って)"
    rf"|[!?]++{_TAIL_BODY}(?={_IDEOGRAPH_OR_KANA})"
)
#: Never a boundary: an ellipsis run straight before CJK text (他想了想……還是), or a
#: period inside a number or word (1.5, v1.2, example.com).
_NOT_CJK = rf"[…⋯]++(?={_IDEOGRAPH_OR_KANA})|\.(?=[0-9a-z])"
#: Never a boundary in spaced text: a Latin terminator before a lower-case word
#: ("e.g. less", "U.S. and", "mixed... but"), unless the word has a capital inside (iPhone).
_NOT_LATIN = rf"[.!?…⋯]++{_TAIL_BODY}\s++(?=[a-z](?![\w’'-]?[A-Z]))"
_TERMINATORS = rf".!?{_CJK_TERMINATORS}{_ELLIPSES}"
_FIRST = rf"(?=[{_TERMINATORS}])"
_CAPITAL = "A-ZÀ-ÖØ-ÞĀ-ĶА-ЯЁ"
#: Before a word: the previous_token() of a period after it is exactly that word (a token
#: delimiter or the text start before it, and no spaced part such as "z. " before that).
_WHOLE_TOKEN = (
    rf"(?<![^{TOKEN_DELIMITERS}])"
    r"(?<!(?<![^\W\d_])[^\W\d_]\.[ \u00a0])(?<!(?<![^\W\d_])[^\W\d_]{2}\.[ \u00a0])"
)
#: Lookbehinds for a token after which _period_ends() always accepts a period: none (a
#: closing bracket: "(see Fig. 3). The") or a decimal or version ("Gemma 2.5. The").


def _ending_token(after: str = "") -> str:
    """The lookbehinds of _ENDING_TOKEN, asked ``after`` more characters further on."""
    numbers = [rf"(?<={_WHOLE_TOKEN}\d{{{a}}}\.\d{{{b}}}{after})" for a in (1, 2) for b in (1, 2)]
    return "(?:" + "|".join([f"(?<=[)\\]\ue001]{after})", *numbers]) + ")"


_ENDING_TOKEN = _ending_token()
#: A version, decimal or bracket before a period straight before a CJK ideograph
#: ("Gemma 2.5.這次"), in every language; and, in zh/ja only, a lone "!"/"?" before a
#: capitalised Latin word ("第一步?Google 說") and so is a period after a digit ("2.5.Mistral").
_SURE_BEFORE_IDEOGRAPH = rf"(?=\.[\u3400-\u9fff]){_ENDING_TOKEN}\."
_SURE_BEFORE_LATIN = r"(?:(?<![.!?…⋯。！？｡．‼⁇⁈⁉])[!?]|(?<=\d)\.)(?=[A-Z][A-Za-z])"
#: zh/ja: the same alternatives as _SURE_CJK, _SURE_BEFORE_IDEOGRAPH, _SURE_BEFORE_LATIN,
#: _NOT_CJK and _CLUSTER, written to start one character later: the pattern then begins
#: with a plain character class, which the regex engine scans for far faster than it
#: tries a lookahead at every position. (?<=x) at the first terminator is (?<=x.) here.
_AFTER_FIRST_CJK_SURE = (
    r"(?<=[。！？｡‼⁇⁈⁉])(?=[\u3400-\u9fff])"
    r"|(?:(?<=[.!?…⋯．])[.!?…⋯．]*+[。！？｡‼⁇⁈⁉]|(?<=[。！？｡‼⁇⁈⁉]))"
    rf"[{_TERMINATORS}]*+{_TAIL_BODY}(?=\s*+(?![，、,;；:：]))(?!と|って)"
    rf"|(?<=[!?])[!?]*+{_TAIL_BODY}(?={_IDEOGRAPH_OR_KANA})"
    + r"|(?<=\.)(?=[\u3400-\u9fff])"
    + _ending_token(after=r"\.")
    + rf"|(?:(?<![{_TERMINATORS}][!?])(?<=[!?])|(?<=\d\.))(?=[A-Z][A-Za-z])"
)
_AFTER_FIRST_CJK_NEVER = rf"(?<=[…⋯])[…⋯]*+(?={_IDEOGRAPH_OR_KANA})|(?<=\.)(?=[0-9a-z])"
_AFTER_FIRST_CJK_CLUSTER = rf"(?P<term>[{_TERMINATORS}]*+){_TAIL}(?P<space>\s*)"
_SURE_LATIN = (  # the lookahead guard spares most periods the lookbehinds
    rf"(?:[!?]++|(?=\.{_TAIL_BODY}\s++[{_CAPITAL}])(?:{{ordinary_word}}|{_ENDING_TOKEN})\.)"
    rf"{_TAIL_BODY}(?=\s++[{_CAPITAL}])"
)


def _ordinary_word(rules: LanguageRules) -> str:
    """Lookbehinds: the text before here is a word of letters that is no abbreviation,
    no roman numeral and no first half of a spaced abbreviation ("z" of "z. B.")."""
    excluded = rules.abbreviations | {a.split(".")[0] for a in rules.abbreviations if "." in a}

    def not_one_of(length: int) -> str:
        words = sorted(w for w in excluded if len(w) == length and "." not in w)
        return f"(?<!{'|'.join(re.escape(w) for w in words)})" if words else ""

    longer = rf"(?<=[^\W\d_]{{5}}){not_one_of(5)}{''.join(not_one_of(n) for n in range(6, 12))}"
    short = [
        rf"(?<=(?<![\w.’'-])[^\W\d_]{{{n}}})(?<![ivxIVX]{{{n}}}){not_one_of(n)}" for n in (2, 3, 4)
    ]
    return "(?:" + "|".join([longer, *short]) + ")"


def _after_one_of(words: set[str]) -> str:
    """A lookbehind per word length: one of ``words`` is the whole token before here."""
    lengths = sorted({len(w) for w in words})
    return (
        "(?:"
        + "|".join(
            rf"(?<={_WHOLE_TOKEN}(?:"
            + "|".join(re.escape(w) for w in sorted(words) if len(w) == n)
            + "))"
            for n in lengths
        )
        + ")"
    )


def _never_abbreviation(rules: LanguageRules) -> str:
    """Periods _period_ends() always rejects, recognised by the regex so they cost no Python:
    a prefix abbreviation ("Dr. Chen", "approx. 5"), and a terminal abbreviation or an
    initial before a number or a capitalised word that is no sentence starter ("Jan. 13",
    "J. Chen")."""
    # each half starts with a cheap necessary condition, so most periods skip the lookbehinds
    last_letters = re.escape("".join(sorted({w[-1] for w in rules.prefix})))
    prefix = rf"(?<=[{last_letters}]){_after_one_of(set(rules.prefix))}"
    capitals = {c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in rules.abbreviations}
    before_word = _after_one_of(set(rules.terminal) | capitals)
    starters = "|".join(re.escape(w) for w in sorted(rules.starters, key=len, reverse=True))
    following = rf"(?=\s++(?:\d|(?!(?:{starters})(?![\w’'-]))[{_CAPITAL}]))"
    not_a_run = rf"(?![.!?{_CJK_TERMINATORS}{_ELLIPSES}])"
    guard = rf"(?=\.\s++[\d{_CAPITAL}])"
    return rf"{prefix}\.{not_a_run}|{guard}{before_word}\.{following}"


_SURE = 1  # group number of the "sure" alternative


#: Compiled patterns by rules object: hashing a LanguageRules (an lru_cache key) costs more
#: per block than looking its id up; the rules object is kept so its id stays its own.
_PATTERNS: dict[int, tuple[LanguageRules, re.Pattern[str]]] = {}


def _clusters(rules: LanguageRules) -> re.Pattern[str]:
    """The cluster regex of ``rules``, compiled once per rules object."""
    cached = _PATTERNS.get(id(rules))
    if cached is None or cached[0] is not rules:
        if len(_PATTERNS) >= 64:
            _PATTERNS.clear()
        cached = _PATTERNS[id(rules)] = (rules, _compile_clusters(rules))
    return cached[1]


@lru_cache(maxsize=64)
def _compile_clusters(rules: LanguageRules) -> re.Pattern[str]:
    """The cluster regex of ``rules``' language: sure boundaries first, then candidates."""
    # the leading lookahead lets the regex engine skip to terminators at C speed
    if rules.uses_spaces:
        latin = _SURE_LATIN.replace("{ordinary_word}", _ordinary_word(rules))
        sure = f"{_SURE_CJK}|{_SURE_BEFORE_IDEOGRAPH}|{latin}"
        never = f"{_NOT_CJK}|{_NOT_LATIN}|{_never_abbreviation(rules)}"
        cluster = _SPACED_CLUSTER
        start = _FIRST
    else:  # see _AFTER_FIRST_CJK_SURE
        sure, never = _AFTER_FIRST_CJK_SURE, _AFTER_FIRST_CJK_NEVER
        start, cluster = f"[{_TERMINATORS}]", _AFTER_FIRST_CJK_CLUSTER
    # Never-boundaries yield no match at all (no Python per "2.5" or "e.g."): sure and never
    # exclude each other, and every later terminator of a never run is one again.
    pattern = re.compile(rf"{start}(?:(?P<sure>{sure})\s*+|(?!{never}){cluster})")
    if pattern.groupindex["sure"] != _SURE:
        raise AssertionError("_bounds() relies on the group number of 'sure'")
    return pattern


_CJK_CHAR = re.compile(
    r"[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf"
    r"\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40"
    r"\uff5b-\uff65\U00020000-\U0003134f]"
)
_WORD = re.compile(r"[^\W\d_][\w’'-]*")
_HAS_CJK_TERMINATOR = re.compile(f"[{_CJK_TERMINATORS}]")
_CAPITALISED_WORD = re.compile(r"[A-Z][A-Za-z]")
_CONTINUATIONS = frozenset("，、,;；:：")
_QUOTATIVES = ("と", "って", "という")
_DASH = re.compile(r"[—–―]\s*|-+\s+")
_SPACED_PART = re.compile(r"([^\W\d_]{1,2})\.")
_DOTTED = re.compile(r"(?:[^\W\d_]{1,3}\.)+[^\W\d_]{1,3}")
_LIST_MARKER = re.compile(r"(?:\d{1,3}|[ivxIVX]{1,4}|[A-Za-z])")


def _is_cjk(char: str) -> bool:
    return char >= "\u2e80" and _CJK_CHAR.match(char) is not None


#: A block that starts with a list marker ("1.", "1)", "1.)", "a.", "• 9.", "⁃9."): its later
#: markers of the same style and the next value begin items of their own (pySBD's list rules).
_LIST_START = re.compile(r"(?P<bullet>[•⁃]\s*)?(?P<value>\d{1,3}|[a-z])(?P<punct>\.\)|\)|\.)\s")
_WORDY = re.compile(r"[^\W_]")


def _bounds(text: str, rules: LanguageRules) -> list[int]:
    """0, then (end of a sentence, start of the next) for every boundary, then len(text):
    one flat list, so slicing the sentences out is a single comprehension.

    A sentence with no letter or digit (an emoji, a lone symbol) stays with the one before.
    """
    items = _list_items(text) if rules.uses_spaces and text[:1] in _LIST_FIRST else None
    if items is None:
        bounds = _plain_bounds(text, rules)
    else:
        bounds = []
        for start, end in items:
            bounds += [start + b for b in _plain_bounds(text[start:end], rules)]
        bounds[-1] = len(text)
    if len(bounds) > 2:
        bounds = _merge_wordless(text, bounds)
    return bounds


_LIST_FIRST = frozenset("0123456789abcdefghijklmnopqrstuvwxyz•⁃")


def _next_value(value: str) -> str:
    return str(int(value) + 1) if value.isdigit() else chr(ord(value) + 1)


def _list_items(text: str) -> list[tuple[int, int]] | None:
    """(start, end) of each item of an inline enumerated list, or None when ``text`` is not one."""
    first = _LIST_START.match(text)
    if first is None:
        return None
    bullet = re.escape(first.group("bullet").strip()) + r"\s*" if first.group("bullet") else ""
    punct = re.escape(first.group("punct"))
    starts = [0]
    value = first.group("value")
    while True:
        value = _next_value(value)
        marker = re.compile(rf"\s({bullet}{re.escape(value)}{punct}\s)")
        found = marker.search(text, starts[-1] + first.end())
        if found is None:
            break
        starts.append(found.start(1))
    if len(starts) < 2:
        return None
    ends = [len(text[:start].rstrip()) for start in starts[1:]] + [len(text)]
    return list(zip(starts, ends, strict=True))


def _merge_wordless(text: str, bounds: list[int]) -> list[int]:
    """Drop the boundary before each sentence that has no letter or digit."""
    starts = bounds[2:-1:2]
    if all(text[start].isalnum() for start in starts):
        return bounds  # the usual case: every sentence starts with a letter or digit
    merged = bounds[:1]
    for position in range(1, len(bounds) - 1, 2):
        end, start, next_end = bounds[position], bounds[position + 1], bounds[position + 2]
        if not text[start].isalnum() and _WORDY.search(text, start, next_end) is None:
            continue  # "完成了！🚀": the emoji stays with its sentence
        merged += [end, start]
    merged.append(bounds[-1])
    return merged


def _plain_bounds(text: str, rules: LanguageRules) -> list[int]:
    """_bounds() without the list and wordless-sentence rules."""
    masked, ranges = mask_markup(text)
    covers = protection(masked, ranges)
    bounds = [0]
    size = len(masked)
    sentence_start = 0
    judge: _Judge | None = None  # built only for the few clusters the regex cannot decide
    sure_kind = _SURE
    for match in _clusters(rules).finditer(masked):
        kind = match.lastindex  # 1: a sure boundary, else: judge it
        resume = match.end()
        if resume >= size:
            break
        if kind == sure_kind:
            end = match.end(sure_kind)
            if covers is None or not covers(end):
                bounds += end, resume
                sentence_start = resume
            continue
        end = match.end("tail")
        if covers is not None and covers(end):
            continue
        if judge is None:
            judge = _Judge(masked, rules)
        if judge._ends_sentence(match, sentence_start):
            bounds += end, resume
            sentence_start = resume
    bounds.append(len(text))
    return bounds


class _Judge:
    """The rules for clusters the regex leaves open, over one block's masked text."""

    def __init__(self, masked: str, rules: LanguageRules) -> None:
        self.masked = masked
        self.rules = rules

    def _ends_sentence(self, match: re.Match[str], sentence_start: int) -> bool:
        term = self.masked[match.start() : match.end("term")]  # the whole terminator run
        spaced = match.end() > match.end("tail")
        following = self.masked[match.end()]
        if following in _CONTINUATIONS:
            return False  # 「好。」，他說 / "Go!", she said
        if term[-1] in _CJK_TERMINATORS or (len(term) > 1 and _HAS_CJK_TERMINATOR.search(term)):
            return self._cjk_terminator_ends(match, following)
        if "!" in term or "?" in term or term.endswith(("....", "….", "⋯.")):
            if spaced:
                return self._starts_sentence(match.end())
            return _is_cjk(following) or self._latin_after_cjk(match)
        if len(term) > 1 or term in _ELLIPSES:
            # an ellipsis alone: ends a sentence only before a capital in spaced text
            return spaced and following.isupper()
        if not spaced and not _is_cjk(following):
            return self._latin_after_cjk(match)  # else 2.0, v1.2.3, example.com, end.Next
        return self._period_ends(match, sentence_start)

    def _latin_after_cjk(self, match: re.Match[str]) -> bool:
        """zh/ja text runs sentences together: "Qwen 2.4.Mistral 表示" and "嗎?Google 說" split."""
        if self.rules.uses_spaces or match.end("tail") > match.end("term"):
            return False
        previous = self.masked[match.start() - 1] if match.start() else ""
        term = self.masked[match.start() : match.end("term")]
        if not (previous.isdigit() or _is_cjk(previous) or term in "!?"):
            return False
        return _CAPITALISED_WORD.match(self.masked, match.end()) is not None

    def _cjk_terminator_ends(self, match: re.Match[str], following: str) -> bool:
        if following.isdigit() and self.masked[match.start() : match.end("term")] == "．":
            return False  # full-width decimal point: ３．５
        if match.end("tail") > match.end("term") and match.end() == match.end("tail"):
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
        token = previous_token(self.masked, start, sentence_start)
        if not token:
            return True
        rules = self.rules
        if (
            len(token) > 4
            and token not in rules.abbreviations
            and "." not in token
            and not token[0].isdigit()
        ):
            return True  # an ordinary word: "... shipped today. The"
        last = token.rsplit(".", 1)[-1] if "." in token else token
        if token in rules.prefix or (last in rules.prefix and token not in rules.terminal):
            return False
        ahead = _SPACED_PART.match(self.masked, following_offset)
        if ahead and f"{last}.{ahead.group(1)}" in rules.abbreviations:
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
        before = self.masked[sentence_start : start - len(token)].rstrip().rstrip("•⁃ ")
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
    """(start, end) offsets of each sentence of ``text`` (a sentence's leading white space
    belongs to the cut before it; trailing white space of the text is not removed)."""
    bounds = _bounds(text, rules)
    return list(zip(bounds[::2], bounds[1::2], strict=True))


def split_text(text: str, rules: LanguageRules) -> list[str]:
    """The sentences of ``text``, stripped, never empty."""
    bounds = _bounds(text, rules)
    if len(bounds) == 2:  # one sentence
        stripped = text.strip()
        return [stripped] if stripped else []
    pairs = iter(bounds)
    sentences = [text[start:end] for start, end in zip(pairs, pairs, strict=False)]
    # A cut swallows the white space between sentences and a sentence always holds its
    # terminator, so only the first and the last can be padded or empty.
    sentences[0] = sentences[0].strip()
    if len(sentences) > 1:
        sentences[-1] = sentences[-1].strip()
    if not sentences[-1]:
        sentences.pop()
    if sentences and not sentences[0]:
        del sentences[0]
    return sentences
