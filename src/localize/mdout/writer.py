"""One localized Markdown file: the source file with each translated block's span replaced.

Edits are computed on the document's text (``\\n`` line ends, no BOM) and
applied to the file as it is on disk, so a CRLF file stays CRLF and a BOM
stays; everything outside the edited spans is copied byte for byte.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from localize.errors import InputError
from localize.mdout.frontmatter import yaml_scalar
from localize.mdout.placing import place_inline, place_plain
from localize.model import Document

FRONT_MATTER_KINDS = frozenset({"title", "description", "front_matter"})
_LINE_END = re.compile(r"\r\n?")


@dataclass(frozen=True)
class Edit:
    """Replace ``[start, end)`` of the document's text with ``text`` (``\\n`` line ends)."""

    start: int
    end: int
    text: str


def block_edits(document: Document, new_texts: Mapping[int, str],
                references: Callable[[], Mapping[str, Any]]) -> list[Edit]:
    """An edit per translated block that has a span; ``references`` is asked only when needed."""
    text = document.text
    edits = []
    for block in document.blocks:
        new = new_texts.get(block.index)
        if new is None or block.span is None:
            continue
        start, end = block.span
        if block.kind in FRONT_MATTER_KINDS:
            flow = text[:start].rstrip()[-1:] in ("[", ",")
            replacement = yaml_scalar(new, flow)
        elif block.kind == "html":  # a run of text inside an HTML block: a blank line would end it
            replacement = re.sub(r"\n[ \t]*\n", "\n", new)
        elif block.kind == "alt" and text[start - 2 : start] == "![":
            replacement = place_plain(new, block.kind)
        elif block.kind in ("alt", "title_attr"):  # an attribute value of an HTML tag
            replacement = html.escape(new, quote=True)
        else:
            source = text[start:end]
            wanted = references() if "[" in source else None
            replacement = place_inline(text, block.span, block.kind, new, wanted)
        edits.append(Edit(start, end, replacement))
    return edits


class SourceFile:
    """A source file as on disk, and the map from the document's offsets to the file's."""

    def __init__(self, raw: str, document: Document) -> None:
        self.bom = "\ufeff" if raw.startswith("\ufeff") else ""
        self.raw = raw[len(self.bom) :]
        self.crlf: list[int] = []  # document offsets of "\n"s that are "\r\n" on disk
        removed = 0
        counts = {"\n": self.raw.count("\n"), "\r": 0, "\r\n": 0}
        for match in _LINE_END.finditer(self.raw):
            ending = match.group()
            counts[ending] += 1
            if ending == "\r\n":
                self.crlf.append(match.start() - removed)
                removed += 1
        counts["\n"] -= counts["\r\n"]
        self.eol = max(("\n", "\r\n", "\r"), key=lambda e: counts[e])
        if len(self.raw) - removed != len(document.text):
            raise InputError("document changed since it was read", document.source_path)

    def offset(self, position: int) -> int:
        return position + bisect.bisect_left(self.crlf, position)

    def apply(self, edits: Sequence[Edit]) -> str:
        """The file with ``edits`` applied (non-overlapping); new line ends as the file's own."""
        pieces = [self.bom]
        last = 0
        for edit in sorted(edits, key=lambda e: (e.start, e.end)):
            start, end = self.offset(edit.start), self.offset(edit.end)
            if start < last:
                raise ValueError("overlapping edits")
            pieces.append(self.raw[last:start])
            pieces.append(edit.text.replace("\n", self.eol) if self.eol != "\n" else edit.text)
            last = end
        pieces.append(self.raw[last:])
        return "".join(pieces)
