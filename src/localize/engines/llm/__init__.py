"""The ``llm`` engine (SPEC section 7): chat models behind OpenAI-compatible endpoints.

- options.py: the engine table's own keys, checked;
- prompt.py: system prompt (Jinja2), the user-message JSON, TranslateGemma content;
- answers.py: the JSON found in an answer, per id, and refusal/commentary checks;
- tokens.py: dry-run token estimates per script;
- engine.py: the ``openai`` client, error classes, response_format step-down, usage.

The per-article batching and repair ladder run in ``localize.translate.llm_pass``.
"""

from localize.engines.llm.engine import Completion, LLMEngine
from localize.engines.llm.options import LLMOptions, parse_options

__all__ = ["Completion", "LLMEngine", "LLMOptions", "parse_options"]
