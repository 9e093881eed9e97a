"""What the llm engine sends: the system prompt, the user-message JSON and TranslateGemma's content.

The user message is the contract of SPEC section 7 (custom prompts rely on it):
``{"source_locale", "target_locale", "title", "before", "after", "glossary", "items"}``
plus ``"errors"`` on a follow-up request. TranslateGemma takes no system message and
one content entry naming both languages in BCP 47 (language-region where known).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import babel
import jinja2

from localize.engines.codes import engine_code
from localize.errors import ConfigError
from localize.locales import LocaleInfo

ANSWER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "translations": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "text": {"type": "string"}},
                "required": ["id", "text"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["translations"],
    "additionalProperties": False,
}

#: response_format per structured mode, strongest first (SPEC: schema, JSON mode, plain text).
RESPONSE_MODES = ("json_schema", "json_object", "text")


def response_format(mode: str) -> dict[str, Any] | None:
    """The ``response_format`` body field for ``mode`` (None: the field is left out)."""
    if mode == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {"name": "translations", "strict": True, "schema": ANSWER_SCHEMA},
        }
    if mode == "json_object":
        return {"type": "json_object"}
    return None


@dataclass(frozen=True)
class GlossaryEntry:
    """One glossary entry occurring in an item, as the request names it."""

    source: str
    target: str
    keep: bool

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "keep": self.keep}


@dataclass(frozen=True)
class RequestItem:
    """One sentence of a request: its id in that request, kind and masked text."""

    id: str
    kind: str
    text: str


@dataclass(frozen=True)
class BatchRequest:
    """One chat request's user message: sentences of one article in document order."""

    title: str
    items: tuple[RequestItem, ...]
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    glossary: tuple[GlossaryEntry, ...] = ()
    errors: tuple[tuple[str, str], ...] = ()  # (id, what was wrong)

    def user_message(self, source: LocaleInfo, target: LocaleInfo) -> str:
        document: dict[str, Any] = {
            "source_locale": source.bcp47,
            "target_locale": target.bcp47,
            "title": self.title,
            "before": list(self.before),
            "after": list(self.after),
            "glossary": [entry.to_json() for entry in self.glossary],
            "items": [{"id": i.id, "kind": i.kind, "text": i.text} for i in self.items],
        }
        if self.errors:
            document["errors"] = [{"id": i, "error": e} for i, e in self.errors]
        return json.dumps(document, ensure_ascii=False)


def system_prompt(template: str, source: LocaleInfo, target: LocaleInfo) -> str:
    """The system prompt rendered for one language pair; ConfigError for a broken template."""
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    try:
        return environment.from_string(template).render(
            source_name=source.english_name,
            source_tag=source.bcp47,
            target_name=target.english_name,
            target_tag=target.bcp47,
        ).strip()
    except jinja2.TemplateError as exc:
        raise ConfigError(f"[engine] llm prompt template: {exc}") from exc


def gemma_code(locale: LocaleInfo) -> str:
    """TranslateGemma's language code: BCP 47 language-region (zh-TW, de-DE, en-US)."""
    return engine_code("llm", locale, "target", {"prompt_style": "translategemma"})


def language_name(locale: LocaleInfo) -> str:
    """The language's English name alone ("Chinese"), as TranslateGemma's template writes it."""
    try:
        return babel.Locale(locale.language).english_name or locale.english_name
    except (ValueError, babel.UnknownLocaleError):
        return locale.english_name


def gemma_text(text: str, source: LocaleInfo, target: LocaleInfo) -> str:
    """TranslateGemma's chat template rendered, for servers that take only string content."""
    s_name, t_name = language_name(source), language_name(target)
    s_code, t_code = gemma_code(source), gemma_code(target)
    return (
        f"You are a professional {s_name} ({s_code}) to {t_name} ({t_code}) translator. "
        f"Your goal is to accurately convey the meaning and nuances of the original {s_name} "
        f"text while adhering to {t_name} grammar, vocabulary, and cultural sensitivities.\n"
        f"Produce only the {t_name} translation, without any additional explanations or "
        f"commentary. Please translate the following {s_name} text into {t_name}:\n\n\n{text}"
    )


def gemma_messages(
    text: str, source: LocaleInfo, target: LocaleInfo, content: str
) -> list[dict[str, Any]]:
    """One user message, no system message: a list of exactly one entry, or the rendered text."""
    if content == "text":
        return [{"role": "user", "content": gemma_text(text, source, target)}]
    entry = {
        "type": "text",
        "source_lang_code": gemma_code(source),
        "target_lang_code": gemma_code(target),
        "text": text,
    }
    return [{"role": "user", "content": [entry]}]


def chat_messages(system: str, request: BatchRequest, source: LocaleInfo, target: LocaleInfo,
                  ) -> list[dict[str, Any]]:
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": request.user_message(source, target)},
    ]


def glossary_json(entries: Sequence[GlossaryEntry]) -> str:
    """The glossary entries of one item, canonical, for its cache key."""
    return json.dumps([e.to_json() for e in entries], ensure_ascii=False, sort_keys=True)
