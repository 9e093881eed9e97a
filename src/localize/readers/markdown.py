"""Markdown reader and renderer (markdown-it-py with the dialect of ``markdown_syntax``).

Reading and rendering walk the same token stream in the same order, so block
``n`` of a document is always the same inline token when the page is built.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from lxml import html as lxml_html
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from localize.errors import InputError
from localize.model import Block, Document
from localize.project import check_slug
from localize.readers.frontmatter import (
    FrontMatter,
    front_matter_values,
    locate_front_matter,
    split_front_matter,
)
from localize.readers.markdown_html import HtmlPiece, html_pieces, replace_pieces
from localize.readers.markdown_syntax import (
    ABBREVIATION_OPEN,
    CONTAINER_OPENERS,
    TITLE_OPEN,
    NestingTooDeep,
    build_parser,
    set_abbreviation_titles,
)
from localize.readers.references import inline_references
from localize.readers.sanitize import is_safe_inline_html, rewrite_raw_html_urls
from localize.readers.spans import SpanLocator
from localize.readers.text import collapse_whitespace, join_source_lines, join_wrapped

RewriteUrl = Callable[[str], str]
BlockHtml = Callable[[Block], "str | None"]

_CONTAINER_KINDS = {
    "list_item_open": "list_item",
    "blockquote_open": "quote",
    "alert_open": "alert",
    "admonition_open": "admonition",
    "footnote_open": "footnote",
    "dd_open": "definition",
    "tab_open": "tab",
    **dict.fromkeys(CONTAINER_OPENERS, "admonition"),
}
_CONTAINER_CLOSE = {kind.removesuffix("_open") + "_close" for kind in _CONTAINER_KINDS}
#: Inline tokens after these openers are text of their own kind.
_OPENER_KINDS = {
    "heading_open": "heading",
    "th_open": "table_cell",
    "td_open": "table_cell",
    "dt_open": "definition_term",
    "admonition_title_open": "admonition_title",
    TITLE_OPEN: "admonition_title",
    ABBREVIATION_OPEN: "abbreviation",
}
_FRONT_MATTER_KINDS = ("title", "description", "front_matter")
_WORDLESS = re.compile(r"^[\s\W_]*$")
#: What markdown-it's normalize step rewrites before parsing (line ends, NUL).
_NORMALIZED = re.compile(r"[\r\n\0]")


@lru_cache(maxsize=2)
def markdown_parser(inline_only: bool = False) -> MarkdownIt:
    """The documentation dialect; one shared instance each (parsing does not mutate it).

    ``inline_only``: for a msgid rendered on its own, where every ``[^label]`` is a footnote.
    """
    parser = build_parser(inline_only)
    parser.add_render_rule("softbreak", _render_softbreak)
    return parser


def _render_softbreak(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    """A wrapped line shows as a space, except between two CJK characters (as in msgids), so a
    page from identity translations (joined lines) has exactly the source page's text."""
    before = next((t.content for t in reversed(tokens[:idx]) if t.content), "")
    after = next((t.content for t in tokens[idx + 1 :] if t.content), "")
    if before and after and join_wrapped(before, after) == before + after:
        return ""
    return " "


@dataclass(frozen=True)
class _Slot:
    """A translatable place in the token stream: an inline token, an image for ``alt``, or a
    ``piece`` of an HTML block (``token.map`` gives the source lines of each)."""

    kind: str
    line: int
    text: str
    token: Token
    piece: HtmlPiece | None = None


@dataclass(frozen=True)
class MarkdownBody:
    """A document's parsed body, kept so each of its pages renders without parsing it again.

    Never changed after reading: rendering works on a copy of ``tokens``.
    """

    tokens: tuple[Token, ...]
    slots: tuple[_Slot, ...]  # the body's translatable places, in block order
    references: Mapping[str, Any]  # link reference definitions: label -> href and title


def read_markdown(text: str, origin: str, front_matter_keys: tuple[str, ...] = ()) -> Document:
    """Blocks of a Markdown file: front matter title/description (and ``front_matter_keys``) first,
    then the body in order; each block knows its span in ``text`` (see ``readers.spans``)."""
    return read_markdown_body(text, origin, front_matter_keys)[0]


