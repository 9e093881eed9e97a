"""Send batches of texts to one engine: concurrency, rate limit, retries, a character cap, Ctrl-C.

The driver knows nothing about catalogs or masking: it takes batches of
distinct texts and hands every answer to ``on_answer`` the moment it arrives
(the caller stores it in the cache before doing anything else with it, so a
re-run never pays twice). It sorts failures by class alone: a TransientError
is retried with exponential backoff and jitter (honouring Retry-After up to
``max_retry_after``), a PermanentError fails its batch at once. When an
engine refuses the first requests of a run and has accepted none, the
driver stops sending and raises EngineError instead of paying for (or
waiting on) thousands of doomed requests.

Ctrl-C: a KeyboardInterrupt in the main thread (or raised by a worker)
cancels the batches not yet started, waits for those in flight (their
answers still reach ``on_answer``) and is re-raised.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from localize.engines.base import Engine, PermanentError, TransientError
from localize.errors import EngineError
from localize.locales import LocaleInfo

AnswerSink = Callable[[Sequence[str], Sequence[str]], None]


@dataclass(frozen=True)
class DriverLimits:
    """How hard to push one engine; resolved from EngineSettings and the engine's defaults."""

    concurrency: int = 4
    rate_limit: float | None = None  # requests per second, None = unlimited
    retries: int = 5
    max_retry_after: float = 60.0  # longest wait honoured between two attempts
    backoff_base: float = 0.5  # first backoff without Retry-After, doubled each attempt

    @classmethod
    def for_engine(cls, engine: Engine) -> DriverLimits:
        """Limits from an Engine's resolved settings (SPEC section 6)."""
        return cls(
            concurrency=max(1, engine.concurrency),
            rate_limit=engine.rate_limit,
            retries=max(0, engine.retries),
            max_retry_after=float(engine.max_retry_after),
        )


class TokenBucket:
    """A per-engine request rate: at most ``rate`` starts per second, no bursts beyond ``burst``."""

    def __init__(
        self, rate: float | None, burst: float = 1.0, clock: Callable[[], float] = time.monotonic
    ):
        self.rate = rate if rate and rate > 0 else None
        self.burst = max(1.0, burst)
        self._clock = clock
        self._tokens = self.burst
        self._stamp = clock()
        self._lock = threading.Lock()

    def acquire(self, stop: threading.Event) -> bool:
        """Wait for a token; False when ``stop`` was set while waiting."""
        if self.rate is None:
            return not stop.is_set()
        while True:
            with self._lock:
                now = self._clock()
                self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
                self._stamp = now
                if self._tokens >= 1.0:
                    self._tokens -= 1.0
                    return not stop.is_set()
                delay = (1.0 - self._tokens) / self.rate
            if stop.wait(delay):
                return False


class CharBudget:
    """The ``--max-chars`` hard cap: characters are reserved before each request starts."""

    def __init__(self, limit: int | None):
        self.limit = limit
        self.used = 0
        self.refused = False
        self._lock = threading.Lock()

    def reserve(self, chars: int) -> bool:
        with self._lock:
            if self.limit is not None and self.used + chars > self.limit:
                self.refused = True
                return False
            self.used += chars
            return True

    @property
    def remaining(self) -> int | None:
        return None if self.limit is None else max(0, self.limit - self.used)


@dataclass(frozen=True)
class BatchOutcome:
    """What became of one batch: answers, or why there are none."""

    texts: tuple[str, ...]
    answers: tuple[str, ...] | None = None
    error: str | None = None
    permanent: bool = False
    capped: bool = False  # not sent: the character cap would have been passed
    attempts: int = 0  # requests actually sent for this batch (1 + retries)


@dataclass
class DriverStats:
    """Counters for the report; ``characters`` counts each batch once, retries apart."""

    requests: int = 0
    retries: int = 0
    characters: int = 0
    answered: int = 0
    failed: int = 0
    capped: int = 0
    outcomes: list[BatchOutcome] = field(default_factory=list)


def make_batches(texts: Sequence[str], max_chars: int, max_texts: int) -> list[tuple[str, ...]]:
    """Group texts in order into requests of at most ``max_texts`` texts and ``max_chars`` characters."""
    batches: list[tuple[str, ...]] = []
    current: list[str] = []
    size = 0
    for text in texts:
        if current and (len(current) >= max_texts or size + len(text) > max_chars):
            batches.append(tuple(current))
            current, size = [], 0
        current.append(text)
        size += len(text)
    if current:
        batches.append(tuple(current))
    return batches


