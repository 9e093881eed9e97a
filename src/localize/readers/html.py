"""HTML reader and renderer (lxml.html).

A translatable block is a run of inline content (text and inline tags, kept as
HTML) inside a block element, or an ``alt``/``title`` attribute outside such a
run. Reading and rendering share :func:`_slots`, so block ``n`` of a document
is always the same place of the re-parsed tree.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import MappingProxyType

from lxml import etree
from lxml import html as lxml_html
from markupsafe import escape

from localize.errors import InputError
from localize.model import Block, Document
from localize.readers.sanitize import sanitize_tree
from localize.readers.text import collapse_whitespace

RewriteUrl = Callable[[str], str]
BlockHtml = Callable[[Block], "str | None"]

VERBATIM_TAGS = frozenset({
    "script", "style", "code", "pre", "noscript", "template", "textarea", "svg", "math",
    "iframe", "object", "canvas",
})
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hgroup", "hr", "li", "main", "nav", "ol", "p", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "html", "head",
    "video", "audio", "select", "button",
})
_OWN_KINDS = {
    "li": "list_item",
    "td": "table_cell",
    "th": "table_cell",
    "caption": "caption",
    "figcaption": "caption",
    "blockquote": "quote",
}
_CONTAINER_KINDS = {
    "li": "list_item",
    "blockquote": "quote",
    "td": "table_cell",
    "th": "table_cell",
}
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_URL_ATTRIBUTES = {
    "a": "href",
    "area": "href",
    "img": "src",
    "source": "src",
    "video": "src",
    "audio": "src",
    "track": "src",
}
_WORD = re.compile(r"[^\W_]")
MAX_DEPTH = 2048  # libxml2's element nesting limit with huge_tree


@dataclass
class _Slot:
    """One translatable place: an inline run of ``parent`` after ``before``, or an attribute."""

    kind: str
    line: int
    text: str
    parent: etree._Element
    attribute: str | None = None
    before: etree._Element | None = None
    nodes: list[etree._Element] = field(default_factory=list)


def parse_html(text: str, origin: str) -> etree._Element:
    """The document tree; lxml adds ``html``/``body`` around a fragment."""
    # huge_tree: libxml2 otherwise stops at 256 nested elements and drops the rest silently
    parser = lxml_html.HTMLParser(encoding="utf-8", remove_blank_text=False, huge_tree=True)
    try:
        root = lxml_html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise InputError(f"cannot parse HTML: {error}", origin, 1) from None
    for entry in parser.error_log:
        if "Excessive depth" in entry.message:  # the parser stopped there: never cut silently
            raise InputError(
                f"elements nested too deep to read (libxml2 stops at {MAX_DEPTH})", origin, entry.line
            )
    return root


def read_html(text: str, origin: str) -> Document:
    """Blocks of an HTML file: ``<title>``, meta description, then the body in document order."""
    root = parse_html(text, origin)
    blocks: list[Block] = []
    for kind, line, value in _head_blocks(root):
        blocks.append(Block(len(blocks), kind, line, value))
    for slot in _slots(root):
        blocks.append(Block(len(blocks), slot.kind, slot.line, slot.text))
    if not blocks:
        raise InputError("no element holds text to translate", origin)
    metadata = {"lang": root.get("lang")} if root.get("lang") else {}
    return Document(origin, "html", text, tuple(blocks), MappingProxyType(metadata), None)


def _head_blocks(root: etree._Element) -> Iterator[tuple[str, int, str]]:
    title = root.find(".//head/title")
    if title is None:
        title = root.find(".//title")
    if _is_verbatim(root):
        return
    if title is not None and not _is_verbatim(title):
        value = collapse_whitespace(title.text_content()).strip()
        if value:
            yield "title", title.sourceline or 1, value
    for meta in root.iterfind(".//meta[@name]"):
        if meta.get("name", "").lower() == "description":
            value = collapse_whitespace(meta.get("content") or "").strip()
            if value:
                yield "description", meta.sourceline or 1, value
            break


def _body(root: etree._Element) -> etree._Element:
    body = root.find("body")
    return body if body is not None else root


def _is_verbatim(element: etree._Element) -> bool:
    if not isinstance(element.tag, str) or element.tag.lower() in VERBATIM_TAGS:
        return True
    if (element.get("translate") or "").strip().lower() == "no":
        return True
    return "notranslate" in (element.get("class") or "").split()


def _is_boundary(node: etree._Element) -> bool:
    """Nodes that end an inline run: block elements, verbatim blocks, comments."""
    if not isinstance(node.tag, str):
        return True
    tag = node.tag.lower()
    return tag in BLOCK_TAGS or tag in (
        "script",
        "style",
        "pre",
        "noscript",
        "template",
        "textarea",
    )


def _slots(root: etree._Element) -> list[_Slot]:
    slots: list[_Slot] = []
    if not _is_verbatim(root):  # <html translate="no">: nothing to translate
        _walk(_body(root), slots)
    return slots


def _walk(root: etree._Element, slots: list[_Slot]) -> None:
    """Depth first, in document order, with an explicit stack: nesting depth is unlimited."""
    stack: list[Iterator[etree._Element]] = [iter((root,))]
    while stack:
        element = next(stack[-1], None)
        if element is None:
            stack.pop()
            continue
        if _is_verbatim(element):
            continue
        stack.append(_visit(element, slots))


def _visit(element: etree._Element, slots: list[_Slot]) -> Iterator[etree._Element]:
    """Record ``element``'s own slots, yielding each block child to be walked in its place."""
    _attribute_slots(element, slots)
    children = list(element)
    start = 0
    for position, child in enumerate(children + [None]):
        if child is not None and not _is_boundary(child):
            continue
        before = children[start - 1] if start > 0 else None
        _run_slot(element, before, children[start:position], slots)
        if child is not None:
            yield child
        start = position + 1


