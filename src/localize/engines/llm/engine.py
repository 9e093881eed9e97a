"""The ``llm`` engine: any chat model behind an OpenAI-compatible /v1/chat/completions endpoint.

It talks through the official ``openai`` client with the client's own retries
off (``max_retries=0``): the translate driver retries, honouring Retry-After,
under the run's concurrency and rate limit. Errors are sorted for the driver:
429, 5xx, 408 and timeouts are transient; 401, 403 and an unknown model are
permanent. A 400 that refuses ``response_format`` steps the engine down once
(JSON schema, then JSON mode, then JSON in plain text) for the rest of the run,
and the step is reported.

``complete`` is the raw exchange used by the per-article batch flow in
``localize.translate.llm_pass``; ``translate`` serves the classic path (one
sentence per request, glossary terms masked): TranslateGemma, and the repair
ladder's "item alone" step.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from localize.config import EngineSettings
from localize.engines.base import Engine, PermanentError, TransientError, classify_http
from localize.engines.llm.answers import commentary_problems, plain_answer
from localize.engines.llm.options import DEFAULT_URL, LLMOptions, parse_options
from localize.engines.llm.prompt import (
    RESPONSE_MODES,
    BatchRequest,
    RequestItem,
    chat_messages,
    gemma_messages,
    response_format,
    system_prompt,
)
from localize.errors import ConfigError
from localize.locales import LocaleInfo

if TYPE_CHECKING:
    import openai

KEY_VARIABLES = ("LOCALIZE_LLM_API_KEY", "OPENAI_API_KEY")  # the specific one wins
NO_KEY = "no-key"
NO_TRANSLATION = "\x00"  # marks an answer that is no translation: verification rejects it  # local servers take any key; the client insists on one


@dataclass(frozen=True)
class Completion:
    """One answered request: the message text, why it stopped and what it cost."""

    content: str | None
    finish_reason: str | None
    input_tokens: int = 0
    output_tokens: int = 0
    refusal: str | None = None


class Usage:
    """Tokens and requests summed over every thread of one engine (one locale)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.input_tokens = 0
        self.output_tokens = 0
        self.requests = 0

    def add(self, completion: Completion) -> None:
        with self._lock:
            self.input_tokens += completion.input_tokens
            self.output_tokens += completion.output_tokens
            self.requests += 1


