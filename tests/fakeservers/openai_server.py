"""An OpenAI-compatible ``POST /v1/chat/completions`` server on 127.0.0.1, faults injectable.

It answers as OpenAI's API does: ``choices[0].message.content`` with
``finish_reason`` and ``usage``, errors as ``{"error": {"message", "type",
"param", "code"}}``, 429 with ``Retry-After``. It reads the llm engine's user
message (SPEC section 7), "translates" every item with ``translate_fn`` (by
default the text prefixed by the target tag, tokens untouched) and answers
``{"translations": [...]}``, each glossary target put in place of its term;
TranslateGemma requests (list content with
``source_lang_code``/``target_lang_code``, or plain text) get the bare
translation. Every request body is kept in ``bodies``.

Faults, by request number (``faults={1: "omit"}``) or ``fault_when(n, texts)``:
the transport kinds of :mod:`fakeservers.fakehttp` (``429``, ``500``, ``503``,
``hang``, ``reset``) plus ``omit`` (the last item left out), ``drop_token``
(the first token of the first item dropped), ``refusal`` (the first item is an
apology), ``echo`` (the first item comes back untranslated), ``note`` (a
translator's note after the first item), ``commentary`` (a sentence before the
JSON), ``not_json`` (plain prose), ``truncate`` (cut off, ``finish_reason``
"length"), ``duplicate`` (the first item twice), ``auth`` (401) and
``unknown_model`` (404 ``model_not_found``). ``refuse_formats`` lists the
``response_format`` types answered with a 400 naming ``response_format``.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from fakeservers.fakehttp import FakeMTServer, FakeRequest, Reply, connection_fault, tag_translation

LLM_FAULTS = (
    "429", "500", "503", "hang", "reset", "omit", "drop_token", "refusal", "echo", "note",
    "commentary", "not_json", "truncate", "duplicate", "auth", "unknown_model",
)
TOKEN = re.compile(r"ZX\d+Q")


def _error(status: int, message: str, kind: str, code: str | None, param: str | None = None,
           headers: Mapping[str, str] | None = None) -> Reply:
    body = {"error": {"message": message, "type": kind, "param": param, "code": code}}
    return Reply(status, json.dumps(body), headers=headers)


class OpenAIServer(FakeMTServer):
    """See the module docstring; ``.url`` + ``v1`` is the base URL the openai client takes."""

    def __init__(
        self,
        translate: Callable[[str, str, str], str] | None = None,
        *,
        faults: Mapping[int, str] | None = None,
        fault_when: Callable[[int, Sequence[str]], str | None] | None = None,
        models: Collection[str] = ("test-model",),
        refuse_formats: Collection[str] = (),
        **kwargs: Any,
    ):
        super().__init__(translate, **kwargs)
        for kind in (faults or {}).values():
            if kind not in LLM_FAULTS:
                raise ValueError(f"unknown fault {kind!r}; known: {', '.join(LLM_FAULTS)}")
        self.faults = dict(faults or {})
        self.fault_when = fault_when
        self.models = set(models)
        self.refuse_formats = set(refuse_formats)
        self.bodies: list[dict[str, Any]] = []

    @property
    def base_url(self) -> str:
        return self.url + "v1"

    def handle(self, request: FakeRequest) -> Reply:
        if request.method != "POST" or request.path.rstrip("/") != "/v1/chat/completions":
            return _error(404, f"Unknown request URL: {request.path}", "invalid_request_error",
                          "unknown_url")
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return _error(400, "We could not parse the JSON body of your request.",
                          "invalid_request_error", None)
        with self._lock:
            self.bodies.append(body)
        if self.api_key and request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return _error(401, "Incorrect API key provided.", "invalid_request_error",
                          "invalid_api_key")
        form = (body.get("response_format") or {}).get("type")
        if form in self.refuse_formats:
            return _error(400, f"Invalid parameter: 'response_format' of type '{form}' is not "
                          "supported with this model.", "invalid_request_error", None,
                          "response_format")
        user = next(m for m in body["messages"] if m["role"] == "user")
        document = self._document(user["content"])
        texts = [i["text"] for i in document["items"]] if document else [self._gemma_text(user)]
        fault = self.begin_translate(texts, {"model": body.get("model")})
        if (reply := connection_fault(fault)) is not None:
            return reply
        if fault in ("429", "500", "503"):
            status = int(fault)
            headers = {"Retry-After": self.retry_after} if status != 500 else None
            return _error(status, "Rate limit reached" if status == 429 else "The server had an "
                          "error while processing your request.",
                          "requests" if status == 429 else "server_error",
                          "rate_limit_exceeded" if status == 429 else None, headers=headers)
        if fault == "auth":
            return _error(401, "Incorrect API key provided.", "invalid_request_error",
                          "invalid_api_key")
        if fault == "unknown_model" or body.get("model") not in self.models:
            return _error(404, f"The model `{body.get('model')}` does not exist or you do not "
                          "have access to it.", "invalid_request_error", "model_not_found")
        if document is None:
            source, target, text = self._gemma_langs(user)
            content, finish = self.translate_fn(text, source, target), "stop"
            if fault == "refusal":
                content = "I'm sorry, but I can't help with translating this text."
            elif fault == "truncate":
                content, finish = content[: len(content) // 2], "length"
            return self._completion(body, content, finish, texts)
        return self._answer(body, document, fault, texts)

    # -- reading the request ------------------------------------------------------------------
    @staticmethod
    def _document(content: Any) -> dict[str, Any] | None:
        if not isinstance(content, str):
            return None
        try:
            document = json.loads(content)
        except ValueError:
            return None
        return document if isinstance(document, dict) and "items" in document else None

    @staticmethod
    def _gemma_text(user: Mapping[str, Any]) -> str:
        content = user["content"]
        if isinstance(content, list):
            return str(content[0].get("text", ""))
        return str(content).rsplit("\n\n\n", 1)[-1]

    def _gemma_langs(self, user: Mapping[str, Any]) -> tuple[str, str, str]:
        content = user["content"]
        if isinstance(content, list):
            entry = content[0]
            return entry["source_lang_code"], entry["target_lang_code"], entry["text"]
        found = re.search(r"\(([\w-]+)\) to .*?\(([\w-]+)\) translator", content)
        source, target = found.groups() if found else ("", "")
        return source, target, self._gemma_text(user)

    # -- answering ----------------------------------------------------------------------------
    def _answer(self, body: dict[str, Any], document: dict[str, Any], fault: str | None,
                texts: Sequence[str]) -> Reply:
        source, target = document["source_locale"], document["target_locale"]
        rows = [{"id": i["id"], "text": self.translate_fn(self._terms(i["text"], document),
                                                           source, target)}
                for i in document["items"]]
        if fault == "omit" and rows:
            rows.pop()
        elif fault == "drop_token":
            for row in rows:
                if TOKEN.search(row["text"]):
                    row["text"] = TOKEN.sub("", row["text"], count=1)
                    break
        elif fault == "refusal" and rows:
            rows[0]["text"] = "I'm sorry, but I can't help with translating this text."
        elif fault == "echo" and rows:
            rows[0]["text"] = document["items"][0]["text"]
        elif fault == "note" and rows:
            rows[0]["text"] += " (Note: the product name was kept in English.)"
        elif fault == "duplicate" and rows:
            rows.insert(1, dict(rows[0]))
        content = json.dumps({"translations": rows}, ensure_ascii=False)
        finish = "stop"
        if fault == "commentary":
            content = "Here is the translation you asked for:\n\n```json\n" + content + "\n```"
        elif fault == "not_json":
            content = "Sure! " + " ".join(r["text"] for r in rows)
        elif fault == "truncate":
            content, finish = content[: len(content) // 2], "length"
        return self._completion(body, content, finish, texts)

    @staticmethod
    def _terms(text: str, document: Mapping[str, Any]) -> str:
        """A model that follows the glossary it is given: each target in place of its term."""
        for entry in document.get("glossary", []):
            if not entry["keep"]:
                text = text.replace(entry["source"], entry["target"])
        return text

    def _completion(self, body: dict[str, Any], content: str, finish: str,
                    texts: Sequence[str]) -> Reply:
        if finish == "stop":
            self.mark_answered(texts)
        prompt_tokens = sum(len(json.dumps(m, ensure_ascii=False)) for m in body["messages"]) // 4
        completion_tokens = max(1, len(content) // 4)
        answer = {
            "id": f"chatcmpl-{len(self.bodies)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model"),
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "logprobs": None,
                "finish_reason": finish,
            }],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens},
        }
        return Reply(200, json.dumps(answer, ensure_ascii=False))


__all__ = ["LLM_FAULTS", "OpenAIServer", "tag_translation"]
