"""Fake keyed MT APIs (Microsoft, Yandex, Papago, Baidu, QCRI) for deep-translator's other clients.

Smaller than mt_servers.py: the happy path, authentication and the faults
of :mod:`localize.testing.fakehttp`, each in the service's own wire format
(Baidu checks the request's MD5 signature and answers errors inside a 200
body, as the real API does).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from fakeservers.fakehttp import FakeMTServer, FakeRequest, Reply, connection_fault, first


def _json(status: int, data: Any) -> Reply:
    return Reply(status, json.dumps(data, ensure_ascii=False))


class _KeyedServer(FakeMTServer):
    """Shared flow: parse texts and params, log, inject faults, check the key, translate."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("api_key", "test-key")
        super().__init__(*args, **kwargs)

    def extract(self, request: FakeRequest) -> tuple[list[str], dict[str, Any]]:
        raise NotImplementedError

    def authorised(self, request: FakeRequest, params: dict[str, Any]) -> bool:
        raise NotImplementedError

    def answer(self, translated: list[str], params: dict[str, Any]) -> Reply:
        raise NotImplementedError

    def auth_failure(self) -> Reply:
        return _json(401, {"error": {"code": 401000, "message": "invalid credentials"}})

    def handle(self, request: FakeRequest) -> Reply:
        texts, params = self.extract(request)
        fault = self.begin_translate(texts, params)
        if (reply := connection_fault(fault)) is not None:
            return reply
        if fault == "malformed":
            return Reply(200, "{ not json")
        if fault == "empty":
            return self.answer([""] * len(texts), params)
        if fault == "auth":
            return self.auth_failure()
        if fault:
            return self.fault_reply(fault, texts)
        if not self.authorised(request, params):
            return self.auth_failure()
        source, target = params.get("source", ""), params.get("target", "")
        translated = [self.translate_fn(t.strip(), source, target) for t in texts]
        self.mark_answered(texts)
        return self.answer(translated, params)


class MicrosoftServer(_KeyedServer):
    """POST /translate?api-version=3.0&from=&to= with JSON [{"text"}] and Ocp-Apim-Subscription-Key."""

    def extract(self, request: FakeRequest) -> tuple[list[str], dict[str, Any]]:
        body = json.loads(request.body or b"[]")
        texts = [item.get("text", "") for item in body] if isinstance(body, list) else []
        return texts, {"source": first(request.query, "from"), "target": first(request.query, "to")}

    def authorised(self, request: FakeRequest, params: dict[str, Any]) -> bool:
        return request.headers.get("Ocp-Apim-Subscription-Key") == self.api_key

    def answer(self, translated: list[str], params: dict[str, Any]) -> Reply:
        return _json(
            200, [{"translations": [{"text": t, "to": params["target"]}]} for t in translated]
        )


class YandexServer(_KeyedServer):
    """POST /api/v1.5/tr.json/translate, form text/lang/key -> {"code": 200, "text": [...]}."""

    def extract(self, request: FakeRequest) -> tuple[list[str], dict[str, Any]]:
        form = request.form()
        source, _, target = (first(form, "lang") or "").rpartition("-")
        return form.get("text", []), {"source": source, "target": target, "key": first(form, "key")}

    def authorised(self, request: FakeRequest, params: dict[str, Any]) -> bool:
        return params.get("key") == self.api_key

    def auth_failure(self) -> Reply:
        return _json(403, {"code": 401, "message": "API key is invalid"})

    def answer(self, translated: list[str], params: dict[str, Any]) -> Reply:
        return _json(
            200, {"code": 200, "lang": f"{params['source']}-{params['target']}", "text": translated}
        )


class PapagoServer(_KeyedServer):
    """POST /v1/papago/n2mt, form source/target/text, X-Naver-Client-Id/-Secret headers."""

    def __init__(self, *args: Any, secret: str = "test-secret", **kwargs: Any):
        self.secret = secret
        super().__init__(*args, **kwargs)

    def extract(self, request: FakeRequest) -> tuple[list[str], dict[str, Any]]:
        form = request.form()
        return form.get("text", []), {
            "source": first(form, "source"),
            "target": first(form, "target"),
        }

    def authorised(self, request: FakeRequest, params: dict[str, Any]) -> bool:
        return (
            request.headers.get("X-Naver-Client-Id") == self.api_key
            and request.headers.get("X-Naver-Client-Secret") == self.secret
        )

    def auth_failure(self) -> Reply:
        return _json(401, {"errorMessage": "Authentication failed", "errorCode": "024"})

    def answer(self, translated: list[str], params: dict[str, Any]) -> Reply:
        result = {
            "srcLangType": params["source"],
            "tarLangType": params["target"],
            "translatedText": translated[0] if translated else "",
        }
        return _json(200, {"message": {"@type": "response", "result": result}})


class BaiduServer(_KeyedServer):
    """POST /api/trans/vip/translate?q&from&to&appid&salt&sign (md5 of appid+q+salt+key)."""

    def __init__(self, *args: Any, appid: str = "test-app", **kwargs: Any):
        self.appid = appid
        super().__init__(*args, **kwargs)

    def extract(self, request: FakeRequest) -> tuple[list[str], dict[str, Any]]:
        params = {k: v[0] for k, v in request.query.items()}
        params["source"], params["target"] = params.get("from", ""), params.get("to", "")
        return ([params["q"]] if "q" in params else []), params

    def authorised(self, request: FakeRequest, params: dict[str, Any]) -> bool:
        expected = hashlib.md5(
            f"{self.appid}{params.get('q', '')}{params.get('salt', '')}{self.api_key}".encode()
        ).hexdigest()
        return params.get("appid") == self.appid and params.get("sign") == expected

    def auth_failure(self) -> Reply:
        return _json(200, {"error_code": "54001", "error_msg": "Invalid Sign"})

    def fault_reply(self, kind: str, texts: Any) -> Reply:
        if kind == "429":  # Baidu reports its rate limit inside a 200 answer
            return _json(200, {"error_code": "54003", "error_msg": "Invalid Access Limit"})
        return super().fault_reply(kind, texts)

    def answer(self, translated: list[str], params: dict[str, Any]) -> Reply:
        pairs = [{"src": params.get("q", ""), "dst": t} for t in translated]
        return _json(200, {"from": params["source"], "to": params["target"], "trans_result": pairs})


class QcriServer(_KeyedServer):
    """GET /api/v1/translate?key&langpair=en-ar&domain&text -> {"success": true, "translatedText"}."""

    def extract(self, request: FakeRequest) -> tuple[list[str], dict[str, Any]]:
        params = {k: v[0] for k, v in request.query.items()}
        params["source"], _, params["target"] = params.get("langpair", "").partition("-")
        return ([params["text"]] if "text" in params else []), params

    def authorised(self, request: FakeRequest, params: dict[str, Any]) -> bool:
        return params.get("key") == self.api_key

    def auth_failure(self) -> Reply:
        return _json(401, {"success": False, "error": "Invalid key"})

    def answer(self, translated: list[str], params: dict[str, Any]) -> Reply:
        return _json(200, {"success": True, "translatedText": translated[0] if translated else ""})
