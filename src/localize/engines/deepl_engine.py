"""DeepL through its official client (deep-translator's DeepL path uses retired query-string auth).

The client retries by itself (up to five times, with its own backoff) and
uses a ten-second minimum timeout; both would hide failures from our
driver, which owns retries. So the module's ``max_network_retries`` is set
to 0 and each worker thread's translator gets a session that imposes this
engine's timeout and remembers the last response (for Retry-After); its
answers are read with the transport's cap (``transport.MAX_ANSWER_BYTES``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

import deepl
import deepl.http_client
import requests

from localize.config import EngineSettings
from localize.engines.base import Engine, PermanentError, TransientError, classify_http
from localize.engines.codes import engine_code
from localize.engines.splitting import chars_fit, join_pieces, split_to_fit
from localize.engines.transport import AnswerTooLarge, read_capped
from localize.errors import ConfigError
from localize.locales import LocaleInfo

API_KEY_ENV = "DEEPL_API_KEY"
_FORMALITIES = {"less", "more", "default", "prefer_less", "prefer_more"}
_PREFERRED = {"less": "prefer_less", "more": "prefer_more"}
_MODELS = {"quality_optimized", "latency_optimized", "prefer_quality_optimized"}


class _TimeoutSession(requests.Session):
    """A session that forces one timeout and keeps the last response or transport error."""

    def __init__(self, timeout: float):
        super().__init__()
        self.timeout = timeout
        self.last_response: requests.Response | None = None
        self.last_exception: BaseException | None = None

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        kwargs["timeout"] = self.timeout
        kwargs["stream"] = True  # read below with the transport's cap
        self.last_response = None
        self.last_exception = None
        try:
            response = read_capped(super().send(request, **kwargs))
        except requests.RequestException as exc:
            self.last_exception = exc
            raise
        self.last_response = response
        return response


class DeepLEngine(Engine):
    """DeepL API v2 (``url`` overrides the server, e.g. a proxy or the test server)."""

    name = "deepl"
    max_chars = 30000
    max_texts = 50
    default_concurrency = 4
    default_rate_limit = 5.0

    def __init__(self, settings: EngineSettings):
        super().__init__(settings)
        deepl.http_client.max_network_retries = 0  # our driver retries, with its own backoff
        if settings.formality and settings.formality not in _FORMALITIES:
            raise ConfigError(
                f"deepl: formality must be one of {', '.join(sorted(_FORMALITIES))}"
            )
        if settings.model and settings.model not in _MODELS:
            raise ConfigError(f"deepl: model must be one of {', '.join(sorted(_MODELS))}")
        self._local = threading.local()

    def _translator(self) -> tuple[deepl.Translator, _TimeoutSession]:
        local = self._local
        if getattr(local, "translator", None) is None:
            key = os.environ.get(API_KEY_ENV)
            if not key:
                raise PermanentError(
                    f"engine 'deepl' needs the environment variable {API_KEY_ENV}", reason="auth"
                )
            server = self.settings.url.rstrip("/") if self.settings.url else None
            translator = deepl.Translator(key, server_url=server, send_platform_info=False)
            session = _TimeoutSession(self.timeout)
            translator._client._session = session  # noqa: SLF001 - see the module docstring
            local.translator, local.session = translator, session
        return local.translator, local.session

    def translate(self, texts: Sequence[str], source: LocaleInfo, target: LocaleInfo) -> list[str]:
        source_code = engine_code(self.name, source, "source")
        target_code = engine_code(self.name, target, "target")
        fits = chars_fit(self.max_chars)
        plan: list[tuple[str, str, int, int]] = []  # lead, trail, first piece, piece count
        pieces: list[str] = []
        for text in texts:
            core = text.strip()
            lead = text[: len(text) - len(text.lstrip())]
            trail = text[len(text.rstrip()) :] if core else ""
            split = split_to_fit(core, fits, source.language) if core else []
            plan.append((lead, trail, len(pieces), len(split)))
            pieces.extend(split)
        translated: list[str] = []
        for start in range(0, len(pieces), self.max_texts):  # the API takes 50 texts per request
            translated += self._send(pieces[start : start + self.max_texts], source_code, target_code)
        out = []
        for text, (lead, trail, start, count) in zip(texts, plan, strict=True):
            if not count:
                out.append(text)
            else:
                out.append(lead + join_pieces(translated[start : start + count], target) + trail)
        return out

    def _send(self, pieces: list[str], source_code: str, target_code: str) -> list[str]:
        translator, session = self._translator()
        options: dict[str, Any] = {"preserve_formatting": True}
        if self.settings.formality:
            # DeepL refuses plain "less"/"more" for targets without formality (EN, ZH, ...);
            # the "prefer_" forms behave the same where it exists and never fail elsewhere.
            formality = self.settings.formality
            options["formality"] = _PREFERRED.get(formality, formality)
        if self.settings.model:
            options["model_type"] = self.settings.model
        try:
            results = translator.translate_text(
                pieces, source_lang=source_code, target_lang=target_code, **options
            )
        except Exception as exc:  # noqa: BLE001 - sorted below
            raise self._classify(exc, session) from exc
        if not isinstance(results, list) or len(results) != len(pieces):
            raise TransientError(
                f"deepl: {len(pieces)} texts sent, {len(results) if isinstance(results, list) else 0}"
                " translations received",
                status=200,
            )
        texts = [getattr(r, "text", None) for r in results]
        if any(not isinstance(t, str) or not t.strip() for t in texts):
            raise TransientError("deepl: empty translation in the answer", status=200)
        return [t.strip() for t in texts]  # type: ignore[union-attr]

    def _classify(self, exc: Exception, session: _TimeoutSession) -> Exception:
        if isinstance(exc, (TransientError, PermanentError)):
            return exc
        response = session.last_response
        if isinstance(session.last_exception, AnswerTooLarge):
            return PermanentError(f"deepl: answer too large ({session.last_exception})", reason="length")
        if isinstance(session.last_exception, requests.Timeout):
            return TransientError(f"deepl: no answer within {self.timeout:g} s")
        if isinstance(exc, deepl.ConnectionException) or session.last_exception is not None:
            return TransientError(f"deepl: connection failed ({exc})")
        status = getattr(exc, "http_status_code", None)
        if status is None and response is not None and response.status_code >= 300:
            status = response.status_code
        if isinstance(exc, deepl.QuotaExceededException):
            return PermanentError(f"deepl: quota exceeded ({exc})", status=status, reason="quota")
        if isinstance(exc, deepl.AuthorizationException):
            return PermanentError(
                f"deepl: authorization failed, check {API_KEY_ENV} ({exc})",
                status=status,
                reason="auth",
            )
        if status is not None:
            headers = response.headers if response is not None else None
            return classify_http(self.name, status, headers, str(exc))
        if response is not None:  # 2xx answer the client could not read
            return TransientError(f"deepl: malformed answer ({type(exc).__name__})", status=200)
        if isinstance(exc, deepl.DeepLException):
            return PermanentError(f"deepl: {exc}", reason="language")
        return PermanentError(f"deepl: {type(exc).__name__}: {exc}")
