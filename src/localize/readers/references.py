"""Reference-style Markdown links made self-contained: ``[text][ref]`` -> ``[text](url "title")``.

A msgid is rendered on its own (``render_inline``) without the article's link
reference definitions, so the reader writes each resolvable reference link in
inline form; everything else of the source text stays as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from markdown_it.common.utils import normalizeReference

_CODE_SPAN = re.compile(r"(`+)(?:.|\n)*?(?<!`)\1(?!`)")
_FULL = re.compile(r"\[((?:[^\[\]\\]|\\.)*)\]\[((?:[^\[\]\\]|\\.)*)\]")
#: ``[text]`` not followed by ``(`` or ``[``; a colon after it is fine (``using [Graphviz]:``),
#: definitions never reach inline text.
_SHORTCUT = re.compile(r"(?<!\])\[((?:[^\[\]\\]|\\.)+)\](?![(\[])")


def inline_references(text: str, references: Mapping[str, Any]) -> str:
    """``text`` with full, collapsed and shortcut reference links written as inline links."""
    if not references or "[" not in text:
        return text
    pieces: list[str] = []
    last = 0
    for code in _CODE_SPAN.finditer(text):
        pieces.append(_replace(text[last : code.start()], references))
        pieces.append(code.group())
        last = code.end()
    pieces.append(_replace(text[last:], references))
    return "".join(pieces)


def _replace(text: str, references: Mapping[str, Any]) -> str:
    def full(match: re.Match[str]) -> str:
        label = match.group(2) or match.group(1)
        return _inline(match.group(1), references.get(normalizeReference(label)), match.group())

    def shortcut(match: re.Match[str]) -> str:
        return _inline(match.group(1), references.get(normalizeReference(match.group(1))), match.group())

    return _SHORTCUT.sub(shortcut, _FULL.sub(full, text))


def _inline(label: str, reference: Mapping[str, str] | None, original: str) -> str:
    if reference is None:
        return original
    href = reference.get("href", "")
    destination = f"<{href}>" if re.search(r"[\s()<>]", href) else href
    title = reference.get("title") or ""
    if title:
        escaped = title.replace("\\", "\\\\").replace('"', '\\"')
        destination += f' "{escaped}"'
    return f"[{label}]({destination})"


def reference_links(text: str, references: Mapping[str, Any]) -> list[tuple[str, str, str, str]]:
    """The resolvable reference links of ``text``: (as written, link text, label, inline form).

    A writer that receives the inline form back in a translation uses this to
    write the source's reference form again.
    """
    found: list[tuple[str, str, str, str]] = []
    if not references or "[" not in text:
        return found
    outside = blank_code_spans(text)
    for pattern, labelled in ((_FULL, True), (_SHORTCUT, False)):
        for match in pattern.finditer(outside):
            label = (match.group(2) if labelled else None) or match.group(1)
            reference = references.get(normalizeReference(label))
            if reference is not None:
                written = text[match.start() : match.end()]
                found.append((written, match.group(1), label, _inline(match.group(1), reference, written)))
    return found


def blank_code_spans(text: str) -> str:
    """``text`` with each code span blanked out by spaces (same length, offsets unchanged)."""
    return _CODE_SPAN.sub(lambda m: " " * len(m.group()), text)
