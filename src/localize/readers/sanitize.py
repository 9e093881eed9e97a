"""Inline markup a rendered translation may carry, and URL rewriting inside raw HTML.

The site builder only renders translations whose markup matches their source
(``placeables.is_markup_safe``); these checks are the second line of defence,
so a ``<script>``, an event handler or a ``javascript:`` URL never becomes markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from lxml import etree

SAFE_INLINE_TAGS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "del", "dfn", "em", "i", "img", "ins",
    "kbd", "mark", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strong", "sub", "sup",
    "time", "u", "var", "wbr",
})
URL_ATTRIBUTES = ("href", "src")
_TAG = re.compile(r"^<\s*/?\s*([A-Za-z][A-Za-z0-9-]*)")
_ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_URL_ATTRIBUTE = re.compile(r"""(\b(?:href|src)\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+)""", re.IGNORECASE)
_UNSAFE_SCHEMES = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x20]+")


def is_unsafe_url(url: str) -> bool:
    """``javascript:``, ``vbscript:`` and ``data:`` URLs (browsers ignore embedded controls)."""
    return bool(_UNSAFE_SCHEMES.match(_CONTROL.sub("", html.unescape(url))))


def is_safe_attribute(name: str, value: str) -> bool:
    name = name.lower()
    if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
        return False
    return not is_unsafe_url(value)


def is_safe_inline_html(raw: str) -> bool:
    """Whether one raw inline HTML token (a tag or a comment) is harmless on a page."""
    if raw.startswith("<!--"):
        return True
    match = _TAG.match(raw)
    if match is None or match.group(1).lower() not in SAFE_INLINE_TAGS:
        return False
    inside = raw[match.end() :].rstrip(">").rstrip("/")
    for attribute in _ATTRIBUTE.finditer(inside):
        value = (attribute.group(2) or "").strip("\"'")
        if not is_safe_attribute(attribute.group(1), value):
            return False
    return True


def rewrite_raw_html_urls(raw: str, rewrite_url: Callable[[str], str]) -> str:
    """Apply ``rewrite_url`` to href/src values inside raw HTML, leaving the rest as written."""

    def replace(match: re.Match[str]) -> str:
        value = match.group(2)
        quote = value[0] if value[0] in "\"'" else '"'  # an unquoted value (HTML5) comes out quoted
        url = html.unescape(value[1:-1] if value[0] in "\"'" else value)
        rewritten = rewrite_url(url)
        if rewritten == url:
            return match.group()
        return f"{match.group(1)}{quote}{html.escape(rewritten, quote=True)}{quote}"

    return _URL_ATTRIBUTE.sub(replace, raw)


def sanitize_tree(root: etree._Element) -> None:
    """Make a parsed translation fragment inert: unknown tags become their escaped source text.

    Dropped attributes (event handlers, unsafe URLs) are removed; allowed tags keep the rest.
    """
    for element in list(root.iterdescendants()):
        if not isinstance(element.tag, str):
            _drop_keep_tail(element)
            continue
        if element.tag.lower() not in SAFE_INLINE_TAGS:
            _replace_with_text(element)
            continue
        for name, value in list(element.attrib.items()):
            if not is_safe_attribute(name, value):
                del element.attrib[name]


def _drop_keep_tail(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    _append_text(element, element.tail or "")
    parent.remove(element)


def _replace_with_text(element: etree._Element) -> None:
    """Replace an element by its text content, so nothing it held is lost or becomes markup."""
    parent = element.getparent()
    if parent is None:
        return
    text = "" if element.tag.lower() in ("script", "style") else element.text_content()
    _append_text(element, text + (element.tail or ""))
    parent.remove(element)


def _append_text(element: etree._Element, text: str) -> None:
    """Add ``text`` where ``element`` stands: its previous sibling's tail or the parent's text."""
    previous = element.getprevious()
    parent = element.getparent()
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    elif parent is not None:
        parent.text = (parent.text or "") + text