def read_markdown_body(text: str, origin: str,
                       front_matter_keys: tuple[str, ...] = ()) -> tuple[Document, MarkdownBody]:
    """``read_markdown``, and the parsed body its pages are rendered from."""
    front = split_front_matter(text, origin)
    blocks: list[Block] = []
    for value in front_matter_values(front, front_matter_keys, origin):
        blocks.append(Block(len(blocks), value.kind, value.line, value.text, value.span, value.key))
    env: dict[str, Any] = {}
    tokens = _parse_body(front.body, front.body_line, origin, env)
    slots = _slots(tokens)
    references = env.get("references", {})
    spans = SpanLocator(text)
    for slot in slots:  # the one place body blocks are made
        verbatim = slot.kind in ("alt", "title_attr", "html")
        block_text = slot.text if verbatim else inline_references(slot.text, references)
        span = spans.locate(slot.token, slot.kind, slot.line, slot.piece)
        blocks.append(Block(len(blocks), slot.kind, slot.line, block_text, span))
    if not blocks:
        raise InputError("no translatable text (no title, heading, paragraph or list item)", origin)
    document = Document(
        source_path=origin,
        format="markdown",
        text=text,
        blocks=tuple(blocks),
        metadata=MappingProxyType(dict(front.data)),
        slug=_slug(front, origin),
    )
    return document, MarkdownBody(tuple(tokens), tuple(slots), MappingProxyType(references))


def _slug(front: FrontMatter, origin: str) -> str | None:
    if "slug" not in front.data:
        return None
    return check_slug(front.data["slug"], origin, front.key_lines.get("slug"))


def _parse_body(
    body: str, body_line: int, origin: str, env: dict[str, Any] | None = None
) -> list[Token]:
    """Tokens of the body with line maps relative to the file (front matter lines padded).

    Nesting deeper than the parser handles is an error naming the line, never a silent cut.
    """
    padding = "\n" * (body_line - 1)
    try:
        return markdown_parser().parse(padding + body, env if env is not None else {})
    except NestingTooDeep as deep:
        raise InputError(
            "lists or block quotes nested too deep to read (more than about 95 levels)",
            origin,
            deep.line + 1,
        ) from None
    except RecursionError:
        raise InputError("Markdown nested too deep to read", origin) from None


def _slots(tokens: list[Token]) -> list[_Slot]:
    containers: list[str] = []
    slots: list[_Slot] = []
    for position, token in enumerate(tokens):
        if token.type in _CONTAINER_KINDS:
            containers.append(_CONTAINER_KINDS[token.type])
        elif token.type in _CONTAINER_CLOSE:
            containers.pop()
        elif token.type == "html_block":
            slots.extend(_html_slots(token))
        elif token.type == "inline" and position > 0:
            if tokens[position - 1].type == "admonition_title_open" and not _explicit_title(
                tokens[position - 2]
            ):
                continue  # ``!!! note`` alone: the title is the type's name, not source text
            slot = _inline_slot(tokens[position - 1], token, containers)
            if slot is not None:
                slots.append(slot)
    return slots


def _html_slots(token: Token) -> list[_Slot]:
    first = (token.map or [0])[0] + 1
    return [
        _Slot(piece.kind, first + token.content.count("\n", 0, piece.start), piece.text, token, piece)
        for piece in html_pieces(token.content)
    ]


def _explicit_title(admonition: Token) -> bool:
    """Whether ``!!! type ...`` names a title of its own (quoted or after the type)."""
    return len(admonition.info.strip().split(None, 1)) > 1


def _inline_slot(opener: Token, inline: Token, containers: list[str]) -> _Slot | None:
    line = (inline.map[0] if inline.map else (opener.map or [0])[0]) + 1
    if opener.type in _OPENER_KINDS:
        kind = _OPENER_KINDS[opener.type]
    elif opener.type == "paragraph_open":
        image = _lone_image(inline)
        if image is not None:
            alt = _plain_text(image.children or [])
            return _Slot("alt", line, alt, image) if alt.strip() else None
        kind = containers[-1] if containers else "paragraph"
    else:
        return None
    if not _has_words(inline.children or []):
        return None
    return _Slot(kind, line, join_source_lines(inline.content), inline)


