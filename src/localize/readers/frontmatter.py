"""YAML front matter at the top of a Markdown file (``---`` ... ``---``).

Values come from ``yaml.safe_load``; each top-level key's line in the file is
kept too, so blocks made from ``title``/``description`` and errors about
``slug`` point at the right line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from localize.errors import InputError

_OPEN = re.compile(r"---[ \t]*\n")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class FrontMatter:
    """Parsed front matter: its values, the file line of each key, and where the body starts."""

    data: dict[str, Any] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    body_line: int = 1  # 1-based line of the file where the Markdown body starts
    body: str = ""


def split_front_matter(text: str, origin: str) -> FrontMatter:
    """Front matter and body of ``text``; no front matter -> empty data, body = the whole text."""
    if not _OPEN.match(text):
        return FrontMatter(body=text)
    start = text.index("\n") + 1
    close = _CLOSE.search(text, start)
    if close is None:
        raise InputError("front matter opened with '---' is never closed", origin, 1)
    yaml_text = text[start : close.start()]
    after = text.find("\n", close.end())
    body = "" if after < 0 else text[after + 1 :]
    body_line = text.count("\n", 0, close.end()) + 2
    data, key_lines = _parse_yaml(yaml_text, origin)
    return FrontMatter(data=data, key_lines=key_lines, body_line=body_line, body=body)


def _parse_yaml(yaml_text: str, origin: str) -> tuple[dict[str, Any], dict[str, int]]:
    """safe_load the mapping; YAML line numbers are shifted by the opening ``---`` line."""
    try:
        data = yaml.safe_load(yaml_text)
        node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise InputError(f"front matter is not valid YAML: {problem}", origin, line) from None
    if data is None:
        return {}, {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise InputError(
            f"front matter must be a mapping of keys to values, not {type(data).__name__}", origin, 2
        )
    key_lines: dict[str, int] = {}
    for key_node, _value_node in node.value:
        key_lines.setdefault(str(key_node.value), key_node.start_mark.line + 2)
    return {str(key): value for key, value in data.items()}, key_lines
