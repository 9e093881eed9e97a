"""Where each Markdown block's text lies in the source, so a writer can substitute it in place.

markdown-it gives every block token a line range (``.map``) and its inline
``content`` with container prefixes (``>``, list indentation) removed. A
block's span runs from the first character of its content to the last, across
any prefixes between; the writer keeps everything outside the spans byte for
byte. Where the content cannot be found as written (a tab expanded inside the
indentation, a syntax a plugin rewrites) the span is None and the writer keeps
that block's source text.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it.token import Token

Span = tuple[int, int]

_PIPE = re.compile(r"(?<!\\)((?:\\\\)*)\|")


class SpanLocator:
    """Finds block spans in one document's text (``\\n`` line ends, front matter included)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(newline.end() for newline in re.finditer("\n", text))]
        self._cells_used: dict[int, int] = {}  # table row line -> cells already matched

    def line(self, number: int) -> tuple[int, str]:
        """(offset, text without its newline) of 0-based line ``number``."""
        start = self.starts[number]
        end = self.starts[number + 1] - 1 if number + 1 < len(self.starts) else len(self.text)
        return start, self.text[start:end]

    def locate(self, token: Token, kind: str, line: int, piece: Any = None) -> Span | None:
        """The span of a slot: an inline token's content, a table cell, an image's alt text, or a
        piece (``start``/``end`` in the token's content) of an HTML block.

        ``line`` is the slot's 1-based line (an image token has no line range of its own).
        """
        if piece is not None:
            return self._piece(token, piece)
        if token.type == "image":
            return self._alt(line - 1) if 0 < line <= len(self.starts) else None
        if token.map is None or token.map[0] >= len(self.starts):
            return None
        if kind == "table_cell":
            return self._cell(token.map[0], token.content)
        return self._content(token.map[0], token.content)

    def _piece(self, token: Token, piece: Any) -> Span | None:
        """An HTML block's piece, where the block's content is the source lines as written."""
        if token.map is None or token.map[0] >= len(self.starts):
            return None
        start = self.starts[token.map[0]]
        if not self.text.startswith(token.content.rstrip("\n"), start):
            return None  # indented or quoted: the content is not the text as written
        return start + piece.start, start + piece.end

    def _content(self, first: int, content: str) -> Span | None:
        lines = content.split("\n")
        if first + len(lines) > len(self.starts):
            return None
        offset, raw = self.line(first)
        head = lines[0]
        if len(lines) == 1:
            trimmed = raw.rstrip(" \t")
            position = len(trimmed) - len(head) if trimmed.endswith(head) else raw.rfind(head)
            if position < 0:
                return None
            return offset + position, offset + position + len(head)
        if not raw.endswith(head):
            return None
        start = offset + len(raw) - len(head)
        for number, piece in enumerate(lines[1:-1], first + 1):
            if not self.line(number)[1].endswith(piece.lstrip(" \t")):
                return None
        offset, raw = self.line(first + len(lines) - 1)
        tail = lines[-1].lstrip(" \t")
        trimmed = raw.rstrip(" \t")
        if not trimmed.endswith(tail):
            return None
        return start, offset + len(trimmed)

    def _cell(self, row: int, content: str) -> Span | None:
        offset, raw = self.line(row)
        cells = _row_cells(raw)
        for index in range(self._cells_used.get(row, 0), len(cells)):
            start, end = cells[index]
            if raw[start:end].replace("\\|", "|") == content:
                self._cells_used[row] = index + 1
                return offset + start, offset + end
        return None

    def _alt(self, first: int) -> Span | None:
        start = self.starts[first]
        end = len(self.text)
        opener = self.text.find("![", start, end)
        if opener < 0:
            return None
        depth = 0
        position = opener + 2
        while position < end:
            char = self.text[position]
            if char == "\\":
                position += 2
                continue
            if char == "[":
                depth += 1
            elif char == "]":
                if depth == 0:
                    return opener + 2, position
                depth -= 1
            position += 1
        return None


def _row_cells(raw: str) -> list[Span]:
    """[start, end) of each cell's stripped text in a table row line (GFM pipe rules)."""
    body_start = len(raw) - len(raw.lstrip(" \t>"))
    body_end = len(raw.rstrip(" \t"))
    if raw.startswith("|", body_start):
        body_start += 1
    bounds = [body_start]
    for match in _PIPE.finditer(raw, body_start, body_end):
        bounds.append(match.end() - 1)
        bounds.append(match.end())
    bounds.append(body_end)
    cells: list[Span] = []
    for start, end in zip(bounds[::2], bounds[1::2], strict=True):
        piece = raw[start:end]
        left = start + len(piece) - len(piece.lstrip(" \t"))
        right = start + len(piece.rstrip(" \t"))
        cells.append((left, max(left, right)))
    return cells
