"""deep-translator's translators, made safe for batch work.

* Transport: each worker thread gets its own translator instance and its own
  :class:`~localize.engines.transport.ThreadTransport` (a ``requests.Session``
  with this engine's timeout) through ``threading.local``; deep-translator's
  module-level ``requests`` calls are routed to it (see transport.py), so
  every request has a timeout and the last HTTP exchange is known.
* Codes: set on the instance from our table (codes.py) after construction;
  deep-translator's setters do not validate and its lists are stale.
* Errors: whatever deep-translator raises or returns, the recorded exchange
  decides: timeouts, connection errors, 408/429/5xx and answers that break
  the protocol (including ``None``/empty results) are TransientError;
  auth, length and language failures PermanentError.
* Text: outer whitespace and line breaks restored, long lines split into
  pieces under the engine's character and URL-length limits.
"""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import requests

from localize.config import EngineSettings
from localize.engines.base import Engine, PermanentError, TransientError, classify_http
from localize.engines.codes import engine_code
from localize.engines.dt_specs import RESULT_ADAPTERS, SPECS, DeepTranslatorSpec
from localize.engines.splitting import chars_fit, translate_preserving, url_fits
from localize.engines.transport import AnswerTooLarge, ThreadTransport, install_shim
from localize.locales import LocaleInfo


def endpoint_url(url: str | None, spec: DeepTranslatorSpec) -> str:
    """The endpoint for a ``url`` override: a bare root gets the service's path appended."""
    if not url:
        return spec.default_url
    parts = urlsplit(url)
    if parts.path in ("", "/") and not parts.query:
        url = url.rstrip("/") + spec.url_path
    if spec.name == "libre" and not url.endswith("/"):
        url += "/"  # deep-translator appends "translate"
    return url


