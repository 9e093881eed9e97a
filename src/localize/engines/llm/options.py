"""The keys of an ``llm`` engine table (SPEC section 7), read from EngineSettings.extra and checked.

Keys the generic engine table does not know land in ``EngineSettings.extra``;
this module gives them types, defaults and clear errors, so a typo in
``localize.toml`` stops the run before any request is paid for.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from localize.errors import ConfigError

PROMPT_STYLES = ("chat", "translategemma")
GEMMA_CONTENT = ("list", "text")
TOKEN_FIELDS = ("max_completion_tokens", "max_tokens")
DEFAULT_URL = "https://api.openai.com/v1"
BUILTIN_PROMPT = Path(__file__).with_name("prompt.j2")


@dataclass(frozen=True)
class LLMOptions:
    """An llm engine's own settings, defaults filled in."""

    batch: int = 20
    context: int = 2
    temperature: float | None = None  # sent only when set: some models refuse any but theirs
    max_attempts: int = 3
    prompt: Path | None = None  # a Jinja2 file replacing the built-in system prompt
    prompt_style: str = "chat"
    translategemma_content: str = "list"
    price_per_million_input_tokens: float | None = None
    price_per_million_output_tokens: float | None = None
    max_output_tokens: int | None = None
    max_output_tokens_field: str = "max_completion_tokens"  # "max_tokens" for older servers

    @property
    def prompt_text(self) -> str:
        path = self.prompt or BUILTIN_PROMPT
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"[engine] prompt: cannot read {path}: {exc}") from exc

    @property
    def prompt_hash(self) -> str:
        """Part of every cache key: editing the prompt makes new answers."""
        return hashlib.sha256(self.prompt_text.encode("utf-8")).hexdigest()[:16]


def _number(extra: Mapping[str, Any], key: str, minimum: float, integer: bool) -> Any:
    value = extra.get(key)
    if value is None:
        return None
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value < minimum:
        kind = "an integer" if integer else "a number"
        raise ConfigError(f"[engine] llm: {key} must be {kind} of at least {minimum}")
    return value if integer else float(value)


def _choice(extra: Mapping[str, Any], key: str, allowed: tuple[str, ...]) -> str:
    value = extra.get(key, allowed[0])
    if value not in allowed:
        raise ConfigError(f"[engine] llm: {key} must be one of {', '.join(allowed)}, not {value!r}")
    return str(value)


def parse_options(extra: Mapping[str, Any]) -> LLMOptions:
    """LLMOptions from an engine table's extra keys; ConfigError naming the bad key."""
    known = {f for f in LLMOptions.__dataclass_fields__}
    unknown = sorted(set(extra) - known)
    if unknown:
        raise ConfigError(f"[engine] llm: unknown key(s) {', '.join(unknown)}")
    prompt = extra.get("prompt")
    if prompt is not None and not isinstance(prompt, (str, Path)):
        raise ConfigError("[engine] llm: prompt must be a path to a Jinja2 file")
    values: dict[str, Any] = {
        "prompt": Path(prompt) if prompt else None,
        "prompt_style": _choice(extra, "prompt_style", PROMPT_STYLES),
        "translategemma_content": _choice(extra, "translategemma_content", GEMMA_CONTENT),
        "max_output_tokens_field": _choice(extra, "max_output_tokens_field", TOKEN_FIELDS),
    }
    for key, minimum, integer in (
        ("batch", 1, True),
        ("context", 0, True),
        ("max_attempts", 1, True),
        ("max_output_tokens", 1, True),
        ("temperature", 0, False),
        ("price_per_million_input_tokens", 0, False),
        ("price_per_million_output_tokens", 0, False),
    ):
        value = _number(extra, key, minimum, integer)
        if value is not None:
            values[key] = value
    return LLMOptions(**values)
