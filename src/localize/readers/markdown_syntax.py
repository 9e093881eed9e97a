"""The Markdown dialect real documentation uses, as markdown-it-py rules.

CommonMark plus GFM tables, alerts (``> [!NOTE]``) and footnotes, definition
lists, dollar math, Python-Markdown/MkDocs admonitions (``!!! tip "Title"``,
``??? note``), content tabs (``=== "Python"``), pymdown blocks (``/// note | Title``, ``//// tab | Title``),
``:::`` containers, heading attributes (``## Title { #id .class }``), attribute
lists after links, images and code (``[Start](x){ .md-button }``) and
abbreviation definitions (``*[HTML]: Hyper Text Markup Language``).

The structure (fences, types, anchors, labels, math) is recognized here so the
reader never hands it to translation; the text inside (titles, bodies,
footnotes, definitions, expansions) becomes ordinary inline tokens, which the
reader turns into blocks.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin

#: Block nesting markdown-it handles here (a list level costs two, a blockquote one);
#: deeper is an error naming the line, never a silent cut (markdown-it's own limit drops
#: the rest of the document).
MAX_NESTING = 200
_NESTING_MARGIN = 4
SAFE_ATTRIBUTES = ("id", "class", "width", "height", "align", "loading", "target", "rel", "lang")
CONTAINER_OPENERS = ("container_blocks_open", "container_colons_open")
TITLE_OPEN = "localize_title_open"
ABBREVIATION_OPEN = "abbreviation_open"
_HEADING_ATTRS = re.compile(r"[ \t]*\{:?[ \t]*((?:[#.][^\s{}]+|[\w-]+=(?:\"[^\"]*\"|\S+))(?:[ \t]+(?:[#.][^\s{}]+|[\w-]+=(?:\"[^\"]*\"|\S+)))*)[ \t]*\}[ \t]*$")
_ABBREVIATION = re.compile(r"\*\[([^\]\n]+)\]:[ \t]*(.*)$")
_SLUG_DROP = re.compile(r"[^\w\- ]")


class NestingTooDeep(Exception):
    """Raised from inside the parser; the reader turns it into an InputError with the line."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def build_parser(inline_only: bool = False) -> MarkdownIt:
    """The dialect; ``inline_only`` parsers resolve any ``[^label]`` (a msgid has no definitions)."""
    parser = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable(["table", "strikethrough"])
    parser.options["alerts"] = True
    parser.options["tasklists"] = True
    parser.use(footnote_plugin, inline=False, always_match_refs=inline_only)
    parser.use(deflist_plugin)
    parser.use(dollarmath_plugin, allow_space=False, allow_digits=False, allow_blank_lines=False)
    parser.use(admon_plugin)
    # attr_list after links, images and code (``[Start](x){ .md-button }``); never event handlers
    parser.use(attrs_plugin, after=("image", "link_close", "code_inline"), allowed=SAFE_ATTRIBUTES)
    container_plugin(parser, "blocks", marker="/", validate=_has_type, render=_render_container)
    container_plugin(parser, "colons", marker=":", validate=_has_type, render=_render_container)
    first = parser.block.ruler.get_all_rules()[0]
    parser.block.ruler.before(first, "localize_depth", _depth_guard)
    parser.block.ruler.before("fence", "tabbed", _tabbed, {"alt": ["paragraph", "reference", "blockquote", "list"]})
    parser.block.ruler.before("reference", "abbreviation", _abbreviation,
                              {"alt": ["paragraph", "reference"]})
    parser.core.ruler.after("block", "localize_titles", _container_titles)
    parser.core.ruler.push("localize_headings", _heading_ids)
    if not inline_only:
        parser.core.ruler.push("localize_abbreviations", _abbreviations_in_text)
    for name in ("footnote_anchor_name", "footnote_caption"):
        parser.add_render_rule(name, _FOOTNOTE_RULES[name])
    parser.add_render_rule(TITLE_OPEN, _render_title)
    parser.add_render_rule("localize_title_close", _render_title)
    parser.add_render_rule(ABBREVIATION_OPEN, _render_abbreviation)
    parser.add_render_rule("tab_open", _render_tab)
    parser.add_render_rule("tab_close", _render_tab)
    parser.add_render_rule("abbreviation_close", _render_abbreviation)
    return parser


