"""A translated block's text made ready for the place it lands in the source file.

The msgid is a normalized form of the source (wrapped lines joined, reference
links written inline, ``\\|`` unescaped in table cells); putting a translation
back means undoing that: reference links in the source's form, each new line
with the source's prefix (``>``, list indentation), and text escaped where it
would otherwise change the structure around it (SPEC section 10).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from localize.readers.references import reference_links

#: What may stand before a block's text on its first line when the block starts a line:
#: indentation, ``>`` markers, list markers, a footnote label, a definition-list colon.
_CONTAINER_PREFIX = re.compile(
    r"^(?:[ \t>]+|(?:[-+*]|\d{1,9}[.)])[ \t]+|\[\^[^\]\n]*\]:[ \t]*|:[ \t]+)*$"
)
_LINE_START = (
    (re.compile(r"^(#{1,6})(?=[ \t]|$)"), r"\\\1"),
    (re.compile(r"^([-+*])(?=[ \t]|$)"), r"\\\1"),
    (re.compile(r"^(\d{1,9})([.)])(?=[ \t]|$)"), r"\1\\\2"),
    (re.compile(r"^>"), r"\\>"),
    (re.compile(r"^(`{3,}|~{3,})"), r"\\\1"),
    (re.compile(r"^(?=(?:=+|-+|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})[ \t]*$)"), r"\\"),
)
_PIPE = re.compile(r"(?<!\\)\|")
_CLOSING_HASHES = re.compile(r"(^|[ \t])(#+)[ \t]*$")
_PREFIX = re.compile(r"[ \t>]*")


def starts_line(text: str, start: int) -> bool:
    """Whether a block's text at ``start`` begins a line (only container markers before it)."""
    line_start = text.rfind("\n", 0, start) + 1
    return bool(_CONTAINER_PREFIX.match(text[line_start:start]))


def escape_line_start(line: str) -> str:
    """A line that would open a heading, list, quote, fence or rule, escaped to stay text."""
    for pattern, replacement in _LINE_START:
        escaped = pattern.sub(replacement, line, count=1)
        if escaped != line:
            return escaped
    return line


def continuation_prefix(text: str, span: tuple[int, int]) -> str:
    """What goes before each new line of the block: the source's second line's prefix, else
    the first line's markers with list markers turned to spaces (``> - `` -> ``>   ``)."""
    start, end = span
    newline = text.find("\n", start, end)
    if newline >= 0:
        return _PREFIX.match(text, newline + 1).group()  # type: ignore[union-attr]
    line_start = text.rfind("\n", 0, start) + 1
    return re.sub(r"[^\s>]", " ", text[line_start:start])


def place_inline(text: str, span: tuple[int, int], kind: str, translated: str,
                 references: Mapping[str, Any] | None) -> str:
    """``translated`` (inline Markdown) as it must be written over ``text[span]``."""
    start, end = span
    if references:
        translated = restore_references(text[start:end], translated, references)
    if kind == "table_cell":
        translated = _PIPE.sub(r"\\|", translated)
    if kind == "table_cell" or not starts_line(text, start):
        flat = " ".join(piece.strip().rstrip("\\").strip() for piece in translated.split("\n"))
        flat = re.sub(r"[ \t]+", " ", flat).strip()
        if kind == "heading":
            flat = _CLOSING_HASHES.sub(lambda m: m.group(1) + "\\" + m.group(2), flat)
        if text[start - 1 : start] == '"' and text[end : end + 1] == '"':  # !!! note "Title"
            flat = flat.replace('"', "&quot;")
        return flat
    lines = [line.strip(" \t") for line in translated.split("\n")]
    lines = [escape_line_start(line) for line in lines if line]
    return ("\n" + continuation_prefix(text, span)).join(lines)


def place_plain(translated: str, kind: str) -> str:
    """Plain text (an image's alt) written between ``![`` and ``]``."""
    flat = re.sub(r"\s+", " ", translated).strip()
    return re.sub(r"([\\\[\]])", r"\\\1", flat)


def restore_references(source: str, translated: str, references: Mapping[str, Any]) -> str:
    """Inline links of ``translated`` that the source wrote as reference links, written so again."""
    for written, link_text, label, inline in reference_links(source, references):
        destination = inline[len(link_text) + 2 :]  # "(url "title")" after "[text]"
        if f"]{destination}" in source:
            continue  # the source also links there inline: keep what the translator wrote
        pattern = re.compile(r"\[((?:[^\[\]\\]|\\.)*)\]" + re.escape(destination))

        def back(match: re.Match[str], written: str = written, link_text: str = link_text,
                 label: str = label) -> str:
            if match.group(1) == link_text:
                return written
            return f"[{match.group(1)}][{label}]"

        translated = pattern.sub(back, translated)
    return translated
