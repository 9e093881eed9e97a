"""Text inside a Markdown document's raw HTML blocks (``<details><summary>…``, ``<div>…</div>``).

markdown-it keeps an HTML block as one raw string, often only part of an element
(``<details>`` opens in one block and closes in another), so it is never parsed
into a tree and written back: the places to translate are found by offset in
the raw string and replaced in place, everything else staying byte for byte.
A place is a run of text and inline tags between block tags (kind ``html``), or
the ``alt``/``title`` value of a tag (kinds ``alt``, ``title_attr``). Elements
marked ``translate="no"`` or ``class="notranslate"`` are kept as they are.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from localize.readers.sanitize import SAFE_INLINE_TAGS
from localize.readers.text import collapse_whitespace

_TAG = re.compile(
    r"<!--.*?-->|<(/?)([A-Za-z][\w-]*)((?:\s+[^\s<>\"'=/]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*/?>",
    re.DOTALL,
)
_TEXT_ATTRIBUTE = re.compile(r"""\s(alt|title)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_VERBATIM = frozenset({"script", "style", "pre", "code", "textarea", "svg", "math", "template", "noscript",
                       "kbd", "samp"})
_NO_TRANSLATE = re.compile(
    r"""\stranslate\s*=\s*["']?no\b|\sclass\s*=\s*["'][^"']*\bnotranslate\b""", re.IGNORECASE
)
_CODE = re.compile(r"<(code|kbd|samp)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class HtmlPiece:
    """One translatable place in a raw HTML string: [start, end) of its text or attribute value."""

    kind: str
    start: int
    end: int
    text: str


def html_pieces(raw: str) -> list[HtmlPiece]:
    """The translatable places of ``raw``, in order; nothing inside script, pre, code and the like.

    An inline tag's ``alt``/``title`` belongs to the run of text it stands in (the msgid shows
    the tag); only where the run has no words of its own is the attribute a place by itself.
    """
    pieces: list[HtmlPiece] = []
    pending: list[HtmlPiece] = []  # attributes of inline tags in the current run
    run_start = 0
    verbatim: list[str] = []
    for tag in _TAG.finditer(raw):
        name = (tag.group(2) or "").lower()
        closing = tag.group(1) == "/"
        inline = bool(name) and name in SAFE_INLINE_TAGS
        if not verbatim and not inline:
            _close_run(raw, run_start, tag.start(), pieces, pending)
        if not verbatim and name and not closing and _NO_TRANSLATE.search(tag.group(3) or "") is None:
            _add_attributes(tag, pending if inline else pieces)
        kept = name in _VERBATIM or _NO_TRANSLATE.search(tag.group(3) or "") is not None
        if not inline and not tag.group().endswith("/>") and (kept or (verbatim and verbatim[-1] == name)):
            if closing and verbatim and verbatim[-1] == name:
                verbatim.pop()
            elif not closing:
                verbatim.append(name)
        if not verbatim and not inline:
            run_start = tag.end()
    if not verbatim:
        _close_run(raw, run_start, len(raw), pieces, pending)
    return sorted(pieces, key=lambda piece: piece.start)


def _close_run(raw: str, start: int, end: int, pieces: list[HtmlPiece], pending: list[HtmlPiece]) -> None:
    text = raw[start:end]
    if _WORD.search(_TAG.sub(" ", _CODE.sub(" ", text))):
        lead = len(text) - len(text.lstrip())
        trail = len(text.rstrip())
        pieces.append(HtmlPiece("html", start + lead, start + trail, collapse_whitespace(text.strip())))
    else:
        pieces.extend(pending)
    pending.clear()


def _add_attributes(tag: re.Match[str], pieces: list[HtmlPiece]) -> None:
    for attribute in _TEXT_ATTRIBUTE.finditer(tag.group(3) or ""):
        group = 2 if attribute.group(2) is not None else 3
        value = html.unescape(attribute.group(group))
        if not _WORD.search(value):
            continue
        offset = tag.start(3)
        kind = "alt" if attribute.group(1).lower() == "alt" else "title_attr"
        pieces.append(HtmlPiece(kind, offset + attribute.start(group), offset + attribute.end(group),
                                collapse_whitespace(value).strip()))


def replace_pieces(raw: str, replacements: list[tuple[HtmlPiece, str]]) -> str:
    """``raw`` with each piece's text replaced (HTML for runs, plain text for attributes, escaped)."""
    for piece, replacement in sorted(replacements, key=lambda pair: pair[0].start, reverse=True):
        value = replacement if piece.kind == "html" else html.escape(replacement, quote=True)
        raw = raw[: piece.start] + value + raw[piece.end :]
    return raw