def _lone_image(inline: Token) -> Token | None:
    """The image of a paragraph that holds nothing else (optionally wrapped in a link)."""
    significant = [
        child
        for child in inline.children or []
        if not (child.type in ("text", "softbreak") and not child.content.strip())
    ]
    kinds = [child.type for child in significant]
    if kinds == ["image"]:
        return significant[0]
    if kinds == ["link_open", "image", "link_close"]:
        return significant[1]
    return None


def _plain_text(children: list[Token]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(_plain_text(child.children or []))
    return collapse_whitespace("".join(parts)).strip()


def _has_words(children: list[Token]) -> bool:
    """Whether an inline token has text to translate (not just code, raw HTML or punctuation)."""
    for child in children:
        if child.type == "text" and not _WORDLESS.match(child.content):
            return True
        if child.type == "image" and _has_words(child.children or []):
            return True
    return False


def _rewrite_inline_urls(children: list[Token], rewrite_url: RewriteUrl, keep: bool = True) -> None:
    """Rewrite each URL of ``children``; with ``keep`` False only ask ``rewrite_url`` (children
    about to be replaced whole: the page still records what they link to, as it always did)."""
    for child in children:
        if child.type == "link_open" and "href" in child.attrs:
            href = rewrite_url(str(child.attrs["href"]))
            if keep:
                child.attrSet("href", href)
        elif child.type == "image" and "src" in child.attrs:
            src = rewrite_url(str(child.attrs["src"]))
            if keep:
                child.attrSet("src", src)
        elif child.type == "html_inline":
            content = rewrite_raw_html_urls(child.content, rewrite_url)
            if keep:
                child.content = content


def _rewrite_urls(tokens: list[Token], rewrite_url: RewriteUrl) -> None:
    for token in tokens:
        if token.type == "inline":
            _rewrite_inline_urls(token.children or [], rewrite_url)
        elif token.type == "html_block":
            token.content = rewrite_raw_html_urls(token.content, rewrite_url)


def render_markdown_body(
    document: Document, block_html: BlockHtml, rewrite_url: RewriteUrl | None = None,
    parsed: MarkdownBody | None = None,
) -> str:
    """The body as HTML, with each translatable block's content replaced by ``block_html``.

    ``parsed``: the body as ``read_markdown_body`` read it with ``document`` (else parsed again).
    """
    body_blocks = [b for b in document.blocks if b.kind not in _FRONT_MATTER_KINDS]
    slots: list[_Slot] | list[_Slot | None]
    if parsed is None:
        _, body, body_line = locate_front_matter(document.text, document.source_path)  # YAML read already
        tokens = _parse_body(body, body_line, document.source_path)
        slots = _slots(tokens)
    if len(parsed.slots if parsed is not None else slots) != len(body_blocks):
        raise InputError("document changed since it was read", document.source_path)
    replacements = [block_html(block) for block in body_blocks]
    if parsed is not None:  # rendering changes tokens: a page works on its own copies
        tokens, slots = _private_tokens(parsed, replacements, rewrite_url)
    if rewrite_url is not None:
        _rewrite_urls(tokens, rewrite_url)
    _replace(tokens, slots, replacements)
    parser = markdown_parser()
    return parser.renderer.render(tokens, parser.options, {})


def _private_tokens(parsed: MarkdownBody, replacements: list[str | None],
                    rewrite_url: RewriteUrl | None) -> tuple[list[Token], list[_Slot | None]]:
    """Copies of the parsed tokens that rendering may change, and the slots on them.

    An inline token whose text is replaced whole gets no copy of its children, which would
    be thrown away; a slot among those children (an image's ``alt``) is None.
    """
    whole = {id(slot.token) for slot, html in zip(parsed.slots, replacements, strict=True)
             if html is not None and slot.piece is None and slot.kind != "alt"}
    copies: dict[int, Token] = {}
    tokens: list[Token] = []
    for token in parsed.tokens:
        replaced = id(token) in whole
        if replaced and rewrite_url is not None:
            _rewrite_inline_urls(token.children or [], rewrite_url, keep=False)
        tokens.append(_copy_token(token, copies, with_children=not replaced))
    slots = [None if copy is None else _Slot(s.kind, s.line, s.text, copy, s.piece)
             for s in parsed.slots for copy in (copies.get(id(s.token)),)]
    return tokens, slots


def _replace(tokens: list[Token], slots: list[_Slot] | list[_Slot | None],
             replacements: list[str | None]) -> None:
    """Put each block's replacement in its slot (None: the block renders as written)."""
    in_html: dict[int, tuple[Token, list[tuple[HtmlPiece, str]]]] = {}
    titles: dict[str, str] = {}
    for slot, replacement in zip(slots, replacements, strict=True):
        if replacement is None or slot is None:
            continue
        if slot.kind == "abbreviation":
            titles[str(tokens[_index_of(tokens, slot.token) - 1].meta["abbreviation"])] = _plain(replacement)
        if slot.piece is not None:
            in_html.setdefault(id(slot.token), (slot.token, []))[1].append((slot.piece, replacement))
        elif slot.kind == "alt":
            slot.token.children = [_token("text", replacement)]
        else:
            slot.token.children = [_token("html_inline", replacement)]
    for token, pieces in in_html.values():
        token.content = replace_pieces(token.content, pieces)
    if titles:
        set_abbreviation_titles(tokens, titles)


def _copy_token(token: Token, copies: dict[int, Token], with_children: bool = True) -> Token:
    """A copy rendering may change (attributes, children, content) without touching ``token``;
    ``copies`` maps ``id`` of each original to its copy. Without ``with_children`` the copy
    has none (its children are about to be replaced)."""
    children = token.children if with_children else []
    copy = Token(token.type, token.tag, token.nesting, dict(token.attrs), token.map, token.level,
                 None if children is None else [_copy_token(child, copies) for child in children],
                 token.content, token.markup, token.info, dict(token.meta), token.block, token.hidden)
    copies[id(token)] = copy
    return copy


def _index_of(tokens: list[Token], token: Token) -> int:
    return next(number for number, candidate in enumerate(tokens) if candidate is token)


def _plain(fragment: str) -> str:
    """The text of an HTML fragment (a rendered translation) for an attribute."""
    return collapse_whitespace(lxml_html.fragment_fromstring(fragment, create_parent="div").text_content())


def render_markdown_inline(text: str, rewrite_url: RewriteUrl | None = None) -> str:
    """One block's or sentence's Markdown inline source as HTML; unsafe raw HTML is escaped.

    Text without a character any inline rule starts at (most sentences of prose) would parse
    to one text token: it is escaped as the renderer escapes that token, without the parse.
    """
    if markdown_parser(inline_only=True).inline.terminator_re.search(text) is None \
            and _NORMALIZED.search(text) is None:
        return escapeHtml(text)
    return parse_inline_html(text, rewrite_url)


#: text -> its inline HTML, for texts whose HTML no URL rewriting can change (no link, image
#: or raw HTML): a site renders the same sentence on many pages.
_INLINE_HTML: dict[str, str] = {}
_INLINE_HTML_LIMIT = 20_000  # a few MB a process
_URL_BEARING = frozenset({"link_open", "image", "html_inline"})


def parse_inline_html(text: str, rewrite_url: RewriteUrl | None = None) -> str:
    """``render_markdown_inline`` through markdown-it's parser whatever ``text`` holds."""
    known = _INLINE_HTML.get(text)
    if known is not None:
        return known
    parser = markdown_parser(inline_only=True)
    env: dict[str, Any] = {}
    # footnote_tail appends a (here empty) footnote list for every reference: inline tokens only
    tokens = [token for token in parser.parseInline(text, env) if token.type == "inline"]
    url_bearing = False
    for token in tokens:
        children = token.children or []
        for child in children:
            if child.type == "html_inline" and not is_safe_inline_html(child.content):
                child.type, child.tag = "text", ""
            url_bearing = url_bearing or child.type in _URL_BEARING
        if rewrite_url is not None:
            _rewrite_inline_urls(children, rewrite_url)
    html = parser.renderer.render(tokens, parser.options, env)
    if not url_bearing:
        if len(_INLINE_HTML) >= _INLINE_HTML_LIMIT:
            _INLINE_HTML.clear()
        _INLINE_HTML[text] = html
    return html


def _token(kind: str, content: str) -> Token:
    token = Token(kind, "", 0)
    token.content = content
    return token
