"""The machinery shared by the fake MT servers: a threaded HTTP server with scripted faults.

Each server answers on 127.0.0.1 on a free port, counts translate
requests (1, 2, 3...) and, per request, may inject a fault chosen by
request number (``faults={3: "429"}``), by a callable
(``fault_when=lambda n, texts: ...``) or at random (``fault_rate`` with a
``seed``). Fault kinds:

* ``"429"``: Too Many Requests with ``Retry-After: <retry_after>``
* ``"500"``, ``"503"``: server errors (503 also carries Retry-After)
* ``"hang"``: no answer for ``hang_seconds`` then the connection closes
* ``"reset"``: the TCP connection is reset without an answer
* ``"malformed"``: 200 with a body that breaks the protocol
* ``"empty"``: 200 with a well-formed body whose translation is empty
* ``"auth"``: the service's authentication failure
* ``"quota"``: the service's quota-exhausted answer
"""

from __future__ import annotations

import contextlib
import random
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

FAULT_KINDS = ("429", "500", "503", "hang", "reset", "malformed", "empty", "auth", "quota")

TranslateFn = Callable[[str, str, str], str]
FaultWhen = Callable[[int, Sequence[str]], "str | None"]


def tag_translation(text: str, source: str, target: str) -> str:
    """The default deterministic "translation": the text prefixed by the target code."""
    return f"[{target}] {text}"


class Reply:
    """What a protocol handler answers: status, headers and body."""

    def __init__(
        self,
        status: int,
        body: bytes | str,
        content_type: str = "application/json",
        headers: Mapping[str, str] | None = None,
    ):
        self.status = status
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.headers = {"Content-Type": content_type, **(headers or {})}


class FakeRequest:
    """One parsed HTTP request handed to a protocol handler."""

    def __init__(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: Any,
        body: bytes,
        raw_target: str,
    ):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.raw_target = raw_target

    def form(self) -> dict[str, list[str]]:
        content_type = self.headers.get("Content-Type", "")
        if "application/x-www-form-urlencoded" in content_type and self.body:
            return parse_qs(self.body.decode("utf-8"), keep_blank_values=True)
        return {}


