"""Fake MT services on 127.0.0.1 that speak the real wire protocols.

Tests and benchmarks point the real clients (deep-translator's
LibreTranslator, GoogleTranslator, MyMemoryTranslator and DeepL's official
client) at these servers, so the whole HTTP path runs. Every server is a
context manager exposing ``.url``, ``.requests`` (texts received),
``.answered`` (texts translated), ``.calls``, ``.counters`` and
``.max_in_flight``; constructor arguments for latency and faults are
described in :mod:`localize.testing.fakehttp`.

    with LibreServer(latency=0.05, faults={2: "429"}) as server:
        settings = EngineSettings(name="libre", url=server.url)
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

from fakeservers.fakehttp import (
    FakeMTServer,
    FakeRequest,
    Reply,
    connection_fault,
    first,
    now_http_date,
    tag_translation,
)

__all__ = [
    "DeepLServer",
    "FakeMTServer",
    "GoogleServer",
    "LibreServer",
    "MyMemoryServer",
    "now_http_date",
    "tag_translation",
]


def _json_reply(status: int, data: Any, headers: Mapping[str, str] | None = None) -> Reply:
    return Reply(status, json.dumps(data, ensure_ascii=False), headers=headers)


def _begin_query(server: FakeMTServer, request: FakeRequest) -> tuple[str | None, list[str], str | None]:
    """A GET's ``q`` parameter (the request's only text, if any) and begin_translate's fault."""
    q = first(request.query, "q")
    texts = [q] if q is not None else []
    return q, texts, server.begin_translate(texts, {k: v[0] for k, v in request.query.items()})


class LibreServer(FakeMTServer):
    """LibreTranslate: ``POST /translate`` (query string, form or JSON), ``GET /languages``.

    ``legacy_codes=True`` imitates older servers that name Chinese ``zh``/``zt``.
    """

    def __init__(self, *args: Any, legacy_codes: bool = False, **kwargs: Any):
        self.legacy_codes = legacy_codes
        super().__init__(*args, **kwargs)

    def default_languages(self) -> tuple[str, ...]:
        chinese = ("zh", "zt") if self.legacy_codes else ("zh-Hans", "zh-Hant")
        return ("en", "ja", "ko", "de", "fr", "es", "pt", "it", "ru", "ar", *chinese)

    def handle(self, request: FakeRequest) -> Reply:
        if request.path.rstrip("/").endswith("/languages") and request.method == "GET":
            codes = list(self.languages)
            return _json_reply(200, [{"code": c, "name": c, "targets": codes} for c in codes])
        if not request.path.rstrip("/").endswith("/translate") or request.method != "POST":
            return _json_reply(404, {"error": "Not Found"})
        params = self._params(request)
        q = params.get("q")
        texts = q if isinstance(q, list) else [q] if isinstance(q, str) else []
        fault = self.begin_translate(texts, params)
        if (reply := connection_fault(fault)) is not None:
            return reply
        if fault == "malformed":
            return Reply(200, '{"translatedText": ["unexpected"', "application/json")
        if fault == "empty":
            return _json_reply(200, {"translatedText": "" if isinstance(q, str) else []})
        if fault:
            return self.fault_reply(fault, texts)
        if self.api_key and params.get("api_key") != self.api_key:
            return _json_reply(403, {"error": "Invalid API key"})
        if q is None:
            return _json_reply(400, {"error": "Invalid request: missing q parameter"})
        source, target = params.get("source"), params.get("target")
        for code in (source, target):
            if code != "auto" and self.unsupported(code):
                return _json_reply(400, {"error": f"{code} is not supported"})
        translated = [self.translate_fn(t.strip(), source or "auto", target or "") for t in texts]
        self.mark_answered(texts)
        result: dict[str, Any] = {
            "translatedText": translated if isinstance(q, list) else translated[0]
        }
        if source == "auto":
            result["detectedLanguage"] = {"confidence": 90.0, "language": "en"}
        return _json_reply(200, result)

    @staticmethod
    def _params(request: FakeRequest) -> dict[str, Any]:
        params: dict[str, Any] = {k: v[0] for k, v in request.query.items()}
        params.update({k: v[0] for k, v in request.form().items()})
        if "json" in request.headers.get("Content-Type", "") and request.body:
            try:
                body = json.loads(request.body)
            except ValueError:
                body = {}
            if isinstance(body, dict):
                params.update(body)
        return params


