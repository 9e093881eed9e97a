"""One locale's machine-translation pass: mask, dedupe, cache, send, assemble, write.

Every entry is masked through ``protect.SafeTranslation``; its attempts form
rounds: round 1 sends every entry's first attempt, entries whose answer
fails verification move on to their next attempt in round 2, and so on.
Within a round identical masked texts are sent once; every answer goes to
the cache the moment it arrives (the driver's ``on_answer``), so nothing is
ever paid for twice. A text whose request failed in transport is not tried
again in this run; its entries are recorded as failed.

Before a text is sent, its in-flight lock is taken in the store (SPEC section
11); a text whose lock another process holds is set aside while this pass
sends the others, and comes back once its lock is free: answered from the
cache, or sent by this process when the holder left no answer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from localize.catalog.pofile import mark_machine
from localize.engines.base import Engine
from localize.errors import EngineError
from localize.failures import FailureLog
from localize.glossary import Glossary
from localize.locales import LocaleInfo
from localize.protect.masking import Attempt, Restored, SafeTranslation
from localize.translate.cache import CacheScope, TranslationCache
from localize.translate.driver import (
    BatchDriver,
    BatchOutcome,
    CharBudget,
    DriverLimits,
    TokenBucket,
    make_batches,
)
from localize.translate.progress import Progress
from localize.translate.report import Failure
from localize.translate.work import WorkItem, masked_translation

FIRST_ROUND_CHUNK = 64  # entries masked and looked up at a time while requests are in flight
DEFERRED_POLL = (0.02, 0.5)  # first and longest wait for texts another process is asking for


@dataclass
class RoundTally:
    """Counters of one locale pass (mutable while it runs)."""

    segments: set[int] = field(default_factory=set)
    cache_hits: int = 0
    characters: int = 0
    requests: int = 0
    retries: int = 0
    translated: int = 0
    capped: set[int] = field(default_factory=set)
    failures: list[Failure] = field(default_factory=list)


@dataclass(frozen=True)
class PassContext:
    """Everything a locale pass needs besides its work items."""

    engine: Engine
    source: LocaleInfo
    target: LocaleInfo
    glossary: Glossary | None
    cache: TranslationCache | None
    bucket: TokenBucket
    budget: CharBudget
    progress: Progress
    failures: FailureLog
    limits: DriverLimits
    part: str = ""  # which group of the locale's catalogs, when there are several ("2/3")

    @property
    def label(self) -> str:
        """What the progress display calls this pass."""
        return f"{self.target.bcp47} [{self.engine.name}]" + (f" {self.part}" if self.part else "")


def drive(
    ctx: PassContext,
    tally: RoundTally,
    sender: Engine,
    batches: Iterable[tuple[str, ...]],
    callbacks: tuple[Callable[[Sequence[str], Sequence[str]], None], Callable[[BatchOutcome], None]],
) -> None:
    """Send ``batches`` through the driver with a pass's limits (answers to ``callbacks``:
    on_answer, on_done); the driver's counts go to ``tally`` however the run ends."""
    on_answer, on_done = callbacks
    driver = BatchDriver(
        sender, ctx.source, ctx.target, ctx.limits,
        bucket=ctx.bucket, budget=ctx.budget, on_answer=on_answer, on_done=on_done,
    )
    try:
        driver.run(batches)
    finally:
        tally.requests += driver.stats.requests
        tally.retries += driver.stats.retries
        tally.characters += driver.stats.characters