class LLMEngine(Engine):
    """See the module docstring; one instance per locale of a run."""

    name = "llm"
    max_chars = 100_000
    max_texts = 1  # the classic path sends one sentence per request
    default_concurrency = 4
    default_timeout = 120.0
    default_retries = 5

    def __init__(self, settings: EngineSettings, client: openai.OpenAI | None = None):
        super().__init__(settings)
        if not settings.model:
            raise ConfigError("the llm engine needs a model: set model = \"...\" in its table")
        self.model: str = settings.model
        self.options: LLMOptions = parse_options(settings.extra)
        self.base_url = (settings.url or DEFAULT_URL).rstrip("/")
        self.prompt_template = self.options.prompt_text
        key = next((os.environ[v] for v in KEY_VARIABLES if os.environ.get(v)), None)
        if key is None and settings.url is None:
            raise ConfigError(
                "the llm engine needs OPENAI_API_KEY or LOCALIZE_LLM_API_KEY for OpenAI's API "
                "(a local server set with url = \"http://127.0.0.1:.../v1\" needs none)"
            )
        if client is None:
            import openai  # on first use: the client library takes about a second to import

            client = openai.OpenAI(
                api_key=key or NO_KEY,
                base_url=self.base_url,
                max_retries=0,
                timeout=self.timeout,
                http_client=_plain_http_client(self.base_url),
            )
        self.client = client
        self.usage = Usage()
        self._lock = threading.Lock()
        self._mode = 0  # index into RESPONSE_MODES
        self.notes: list[str] = []
        self.alone = False  # set on the copy that serves the repair ladder's "item alone" step

    # -- identity ---------------------------------------------------------------------------
    @property
    def provenance(self) -> str:
        return f"llm {self.model}"

    @property
    def uses_batches(self) -> bool:
        """Chat style goes through the per-article batch flow; TranslateGemma through the classic."""
        return self.options.prompt_style == "chat"

    def cache_options(self) -> str:
        o = self.options
        parts = [
            f"url={self.base_url}",
            f"model={self.model}",
            f"temperature={o.temperature}",
            f"prompt_style={o.prompt_style}",
            f"prompt={o.prompt_hash}",
        ]
        if o.prompt_style == "translategemma":
            parts.append(f"content={o.translategemma_content}")
        if self.alone:
            parts.append("step=alone")
        return ";".join(parts)

    def alone_copy(self) -> LLMEngine:
        """The same engine (client, usage, response mode) for the "item alone" ladder step."""
        copy = object.__new__(LLMEngine)
        copy.__dict__.update(self.__dict__)
        copy.alone = True
        return copy

    def answer_problems(self, source: str, translation: str) -> tuple[str, ...]:
        """A refusal, note or explanation; or an answer that was cut off or empty."""
        if NO_TRANSLATION in translation:
            return (translation.split(NO_TRANSLATION, 1)[1] or "no translation",)
        return commentary_problems(source, translation)

    # -- one exchange -----------------------------------------------------------------------
    @property
    def mode(self) -> str:
        return RESPONSE_MODES[self._mode]

    def _step_down(self, tried: int, detail: str) -> None:
        with self._lock:
            if self._mode == tried and tried + 1 < len(RESPONSE_MODES):
                self._mode = tried + 1
                self.notes.append(
                    f"llm {self.model}: the server refused response_format "
                    f"{RESPONSE_MODES[tried]} ({detail[:120]}); using "
                    f"{RESPONSE_MODES[tried + 1]} for the rest of the run"
                )

    def complete(self, messages: list[dict[str, Any]], structured: bool = True) -> Completion:
        """Send one chat request; TransientError/PermanentError for the driver."""
        import openai  # already loaded with the client: a dictionary look-up
        while True:
            tried = self._mode
            body: dict[str, Any] = {"model": self.model, "messages": messages}
            form = response_format(RESPONSE_MODES[tried]) if structured else None
            if form is not None:
                body["response_format"] = form
            if self.options.temperature is not None:
                body["temperature"] = self.options.temperature
            if self.options.max_output_tokens is not None:
                body[self.options.max_output_tokens_field] = self.options.max_output_tokens
            try:
                response = self.client.chat.completions.create(**body)
            except openai.APIStatusError as exc:
                detail = _error_text(exc)
                refused = exc.status_code in (400, 422) and "response_format" in detail
                if form is not None and refused:
                    self._step_down(tried, detail)
                    continue
                raise _classified(exc, detail) from exc
            except openai.APITimeoutError as exc:
                raise TransientError(f"llm: timed out after {self.timeout:g} s") from exc
            except openai.APIConnectionError as exc:
                raise TransientError(f"llm: cannot connect to {self.base_url}: {exc}") from exc
            except openai.APIError as exc:  # a reply that is not a chat completion
                raise TransientError(f"llm: unexpected reply: {exc}") from exc
            return self._completion(response)

    def _completion(self, response: Any) -> Completion:
        choices = getattr(response, "choices", None) or []
        if not choices:
            raise TransientError("llm: the reply has no choices")
        message = choices[0].message
        usage = getattr(response, "usage", None)
        completion = Completion(
            content=getattr(message, "content", None),
            finish_reason=choices[0].finish_reason,
            input_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
            output_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
            refusal=getattr(message, "refusal", None),
        )
        self.usage.add(completion)
        return completion

    def system(self, source: LocaleInfo, target: LocaleInfo) -> str:
        return system_prompt(self.prompt_template, source, target)

    # -- the classic path: one sentence per request -------------------------------------------
    def translate(self, texts: Sequence[str], source: LocaleInfo, target: LocaleInfo) -> list[str]:
        """One request per text, glossary terms already masked by the caller."""
        return [self._one(text, source, target) for text in texts]

    def _one(self, text: str, source: LocaleInfo, target: LocaleInfo) -> str:
        if not text.strip():
            return text
        if self.options.prompt_style == "translategemma":
            messages = gemma_messages(text, source, target, self.options.translategemma_content)
            completion = self.complete(messages, structured=False)
            answer = (completion.content or "").strip()
        else:
            request = BatchRequest(title="", items=(RequestItem("1", "sentence", text),))
            messages = chat_messages(self.system(source, target), request, source, target)
            completion = self.complete(messages)
            answer = plain_answer(completion.content)
        if completion.finish_reason == "length":
            return NO_TRANSLATION + "the answer was cut off (finish_reason length)"
        if not answer:
            refusal = f": {completion.refusal[:160]}" if completion.refusal else ""
            return NO_TRANSLATION + "the answer is empty" + refusal
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()) :]
        return lead + answer + trail


def _plain_http_client(base_url: str) -> openai.DefaultHttpxClient | None:
    """For a plain-http server (a local model) no TLS context: loading CA files costs ~0.3 s.

    Redirects are not followed there, so nothing ever goes to an unverified https host.
    """
    if not base_url.lower().startswith("http://"):
        return None
    import openai

    return openai.DefaultHttpxClient(verify=False, follow_redirects=False)


def _error_text(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict):
            return " ".join(str(error.get(k) or "") for k in ("message", "code", "param")).strip()
        return str(error)
    return str(exc.message or "")


def _classified(exc: openai.APIStatusError, detail: str) -> TransientError | PermanentError:
    status = exc.status_code
    headers = {k.title(): v for k, v in exc.response.headers.items()} if exc.response else {}
    unknown = status == 404 or "model_not_found" in detail or "does not exist" in detail
    if unknown and status < 500:
        return PermanentError(
            f"llm: HTTP {status}: unknown model or endpoint ({detail[:160]})",
            status=status,
            reason="config",
        )
    return classify_http("llm", status, headers, detail)