class DeepTranslatorEngine(Engine):
    """One of deep-translator's text translators (google, mymemory, libre, microsoft, ...)."""

    def __init__(self, settings: EngineSettings, spec: DeepTranslatorSpec | None = None):
        super().__init__(settings)
        self.spec = spec or SPECS[settings.name]
        self.name = self.spec.name  # type: ignore[misc]
        self.max_chars = self.spec.max_chars
        self.default_concurrency = self.spec.concurrency
        self.default_rate_limit = self.spec.rate_limit
        self.endpoint = endpoint_url(settings.url, self.spec)
        self._module = importlib.import_module(f"deep_translator.{self.spec.module}")
        install_shim(self._module)
        self._local = threading.local()
        if self.spec.max_url_bytes:
            self._fits = url_fits(self.spec.max_chars, self.spec.max_url_bytes)
        else:
            self._fits = chars_fit(self.spec.max_chars)
        self._call_kwargs = {
            kwarg: settings.extra.get(key, default)
            for kwarg, key, default in self.spec.call_options
        }

    def cache_options(self) -> str:
        base = super().cache_options()
        extra = ";".join(f"{k}={v}" for k, v in sorted(self._call_kwargs.items()))
        return ";".join(p for p in (base, extra) if p)

    # -- credentials and per-thread state ---------------------------------------------------
    def credentials(self) -> dict[str, str | None]:
        """Constructor keywords from the environment; PermanentError naming what is missing."""
        values: dict[str, str | None] = {}
        missing = []
        for credential in self.spec.credentials:
            value = os.environ.get(credential.env) or None
            if value is None and credential.required:
                missing.append(credential.env)
            values[credential.argument] = value
        if missing:
            raise PermanentError(
                f"engine {self.name!r} needs the environment variable(s) {', '.join(missing)}",
                reason="auth",
            )
        return values

    def _thread_state(self) -> tuple[Any, ThreadTransport]:
        state = self._local
        if getattr(state, "translator", None) is None:
            state.transport = ThreadTransport(self.timeout)
            state.translator = self._construct()
        return state.translator, state.transport

    def _construct(self) -> Any:
        cls = getattr(self._module, self.spec.class_name)
        if self.name == "microsoft":
            cls = _offline_microsoft(cls)
        kwargs: dict[str, Any] = dict(self.credentials())
        optional_empty = [k for k, v in kwargs.items() if v is None]
        for key in optional_empty:  # deep-translator insists on some optional keys; unset after
            kwargs[key] = "unset" if self.name == "libre" else None
        source, target = self.spec.initial_codes
        translator = cls(source=source, target=target, **kwargs)
        if self.name == "libre" and "api_key" in optional_empty:
            translator.api_key = None  # a self-hosted server without keys
        translator._base_url = self.endpoint
        return translator

    # -- translation -------------------------------------------------------------------------
    def translate(self, texts: Sequence[str], source: LocaleInfo, target: LocaleInfo) -> list[str]:
        options = dict(self.settings.extra)
        source_code = engine_code(self.name, source, "source", options)
        target_code = engine_code(self.name, target, "target", options)
        if not any(t.strip() for t in texts):
            return list(texts)
        translator, transport = self._thread_state()
        translator._source, translator._target = source_code, target_code

        def piece(text: str) -> str:
            return self._translate_piece(translator, transport, text)

        return [translate_preserving(t, piece, self._fits, source, target) for t in texts]

    def _translate_piece(self, translator: Any, transport: ThreadTransport, text: str) -> str:
        transport.reset()
        try:
            with transport.active():
                result = translator.translate(text, **self._call_kwargs)
        except Exception as exc:  # noqa: BLE001 - every deep-translator failure is sorted here
            raise self._classify_failure(exc, transport) from exc
        problem = self._exchange_problem(transport)
        if problem is not None:
            raise problem
        adapter = RESULT_ADAPTERS.get(self.name)
        if adapter is not None:
            result = adapter(result)
        if not isinstance(result, str) or not result.strip():
            status = transport.last_response.status_code if transport.last_response else None
            raise TransientError(
                f"{self.name}: empty or malformed answer ({result!r:.80})", status=status
            )
        return result.strip()

    def _exchange_problem(
        self, transport: ThreadTransport
    ) -> TransientError | PermanentError | None:
        """A failure hidden in an exchange deep-translator accepted (bad status, error body)."""
        response = transport.last_response
        if response is None:
            return None
        if not 200 <= response.status_code < 300:
            return classify_http(self.name, response.status_code, response.headers, response.text)
        if self.spec.body_check is not None:
            return self.spec.body_check(self.name, response)
        return None

    def _classify_failure(self, exc: Exception, transport: ThreadTransport) -> Exception:
        if isinstance(exc, (TransientError, PermanentError)):
            return exc
        sent = transport.last_exception
        if isinstance(sent, AnswerTooLarge):
            return PermanentError(f"{self.name}: answer too large ({sent})", reason="length")
        if isinstance(sent, requests.Timeout):
            return TransientError(f"{self.name}: no answer within {self.timeout:g} s")
        if isinstance(sent, requests.RequestException):
            return TransientError(f"{self.name}: connection failed ({type(sent).__name__})")
        problem = self._exchange_problem(transport)
        if problem is not None:
            return problem
        if transport.last_response is not None:
            status = transport.last_response.status_code
            return TransientError(
                f"{self.name}: malformed answer ({type(exc).__name__})", status=status
            )
        return _classify_local(self.name, exc)


def _classify_local(engine: str, exc: Exception) -> PermanentError:
    """Failures before any request: deep-translator's own checks refused the call."""
    kind = type(exc).__name__
    if kind == "NotValidLength":
        return PermanentError(f"{engine}: text too long", reason="length")
    if kind in ("LanguageNotSupportedException", "InvalidSourceOrTargetLanguage"):
        return PermanentError(f"{engine}: language not supported ({exc})", reason="language")
    if kind == "ApiKeyException":
        return PermanentError(f"{engine}: missing API key", reason="auth")
    return PermanentError(f"{engine}: {kind}: {exc}")


_MICROSOFT_CLASSES: dict[type, type] = {}


def _offline_microsoft(cls: type) -> type:
    """MicrosoftTranslator fetches its language list over the network when constructed; ours is local."""
    if cls not in _MICROSOFT_CLASSES:

        def _get_supported_languages(self: Any) -> dict[str, str]:
            return {"english": "en", "german": "de"}

        _MICROSOFT_CLASSES[cls] = type(
            "LocalListMicrosoftTranslator",
            (cls,),
            {"_get_supported_languages": _get_supported_languages},
        )
    return _MICROSOFT_CLASSES[cls]