def _attribute_slots(element: etree._Element, slots: list[_Slot]) -> None:
    for attribute, kind in (("alt", "alt"), ("title", "title_attr")):
        value = collapse_whitespace(element.get(attribute) or "").strip()
        if value and _WORD.search(value):
            slots.append(_Slot(kind, element.sourceline or 1, value, element, attribute=attribute))


def _run_slot(
    parent: etree._Element,
    before: etree._Element | None,
    nodes: list[etree._Element],
    slots: list[_Slot],
) -> None:
    lead = (before.tail if before is not None else parent.text) or ""
    if not nodes and not _WORD.search(lead):
        return  # whitespace between block elements
    holder = lxml_html.Element("div")
    holder.text = lead
    for node in nodes:
        holder.append(copy.deepcopy(node))
    if not _has_words(holder):
        for node in nodes:  # no words: the run's images and links may still carry alt/title
            for inner in node.iter():
                if isinstance(inner.tag, str) and not _has_verbatim_ancestor(inner, parent):
                    _attribute_slots(inner, slots)
        return
    text = _inner_html(_collapsed(holder)).strip()
    line = _run_line(parent, before, lead, nodes)
    slots.append(_Slot(_run_kind(parent), line, text, parent, before=before, nodes=list(nodes)))


def _has_words(holder: etree._Element) -> bool:
    """Whether a run has text to translate outside verbatim elements such as ``<code>``."""
    if not any(_is_verbatim(element) for element in holder.iterdescendants()):
        return bool(_WORD.search(holder.text_content()))
    probe = copy.deepcopy(holder)
    for element in list(probe.iterdescendants()):
        if _is_verbatim(element) and element.getparent() is not None:
            element.drop_tree()  # keeps the tail
    return bool(_WORD.search(probe.text_content()))


def _has_verbatim_ancestor(element: etree._Element, stop: etree._Element) -> bool:
    node: etree._Element | None = element
    while node is not None and node is not stop:
        if _is_verbatim(node):
            return True
        node = node.getparent()
    return False


def _run_kind(parent: etree._Element) -> str:
    tag = parent.tag.lower()
    if tag in _HEADINGS:
        return "heading"
    if tag in _OWN_KINDS:
        return _OWN_KINDS[tag]
    for ancestor in parent.iterancestors():
        kind = _CONTAINER_KINDS.get(str(ancestor.tag).lower())
        if kind is not None:
            return kind
    return "paragraph"


