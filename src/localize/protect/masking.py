"""Masking for machine translation: what must survive is hidden behind tokens, then restored.

MT services drop, repeat, reorder, re-space, widen, re-case and even translate
placeholder tokens. ``SafeTranslation.attempts()`` is a repair ladder the driver
walks until one attempt verifies:

1. placeables and glossary terms replaced by word tokens (``ZX0Q``: a code-like
   capitalised word most engines copy as a name), restored tolerantly (spaces
   inside, full-width forms, any case, digits as CJK numerals);
2. the same with bracket tokens (``⟦0⟧``), for engines that mangle the first style;
3. only the runs of text between placeables are sent, each on its own, and the
   placeables (or the glossary target of a term) are put back between them.

Every restored translation goes through the caller's ``verify`` (QA's
``blocking_problems``: each placeable exactly as often as in the source, each
glossary target and kept term present, no token residue, no markup the source
lacks). Taking it as an argument keeps protection below QA in the import graph.
An entry none of whose attempts verifies gets no translation at all.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from localize.model import DocumentFormat
from localize.protect.placeables import Placeable, find_spans
from localize.protect.tokens import TOKEN_STYLES, TokenStyle, parse_index

if TYPE_CHECKING:
    from localize.glossary import Glossary
    from localize.locales import LocaleInfo

__all__ = ["Attempt", "Restored", "SafeTranslation", "Verifier"]

Verifier = Callable[[str], tuple[str, ...]]
"""Problems that forbid writing a restored translation; empty means it may be written."""

@dataclass(frozen=True)
class Restored:
    """An attempt's outcome: the verified translation, or None and the reasons."""

    translation: str | None
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Attempt:
    """Texts to send to the engine and how to turn the answers into a verified translation."""

    requests: tuple[str, ...]
    assemble: Callable[[Sequence[str | None]], Restored]
    style: str = ""


@dataclass(frozen=True)
class Slot:
    """A masked span: the placeable found in the source and what goes back in its place.

    ``role`` is "open" or "close" for Markdown delimiters (emphasis, link brackets):
    a space an engine puts on their inner side breaks the markup.
    """

    placeable: Placeable
    restore: str
    role: str = ""


_DELIMITER = re.compile(r"[*_~]+")


def _roles(spans: Sequence[Placeable]) -> list[str]:
    """Opener/closer of each Markdown delimiter; identical emphasis runs alternate."""
    roles, open_runs = [], Counter[str]()
    for placeable in spans:
        text = placeable.text
        if placeable.kind != "markup":
            roles.append("")
        elif text in ("[", "!["):
            roles.append("open")
        elif text.startswith("]("):
            roles.append("close")
        elif _DELIMITER.fullmatch(text):
            roles.append("close" if open_runs[text] % 2 else "open")
            open_runs[text] += 1
        else:
            roles.append("")
    return roles


def _text_of(item: object) -> str:
    return item.restore if isinstance(item, Slot) else str(item or "")


def _would_merge(slot: Slot, neighbour: str, before: bool) -> bool:
    """Whether text written right against a URL or e-mail would become part of it."""
    if slot.placeable.kind not in ("url", "email") or not neighbour:
        return False
    edge = neighbour[-1] if before else neighbour[0]
    return edge.isascii() and (edge.isalnum() or edge in "-_/%+~#=&@")


def _edge_is_word(text: str, at_end: bool) -> bool:
    if not text:
        return False
    char = text[-1] if at_end else text[0]
    return char.isascii() and char.isalnum()


