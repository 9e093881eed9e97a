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
from localize.readers.text import collapse_whitespace, join_wrapped

#: PyYAML's loader on libyaml, when it was built with it.
_CSafeLoader: type[yaml.SafeLoader] | None = getattr(yaml, "CSafeLoader", None)
#: Plain scalars (style None from PyYAML's parser, "" from libyaml's) and folded ones.
_FOLDED_STYLES = (None, "", ">")
#: What libyaml reads otherwise than PyYAML: a tab (PyYAML refuses some), a byte-order mark
#: (libyaml skips it, shifting offsets), a block scalar header running into a comment
#: (``|#``: libyaml accepts it), an empty tag (``k: !``: libyaml gives "", PyYAML None) and
#: a ``[...]`` or ``{...}`` running over lines (libyaml accepts more in its plain scalars),
#: and a line indented 128 spaces (see ``_MAX_FLOW_OPENERS``).
_READ_APART = re.compile(
    r"[\t\ufeff]|[|>][-+0-9]*#|(?:^|[\s,\[{])!(?![^\s,\]}])|[\[{][^\]}\n]*$|^ {128}", re.MULTILINE
)
#: Deep nesting: libyaml composes what PyYAML's parser gives up on, so the error would name
#: the key instead of the front matter; past this (or that indent), PyYAML reads it.
_MAX_FLOW_OPENERS = 64
_OPEN = re.compile(r"---[ \t]*\n")
_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class FrontMatter:
    """Parsed front matter: its values, the file line of each key, and where the body starts."""

    data: dict[str, Any] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    body_line: int = 1  # 1-based line of the file where the Markdown body starts
    body: str = ""
    unwrapped: dict[str, str] = field(default_factory=dict)  # multi-line text values, CJK-aware
    #: top-level key -> its string scalars (one, or one per item of a list), where they lie in the file
    scalars: dict[str, tuple[Scalar, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Scalar:
    """A string value of the front matter and its [start, end) character span in the file."""

    line: int  # 1-based file line
    span: tuple[int, int]


def _unwrap(yaml_text: str, node: yaml.Node, value: Any) -> str | None:
    """A plain or folded multi-line scalar joined as Markdown joins wrapped lines.

    YAML folds every line break into a space, which is wrong between two CJK characters.
    """
    if not isinstance(node, yaml.ScalarNode) or node.style not in _FOLDED_STYLES:
        return None
    if node.start_mark.line == node.end_mark.line or not isinstance(value, str):
        return None
    lines = yaml_text[node.start_mark.index : node.end_mark.index].split("\n")
    if node.style == ">":
        lines = lines[1:]
    pieces = [line.strip() for line in lines if line.strip()]
    joined = ""
    for piece in pieces:
        joined = join_wrapped(joined, piece)
    if collapse_whitespace(" ".join(pieces)) != collapse_whitespace(value.strip()):
        return None
    return joined


def split_front_matter(text: str, origin: str) -> FrontMatter:
    """Front matter and body of ``text``; no front matter -> empty data, body = the whole text."""
    yaml_text, body, body_line = locate_front_matter(text, origin)
    if yaml_text is None:
        return FrontMatter(body=text)
    offset = text.index("\n") + 1
    data, key_lines, unwrapped, scalars = _parse_yaml(yaml_text, origin, offset)
    return FrontMatter(data, key_lines, body_line, body, unwrapped, scalars)


def locate_front_matter(text: str, origin: str) -> tuple[str | None, str, int]:
    """(front matter YAML or None, body, body's 1-based file line), without parsing the YAML."""
    if not _OPEN.match(text):
        return None, text, 1
    start = text.index("\n") + 1
    close = _CLOSE.search(text, start)
    if close is None:
        raise InputError("front matter opened with '---' is never closed", origin, 1)
    after = text.find("\n", close.end())
    body = "" if after < 0 else text[after + 1 :]
    return text[start : close.start()], body, text.count("\n", 0, close.end()) + 2


def front_matter_close(text: str) -> int | None:
    """Offset of the front matter's closing line (where keys can be added), None without one."""
    if not _OPEN.match(text):
        return None
    close = _CLOSE.search(text, text.index("\n") + 1)
    return close.start() if close is not None else None


def _parse_yaml(
    yaml_text: str, origin: str, offset: int = 0
) -> tuple[dict[str, Any], dict[str, int], dict[str, str], dict[str, tuple[Scalar, ...]]]:
    """safe_load the mapping; YAML line numbers are shifted by the opening ``---`` line.

    Every failure is an InputError with a line: bad syntax, nesting too deep to parse,
    a value YAML cannot build (``2026-02-30``, a 100,000-digit integer), a duplicate key.
    """
    loader, node = _fast_parse(yaml_text) or _parse(yaml_text, origin)
    try:  # one parse: the node tree gives key lines, the same tree gives the values
        return _top_level(loader, node, yaml_text, origin, offset)
    finally:
        loader.dispose()


def _parse(yaml_text: str, origin: str) -> tuple[yaml.SafeLoader, yaml.Node | None]:
    """PyYAML's own node tree; an InputError with the line of what it cannot read."""
    loader = yaml.SafeLoader(yaml_text)
    try:
        return loader, loader.get_single_node()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        loader.dispose()
        raise InputError(f"front matter is not valid YAML: {problem}", origin, line) from None
    except RecursionError:
        line = getattr(loader, "line", 0) + 2
        loader.dispose()
        raise InputError("front matter is nested too deep to read", origin, line) from None


def _fast_parse(yaml_text: str) -> tuple[yaml.SafeLoader, yaml.Node] | None:
    """libyaml's node tree of a mapping (several times faster than PyYAML's own parser), or
    None to parse in Python.

    Only text both read alike takes this path: what ``_READ_APART`` finds goes to PyYAML,
    and so does anything libyaml does not read as a mapping, so errors keep PyYAML's words.
    """
    if _CSafeLoader is None or _READ_APART.search(yaml_text):
        return None
    if yaml_text.count("[") + yaml_text.count("{") > _MAX_FLOW_OPENERS:
        return None
    loader = _CSafeLoader(yaml_text)
    try:
        node = loader.get_single_node()
    except (yaml.YAMLError, RecursionError):
        node = None
    if isinstance(node, yaml.MappingNode):
        return loader, node
    loader.dispose()
    return None


def _top_level(
    loader: yaml.SafeLoader, node: yaml.Node | None, yaml_text: str, origin: str, offset: int
) -> tuple[dict[str, Any], dict[str, int], dict[str, str], dict[str, tuple[Scalar, ...]]]:
    if node is None:
        return {}, {}, {}, {}
    if not isinstance(node, yaml.MappingNode):
        raise InputError("front matter must be a mapping of keys to values", origin, 2)
    return _mapping(loader, node, yaml_text, origin, offset)


def _mapping(
    loader: yaml.SafeLoader, node: yaml.MappingNode, yaml_text: str, origin: str, offset: int
) -> tuple[dict[str, Any], dict[str, int], dict[str, str], dict[str, tuple[Scalar, ...]]]:
    """The top-level mapping built key by key, so a value's error names its own line."""
    data: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    unwrapped: dict[str, str] = {}
    scalars: dict[str, tuple[Scalar, ...]] = {}
    seen: dict[str, int] = {}
    for key_node, _ in node.value:  # a key written twice (merged keys may be overridden)
        key, line = str(key_node.value), key_node.start_mark.line + 2
        if key_node.tag != "tag:yaml.org,2002:merge" and key in seen:
            raise InputError(f"front matter key {key!r} appears twice (first on line {seen[key]})", origin, line)
        seen.setdefault(key, line)
    try:
        loader.flatten_mapping(node)  # YAML merge keys (<<: *defaults), as safe_load applies them
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        raise InputError(f"front matter is not valid YAML: {getattr(error, 'problem', error)}", origin,
                         line) from None
    for key_node, value_node in node.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + 2
        key_lines[key] = seen.get(key, line)
        try:
            value = loader.construct_object(value_node, deep=True)
        except yaml.YAMLError as error:
            problem = getattr(error, "problem", None) or str(error).splitlines()[0]
            raise InputError(f"front matter {key!r}: {problem}", origin, line) from None
        except (ValueError, TypeError, OverflowError) as error:  # 2026-02-30, huge integers
            reason = str(error).split(":")[0]
            raise InputError(f"front matter {key!r} has an impossible value: {reason}", origin,
                             value_node.start_mark.line + 2) from None
        except RecursionError:
            raise InputError(f"front matter {key!r} is nested too deep to read", origin, line) from None
        data[key] = value
        joined = _unwrap(yaml_text, value_node, value)
        if joined is not None:
            unwrapped[key] = joined
        scalars[key] = tuple(_scalars(yaml_text, value_node, offset))
    return data, key_lines, unwrapped, scalars


def _scalars(yaml_text: str, node: yaml.Node, offset: int) -> list[Scalar]:
    """The string scalars of a value: itself, or the items of a sequence (not nested deeper)."""
    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    found = []
    for item in items:
        if not isinstance(item, yaml.ScalarNode) or item.tag != "tag:yaml.org,2002:str":
            continue
        start, end = item.start_mark.index, item.end_mark.index
        while end > start and yaml_text[end - 1] in " \t\n":
            end -= 1
        found.append(Scalar(item.start_mark.line + 2, (offset + start, offset + end)))
    return found


#: Front-matter keys that become blocks of their own kind; other translated keys are ``front_matter``.
FRONT_MATTER_KINDS = ("title", "description")


@dataclass(frozen=True)
class FrontValue:
    """A translatable front-matter value: becomes one block (kind, key, line, text, span)."""

    kind: str
    key: str
    line: int
    text: str
    span: tuple[int, int] | None


def front_matter_values(front: FrontMatter, keys: tuple[str, ...], origin: str) -> list[FrontValue]:
    """``title`` and ``description``, then each string (or string list item) of ``keys``, in order."""
    found: list[FrontValue] = []
    for key in FRONT_MATTER_KINDS:
        value = front.data.get(key)
        if value is None:
            continue
        line = front.key_lines.get(key, 1)
        if isinstance(value, (dict, list)):
            raise InputError(f"front matter {key!r} must be text, not a {type(value).__name__}", origin, line)
        plain = front.unwrapped.get(key) or collapse_whitespace(str(value)).strip()
        scalars = front.scalars.get(key, ())
        if plain:
            found.append(FrontValue(key, key, line, plain, scalars[0].span if scalars else None))
    for key in dict.fromkeys(keys):
        if key in FRONT_MATTER_KINDS or key not in front.data:
            continue
        value = front.data[key]
        values = value if isinstance(value, list) else [value]
        strings = [v for v in values if isinstance(v, str)]
        for text, scalar in zip(strings, front.scalars.get(key, ()), strict=False):
            plain = collapse_whitespace(text).strip()
            if plain:
                found.append(FrontValue("front_matter", key, scalar.line, plain, scalar.span))
    return found