# -- nesting ---------------------------------------------------------------------------------------
def _depth_guard(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if state.level >= MAX_NESTING - _NESTING_MARGIN:
        raise NestingTooDeep(start)
    return False


# -- containers: ``/// type | Title``, ``::: type Title`` -------------------------------------------
def _has_type(params: str, markup: str = "") -> bool:
    return bool(re.match(r"\s*[A-Za-z][\w-]*", params))


def container_type_and_title(params: str) -> tuple[str, str]:
    """``note | Title`` or ``warning Title`` or ``tip[Title]`` -> (type, title)."""
    params = params.strip()
    match = re.match(r"([A-Za-z][\w-]*)\s*(.*)$", params, re.DOTALL)
    if match is None:
        return "", ""
    kind, rest = match.group(1).lower(), match.group(2).strip()
    if rest.startswith("|"):
        rest = rest[1:].strip()
    elif rest.startswith("[") and rest.endswith("]"):
        rest = rest[1:-1].strip()
    if len(rest) >= 2 and rest[0] == rest[-1] and rest[0] in "\"'":
        rest = rest[1:-1]
    return kind, rest


def _container_titles(state: StateCore) -> None:
    """An inline token for each container's explicit title, so the title is text to translate."""
    tokens: list[Token] = []
    for token in state.tokens:
        tokens.append(token)
        if token.type not in CONTAINER_OPENERS:
            continue
        kind, title = container_type_and_title(token.info)
        token.meta = {"type": kind}
        if not title:
            continue
        line = (token.map or [0])[0]
        opener = Token(TITLE_OPEN, "p", 1)
        opener.map = [line, line + 1]
        inline = Token("inline", "", 0)
        inline.content, inline.map, inline.children = title, [line, line + 1], []
        inline.level = opener.level = token.level + 1
        tokens += [opener, inline, Token("localize_title_close", "p", -1)]
    state.tokens = tokens


def _render_container(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    if token.nesting == 1:
        kind = (token.meta or {}).get("type") or container_type_and_title(token.info)[0]
        token.attrSet("class", "tab" if kind == "tab" else f"admonition {kind}")
    return self.renderToken(tokens, idx, options, env)


def _render_title(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return '<p class="admonition-title">' if tokens[idx].nesting == 1 else "</p>\n"


def _line_match(state: StateBlock, line: int, pattern: re.Pattern[str]) -> re.Match[str] | None:
    """``pattern`` matched at the start of ``line``'s text; None in an indented code block."""
    if state.sCount[line] - state.blkIndent >= 4:
        return None
    return pattern.match(state.src, state.bMarks[line] + state.tShift[line], state.eMarks[line])


# -- content tabs (pymdownx.tabbed): ``=== "Python"`` and an indented body -----------------------------
_TAB = re.compile(r"===(\+?)[ \t]+\"([^\"\n]*)\"[ \t]*$")


def _tabbed(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    match = _line_match(state, start, _TAB)
    if match is None:
        return False
    if silent:
        return True
    indent = state.blkIndent + 4
    last = start + 1
    while last < end:
        blank = state.isEmpty(last)
        if not blank and state.sCount[last] < indent:
            break
        last += 1
    while last > start + 1 and state.isEmpty(last - 1):
        last -= 1
    opener = state.push("tab_open", "div", 1)
    opener.map, opener.info = [start, last], match.group(2)
    title_open = state.push(TITLE_OPEN, "p", 1)
    title_open.map = [start, start + 1]
    inline = state.push("inline", "", 0)
    inline.content, inline.map, inline.children = match.group(2), [start, start + 1], []
    state.push("localize_title_close", "p", -1)
    old_indent, old_parent, old_max = state.blkIndent, state.parentType, state.lineMax
    state.blkIndent, state.parentType, state.lineMax = indent, "tab", last
    state.md.block.tokenize(state, start + 1, last)
    state.blkIndent, state.parentType, state.lineMax = old_indent, old_parent, old_max
    state.push("tab_close", "div", -1)
    state.line = last
    return True


def _render_tab(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return '<div class="tabbed-block">\n' if tokens[idx].nesting == 1 else "</div>\n"


# -- abbreviations: ``*[HTML]: Hyper Text Markup Language`` -----------------------------------------
def _abbreviation(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    match = _line_match(state, start, _ABBREVIATION)
    if match is None:
        return False
    if silent:
        return True
    opener = state.push(ABBREVIATION_OPEN, "p", 1)
    opener.meta = {"abbreviation": match.group(1).strip()}
    opener.map = [start, start + 1]
    inline = state.push("inline", "", 0)
    inline.content, inline.map, inline.children = match.group(2).strip(), [start, start + 1], []
    state.push("abbreviation_close", "p", -1)
    state.line = start + 1
    return True


def _render_abbreviation(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    if token.nesting == -1:
        return "</p>\n"
    name = html.escape(str(token.meta.get("abbreviation", "")))
    return f'<p class="abbreviation" hidden><abbr>{name}</abbr>: '


def _abbreviations_in_text(state: StateCore) -> None:
    """Each use of a defined abbreviation in text becomes ``<abbr title="expansion">``."""
    tokens = state.tokens
    expansions = {
        str(token.meta["abbreviation"]): tokens[position + 1].content
        for position, token in enumerate(tokens[:-1])
        if token.type == ABBREVIATION_OPEN
    }
    if not expansions:
        return
    pattern = re.compile(
        r"(?<![\w])(" + "|".join(re.escape(a) for a in sorted(expansions, key=len, reverse=True)) + r")(?![\w])"
    )
    for position, token in enumerate(tokens):
        if token.type != "inline" or (position and tokens[position - 1].type == ABBREVIATION_OPEN):
            continue
        children: list[Token] = []
        for child in token.children or []:
            if child.type != "text" or pattern.search(child.content) is None:
                children.append(child)
                continue
            for number, part in enumerate(pattern.split(child.content)):
                if number % 2 == 0:
                    if part:
                        children.append(_text_token(part, child.level))
                    continue
                opener = Token("abbr_open", "abbr", 1)
                opener.attrSet("title", expansions[part])
                opener.meta = {"abbreviation": part}
                children += [opener, _text_token(part, child.level + 1), Token("abbr_close", "abbr", -1)]
        token.children = children


def _text_token(content: str, level: int) -> Token:
    token = Token("text", "", 0)
    token.content, token.level = content, level
    return token


def set_abbreviation_titles(tokens: Sequence[Token], titles: dict[str, str]) -> None:
    """Put translated expansions in the ``title`` of each ``<abbr>`` made from a definition."""
    for token in tokens:
        for child in token.children or []:
            if child.type == "abbr_open" and child.meta.get("abbreviation") in titles:
                child.attrSet("title", titles[child.meta["abbreviation"]])


# -- headings: ``{ #id .class }`` and slug ids -----------------------------------------------------
def strip_heading_attributes(inline: Token) -> dict[str, str]:
    """Remove a trailing ``{ #id .class key=value }`` from a heading's inline token; its attributes."""
    match = _HEADING_ATTRS.search(inline.content)
    children = inline.children or []
    if match is None or not children or children[-1].type != "text":
        return {}
    last = children[-1]
    tail = _HEADING_ATTRS.search(last.content)
    if tail is None:
        return {}
    last.content = last.content[: tail.start()].rstrip()
    if not last.content:
        children.pop()
    inline.content = inline.content[: match.start()].rstrip()
    attributes: dict[str, str] = {}
    classes: list[str] = []
    for item in re.findall(r"[#.][^\s{}]+|[\w-]+=(?:\"[^\"]*\"|\S+)", match.group(1)):
        if item[0] == "#":
            attributes["id"] = item[1:]
        elif item[0] == ".":
            classes.append(item[1:])
        else:
            key, value = item.split("=", 1)
            attributes[key] = value.strip('"')
    if classes:
        attributes["class"] = " ".join(classes)
    return attributes


def slugify(text: str) -> str:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces as ``-`` (CJK kept)."""
    return _SLUG_DROP.sub("", text.strip().lower()).replace(" ", "-")


def _heading_ids(state: StateCore) -> None:
    """Each heading gets an id: its ``{ #id }`` when given, else a unique slug of its text."""
    tokens = state.tokens
    used: set[str] = set()
    headings: list[int] = []
    for position, token in enumerate(tokens):
        if token.type != "heading_open" or position + 1 >= len(tokens):
            continue
        headings.append(position)
        for key, value in strip_heading_attributes(tokens[position + 1]).items():
            token.attrSet(key, value)
        if token.attrGet("id"):
            used.add(str(token.attrGet("id")))
    for position in headings:
        token = tokens[position]
        if token.attrGet("id"):
            continue
        text = "".join(
            child.content for child in tokens[position + 1].children or []
            if child.type in ("text", "code_inline")
        )
        base = slugify(text) or "section"
        slug, number = base, 0
        while slug in used:
            number += 1
            slug = f"{base}-{number}"
        used.add(slug)
        token.attrSet("id", slug)


# -- footnotes: named by label, so a msgid rendered alone links to the same note ------------------------
def _footnote_name(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    label = str((tokens[idx].meta or {}).get("label") or tokens[idx].meta.get("id", 0) + 1)
    return "-" + re.sub(r"[^\w-]", "-", label)


def _footnote_caption(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    label = str((tokens[idx].meta or {}).get("label") or tokens[idx].meta.get("id", 0) + 1)
    return "[" + html.escape(label) + "]"


_FOOTNOTE_RULES = {"footnote_anchor_name": _footnote_name, "footnote_caption": _footnote_caption}
