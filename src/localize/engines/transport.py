"""Safe HTTP for deep-translator: a timeout on every request and the last exchange kept.

deep-translator calls the module functions ``requests.get``/``requests.post``
without a timeout and turns HTTP statuses into exceptions that forget them.
Rather than patching ``requests`` itself (which would change every other
user in the process), the name ``requests`` inside each deep-translator
module is replaced by a small stand-in (:data:`REQUESTS_SHIM`). When the
calling thread has an active :class:`ThreadTransport` (``with
transport.active():``) the stand-in sends through that thread's own
``requests.Session`` with the engine's timeout and records the response or
the exception; without one it forwards to ``requests`` unchanged, so plain
deep-translator use elsewhere behaves as before. Every worker thread owns
its transport (via ``threading.local`` in the engine), so nothing is shared
between threads.

Every answer body is read with a cap (:data:`MAX_ANSWER_BYTES`, after
decompression): a service sending megabytes for a sentence is cut off at the
cap and the request fails with :class:`AnswerTooLarge`, so a 50 MB answer
neither hangs the run nor is stored.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import requests

_current = threading.local()

#: The largest answer body read from any service (bytes, decompressed). A batch of
#: ~5,000 characters translates into well under 100 KB; the cap is far above that.
MAX_ANSWER_BYTES = 4 * 1024 * 1024
_CHUNK = 64 * 1024


class AnswerTooLarge(requests.RequestException):
    """The service's answer body was larger than the cap; it was not read further."""


def read_capped(response: requests.Response, limit: int = MAX_ANSWER_BYTES) -> requests.Response:
    """Read a streamed ``response`` body up to ``limit`` bytes; AnswerTooLarge beyond it."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        response.close()
        raise AnswerTooLarge(f"the answer declares {int(declared):,} bytes, more than {limit:,}")
    chunks, size = [], 0
    for chunk in response.iter_content(_CHUNK):
        size += len(chunk)
        if size > limit:
            response.close()
            raise AnswerTooLarge(f"the answer is larger than {limit:,} bytes")
        chunks.append(chunk)
    response._content = b"".join(chunks)  # noqa: SLF001 - what requests does when it reads a body
    response._content_consumed = True  # noqa: SLF001
    return response


class ThreadTransport:
    """One thread's session, default timeout and record of the last HTTP exchange."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.session = requests.Session()
        self.last_response: requests.Response | None = None
        self.last_exception: BaseException | None = None
        self.calls = 0

    def reset(self) -> None:
        """Forget the last exchange before a new translate call."""
        self.last_response = None
        self.last_exception = None

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        self.last_response = None
        self.last_exception = None
        self.calls += 1
        kwargs["stream"] = True  # the body is read below, with a cap
        try:
            response = read_capped(self.session.request(method, url, **kwargs))
        except requests.RequestException as exc:
            self.last_exception = exc
            raise
        self.last_response = response
        return response

    @contextmanager
    def active(self) -> Iterator[ThreadTransport]:
        """Route this thread's deep-translator requests through this transport."""
        previous = getattr(_current, "transport", None)
        _current.transport = self
        try:
            yield self
        finally:
            _current.transport = previous

    def close(self) -> None:
        self.session.close()


def current_transport() -> ThreadTransport | None:
    return getattr(_current, "transport", None)


class _RequestsShim:
    """Stands in for the ``requests`` module inside deep-translator's modules."""

    def get(self, url: str, params: Any = None, **kwargs: Any) -> requests.Response:
        transport = current_transport()
        if transport is None:
            return requests.get(url, params=params, **kwargs)
        return transport.request("GET", url, params=params, **kwargs)

    def post(
        self, url: str, data: Any = None, json: Any = None, **kwargs: Any
    ) -> requests.Response:
        transport = current_transport()
        if transport is None:
            return requests.post(url, data=data, json=json, **kwargs)
        return transport.request("POST", url, data=data, json=json, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(requests, name)


REQUESTS_SHIM = _RequestsShim()
_install_lock = threading.Lock()


def install_shim(module: ModuleType) -> None:
    """Replace ``module.requests`` by the stand-in (idempotent, thread-safe)."""
    with _install_lock:
        if getattr(module, "requests", None) is not REQUESTS_SHIM:
            module.requests = REQUESTS_SHIM  # type: ignore[attr-defined]