class BatchDriver:
    """Runs the batches of one engine and locale pair; see the module docstring."""

    def __init__(
        self,
        engine: Engine,
        source: LocaleInfo,
        target: LocaleInfo,
        limits: DriverLimits,
        bucket: TokenBucket | None = None,
        budget: CharBudget | None = None,
        on_answer: AnswerSink | None = None,
        on_done: Callable[[BatchOutcome], None] | None = None,
        sleep_jitter: Callable[[], float] = random.random,
    ):
        self.engine = engine
        self.source = source
        self.target = target
        self.limits = limits
        self.bucket = bucket or TokenBucket(limits.rate_limit)
        self.budget = budget or CharBudget(None)
        self.on_answer = on_answer
        self.on_done = on_done
        self._jitter = sleep_jitter
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._refusal_window = 3
        self._live = {"answered": 0, "permanent": 0, "other": 0}
        self.stats = DriverStats()

    # -- public -----------------------------------------------------------------------------
    def run(self, batches: Iterable[tuple[str, ...]]) -> DriverStats:
        """Send every batch; raise EngineError when the engine refuses all, re-raise Ctrl-C.

        At most twice ``concurrency`` batches are queued at a time, so waiting stays cheap
        for thousands of batches and a stop leaves the rest simply unsubmitted.
        """
        self._refusal_window = max(3, self.limits.concurrency)
        submitted = 0
        queue = iter(batches)
        window = 2 * self.limits.concurrency
        executor = ThreadPoolExecutor(max_workers=self.limits.concurrency, thread_name_prefix="mt")
        futures: set[Future[BatchOutcome]] = set()
        try:
            while True:
                while len(futures) < window and not self._engine_refuses():
                    batch = next(queue, None)
                    if batch is None:
                        with self._lock:  # fewer batches than the window: all must be refused
                            self._refusal_window = min(self._refusal_window, max(1, submitted))
                        break
                    futures.add(executor.submit(self._send, batch))
                    submitted += 1
                if not futures:
                    break
                done, futures = wait(futures, return_when=FIRST_COMPLETED)
                for future in done:
                    self._collect(future.result())
        finally:
            self._stop.set()
            executor.shutdown(wait=True, cancel_futures=True)
            for future in futures:
                if future.done() and not future.cancelled() and future.exception() is None:
                    self._collect(future.result())
        if self._engine_refuses():
            raise EngineError(self._refusal_message())
        return self.stats

    # -- scheduling -------------------------------------------------------------------------
    def _collect(self, outcome: BatchOutcome) -> None:
        stats = self.stats
        stats.outcomes.append(outcome)
        if outcome.attempts:
            stats.requests += 1
            stats.retries += outcome.attempts - 1
            stats.characters += sum(len(t) for t in outcome.texts)
        if outcome.answers is not None:
            stats.answered += 1
        elif outcome.capped:
            stats.capped += 1
        elif outcome.error is not None:
            stats.failed += 1
        if self.on_done is not None:
            self.on_done(outcome)

    def _refusal_message(self) -> str:
        reasons = [o.error for o in self.stats.outcomes if o.permanent and o.error]
        name = self.engine.name
        reason = reasons[0] if reasons else "every request refused"
        return f"engine {name!r} refused every request for {self.target.bcp47}: {reason}"

    # -- one batch (worker thread) ------------------------------------------------------------
    def _send(self, texts: tuple[str, ...]) -> BatchOutcome:
        outcome = self._attempt(texts)
        if outcome.attempts and not self._engine_refuses():  # a verdict in stays in
            with self._lock:
                kind = "answered" if outcome.answers is not None else "other"
                self._live["permanent" if outcome.permanent else kind] += 1
        return outcome

    def _engine_refuses(self) -> bool:
        """Seen from the workers: the first requests were all refused and none answered."""
        with self._lock:
            live = self._live
            return (
                live["answered"] == 0
                and live["other"] == 0
                and live["permanent"] >= self._refusal_window
            )

    def _attempt(self, texts: tuple[str, ...]) -> BatchOutcome:
        """Send one batch until answered; a partly empty answer keeps the good part.

        Texts answered in a malformed reply go to ``on_answer`` at once and only the
        others are sent again: a text is never requested again once answered.
        """
        pending = texts
        received: dict[str, str] = {}
        attempts = 0
        last_error = "not sent"
        reached = False  # any HTTP status or reply seen; never: the engine is unreachable
        while attempts <= self.limits.retries:
            if self._stop.is_set() or self._engine_refuses() or not self.bucket.acquire(self._stop):
                return BatchOutcome(texts, error="not sent: run stopped", attempts=attempts)
            if not self.budget.reserve(sum(len(t) for t in pending)):
                return BatchOutcome(
                    texts, capped=True, error="--max-chars reached", attempts=attempts
                )
            attempts += 1
            try:
                answers = self.engine.translate(list(pending), self.source, self.target)
            except PermanentError as exc:
                return BatchOutcome(texts, error=str(exc), permanent=True, attempts=attempts)
            except TransientError as exc:
                last_error = str(exc)
                reached = reached or exc.status is not None
                if attempts > self.limits.retries or self._stop.wait(
                    self._delay(attempts, exc.retry_after)
                ):
                    break
                continue
            except Exception as exc:  # noqa: BLE001 - a third-party engine outside the contract
                error = f"{self.engine.name}: {type(exc).__name__}: {exc}"
                return BatchOutcome(texts, error=error, permanent=True, attempts=attempts)
            reached = True
            good = _good_answers(answers, pending)
            if good and self.on_answer is not None:
                self.on_answer(tuple(good), tuple(good.values()))
            received.update(good)
            pending = tuple(t for t in pending if t not in good)
            if not pending:
                result = tuple(received[t] for t in texts)
                return BatchOutcome(texts, answers=result, attempts=attempts)
            last_error = f"malformed result from {self.engine.name}"
            if attempts > self.limits.retries or self._stop.wait(self._delay(attempts, None)):
                break
        error = f"{last_error} (after {attempts} attempt(s))"
        if not reached and not self._stop.is_set():  # unreachable: refused, as SPEC section 5
            return BatchOutcome(texts, error=error, permanent=True, attempts=attempts)
        return BatchOutcome(texts, error=error, attempts=attempts)

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        """Retry-After when the server gave one, else exponential backoff with jitter; both capped."""
        cap = self.limits.max_retry_after
        if retry_after is not None:
            return max(0.0, min(retry_after, cap))
        backoff = self.limits.backoff_base * (2 ** (attempt - 1))
        return min(cap, backoff) * (0.5 + 0.5 * self._jitter())


def _good_answers(answers: object, texts: Sequence[str]) -> dict[str, str]:
    """The usable answers of a reply: none when it is wrongly shaped, else the non-empty ones."""
    if not isinstance(answers, list) or len(answers) != len(texts):
        return {}
    return {
        t: a
        for a, t in zip(answers, texts, strict=True)
        if isinstance(a, str) and (a.strip() or not t.strip())
    }