class SafeTranslation:
    """The repair ladder for one source sentence translated into one locale."""

    def __init__(
        self,
        text: str,
        fmt: DocumentFormat,
        glossary: Glossary | None,
        source: LocaleInfo,
        target: LocaleInfo,
        verify: Verifier,
    ):
        self.text = text
        self.verify = verify
        self.source = source
        self.target = target
        spans = find_spans(
            text, fmt, glossary, include_term=lambda term: term.target_for(target) is not None
        )
        roles = _roles([p for p, _ in spans])
        self.slots = tuple(
            Slot(p, p.text if term is None else term.target_for(target) or p.text, role)
            for (p, term), role in zip(spans, roles, strict=True)
        )

    # -- the ladder ------------------------------------------------------------------------------
    def attempts(self) -> Iterator[Attempt]:
        """Token styles in turn, then the runs between placeables; nothing repeats a request."""
        runs = self._runs_attempt()
        if not self.slots:
            yield Attempt((self.text,), self._plain_assemble, "plain")
            return
        if not runs.requests:
            yield runs
            return
        for style in TOKEN_STYLES:
            yield Attempt((self.masked(style),), self._token_assemble(style), style.name)
        yield runs

    def masked(self, style: TokenStyle) -> str:
        """The source with every slot replaced by its token."""
        tokens = (style.token(index) for index in range(len(self.slots)))
        return "".join(next(tokens) if isinstance(p, Slot) else p for p in self.pieces)

    # -- assembling --------------------------------------------------------------------------------
    def _finish(self, translation: str, problems: Sequence[str] = ()) -> Restored:
        problems = tuple(problems) or self.verify(translation)
        if problems or not translation.strip():
            return Restored(None, problems or ("empty translation",))
        return Restored(translation, ())

    def _plain_assemble(self, answers: Sequence[str | None]) -> Restored:
        if not answers or answers[0] is None:
            return Restored(None, ("no answer",))
        return self._finish(answers[0])

    def _token_assemble(self, style: TokenStyle) -> Callable[[Sequence[str | None]], Restored]:
        def assemble(answers: Sequence[str | None]) -> Restored:
            if not answers or answers[0] is None:
                return Restored(None, ("no answer",))
            translation, problems = self.restore(answers[0], style)
            return self._finish(translation, problems)

        return assemble

    def restore(self, answer: str, style: TokenStyle) -> tuple[str, list[str]]:
        """Tokens of ``style`` found tolerantly and replaced; problems name lost or repeated ones."""
        counts: Counter[int] = Counter()
        problems: list[str] = []
        items: list[str | Slot] = []
        pos = 0
        for match in style.tolerant.finditer(answer):
            index = parse_index(match.group("n"))
            if index is None or index >= len(self.slots):
                problems.append(f"unknown token {match.group().strip()!r}")
                continue
            between = answer[pos : match.start()]
            if counts[index] and items and items[-1] is self.slots[index] and not between.strip():
                pos = match.end()  # a stutter: "⟦1⟧ ⟦1⟧" is one token
                continue
            counts[index] += 1
            items += [between, self.slots[index]]
            pos = match.end()
        items.append(answer[pos:])
        for index, slot in enumerate(self.slots):
            if counts[index] == 0:
                problems.append(f"lost {slot.placeable.kind} {slot.placeable.text!r}")
            elif counts[index] > 1:
                problems.append(f"repeated {slot.placeable.kind} {slot.placeable.text!r}")
        return self._join_restored(items), problems

    def _join_restored(self, items: list[str | Slot]) -> str:
        """Slots' restore texts between the answer's text, spacing next to slots adjusted."""
        out: list[str] = []
        for i, item in enumerate(items):
            if isinstance(item, Slot):
                out.append(item.restore)
                continue
            left = items[i - 1] if i > 0 else None
            right = items[i + 1] if i + 1 < len(items) else None
            core = item.strip(" \t\u00a0\u3000")
            lead = item[: len(item) - len(item.lstrip(" \t\u00a0\u3000"))]
            trail = item[len(lead) + len(core) :]
            if not core:
                if not lead and isinstance(left, Slot) and isinstance(right, Slot):
                    merge = _would_merge(left, right.restore, False)
                    out.append(" " if merge or _would_merge(right, left.restore, True) else "")
                    continue
                options = [lead]
                if isinstance(left, Slot):
                    options.append(self._space(lead, left, False, _text_of(right)))
                if isinstance(right, Slot):
                    options.append(self._space(lead, right, True, _text_of(left)))
                out.append(min(options, key=len))
                continue
            if isinstance(left, Slot):
                lead = self._space(lead, left, before=False, neighbour=core)
            if isinstance(right, Slot):
                trail = self._space(trail, right, before=True, neighbour=core)
            out.append(lead + core + trail)
        return "".join(out)

    def _space(self, space: str, slot: Slot, before: bool, neighbour: str) -> str:
        """Spaces an engine put beside a token: none inside Markdown delimiters, none in CJK."""
        start, end = slot.placeable.start, slot.placeable.end
        source_side = self.text[start - 1 : start] if before else self.text[end : end + 1]
        if not space:
            return " " if _would_merge(slot, neighbour, before) else ""
        inner = (slot.role == "open" and not before) or (slot.role == "close" and before)
        if inner and not source_side.isspace():
            return ""
        if self.target.uses_spaces or (source_side.isspace() and not self.source.uses_spaces):
            return space
        beyond = _edge_is_word(neighbour, at_end=before)
        if beyond and _edge_is_word(slot.restore, at_end=not before):
            return " "
        return ""

    # -- attempt 3: runs between placeables --------------------------------------------------------
    @cached_property
    def pieces(self) -> tuple[str | Slot, ...]:
        """The source cut at its slots: text, slot, text, ... (every attempt reads it)."""
        pieces: list[str | Slot] = []
        pos = 0
        for slot in self.slots:
            pieces += [self.text[pos : slot.placeable.start], slot]
            pos = slot.placeable.end
        pieces.append(self.text[pos:])
        return tuple(pieces)

    def _runs_attempt(self) -> Attempt:
        pieces = self.pieces
        requests = tuple(
            piece.strip() for piece in pieces if isinstance(piece, str) and _translatable(piece)
        )

        def assemble(answers: Sequence[str | None]) -> Restored:
            if len(answers) != len(requests) or any(a is None or not a.strip() for a in answers):
                return Restored(None, ("no answer for a run of text",))
            return self._finish(self._interleave(pieces, [a.strip() for a in answers if a]))

        return Attempt(requests, assemble, "runs")

    def _interleave(self, pieces: Sequence[str | Slot], answers: list[str]) -> str:
        out: list[str] = []
        queue = iter(answers)
        for index, piece in enumerate(pieces):
            if isinstance(piece, Slot):
                out.append(piece.restore)
                continue
            if not _translatable(piece):
                out.append(_adapt_punctuation(piece, self.target))
                continue
            lead = piece[: len(piece) - len(piece.lstrip())]
            trail = piece[len(piece.rstrip()) :]
            answer = next(queue)
            lead = self._run_space(lead, answer, pieces, index - 1, at_end=False)
            trail = self._run_space(trail, answer, pieces, index + 1, at_end=True)
            out.append(lead + answer + trail)
        return "".join(out)

    def _run_space(
        self, space: str, answer: str, pieces: Sequence[str | Slot], neighbour: int, at_end: bool
    ) -> str:
        """Spacing between a translated run and the slot beside it, as the target writes it."""
        if not 0 <= neighbour < len(pieces) or not isinstance(pieces[neighbour], Slot):
            return space
        slot = pieces[neighbour]
        assert isinstance(slot, Slot)
        word_run = _edge_is_word(answer, at_end)
        if not space and _would_merge(slot, answer, not at_end):
            return " "
        if not self.target.uses_spaces:
            if not self.source.uses_spaces:
                return space
            return space if word_run and _edge_is_word(slot.restore, not at_end) else ""
        if space or slot.placeable.kind == "markup":
            return space
        if not word_run or (slot.placeable.kind == "citation" and at_end):
            return space
        return " "


def _translatable(run: str) -> bool:
    """A run worth sending: it holds at least one letter (``str.isalpha`` is exactly the
    Unicode categories L*, and runs in C)."""
    return any(map(str.isalpha, run))


_TO_SPACED = {"。": ". ", "，": ", ", "、": ", ", "！": "! ", "？": "? ", "：": ": ", "；": "; "}
_TO_CJK = {".": "。", ",": "，", "!": "！", "?": "？", ":": "：", ";": "；"}


def _adapt_punctuation(run: str, target: LocaleInfo) -> str:
    """Punctuation-only runs written in the target's punctuation (they are not sent)."""
    if target.uses_spaces:
        converted = "".join(_TO_SPACED.get(c, c) for c in run)
        return converted.rstrip() if run == run.rstrip() else converted
    stripped = run.strip()
    if stripped and all(c in _TO_CJK for c in stripped):
        return "".join(_TO_CJK[c] for c in stripped)
    return run
