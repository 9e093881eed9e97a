"""Plain data passed between the pipeline's stages.

Every stage takes and returns these frozen dataclasses, so a build script can
call any stage on its own and nothing downstream can mutate what upstream made.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

DocumentFormat = Literal["markdown", "html"]

#: Block kinds whose text is an attribute value or metadata (plain text, no inline markup).
PLAIN_TEXT_KINDS = frozenset({"title", "description", "front_matter", "alt", "title_attr"})


@dataclass(frozen=True)
class Block:
    """One translatable unit of a document, in reading order.

    ``text`` keeps inline markup in the source's own syntax (Markdown or HTML),
    because that is what translators see in msgids and what the builder renders.
    """

    index: int
    kind: str
    line: int
    text: str
    #: Where the block's text lies in ``Document.text``: [start, end) character offsets,
    #: for writers that substitute translations into the source (Markdown output).
    #: None where a reader does not know (HTML sources, synthesized blocks).
    span: tuple[int, int] | None = None
    #: The front-matter key a ``title``, ``description`` or ``front_matter`` block comes from.
    key: str | None = None


@dataclass(frozen=True)
class Document:
    """A source article as read: its translatable blocks and what it needs to render again."""

    source_path: str
    format: DocumentFormat
    text: str
    blocks: tuple[Block, ...]
    metadata: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    slug: str | None = None

    @property
    def title(self) -> str | None:
        return next((b.text for b in self.blocks if b.kind == "title"), None)


def segment_id(kind: str, text: str) -> str:
    """Stable id: the same sentence in the same kind of block always gets the same id."""
    digest = hashlib.sha1(f"{kind}\x00{text}".encode()).hexdigest()
    return digest[:12]


@dataclass(frozen=True)
class Segment:
    """One sentence of a block; ``text`` is the msgid it becomes."""

    id: str
    block: int
    kind: str
    line: int
    text: str
    position: int = 0  # index of the sentence inside its block

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "block": self.block, "kind": self.kind, "line": self.line, "text": self.text}