def _run_line(
    parent: etree._Element, before: etree._Element | None, lead: str, nodes: list[etree._Element]
) -> int:
    if lead.strip():
        anchor = before if before is not None else parent
        leading = lead[: len(lead) - len(lead.lstrip())]
        extra = leading.count("\n")
        if before is not None:  # the tail starts where the previous element's source ends
            extra += lxml_html.tostring(before, encoding="unicode", with_tail=False).count("\n")
        return (anchor.sourceline or 1) + extra
    return (nodes[0].sourceline if nodes else parent.sourceline) or 1


def _collapsed(holder: etree._Element) -> etree._Element:
    """Whitespace of text nodes collapsed, as the browser shows it (attributes untouched)."""
    for node in holder.iter():
        if node.text:
            node.text = collapse_whitespace(node.text)
        if node is not holder and node.tail:
            node.tail = collapse_whitespace(node.tail)
    return holder


def _inner_html(element: etree._Element) -> str:
    parts = [str(escape(element.text or ""))]
    for child in element:
        parts.append(lxml_html.tostring(child, encoding="unicode", with_tail=True, method="html"))
    return "".join(parts)


def render_html_body(
    document: Document, block_html: BlockHtml, rewrite_url: RewriteUrl | None = None
) -> str:
    """The source ``<body>`` inner HTML with each translatable place replaced by ``block_html``."""
    root = parse_html(document.text, document.source_path)
    body = _body(root)
    if rewrite_url is not None:
        _rewrite_urls(body, rewrite_url)
    body_blocks = [b for b in document.blocks if b.kind not in ("title", "description")]
    slots = _slots(root)
    if len(slots) != len(body_blocks):
        raise InputError("document changed since it was read", document.source_path)
    for block, slot in zip(body_blocks, slots, strict=True):
        replacement = block_html(block)
        if replacement is None:
            continue
        if slot.attribute is not None:
            slot.parent.set(slot.attribute, replacement)
        else:
            _replace_run(slot, replacement)
    return _inner_html(body)


def _replace_run(slot: _Slot, replacement: str) -> None:
    """Put the nodes of ``replacement`` (an HTML fragment) where the run's nodes were.

    The run's outer whitespace stays, so words do not merge across a comment or script.
    """
    parent = slot.parent
    lead = (slot.before.tail if slot.before is not None else parent.text) or ""
    last = (slot.nodes[-1].tail if slot.nodes else lead) or ""
    leading = lead[: len(lead) - len(lead.lstrip())]
    trailing = last[len(last.rstrip()) :] if last.strip() or slot.nodes else ""
    fragment = lxml_html.fragment_fromstring(leading + (replacement or ""), create_parent="div")
    if trailing:
        if len(fragment):
            fragment[-1].tail = (fragment[-1].tail or "") + trailing
        else:
            fragment.text = (fragment.text or "") + trailing
    for node in slot.nodes:
        parent.remove(node)
    if slot.before is not None:
        slot.before.tail = fragment.text
        index = parent.index(slot.before) + 1
    else:
        parent.text = fragment.text
        index = 0
    for offset, child in enumerate(list(fragment)):
        parent.insert(index + offset, child)


def _rewrite_urls(tree: etree._Element, rewrite_url: RewriteUrl) -> None:
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        attribute = _URL_ATTRIBUTES.get(element.tag.lower())
        if attribute is not None and element.get(attribute) is not None:
            element.set(attribute, rewrite_url(element.get(attribute)))


def render_html_inline(text: str, rewrite_url: RewriteUrl | None = None) -> str:
    """One block's or sentence's inline HTML, re-serialised; unsafe markup becomes text."""
    if not text.strip():
        return str(escape(text))
    holder = lxml_html.fragment_fromstring(text, create_parent="div")
    sanitize_tree(holder)
    if rewrite_url is not None:
        _rewrite_urls(holder, rewrite_url)
    return _inner_html(holder)