class LocalePass:
    """Runs the rounds for one locale; results are written into the work items' entries."""

    def __init__(self, context: PassContext, items: Sequence[WorkItem]):
        self.ctx = context
        self.items = list(items)
        engine = context.engine
        self.scope = CacheScope(
            engine.name, engine.cache_options(), context.source.bcp47, context.target.bcp47
        )
        self.answers: dict[str, str] = {}
        self.failed_texts: dict[str, str] = {}
        self.unsent: set[str] = set()
        self.refused_texts: set[str] = set()  # refused for good (auth, language): not the text's fault
        self._refused_items: set[int] = set()  # items failed only because their text was refused
        self.tally = RoundTally()
        self._lock = threading.Lock()
        self._iterators: dict[int, Iterator[Attempt]] = {}
        self.active: dict[int, Attempt] = {}
        self.started = False  # whether anything was shown on the progress display
        self._waiting: dict[str, list[int]] = {}  # text in flight -> items waiting for it
        self._resolved: set[int] = set()  # items settled while their round still runs
        self._advanced: dict[int, Attempt] = {}  # of those, the ones moved on to a next attempt
        self._finished: set[int] = set()  # entries translated, failed or capped: done for good
        self._shown = 0  # how many of those the progress display was told about
        self._held: set[str] = set()  # texts whose in-flight lock this pass holds
        self._deferred: dict[str, None] = {}  # texts in flight in another process
        # An entry whose source occurs again (boilerplate, quotes, source lists) is masked and
        # its answers assembled and verified once: both depend on nothing else.
        self._masks: dict[tuple[str, object], SafeTranslation] = {}
        self._restored: dict[tuple[str, object, str, tuple[str, ...], tuple[str, ...]], Restored] = {}

    # -- setup --------------------------------------------------------------------------------
    def _first_attempts(self, indices: Iterable[int] | None = None) -> None:
        for index in range(len(self.items)) if indices is None else indices:
            item = self.items[index]
            safe = self._masks.get((item.msgid, item.fmt))
            if safe is None:
                safe = self._masks[item.msgid, item.fmt] = masked_translation(
                    item.msgid,
                    item.fmt,
                    self.ctx.glossary,
                    self.ctx.source,
                    self.ctx.target,
                    self.ctx.engine.name,
                    extra=self.ctx.engine.answer_problems,
                )
            iterator = iter(safe.attempts())
            self._iterators[index] = iterator
            attempt = next(iterator, None)
            if attempt is None:
                self._fail(index, "masking produced no attempt")
            else:
                self.active[index] = attempt

    def _needed(self) -> list[str]:
        """Distinct texts of the active attempts not answered yet, in first-seen order."""
        seen: dict[str, None] = {}
        for attempt in self.active.values():
            for text in attempt.requests:
                if text not in self.answers and text not in self.failed_texts:
                    seen.setdefault(text, None)
        return list(seen)

    def _from_cache(self, texts: list[str], claim: bool = True) -> list[str]:
        """Answer what the cache holds; the texts still to send (claimed, unless ``claim`` is off)."""
        if self.ctx.cache is not None and texts:
            self.answers.update(self.ctx.cache.get_many(self.scope, texts))
        missing = [t for t in texts if t not in self.answers]
        return self._claim(missing) if claim else missing

    def _claim(self, texts: list[str]) -> list[str]:
        """Take the in-flight locks of ``texts``; those another process holds are set aside.

        The cache is read again once a lock is held: the holder may have stored the
        answer and let go between the first look-up and the lock.
        """
        cache = self.ctx.cache
        if cache is None or not texts:
            return texts
        taken = cache.claim(self.scope, texts)
        for text in texts:
            if text not in taken:
                self._deferred.setdefault(text, None)
        answered = cache.get_many(self.scope, [t for t in texts if t in taken])
        if answered:
            self.answers.update(answered)
            cache.release(self.scope, answered)
        sending = [t for t in texts if t in taken and t not in answered]
        with self._lock:
            self._held.update(sending)
        return sending

    def _release(self, texts: Iterable[str]) -> None:
        with self._lock:
            held = [t for t in texts if t in self._held]
            self._held.difference_update(held)
        if held and self.ctx.cache is not None:
            self.ctx.cache.release(self.scope, held)

    def _await_deferred(self) -> None:
        """Texts another process was asking for: read their answers, or send them ourselves."""
        cache = self.ctx.cache
        wait = DEFERRED_POLL[0]
        while self._deferred and cache is not None:
            texts = list(self._deferred)
            self._deferred.clear()
            sending = self._from_cache(texts)  # answered ones land in self.answers
            if sending:
                self._count_round(set(sending), first=False)
                self._waiting = self._waiters(set(sending), self.active)
                self._dispatch(self._batches(sending), len(sending))
                wait = DEFERRED_POLL[0]
            elif self._deferred:
                time.sleep(wait)
                wait = min(DEFERRED_POLL[1], wait * 2)

    def _count_round(
        self, to_send: set[str], first: bool, indices: Iterable[int] | None = None
    ) -> None:
        for index in self.active if indices is None else indices:
            attempt = self.active.get(index)
            if attempt is None:
                continue
            needs = any(t in to_send for t in attempt.requests)
            if needs:
                self.tally.segments.add(index)
            elif first:
                self.tally.cache_hits += 1

    # -- dry run ------------------------------------------------------------------------------
    def estimate(self) -> RoundTally:
        """Round 1 without sending: what would go out after TM and cache, under the cap."""
        self._first_attempts()
        to_send = self._from_cache(self._needed(), claim=False)
        sendable: set[str] = set()
        for batch in self._estimated_batches(set(to_send)):
            chars = sum(len(t) for t in batch)
            if self.ctx.budget.reserve(chars):
                self.tally.requests += 1
                self.tally.characters += chars
                sendable.update(batch)
            else:
                self.unsent.update(batch)
        self._count_round(set(to_send), first=True)
        for index, attempt in self.active.items():
            if any(t in self.unsent for t in attempt.requests):
                self.tally.segments.discard(index)
                self.tally.capped.add(index)
        return self.tally

    def _estimated_batches(self, to_send: set[str]) -> Iterator[tuple[str, ...]]:
        """The batches round 1 of a real run would make: chunk by chunk, as it streams."""
        queued: set[str] = set()
        for start in range(0, len(self.items), FIRST_ROUND_CHUNK):
            fresh: dict[str, None] = {}
            for index in range(start, min(start + FIRST_ROUND_CHUNK, len(self.items))):
                attempt = self.active.get(index)
                for text in attempt.requests if attempt is not None else ():
                    if text in to_send and text not in queued:
                        fresh.setdefault(text, None)
            queued.update(fresh)
            yield from self._batches(list(fresh))

    # -- real run -----------------------------------------------------------------------------
    def run(self) -> RoundTally:
        """All rounds; on Ctrl-C or an engine refusing everything, keep what finished, re-raise.

        Round 1 is streamed: entries are masked chunk by chunk while the first requests are
        already in flight. Later rounds (repairs) are small and run as a whole.
        """
        try:
            self._dispatch(self._first_round(), len(self.items))
            self._await_deferred()
            self._settle(final=False)
            while self.active:
                to_send = self._from_cache(self._needed())
                self._count_round(set(to_send), first=False)
                if to_send:
                    self._waiting = self._waiters(set(to_send), self.active)
                    self._dispatch(self._batches(to_send), len(to_send))
                self._await_deferred()
                self._settle(final=False)
        except KeyboardInterrupt:
            self._settle(final=True)
            raise
        except EngineError:
            self._settle(final=True)
            self._forget_refused()
            raise
        finally:
            self._release(list(self._held))
        return self.tally

    def _first_round(self, chunk: int = FIRST_ROUND_CHUNK) -> Iterator[tuple[str, ...]]:
        """Mask, dedupe and look up entries a chunk at a time; yield the batches to send."""
        queued: set[str] = set()
        for start in range(0, len(self.items), chunk):
            indices = range(start, min(start + chunk, len(self.items)))
            self._first_attempts(indices)
            fresh = [i for i in indices if i in self.active]
            needed = {
                t: None
                for i in fresh
                for t in self.active[i].requests
                if t not in self.answers and t not in self.failed_texts and t not in queued
            }
            to_send = self._from_cache(list(needed))
            queued.update(to_send)
            self._count_round(queued, first=True, indices=fresh)
            pending = {t for t in queued if t not in self.answers and t not in self.failed_texts}
            for text, waiting in self._waiters(pending, {i: self.active[i] for i in fresh}).items():
                self._waiting.setdefault(text, []).extend(waiting)
            for index in fresh:  # answered already (an earlier entry's text, the cache): settle now
                self._settle_if_ready(index)
            self._show_progress()
            yield from self._batches(to_send)

    def _batches(self, texts: list[str]) -> list[tuple[str, ...]]:
        engine = self.ctx.engine
        return make_batches(texts, engine.max_chars, engine.max_texts)

    @staticmethod
    def _waiters(sending: set[str], attempts: dict[int, Attempt]) -> dict[str, list[int]]:
        """Which entries wait for which text, so each is assembled as soon as it can be."""
        waiting: dict[str, list[int]] = {}
        for index, attempt in attempts.items():
            for text in dict.fromkeys(attempt.requests):
                if text in sending:
                    waiting.setdefault(text, []).append(index)
        return waiting

    def _dispatch(self, batches: Iterable[tuple[str, ...]], total: int) -> None:
        drive(self.ctx, self.tally, self.ctx.engine, self._announce(batches, self.ctx.label, total),
              (self._store, self._done))

    def _announce(
        self, batches: Iterable[tuple[str, ...]], label: str, total: int
    ) -> Iterator[tuple[str, ...]]:
        """Start the progress display with the first batch (nothing shown when nothing is sent)."""
        for batch in batches:
            if not self.started:
                self.started = True
                self.ctx.progress.start(label, total)
            yield batch

    def _store(self, texts: Sequence[str], answers: Sequence[str]) -> None:
        """Worker thread: the answer is durable in the cache before anything else uses it."""
        if self.ctx.cache is not None:
            self.ctx.cache.put_many(self.scope, texts, answers)
        with self._lock:
            self.answers.update(zip(texts, answers, strict=True))
        self._release(texts)

    def _done(self, outcome: BatchOutcome) -> None:
        """Main thread, as each batch ends: note failures, assemble the entries now complete.

        Assembling (unmasking and verifying) while other requests are still in flight keeps
        that work off the critical path.
        """
        self._release(outcome.texts)
        if outcome.answers is None:
            for text in outcome.texts:
                if text in self.answers:  # answered in a reply that was partly malformed
                    continue
                if outcome.attempts and not outcome.capped:
                    self.failed_texts.setdefault(text, outcome.error or "no answer")
                    if outcome.permanent:
                        self.refused_texts.add(text)
                else:
                    self.unsent.add(text)
        for text in outcome.texts:
            for index in self._waiting.pop(text, ()):
                self._settle_if_ready(index)
        self._show_progress()

    def _settle_if_ready(self, index: int) -> None:
        """Settle an entry of the running round as soon as all its texts are answered (or lost)."""
        attempt = self.active.get(index)
        if attempt is None or index in self._resolved:
            return
        if all(t in self.answers or t in self.failed_texts for t in attempt.requests):
            self._resolved.add(index)
            following = self._settle_one(index, attempt, final=False)
            if following is not None:
                self._advanced[index] = following
            else:  # done for good: drop its attempt now, not when the round ends
                del self.active[index]

    def _show_progress(self) -> None:
        """Progress counts entries done for good, so repairs, texts sent in pieces and
        identical texts sent once never take it past the total (or leave it short)."""
        fresh = len(self._finished) - self._shown
        if fresh > 0 and self.started:
            self._shown += fresh
            self.ctx.progress.advance(fresh)

    # -- assembling ---------------------------------------------------------------------------
    def _settle(self, final: bool) -> None:
        """Settle every active attempt not settled yet; the next round gets the advanced ones."""
        following: dict[int, Attempt] = dict(self._advanced)
        for index, attempt in self.active.items():
            if index in self._resolved:
                continue
            advanced = self._settle_one(index, attempt, final)
            if advanced is not None:
                following[index] = advanced
        self.active = following
        self._resolved.clear()
        self._advanced.clear()
        self._waiting = {}
        if not final:
            self._show_progress()

    def _settle_one(self, index: int, attempt: Attempt, final: bool) -> Attempt | None:
        """Assemble one attempt whose answers are all in; its next attempt when it must go on."""
        requests = attempt.requests
        lost = [self.failed_texts[t] for t in requests if t in self.failed_texts]
        if lost and not final:
            if any(t in self.refused_texts for t in requests):
                self._refused_items.add(index)
            self._fail(index, f"engine failed: {lost[0]}")
            return None
        if any(t not in self.answers for t in requests):
            if not final and any(t in self.unsent for t in requests):
                self.tally.capped.add(index)
                self._finished.add(index)
            return None
        item = self.items[index]
        answers = tuple(self.answers[t] for t in requests)
        key = (item.msgid, item.fmt, attempt.style, requests, answers)
        restored = self._restored.get(key)
        if restored is None:
            restored = self._restored[key] = attempt.assemble(list(answers))
        if restored.translation:
            self._succeed(index, restored.translation)
            return None
        if final:
            return None
        following = next(self._iterators[index], None)
        if following is None:
            self._fail(index, "verification failed: " + "; ".join(restored.problems))
        return following

    def _succeed(self, index: int, translation: str) -> None:
        item = self.items[index]
        mark_machine(item.entry, translation, self.ctx.engine.provenance)
        self.ctx.failures.clear(item.slug, item.msgid)
        self.tally.translated += 1
        self.tally.capped.discard(index)
        self._finished.add(index)
        self._iterators.pop(index, None)  # its later attempts are no longer needed

    def _forget_refused(self) -> None:
        """The engine refused everything: a configuration fault, not the entries' own.

        Entries whose requests were refused are not left recorded as failed, so the run
        after the credentials or language codes are fixed translates them without
        ``--retry-failed``.
        """
        kept: list[Failure] = []
        refused_ids = {(self.items[i].slug, self.items[i].msgid) for i in self._refused_items}
        for failure in self.tally.failures:
            if (failure.slug, failure.msgid) in refused_ids:
                self.ctx.failures.clear(failure.slug, failure.msgid)
            else:
                kept.append(failure)
        self.tally.failures = kept

    def _fail(self, index: int, reason: str) -> None:
        item = self.items[index]
        self.ctx.failures.record(item.slug, item.msgid, reason)
        self.tally.failures.append(Failure(item.slug, item.msgid, reason))
        self._finished.add(index)
        self._iterators.pop(index, None)
