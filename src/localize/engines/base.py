"""The engine contract the translate driver relies on.

An engine turns a batch of (masked) texts into translations or raises one of
two errors, and the driver acts on the class alone: a TransientError is
retried with backoff (honouring ``retry_after``), a PermanentError is
reported at once. Engines therefore never retry by themselves, never return
``None`` or an empty string for a non-empty text, and restore the
surrounding whitespace of every text.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import ClassVar

from localize.config import EngineSettings
from localize.locales import LocaleInfo


class TransientError(Exception):
    """Worth retrying: 429, 5xx, timeouts, connection resets, answers that break the protocol."""

    def __init__(
        self, message: str, *, retry_after: float | None = None, status: int | None = None
    ):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after
        self.status = status


class PermanentError(Exception):
    """Retrying cannot help: bad credentials, unsupported language pair, text too long.

    ``reason`` is one of "auth", "quota", "language", "length", "config", "other".
    """

    def __init__(self, message: str, *, status: int | None = None, reason: str = "other"):
        super().__init__(message)
        self.message = message
        self.status = status
        self.reason = reason


class Engine(ABC):
    """One configured translation service; ``translate`` is safe to call from many threads."""

    name: ClassVar[str] = ""
    max_chars: int = 5000  # characters per translate() call the driver should aim for
    default_concurrency: int = 4
    default_rate_limit: float | None = None
    default_timeout: float = 30.0
    default_retries: int = 5
    default_max_retry_after: float = 60.0
    max_texts: int = 1  # texts per translate() call worth batching (1: the service takes one)

    def __init__(self, settings: EngineSettings):
        self.settings = settings

    @abstractmethod
    def translate(self, texts: Sequence[str], source: LocaleInfo, target: LocaleInfo) -> list[str]:
        """Translate ``texts`` (same order, same length) or raise TransientError/PermanentError."""

    def cache_options(self) -> str:
        """The options that change this engine's output, as a stable string for cache keys."""
        parts = []
        for key in ("model", "formality", "url"):
            value = getattr(self.settings, key)
            if value:
                parts.append(f"{key}={value}")
        return ";".join(parts)

    @property
    def provenance(self) -> str:
        """What the ``# machine translation:`` comment names (the llm engine adds its model)."""
        return self.name

    def answer_problems(self, source: str, translation: str) -> tuple[str, ...]:
        """Problems of a restored answer particular to this engine (e.g. an LLM's notes)."""
        return ()

    # Settings resolved against this engine's defaults (SPEC section 6).
    @property
    def concurrency(self) -> int:
        return self.settings.concurrency or self.default_concurrency

    @property
    def rate_limit(self) -> float | None:
        """Requests per second; an engine with a ``url`` of its own has none unless one is set."""
        if self.settings.rate_limit is not None:
            return self.settings.rate_limit or None
        return None if self.settings.url else self.default_rate_limit

    @property
    def timeout(self) -> float:
        return self.settings.timeout if self.settings.timeout is not None else self.default_timeout

    @property
    def retries(self) -> int:
        return self.settings.retries if self.settings.retries is not None else self.default_retries

    @property
    def max_retry_after(self) -> float:
        value = self.settings.max_retry_after
        return value if value is not None else self.default_max_retry_after

    @property
    def is_offline(self) -> bool:
        """True for engines that send nothing over the network (no cost, no rate limit)."""
        return False


class OfflineEngine(Engine):
    """An engine that runs in this process: large batches, no retries, no network, no cost."""

    max_chars = 100_000
    max_texts = 1000
    default_concurrency = 1
    default_rate_limit = None
    default_timeout = 60.0
    default_retries = 0

    @property
    def is_offline(self) -> bool:
        return True


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        import email.utils  # here: most runs never see an HTTP date, and it imports socket

        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def classify_http(
    engine: str,
    status: int,
    headers: Mapping[str, str] | None = None,
    body: str = "",
) -> TransientError | PermanentError:
    """Sort one failed HTTP exchange: 408/429/5xx are transient, auth/length/language permanent."""
    headers = headers or {}
    retry_after = parse_retry_after(headers.get("Retry-After"))
    snippet = " ".join(body.split())[:200]
    where = f"{engine}: HTTP {status}" + (f" ({snippet})" if snippet else "")
    if status in (408, 425, 429) or status >= 500:
        return TransientError(where, retry_after=retry_after, status=status)
    if status in (401, 403, 407):
        return PermanentError(f"{where}: check the credentials", status=status, reason="auth")
    if status in (402, 456):
        return PermanentError(f"{where}: quota exhausted", status=status, reason="quota")
    if status in (413, 414):
        return PermanentError(f"{where}: text too long", status=status, reason="length")
    if 400 <= status < 500:
        lowered = body.lower()
        reason = "language" if ("language" in lowered or "support" in lowered) else "other"
        return PermanentError(where, status=status, reason=reason)
    return TransientError(f"{where}: unexpected status", retry_after=retry_after, status=status)