class FakeMTServer:
    """Base class: start/stop, logs, counters and fault scheduling; subclasses speak a protocol."""

    def __init__(
        self,
        translate: TranslateFn | None = None,
        *,
        latency: float = 0.0,
        faults: Mapping[int, str] | None = None,
        fault_when: FaultWhen | None = None,
        fault_rate: float = 0.0,
        fault_kinds: Sequence[str] = ("503",),
        seed: int = 0,
        retry_after: str = "1",
        hang_seconds: float = 5.0,
        api_key: str | None = None,
        languages: Sequence[str] | None = None,
        max_url_length: int | None = None,
    ):
        for kind in [*(faults or {}).values(), *fault_kinds]:
            if kind not in FAULT_KINDS:
                raise ValueError(f"unknown fault kind {kind!r}; known: {', '.join(FAULT_KINDS)}")
        self.translate_fn = translate or tag_translation
        self.latency = latency
        self.faults = dict(faults or {})
        self.fault_when = fault_when
        self.fault_rate = fault_rate
        self.fault_kinds = tuple(fault_kinds)
        self.retry_after = retry_after
        self.hang_seconds = hang_seconds
        self.api_key = api_key
        self.languages = tuple(languages) if languages is not None else self.default_languages()
        self.max_url_length = max_url_length
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._requests: list[str] = []
        self._answered: list[str] = []
        self._calls: list[dict[str, Any]] = []
        self.counters: Counter[str] = Counter()
        self._number = 0
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._active = 0
        self.max_in_flight = 0

    # -- what subclasses provide ------------------------------------------------------------
    def default_languages(self) -> tuple[str, ...]:
        return ()

    def handle(self, request: FakeRequest) -> Reply:  # pragma: no cover - abstract
        raise NotImplementedError

    def fault_reply(self, kind: str, texts: Sequence[str]) -> Reply:
        """The protocol's shape of a fault (for kinds answered with HTTP)."""
        if kind == "429":
            return Reply(
                429, '{"error": "Too many requests"}', headers={"Retry-After": self.retry_after}
            )
        if kind == "503":
            return Reply(
                503, '{"error": "Service unavailable"}', headers={"Retry-After": self.retry_after}
            )
        if kind == "500":
            return Reply(500, '{"error": "Internal error"}')
        if kind == "auth":
            return Reply(403, '{"error": "Invalid API key"}')
        if kind == "quota":
            return Reply(429, '{"error": "Quota exceeded"}')
        return Reply(200, '{"unexpected": true')

    # -- logs ---------------------------------------------------------------------------------
    @property
    def requests(self) -> list[str]:
        """Every text received by a translate request, in arrival order (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def answered(self) -> list[str]:
        """Texts for which a translation was actually sent back."""
        with self._lock:
            return list(self._answered)

    @property
    def calls(self) -> list[dict[str, Any]]:
        """One dict per translate request: number, texts, parameters, fault."""
        with self._lock:
            return [dict(c) for c in self._calls]

    def reset_logs(self) -> None:
        with self._lock:
            self._requests.clear()
            self._answered.clear()
            self._calls.clear()
            self.counters.clear()

    # -- used by subclasses -------------------------------------------------------------------
    def begin_translate(self, texts: Sequence[str], params: Mapping[str, Any]) -> str | None:
        """Log a translate request, wait the latency and return the fault to inject, if any."""
        with self._lock:
            self._number += 1
            number = self._number
            self._requests.extend(texts)
            fault = self.faults.get(number)
            if fault is None and self.fault_when is not None:
                fault = self.fault_when(number, texts)
            if fault is None and self.fault_rate and self._random.random() < self.fault_rate:
                fault = self._random.choice(self.fault_kinds)
            self.counters["requests"] += 1
            self.counters["texts"] += len(texts)
            self.counters["chars"] += sum(len(t) for t in texts)
            if fault:
                self.counters[f"fault:{fault}"] += 1
            self._calls.append(
                {"number": number, "texts": list(texts), "params": dict(params), "fault": fault}
            )
        if self.latency:
            self._stop.wait(self.latency)
        return fault

    def mark_answered(self, texts: Sequence[str]) -> None:
        with self._lock:
            self._answered.extend(texts)
            self.counters["answered"] += len(texts)

    def unsupported(self, code: str | None) -> bool:
        return bool(self.languages) and code not in self.languages

    # -- lifecycle ----------------------------------------------------------------------------
    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("server not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> FakeMTServer:
        server = _Server(("127.0.0.1", 0), _make_handler(self))
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{type(self).__name__}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeMTServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _track(self, delta: int) -> None:
        with self._lock:
            self._active += delta
            self.max_in_flight = max(self.max_in_flight, self._active)


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # many workers connect at once; the default backlog of 5 drops SYNs
    daemon_threads = True
    block_on_close = False


class _Abort(Exception):
    """Raised by the dispatcher to end a connection without an answer."""


def _make_handler(owner: FakeMTServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "FakeMT/1.0"

        def log_message(self, format: str, *args: Any) -> None:  # quiet tests
            return

        def do_GET(self) -> None:
            self._dispatch("GET")

        def do_POST(self) -> None:
            self._dispatch("POST")

        def _dispatch(self, method: str) -> None:
            owner._track(1)
            try:
                self._serve(method)
            except _Abort:
                self.close_connection = True
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True
            finally:
                owner._track(-1)

        def _serve(self, method: str) -> None:
            if owner.max_url_length and len(self.path) > owner.max_url_length:
                self._send(
                    Reply(
                        414,
                        "<html><body>414. That's an error. URI Too Long</body></html>",
                        "text/html",
                    )
                )
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            request = FakeRequest(
                method,
                parts.path,
                parse_qs(parts.query, keep_blank_values=True),
                self.headers,
                body,
                self.path,
            )
            reply = owner.handle(request)
            if reply.status == -1:  # hang
                owner._stop.wait(owner.hang_seconds)
                raise _Abort
            if reply.status == -2:  # reset
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.connection.close()
                raise _Abort
            self._send(reply)

        def _send(self, reply: Reply) -> None:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        def finish(self) -> None:
            with contextlib.suppress(OSError):
                super().finish()

    return Handler


HANG = Reply(-1, b"")
RESET = Reply(-2, b"")


def connection_fault(kind: str | None) -> Reply | None:
    """hang and reset are the same for every protocol."""
    if kind == "hang":
        return HANG
    if kind == "reset":
        return RESET
    return None


def first(values: Mapping[str, list[str]], key: str) -> str | None:
    items = values.get(key)
    return items[0] if items else None


def now_http_date(offset: float) -> str:
    """An HTTP date ``offset`` seconds from now (for Retry-After as a date)."""
    from email.utils import formatdate

    return formatdate(time.time() + offset, usegmt=True)
