"""Planning the llm engine's requests: each entry masked, its glossary entries, its article's context.

Sentences go to the model in batches of one article, in document order, with the
article's title and the sentences just outside the batch (SPEC section 7).
Placeables are masked as tokens (the masking module's first token style);
glossary terms stay in the text and travel in the request's ``glossary``.
The cache key of an item's answer is its masked text, its glossary entries and
the ladder step; never its neighbours.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from localize.engines.llm.prompt import BatchRequest, GlossaryEntry, RequestItem, glossary_json
from localize.glossary import Glossary
from localize.locales import LocaleInfo
from localize.protect.masking import Attempt
from localize.translate.work import Catalog, WorkItem, masked_translation

BATCH_STEP = "batch"


@dataclass
class ItemState:
    """One entry on its way up the ladder (mutable while the pass runs)."""

    index: int  # into the pass's work items
    position: int  # the entry's place among its article's sentences
    kind: str
    attempt: Attempt
    glossary: tuple[GlossaryEntry, ...]
    errors: list[str] = field(default_factory=list)  # what was wrong, step by step

    @property
    def masked(self) -> str:
        return self.attempt.requests[0] if self.attempt.requests else ""

    def key_text(self, step: str) -> str:
        """What, besides the engine scope, determines this item's answer at ``step``."""
        return json.dumps(
            [step, glossary_json(self.glossary), self.masked], ensure_ascii=False
        )


class ArticleContext:
    """One article's sentences in document order, its title and each entry's kind."""

    def __init__(self, catalog: Catalog):
        entries = [e for e in catalog.po if not e.obsolete and e.msgid and not e.msgid_plural]
        self.sentences = [str(e.msgid) for e in entries]
        self.kinds = [_kind(e.comment or "") for e in entries]
        self._position = {id(e): n for n, e in enumerate(entries)}
        titles = [s for s, k in zip(self.sentences, self.kinds, strict=True) if k == "title"]
        self.title = titles[0] if titles else ""

    def position(self, entry: object) -> int:
        return self._position.get(id(entry), 0)

    def around(self, first: int, last: int, width: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The ``width`` sentences before ``first`` and after ``last``."""
        before = self.sentences[max(0, first - width) : first] if width else []
        after = self.sentences[last + 1 : last + 1 + width] if width else []
        return tuple(before), tuple(after)


def _kind(comment: str) -> str:
    for line in comment.splitlines():
        if line.startswith("kind:"):
            return line.split(":", 1)[1].strip() or "paragraph"
    return "paragraph"


def glossary_entries(
    text: str, glossary: Glossary | None, target: LocaleInfo
) -> tuple[GlossaryEntry, ...]:
    """The glossary entries occurring in ``text`` with a rendering for ``target``, once each."""
    if glossary is None:
        return ()
    seen: dict[str, GlossaryEntry] = {}
    for match in glossary.find(text):
        term = match.term
        rendering = term.source if term.keep else term.target_for(target)
        if rendering is not None and term.source not in seen:
            seen[term.source] = GlossaryEntry(term.source, rendering, bool(term.keep))
    return tuple(seen.values())


def prepare(
    item: WorkItem,
    index: int,
    article: ArticleContext,
    glossary: Glossary | None,
    source: LocaleInfo,
    target: LocaleInfo,
) -> ItemState:
    """Mask one entry (placeables only) and name the glossary entries it holds.

    Refusals and notes are checked on the raw answer before it is restored (llm_pass),
    so the verifier here holds QA's checks and the answer checks every engine gets.
    """
    safe = masked_translation(
        item.msgid, item.fmt, glossary, source, target, "llm", mask_terms=False
    )
    attempt = next(iter(safe.attempts()))
    position = article.position(item.entry)
    return ItemState(
        index=index,
        position=position,
        kind=article.kinds[position] if article.kinds else "paragraph",
        attempt=attempt,
        glossary=glossary_entries(item.msgid, glossary, target),
    )


def plan_requests(
    states: Sequence[ItemState],
    article: ArticleContext,
    batch: int,
    context: int,
    with_errors: bool,
) -> Iterator[tuple[BatchRequest, tuple[ItemState, ...]]]:
    """Requests of up to ``batch`` items of one article, in document order."""
    ordered = sorted(states, key=lambda s: s.position)
    for start in range(0, len(ordered), batch):
        chunk = tuple(ordered[start : start + batch])
        before, after = article.around(chunk[0].position, chunk[-1].position, context)
        ids = [str(n) for n in range(1, len(chunk) + 1)]
        glossary: dict[str, GlossaryEntry] = {}
        for state in chunk:
            for entry in state.glossary:
                glossary.setdefault(entry.source, entry)
        errors = (
            tuple((i, s.errors[-1]) for i, s in zip(ids, chunk, strict=True) if s.errors)
            if with_errors
            else ()
        )
        request = BatchRequest(
            title=article.title,
            items=tuple(
                RequestItem(i, s.kind, s.masked) for i, s in zip(ids, chunk, strict=True)
            ),
            before=before,
            after=after,
            glossary=tuple(glossary.values()),
            errors=errors,
        )
        yield request, chunk


def split_request(request: BatchRequest) -> tuple[BatchRequest, BatchRequest]:
    """A truncated request's two halves (SPEC: a cut-off answer halves the batch)."""
    half = len(request.items) // 2
    first, second = request.items[:half], request.items[half:]

    def part(items: tuple[RequestItem, ...]) -> BatchRequest:
        texts = " ".join(i.text for i in items)
        ids = {i.id for i in items}
        return BatchRequest(
            title=request.title,
            items=items,
            before=request.before,
            after=request.after,
            glossary=tuple(g for g in request.glossary if g.source in texts),
            errors=tuple(e for e in request.errors if e[0] in ids),
        )

    return part(first), part(second)
