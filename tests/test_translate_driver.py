"""The batch driver's scheduling against an in-process Engine subclass (no HTTP needed here)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

import pytest

from localize.config import EngineSettings
from localize.engines.base import Engine, PermanentError, TransientError
from localize.errors import EngineError
from localize.locales import LocaleInfo, parse_locale
from localize.translate.driver import (
    BatchDriver,
    CharBudget,
    DriverLimits,
    TokenBucket,
    make_batches,
)

ZH = parse_locale("zh-Hant-TW")
EN = parse_locale("en")


class ScriptedEngine(Engine):
    """Answers "<text>@en" after ``latency``; ``fault(text, call_number)`` may raise instead."""

    name = "scripted"

    def __init__(self, latency: float = 0.0, fault: Callable[[str, int], None] | None = None):
        super().__init__(EngineSettings(name="scripted"))
        self.latency = latency
        self.fault = fault
        self.calls: list[tuple[str, ...]] = []
        self.starts: list[float] = []
        self.in_flight = 0
        self.peak = 0
        self._lock = threading.Lock()

    def translate(self, texts: Sequence[str], source: LocaleInfo, target: LocaleInfo) -> list[str]:
        with self._lock:
            self.calls.append(tuple(texts))
            self.starts.append(time.monotonic())
            number = len(self.calls)
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        try:
            if self.latency:
                time.sleep(self.latency)
            if self.fault is not None:
                for text in texts:
                    self.fault(text, number)
            return [f"{t}@{target.language}" for t in texts]
        finally:
            with self._lock:
                self.in_flight -= 1


def run_driver(
    engine: Engine, batches: list[tuple[str, ...]], **kwargs: object
) -> tuple[BatchDriver, dict[str, str]]:
    answers: dict[str, str] = {}
    lock = threading.Lock()

    def sink(texts: Sequence[str], result: Sequence[str]) -> None:
        with lock:
            answers.update(zip(texts, result, strict=True))

    limits = kwargs.pop(
        "limits", DriverLimits(concurrency=4, retries=3, max_retry_after=0.05, backoff_base=0.01)
    )
    driver = BatchDriver(engine, ZH, EN, limits, on_answer=sink, **kwargs)  # type: ignore[arg-type]
    driver.run(batches)
    return driver, answers


def test_make_batches_respects_text_and_character_limits() -> None:
    texts = ["aaaa", "bb", "cccccc", "d", "eeeeeeeeeeee"]
    assert make_batches(texts, max_chars=7, max_texts=10) == [
        ("aaaa", "bb"),
        ("cccccc", "d"),
        ("eeeeeeeeeeee",),
    ]
    assert make_batches(texts, max_chars=100, max_texts=2) == [
        ("aaaa", "bb"),
        ("cccccc", "d"),
        ("eeeeeeeeeeee",),
    ]
    assert make_batches([], 10, 1) == []


def test_concurrency_is_used_and_bounded() -> None:
    engine = ScriptedEngine(latency=0.05)
    batches = [(f"t{i}",) for i in range(24)]
    started = time.monotonic()
    driver, answers = run_driver(engine, batches, limits=DriverLimits(concurrency=8, retries=0))
    elapsed = time.monotonic() - started
    assert engine.peak == 8
    assert answers == {f"t{i}": f"t{i}@en" for i in range(24)}
    assert elapsed < 24 * 0.05 * 0.75  # below the serial time (1.2 s); ideal is 0.15 s
    assert driver.stats.requests == 24 and driver.stats.retries == 0


def test_rate_limit_spaces_request_starts() -> None:
    engine = ScriptedEngine()
    batches = [(f"t{i}",) for i in range(11)]
    limits = DriverLimits(concurrency=8, rate_limit=40.0, retries=0)
    run_driver(engine, batches, limits=limits)
    span = max(engine.starts) - min(engine.starts)
    observed_rate = (len(engine.starts) - 1) / span
    # generous bounds: a late first start on a loaded machine shortens the span a little;
    # unlimited, 11 instant requests would start thousands of times per second
    assert observed_rate <= 40.0 * 1.5
    assert observed_rate >= 40.0 * 0.25  # the limit is not a crawl either


def test_token_bucket_without_rate_never_waits() -> None:
    bucket = TokenBucket(None)
    stop = threading.Event()
    started = time.monotonic()
    assert all(bucket.acquire(stop) for _ in range(1000))
    assert time.monotonic() - started < 0.5


def test_transient_errors_are_retried_with_capped_retry_after() -> None:
    def fault(text: str, number: int) -> None:
        if number <= 2:
            raise TransientError("HTTP 429", retry_after=3600.0, status=429)

    engine = ScriptedEngine(fault=fault)
    limits = DriverLimits(concurrency=1, retries=3, max_retry_after=0.1)
    started = time.monotonic()
    driver, answers = run_driver(engine, [("hello",)], limits=limits)
    elapsed = time.monotonic() - started
    assert answers == {"hello": "hello@en"}
    assert driver.stats.retries == 2 and driver.stats.requests == 1
    assert 0.2 <= elapsed < 5.0  # two waits of the capped 0.1 s, not an hour


def test_backoff_grows_exponentially_without_retry_after() -> None:
    def fault(text: str, number: int) -> None:
        if number <= 3:
            raise TransientError("HTTP 503", status=503)

    engine = ScriptedEngine(fault=fault)
    limits = DriverLimits(concurrency=1, retries=5, max_retry_after=10.0, backoff_base=0.04)
    driver, answers = run_driver(engine, [("x",)], limits=limits, sleep_jitter=lambda: 1.0)
    gaps = [b - a for a, b in zip(engine.starts, engine.starts[1:], strict=False)]
    assert answers == {"x": "x@en"}
    # the waits the driver chose, exactly; wall-clock gaps only as lower bounds (a loaded CI
    # machine can only lengthen them)
    assert [driver._delay(n, None) for n in (1, 2, 3)] == pytest.approx([0.04, 0.08, 0.16])
    assert all(gap >= 0.9 * wait for gap, wait in zip(gaps, (0.04, 0.08, 0.16), strict=True))


def test_transient_failure_after_all_retries_is_reported_not_answered() -> None:
    def fault(text: str, number: int) -> None:
        raise TransientError("HTTP 503", status=503)

    engine = ScriptedEngine(fault=fault)
    limits = DriverLimits(concurrency=2, retries=2, max_retry_after=0.01, backoff_base=0.001)
    driver, answers = run_driver(engine, [("a",), ("b",)], limits=limits)
    assert answers == {}
    assert len(engine.calls) == 6
    assert driver.stats.failed == 2
    assert all("HTTP 503" in (o.error or "") for o in driver.stats.outcomes)


def test_permanent_error_is_not_retried() -> None:
    def fault(text: str, number: int) -> None:
        if text == "too long":
            raise PermanentError("text too long", reason="length")

    engine = ScriptedEngine(fault=fault)
    driver, answers = run_driver(engine, [("ok",), ("too long",), ("fine",), ("also",)])
    assert engine.calls.count(("too long",)) == 1
    assert answers == {"ok": "ok@en", "fine": "fine@en", "also": "also@en"}
    assert [o.permanent for o in driver.stats.outcomes].count(True) == 1


def test_engine_refusing_every_request_raises_engine_error_early() -> None:
    def fault(text: str, number: int) -> None:
        raise PermanentError("HTTP 403: check the credentials", status=403, reason="auth")

    engine = ScriptedEngine(fault=fault)
    with pytest.raises(EngineError, match="refused every request.*credentials"):
        run_driver(
            engine, [(f"t{i}",) for i in range(200)], limits=DriverLimits(concurrency=2, retries=3)
        )
    assert len(engine.calls) < 20  # it stopped instead of sending all 200


def test_malformed_results_are_transient() -> None:
    class Short(ScriptedEngine):
        def translate(
            self, texts: Sequence[str], source: LocaleInfo, target: LocaleInfo
        ) -> list[str]:
            result = super().translate(texts, source, target)
            return result[:-1] if len(self.calls) == 1 else result

    engine = Short()
    driver, answers = run_driver(engine, [("a", "b")])
    assert answers == {"a": "a@en", "b": "b@en"}
    assert driver.stats.retries == 1


def test_character_cap_stops_requests_that_would_pass_it() -> None:
    engine = ScriptedEngine()
    budget = CharBudget(10)
    batches = [("abcd",), ("efgh",), ("ijkl",), ("mn",)]
    driver, answers = run_driver(
        engine, batches, budget=budget, limits=DriverLimits(concurrency=1, retries=0)
    )
    sent = sum(len(t) for call in engine.calls for t in call)
    assert sent <= 10
    assert set(answers) == {"abcd", "efgh", "mn"}
    assert driver.stats.capped == 1 and budget.refused


def test_sixteen_workers_never_mix_results() -> None:
    engine = ScriptedEngine(latency=0.002)
    texts = [f"sentence number {i}" for i in range(400)]
    batches = make_batches(texts, max_chars=60, max_texts=3)
    driver, answers = run_driver(engine, batches, limits=DriverLimits(concurrency=16, retries=0))
    assert answers == {t: f"{t}@en" for t in texts}
    assert engine.peak > 1


def test_keyboard_interrupt_in_main_thread_keeps_finished_answers() -> None:
    engine = ScriptedEngine(latency=0.05)
    batches = [(f"t{i}",) for i in range(40)]
    answers: dict[str, str] = {}

    def sink(texts: Sequence[str], result: Sequence[str]) -> None:
        answers.update(zip(texts, result, strict=True))

    done: list[object] = []

    def interrupt_after_some(outcome: object) -> None:
        done.append(outcome)
        if len(done) == 5:
            raise KeyboardInterrupt

    driver = BatchDriver(
        engine,
        ZH,
        EN,
        DriverLimits(concurrency=4, retries=0),
        on_answer=sink,
        on_done=interrupt_after_some,
    )
    with pytest.raises(KeyboardInterrupt):
        driver.run(batches)
    calls = len(engine.calls)
    assert 5 <= calls < 40  # pending batches were cancelled
    assert len(answers) == calls  # every request in flight finished and was kept
    time.sleep(0.1)
    assert len(engine.calls) == calls  # nothing keeps running afterwards


def test_keyboard_interrupt_raised_by_a_worker_stops_the_run() -> None:
    def fault(text: str, number: int) -> None:
        if number == 6:
            raise KeyboardInterrupt

    engine = ScriptedEngine(latency=0.02, fault=fault)
    with pytest.raises(KeyboardInterrupt):
        run_driver(
            engine, [(f"t{i}",) for i in range(60)], limits=DriverLimits(concurrency=2, retries=0)
        )
    assert len(engine.calls) < 20


def test_plain_exception_from_an_engine_fails_its_batch_without_crashing_the_run() -> None:
    """A third-party engine raising a plain Exception is a refused batch, not a traceback."""

    def fault(text: str, number: int) -> None:
        if text == "boom":
            raise RuntimeError("plugin bug")

    engine = ScriptedEngine(fault=fault)
    driver, answers = run_driver(engine, [("ok",), ("boom",), ("fine",), ("also",)])
    assert answers == {"ok": "ok@en", "fine": "fine@en", "also": "also@en"}
    failed = [o for o in driver.stats.outcomes if o.answers is None]
    assert len(failed) == 1 and "RuntimeError" in (failed[0].error or "")
    assert engine.calls.count(("boom",)) == 1


def test_engine_raising_plain_exceptions_on_every_request_is_an_engine_error() -> None:
    def fault(text: str, number: int) -> None:
        raise ValueError("misconfigured plugin")

    with pytest.raises(EngineError, match="misconfigured plugin"):
        run_driver(ScriptedEngine(fault=fault), [(f"t{i}",) for i in range(50)])



def test_batch_with_one_empty_answer_keeps_the_others_and_resends_only_that_text() -> None:
    """An answer received is never requested again, even when its batch-mate's was empty."""

    class OneEmpty(ScriptedEngine):
        def translate(
            self, texts: Sequence[str], source: LocaleInfo, target: LocaleInfo
        ) -> list[str]:
            result = super().translate(texts, source, target)
            return ["" if t == "b" and len(self.calls) == 1 else r for t, r in zip(texts, result, strict=True)]

    engine = OneEmpty()
    driver, answers = run_driver(engine, [("a", "b", "c")])
    assert answers == {"a": "a@en", "b": "b@en", "c": "c@en"}
    assert engine.calls == [("a", "b", "c"), ("b",)]


def test_unreachable_engine_is_an_engine_error() -> None:
    """SPEC section 5: an engine that is unreachable for every request exits 2."""

    def fault(text: str, number: int) -> None:
        raise TransientError("libre: connection failed (ConnectionError)")

    limits = DriverLimits(concurrency=2, retries=1, max_retry_after=0.01, backoff_base=0.001)
    engine = ScriptedEngine(fault=fault)
    with pytest.raises(EngineError, match="connection failed"):
        run_driver(engine, [(f"t{i}",) for i in range(100)], limits=limits)
    assert len(engine.calls) < 20  # it stopped instead of trying all 100