class GoogleServer(FakeMTServer):
    """Google Translate's mobile web page: ``GET /m?sl=..&tl=..&q=..`` -> HTML ``div.result-container``.

    ``max_url_length`` (default 16,000) answers 414 to longer request targets, as Google does.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("max_url_length", 16000)
        super().__init__(*args, **kwargs)

    def default_languages(self) -> tuple[str, ...]:
        return ("en", "ja", "ko", "de", "fr", "es", "pt", "it", "ru", "ar", "iw", "zh-CN", "zh-TW")

    def handle(self, request: FakeRequest) -> Reply:
        if request.method != "GET":
            return Reply(405, "<html>405</html>", "text/html")
        q, texts, fault = _begin_query(self, request)
        if (reply := connection_fault(fault)) is not None:
            return reply
        if fault == "malformed":
            return Reply(
                200, "<html><body><div class='other'>nothing here</div></body></html>", "text/html"
            )
        if fault == "empty":
            return Reply(200, self._page(""), "text/html; charset=utf-8")
        if fault in ("429", "quota"):
            return Reply(
                429,
                "<html><body>Our systems have detected unusual traffic</body></html>",
                "text/html",
                {"Retry-After": self.retry_after},
            )
        if fault:
            reply = self.fault_reply(fault, texts)
            return Reply(
                reply.status,
                f"<html><body>Error {reply.status}</body></html>",
                "text/html",
                {k: v for k, v in reply.headers.items() if k != "Content-Type"},
            )
        sl, tl = first(request.query, "sl") or "auto", first(request.query, "tl") or ""
        if q is None or (sl != "auto" and self.unsupported(sl)) or self.unsupported(tl):
            return Reply(400, "<html><body>400. That's an error.</body></html>", "text/html")
        translated = self.translate_fn(q.strip(), sl, tl)
        self.mark_answered(texts)
        return Reply(200, self._page(translated), "text/html; charset=utf-8")

    @staticmethod
    def _page(translated: str) -> str:
        return (
            "<!DOCTYPE html><html><head><title>Google Translate</title></head><body>"
            '<div class="root-container"><div class="translate-form">'
            f'<div class="result-container">{html.escape(translated)}</div>'
            "</div></div></body></html>"
        )


class MyMemoryServer(FakeMTServer):
    """MyMemory: ``GET /get?q=..&langpair=src|tgt`` -> JSON responseData/matches/responseStatus.

    Like the real service it reports bad languages, over-long queries and the
    daily quota inside a 200 answer (``responseStatus`` 403/429).
    """

    max_query_chars = 500

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("max_url_length", 16000)
        super().__init__(*args, **kwargs)

    def handle(self, request: FakeRequest) -> Reply:
        if request.method != "GET" or request.path.rstrip("/") not in ("/get", ""):
            return _json_reply(404, {"responseStatus": 404, "responseDetails": "NOT FOUND"})
        q, texts, fault = _begin_query(self, request)
        if (reply := connection_fault(fault)) is not None:
            return reply
        if fault == "malformed":
            return _json_reply(200, {"responseData": None, "matches": "none"})
        if fault == "empty":
            return _json_reply(200, self._body("", q or "", "", "", 200))
        if fault == "quota":
            warning = "MYMEMORY WARNING: YOU USED ALL AVAILABLE FREE TRANSLATIONS FOR TODAY."
            return _json_reply(
                200, {**self._body(warning, q or "", "", "", 429), "quotaFinished": True}
            )
        if fault:
            return self.fault_reply(fault, texts)
        source, _, target = (first(request.query, "langpair") or "").partition("|")
        if q is None:
            return _json_reply(200, self._body("NO QUERY SPECIFIED.", "", source, target, 403))
        if len(q) > self.max_query_chars:
            message = (
                f"QUERY LENGTH LIMIT EXCEEDED. MAX ALLOWED QUERY : {self.max_query_chars} CHARS"
            )
            return _json_reply(200, self._body(message, q, source, target, 403))
        for code in (source, target):
            if self.unsupported(code) or not code:
                message = (
                    f"'{code.upper()}' IS AN INVALID TARGET LANGUAGE . EXAMPLE: LANGPAIR=EN|IT"
                )
                return _json_reply(200, self._body(message, q, source, target, 403))
        translated = self.translate_fn(q.strip(), source, target)
        self.mark_answered(texts)
        return _json_reply(200, self._body(translated, q, source, target, 200))

    @staticmethod
    def _body(translated: str, q: str, source: str, target: str, status: int) -> dict[str, Any]:
        match = {
            "id": "1",
            "segment": q,
            "translation": translated,
            "source": source,
            "target": target,
            "quality": "74",
            "match": 1,
        }
        return {
            "responseData": {"translatedText": translated, "match": 1},
            "quotaFinished": False,
            "responseDetails": "" if status == 200 else translated,
            "responseStatus": status,
            "matches": [match] if status == 200 else [],
        }


DEEPL_SOURCES = (
    "AR",
    "BG",
    "CS",
    "DA",
    "DE",
    "EL",
    "EN",
    "ES",
    "ET",
    "FI",
    "FR",
    "HE",
    "HU",
    "ID",
    "IT",
    "JA",
    "KO",
    "LT",
    "LV",
    "NB",
    "NL",
    "PL",
    "PT",
    "RO",
    "RU",
    "SK",
    "SL",
    "SV",
    "TH",
    "TR",
    "UK",
    "VI",
    "ZH",
)
DEEPL_TARGETS = tuple(c for c in DEEPL_SOURCES if c not in ("EN", "PT")) + (
    "EN-US",
    "EN-GB",
    "PT-BR",
    "PT-PT",
    "ZH-HANS",
    "ZH-HANT",
)


# Targets that take "less"/"more"; the others refuse them (the "prefer_" forms never fail).
DEEPL_FORMALITY_TARGETS = ("DE", "ES", "FR", "IT", "JA", "NL", "PL", "PT-BR", "PT-PT", "RU")


class DeepLServer(FakeMTServer):
    """DeepL API v2: ``POST /v2/translate`` (JSON or form) with ``Authorization: DeepL-Auth-Key``.

    Authentication by ``auth_key`` in the query string or body is refused
    with 403, as DeepL does since it retired that scheme. ``api_key`` is the
    accepted key (default "test-key"). Faults: "auth" -> 403, "quota" -> 456.
    """

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("api_key", "test-key")
        super().__init__(*args, **kwargs)

    def default_languages(self) -> tuple[str, ...]:
        return tuple(sorted(set(DEEPL_SOURCES) | set(DEEPL_TARGETS)))

    def handle(self, request: FakeRequest) -> Reply:
        if request.path == "/v2/usage":
            return _json_reply(
                200, {"character_count": self.counters["chars"], "character_limit": 10**9}
            )
        if request.path != "/v2/translate" or request.method != "POST":
            return _json_reply(404, {"message": "Not found"})
        params = self._params(request)
        texts = params.get("text") or []
        texts = [texts] if isinstance(texts, str) else list(texts)
        fault = self.begin_translate(texts, params)
        if (reply := connection_fault(fault)) is not None:
            return reply
        if fault == "malformed":
            return Reply(200, '{"translations": [{"text": ', "application/json")
        if fault == "empty":
            return _json_reply(200, {"translations": []})
        if fault == "quota":
            return _json_reply(456, {"message": "Quota exceeded"})
        if fault == "auth":
            return _json_reply(403, {"message": "Wrong auth key"})
        if fault:
            return self.fault_reply(fault, texts)
        refusal = self._check_auth(request, params)
        if refusal is not None:
            return refusal
        return self._translate(texts, params)

    def _check_auth(self, request: FakeRequest, params: Mapping[str, Any]) -> Reply | None:
        if "auth_key" in request.query or "auth_key" in params:
            return _json_reply(
                403,
                {
                    "message": "Authentication via query parameter or request body "
                    "is no longer supported; use the Authorization header"
                },
            )
        header = request.headers.get("Authorization", "")
        if header != f"DeepL-Auth-Key {self.api_key}":
            return _json_reply(403, {"message": "Wrong auth key"})
        return None

    def _translate(self, texts: Sequence[str], params: Mapping[str, Any]) -> Reply:
        target = str(params.get("target_lang") or "").upper()
        source = params.get("source_lang")
        source = str(source).upper() if source else None
        if not texts:
            return _json_reply(400, {"message": "Parameter 'text' not specified."})
        if target not in DEEPL_TARGETS or target not in self.languages:
            return _json_reply(400, {"message": "Value for 'target_lang' not supported."})
        if source is not None and (source not in DEEPL_SOURCES or source not in self.languages):
            return _json_reply(400, {"message": "Value for 'source_lang' not supported."})
        if params.get("formality") in ("less", "more") and target not in DEEPL_FORMALITY_TARGETS:
            return _json_reply(
                400, {"message": "'formality' is not supported for given 'target_lang'."}
            )
        out = []
        for text in texts:
            translated = self.translate_fn(text, source or "auto", target)
            out.append(
                {
                    "detected_source_language": source or "EN",
                    "text": translated,
                    "billed_characters": len(text),
                }
            )
        self.mark_answered(texts)
        return _json_reply(200, {"translations": out})

    @staticmethod
    def _params(request: FakeRequest) -> dict[str, Any]:
        if "json" in request.headers.get("Content-Type", "") and request.body:
            try:
                body = json.loads(request.body)
            except ValueError:
                return {}
            return body if isinstance(body, dict) else {}
        form = request.form()
        params: dict[str, Any] = {k: v[0] for k, v in form.items()}
        if "text" in form:
            params["text"] = form["text"]
        return params
