"""One locale through the llm engine's chat style: per-article batches and the repair ladder.

SPEC section 7. Step 1 sends the sentences of one article in batches with their
context; every item of every answer is verified (ids, tokens, glossary terms,
refusals and notes, echo, script, length). Step 2 sends follow-ups of the same
shape holding only the items that failed, with ``errors`` quoting what was
wrong, up to ``max_attempts - 1`` times. Step 3 sends each item still failing
alone, glossary terms masked like placeables, through the classic
``LocalePass``; what fails there is recorded as failed with its reasons.

The project's driver sends every request: concurrency, rate limit, retries
with Retry-After, ``--max-chars`` on the item texts, Ctrl-C. Every item
answer goes to the cache as it arrives, keyed by masked text, glossary entries
and ladder step, so a re-run sends nothing that was answered before; its
in-flight lock is taken in the store first, so shards running at once
(SPEC section 11) leave a key another process is asking for to that process
and read its answer once it lands.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from localize.catalog.pofile import mark_machine
from localize.engines.base import Engine
from localize.engines.llm import LLMEngine
from localize.engines.llm.answers import parse_answer
from localize.engines.llm.prompt import BatchRequest, chat_messages
from localize.engines.llm.tokens import estimate_tokens, tokens_per_char
from localize.errors import EngineError
from localize.locales import LocaleInfo
from localize.translate.cache import CacheScope
from localize.translate.driver import BatchOutcome
from localize.translate.llm_batches import (
    BATCH_STEP,
    ArticleContext,
    ItemState,
    plan_requests,
    prepare,
    split_request,
)
from localize.translate.report import EngineLocaleReport, Failure
from localize.translate.rounds import DEFERRED_POLL, LocalePass, PassContext, RoundTally, drive
from localize.translate.work import Catalog, WorkItem

ERROR_MARK = "\x00"  # an item answer that is an error, never cached
ECHO = "echo: the answer repeats the source untranslated; translate it"
TRUNCATED = "the answer was cut off (finish_reason length); translate this item briefly"


def uses_llm_pass(engine: Engine) -> bool:
    return isinstance(engine, LLMEngine) and engine.uses_batches


class _Sender(Engine):
    """What the driver sends through: one planned chat request per batch of masked texts."""

    name = "llm"

    def __init__(self, engine: LLMEngine):
        super().__init__(engine.settings)
        self.engine = engine
        self.plans: dict[tuple[str, ...], BatchRequest] = {}
        self.extra_requests = 0
        self._lock = threading.Lock()

    def translate(self, texts: Sequence[str], source: Any, target: Any) -> list[str]:
        request = self.plans[tuple(texts)]
        answers = self._send(request, source, target)
        return [answers[item.id] for item in request.items]

    def _send(self, request: BatchRequest, source: Any, target: Any) -> dict[str, str]:
        engine = self.engine
        messages = chat_messages(engine.system(source, target), request, source, target)
        completion = engine.complete(messages)
        ids = [item.id for item in request.items]
        if completion.finish_reason == "length" and len(ids) > 1:
            with self._lock:
                self.extra_requests += 2  # a cut-off answer halves the batch: not an attempt
            first, second = split_request(request)
            return {**self._send(first, source, target), **self._send(second, source, target)}
        if completion.finish_reason == "length":
            return dict.fromkeys(ids, ERROR_MARK + TRUNCATED)
        if completion.refusal and not completion.content:
            return dict.fromkeys(ids, f"{ERROR_MARK}refusal: {completion.refusal[:200]}")
        parsed = parse_answer(completion.content, ids)
        return {
            i: a.text if a.text is not None else ERROR_MARK + (a.error or "no answer")
            for i, a in parsed.items()
        }


class LLMLocalePass:
    """The chat-style ladder for one locale; same interface as ``LocalePass``."""

    def __init__(self, context: PassContext, items: Sequence[WorkItem], catalogs: Sequence[Catalog]):
        assert isinstance(context.engine, LLMEngine)
        self.ctx = context
        self.engine: LLMEngine = context.engine
        self.items = list(items)
        self.catalogs = catalogs
        self.scope = CacheScope(
            "llm", self.engine.cache_options(), context.source.bcp47, context.target.bcp47
        )
        self.tally = RoundTally()
        self.started = False
        self.estimated_input_tokens = 0
        self.estimated_output_tokens = 0
        self._articles: dict[int, ArticleContext] = {}
        self._answers: dict[str, str] = {}  # key text -> raw item answer
        self._waiting: dict[str, list[ItemState]] = {}  # masked text in flight -> its items
        self._step = BATCH_STEP
        self._next: list[ItemState] = []  # failed verification: the next step takes them
        self._refused: set[int] = set()
        self._sender = _Sender(self.engine)
        self._lock = threading.Lock()
        self._held: set[str] = set()  # keys whose in-flight lock this pass holds (SPEC section 11)
        self._deferred: list[ItemState] = []  # another process is asking for these

    # -- the ladder ---------------------------------------------------------------------------
    def run(self) -> RoundTally:
        try:
            self._round(self._prepared(), first=True)
            for attempt in range(2, self.engine.options.max_attempts + 1):
                if not self._next:
                    break
                self._step = f"repair{attempt - 1}"
                pending, self._next = self._next, []
                self._round(iter(sorted(pending, key=lambda s: s.index)), first=False)
            if self._next:
                self._alone(self._next)
        except EngineError:
            self._forget_refused()
            raise
        finally:
            self._release(list(self._held))
        return self.tally

    def _prepared(self) -> Iterator[ItemState]:
        """Each entry masked, article by article (work items come in catalog order)."""
        for index, item in enumerate(self.items):
            article = self._article(item.catalog)
            state = prepare(
                item, index, article, self.ctx.glossary, self.ctx.source, self.ctx.target
            )
            if not state.attempt.requests:  # nothing to translate between the placeables
                self._judge(state, None)
                continue
            yield state

    def _article(self, catalog: int) -> ArticleContext:
        if catalog not in self._articles:
            self._articles[catalog] = ArticleContext(self.catalogs[catalog])
        return self._articles[catalog]

    def _round(self, states: Iterator[ItemState], first: bool) -> None:
        """One ladder step; items another process is asking for wait for its answer."""
        self._send_round(states, first)
        wait = DEFERRED_POLL[0]
        while self._deferred:
            pending, self._deferred = sorted(self._deferred, key=lambda s: s.index), []
            sent = self.tally.requests
            self._send_round(iter(pending), first)
            if self._deferred and self.tally.requests == sent:
                time.sleep(wait)
                wait = min(DEFERRED_POLL[1], wait * 2)

    def _send_round(self, states: Iterator[ItemState], first: bool) -> None:
        self._sender.plans = {}
        try:
            drive(self.ctx, self.tally, self._sender, self._batches(states, first),
                  (self._store, self._done))
        finally:
            self.tally.requests += self._sender.extra_requests
            self._sender.extra_requests = 0

    def _batches(self, states: Iterator[ItemState], first: bool) -> Iterator[tuple[str, ...]]:
        """Article by article (states come in catalog order): cache first, then requests."""
        group: list[ItemState] = []
        current = -1
        for state in states:
            catalog = self.items[state.index].catalog
            if group and catalog != current:
                yield from self._article_batches(current, group, first)
                group = []
            current = catalog
            group.append(state)
        if group:
            yield from self._article_batches(current, group, first)

    def _article_batches(
        self, catalog: int, group: list[ItemState], first: bool
    ) -> Iterator[tuple[str, ...]]:
        cached = self._lookup(group)
        fresh: dict[str, list[ItemState]] = {}
        for state in group:
            key = state.key_text(self._step)
            if key in cached:
                if first:
                    self.tally.cache_hits += 1
                self._judge(state, cached[key])
            elif key in self._answers:  # answered earlier in this round (an error, not cached)
                self._judge(state, self._answers[key])
            elif state.masked in self._waiting:  # the same text is already on its way
                self._waiting[state.masked].append(state)
                self.tally.segments.add(state.index)
            else:
                fresh.setdefault(key, []).append(state)
        to_send = self._claim(fresh, first)
        options = self.engine.options
        for request, chunk in plan_requests(
            to_send, self._article(catalog), options.batch, options.context, not first
        ):
            texts = tuple(s.masked for s in chunk)
            self._sender.plans[texts] = request
            if not self.started:
                self.started = True
                self.ctx.progress.start(f"{self.ctx.target.bcp47} [llm]", len(self.items))
            yield texts

    def _claim(self, fresh: dict[str, list[ItemState]], first: bool) -> list[ItemState]:
        """Take the in-flight locks of the keys to send; the items whose key was taken.

        A key another process holds is set aside (it will answer it); the cache is read
        again once a lock is held, since the holder may have answered and let go between.
        """
        cache = self.ctx.cache
        taken = set(fresh) if cache is None else cache.claim(self.scope, list(fresh))
        answered = {} if cache is None else cache.get_many(self.scope, [k for k in taken])
        if answered and cache is not None:
            cache.release(self.scope, list(answered))
        sending: list[ItemState] = []
        for key, states in fresh.items():
            if key in answered:
                self.tally.cache_hits += len(states) if first else 0
                for state in states:
                    self._judge(state, answered[key])
            elif key in taken:
                with self._lock:
                    self._held.add(key)
                self._waiting[states[0].masked] = states
                self.tally.segments.update(s.index for s in states)
                sending.append(states[0])
            else:
                self._deferred.extend(states)
        return sending

    def _release(self, keys: Sequence[str]) -> None:
        with self._lock:
            held = [k for k in keys if k in self._held]
            self._held.difference_update(held)
        if held and self.ctx.cache is not None:
            self.ctx.cache.release(self.scope, held)

    def _lookup(self, group: list[ItemState]) -> dict[str, str]:
        if self.ctx.cache is None:
            return {}
        keys = [s.key_text(self._step) for s in group]
        return self.ctx.cache.get_many(self.scope, keys)

    # -- answers (worker threads, then the main thread) ------------------------------------------
    def _store(self, texts: Sequence[str], answers: Sequence[str]) -> None:
        """Durable in the cache before anything else uses it; error marks are not answers."""
        keys, values = [], []
        for text, answer in zip(texts, answers, strict=True):
            key = _key_for(self._waiting.get(text), self._step)
            if key is None:
                continue
            self._answers[key] = answer
            if not answer.startswith(ERROR_MARK):
                keys.append(key)
                values.append(answer)
        if self.ctx.cache is not None and keys:
            self.ctx.cache.put_many(self.scope, keys, values)
        self._release([_key_for(self._waiting.get(t), self._step) or "" for t in texts])

    def _done(self, outcome: BatchOutcome) -> None:
        for text in outcome.texts:
            states = self._waiting.pop(text, [])
            key = _key_for(states, self._step)
            if key is not None:
                self._release([key])  # answered (released already) or failed in transport
            answer = self._answers.get(key) if key is not None else None
            for state in states:
                if answer is not None:
                    self._judge(state, answer)
                elif outcome.capped or not outcome.attempts:
                    self.tally.capped.add(state.index)
                else:
                    if outcome.permanent:
                        self._refused.add(state.index)
                    self._fail(state, f"engine failed: {outcome.error or 'no answer'}")
        self.ctx.progress.advance(len(outcome.texts))

    def _judge(self, state: ItemState, answer: str | None) -> None:
        """Verify one item's answer: written when it passes, else on to the next step."""
        source = self.items[state.index].msgid
        if answer is not None and answer.startswith(ERROR_MARK):
            state.errors.append(answer[len(ERROR_MARK) :])
        elif answer is not None and (said := self.engine.answer_problems(source, answer)):
            state.errors.append("; ".join(said))  # a refusal first: the rest follows from it
        elif answer is not None and " ".join(answer.split()) == " ".join(state.masked.split()):
            state.errors.append(ECHO)
        else:
            restored = state.attempt.assemble([] if answer is None else [answer])
            if restored.translation:
                self._succeed(state, restored.translation)
                return
            state.errors.append("; ".join(restored.problems) or "not verified")
        if answer is None:
            self._fail(state, f"verification failed: {state.errors[-1]}")
        else:
            self._next.append(state)

    def _succeed(self, state: ItemState, translation: str) -> None:
        item = self.items[state.index]
        mark_machine(item.entry, translation, self.engine.provenance)
        self.ctx.failures.clear(item.slug, item.msgid)
        self.tally.translated += 1
        self.tally.capped.discard(state.index)

    def _fail(self, state: ItemState, reason: str) -> None:
        item = self.items[state.index]
        self.ctx.failures.record(item.slug, item.msgid, reason)
        self.tally.failures.append(Failure(item.slug, item.msgid, reason))

    # -- step 3: the item alone, terms masked ---------------------------------------------------
    def _alone(self, states: list[ItemState]) -> None:
        states = sorted(states, key=lambda s: s.index)
        items = [self.items[s.index] for s in states]
        context = replace(self.ctx, engine=self.engine.alone_copy())
        alone = LocalePass(context, items)
        try:
            tally = alone.run()
        finally:
            self.tally.requests += alone.tally.requests
            self.tally.retries += alone.tally.retries
            self.tally.characters += alone.tally.characters
            self.tally.translated += alone.tally.translated
            self.tally.segments.update(states[i].index for i in alone.tally.segments)
            self.tally.capped.update(states[i].index for i in alone.tally.capped)
        history = {
            (self.items[s.index].slug, self.items[s.index].msgid): s.errors[-1] for s in states
        }
        for failure in tally.failures:
            before = history.get((failure.slug, failure.msgid), "")
            reason = f"{failure.reason} (in its batch: {before})" if before else failure.reason
            self.ctx.failures.record(failure.slug, failure.msgid, reason)
            self.tally.failures.append(Failure(failure.slug, failure.msgid, reason))

    def _forget_refused(self) -> None:
        """Refused for good (auth, unknown model): a configuration fault, not the entries'."""
        refused = {(self.items[i].slug, self.items[i].msgid) for i in self._refused}
        kept = []
        for failure in self.tally.failures:
            if (failure.slug, failure.msgid) in refused:
                self.ctx.failures.clear(failure.slug, failure.msgid)
            else:
                kept.append(failure)
        self.tally.failures = kept

    # -- dry run --------------------------------------------------------------------------------
    def estimate(self) -> RoundTally:
        """Step 1 without sending: requests, characters and tokens after the cache, under the cap."""
        system = self.engine.system(self.ctx.source, self.ctx.target)
        system_tokens = estimate_tokens(system)
        by_article: dict[int, list[ItemState]] = {}
        for state in self._prepared():
            by_article.setdefault(self.items[state.index].catalog, []).append(state)
        for catalog, group in by_article.items():
            cached = self._lookup(group)
            fresh: dict[str, ItemState] = {}
            for state in group:
                if state.key_text(BATCH_STEP) in cached:
                    self.tally.cache_hits += 1
                else:
                    fresh.setdefault(state.masked, state)
            options = self.engine.options
            for request, chunk in plan_requests(
                list(fresh.values()), self._article(catalog), options.batch, options.context, False
            ):
                chars = sum(len(s.masked) for s in chunk)
                if not self.ctx.budget.reserve(chars):
                    self.tally.capped.update(s.index for s in group if s.masked in {c.masked for c in chunk})
                    continue
                self.tally.requests += 1
                self.tally.characters += chars
                self.tally.segments.update(
                    s.index for s in group if s.masked in {c.masked for c in chunk}
                )
                user = request.user_message(self.ctx.source, self.ctx.target)
                self.estimated_input_tokens += system_tokens + estimate_tokens(user)
                self.estimated_output_tokens += 8 + sum(
                    8 + estimate_tokens(s.masked) for s in chunk
                )
        return self.tally


def _key_for(states: list[ItemState] | None, step: str) -> str | None:
    return states[0].key_text(step) if states else None


def llm_row(
    row: EngineLocaleReport,
    engine: Engine,
    locale_pass: object,
    dry_run: bool,
    source: LocaleInfo,
) -> EngineLocaleReport:
    """An llm engine's figures added to its report row: model, tokens, cost, notes."""
    if not isinstance(engine, LLMEngine):
        return row
    if dry_run and isinstance(locale_pass, LLMLocalePass):
        tokens_in = locale_pass.estimated_input_tokens
        tokens_out = locale_pass.estimated_output_tokens
    elif dry_run:  # TranslateGemma: one sentence per request, estimated from characters
        per_char = tokens_per_char(source)
        tokens_in = round(row.characters * per_char) + 60 * row.requests
        tokens_out = round(row.characters * per_char)
    else:
        tokens_in, tokens_out = engine.usage.input_tokens, engine.usage.output_tokens
    return replace(
        row,
        model=engine.model,
        input_tokens=tokens_in,
        output_tokens=tokens_out,
        estimated_cost=token_cost(engine, tokens_in, tokens_out),
        notes=tuple(engine.notes),
    )


def token_cost(engine: LLMEngine, tokens_in: int, tokens_out: int) -> float | None:
    """Tokens times the configured prices per million; None when no price is set."""
    options = engine.options
    prices = (options.price_per_million_input_tokens, options.price_per_million_output_tokens)
    if prices == (None, None):
        return None
    cost = tokens_in * (prices[0] or 0.0) + tokens_out * (prices[1] or 0.0)
    return round(cost / 1_000_000, 6)
