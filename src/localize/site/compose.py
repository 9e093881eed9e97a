"""A page's translated content: title, description and body, segment by segment.

Each translatable block is rebuilt from its segments' chosen texts, joined as
the target language joins sentences. Translations are rendered from their own
inline markup only when the chooser found them safe; a segment shown in another
language (fallback locale or source) is wrapped in an element carrying its
``lang`` so browsers and screen readers switch language for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import html as lxml_html
from markupsafe import Markup, escape

from localize.locales import LocaleInfo
from localize.model import PLAIN_TEXT_KINDS, Block, Document, Segment
from localize.site.translations import Choice, SegmentChooser

if TYPE_CHECKING:
    from localize.readers import ParsedBody

RewriteUrl = Callable[[str], str]


@dataclass(frozen=True)
class ComposedPage:
    title_text: str
    title_html: Markup
    description: str
    body: Markup
    has_machine: bool


class PageComposer:
    """Builds one page's content for ``locale`` (``chooser`` None = the source page)."""

    def __init__(self, document: Document, segments: Sequence[Segment], locale: LocaleInfo,
                 source: LocaleInfo, chooser: SegmentChooser | None, rewrite: RewriteUrl,
                 parsed: ParsedBody = None) -> None:
        self.document = document
        self.parsed = parsed  # the reader's parse of document (readers.ParsedBody), None to parse again
        self.locale = locale
        self.source = source
        self.chooser = chooser
        self.rewrite = rewrite
        self.by_block: dict[int, list[Segment]] = {}
        for segment in sorted(segments, key=lambda s: (s.block, s.position)):
            self.by_block.setdefault(segment.block, []).append(segment)
        self.has_machine = False

    def compose(self) -> ComposedPage:
        from localize.readers import render_body

        body = Markup(render_body(self.document, self.block_html, self.rewrite, self.parsed))
        title_block = next((b for b in self.document.blocks if b.kind == "title"), None)
        if title_block is not None:
            title_text = self.plain_text(title_block)
            title_html = Markup(self.block_html(title_block, plain_as_html=True) or escape(title_text))
        else:
            title_text = self.heading_text() or (self.document.slug or "")
            title_html = Markup(escape(title_text))
        description_block = next((b for b in self.document.blocks if b.kind == "description"), None)
        description = self.plain_text(description_block) if description_block is not None else ""
        return ComposedPage(title_text, title_html, description, body, self.has_machine)

    def choices(self, block: Block) -> list[tuple[Segment, Choice]]:
        segments = self.by_block.get(block.index, [])
        if self.chooser is None:
            return [(s, Choice(s.text, self.source, False)) for s in segments]
        picked = [(s, self.chooser.choose(s)) for s in segments]
        self.has_machine = self.has_machine or any(c.machine for _, c in picked)
        return picked

    def plain_text(self, block: Block) -> str:
        picked = self.choices(block)
        if not picked:
            return block.text
        return self.join([c.text for _, c in picked], block, picked)

    def block_html(self, block: Block, plain_as_html: bool = False) -> str | None:
        """HTML for a block (plain text for attribute kinds); None keeps the source rendering."""
        if self.chooser is None:
            return None
        picked = self.choices(block)
        if not picked:
            return None
        plain = block.kind in PLAIN_TEXT_KINDS
        if plain and not plain_as_html:
            return self.join([c.text for _, c in picked], block, picked)
        pieces = [self.piece_html(s, c, plain) for s, c in picked]
        return self.join(pieces, block, picked)

    def piece_html(self, segment: Segment, choice: Choice, plain: bool) -> str:
        from localize.readers import render_inline

        if plain:
            inner = str(escape(choice.text))
        else:
            inner = render_inline(choice.text, self.document.format, self.rewrite)
        shown = choice.locale or self.source
        if shown.posix == self.locale.posix:
            return inner
        direction = f' dir="{shown.direction}"' if shown.direction != self.locale.direction else ""
        return f'<span lang="{escape(shown.bcp47)}"{direction}>{inner}</span>'

    def join(self, pieces: Sequence[str], block: Block | None = None,
             picked: Sequence[tuple[Segment, Choice]] = ()) -> str:
        """Sentences joined as the locale writes them; with the source's own gaps where source
        and locale space alike (``为什么? 因为`` keeps its space) or where every sentence
        is shown as written (a block whose translations equal their sources reads as the source)."""
        from localize.segmentation import join_sentences, sentence_gaps

        gaps = None
        if block is not None and picked and (
            self.locale.uses_spaces == self.source.uses_spaces
            or all(choice.text == segment.text for segment, choice in picked)
        ):
            gaps = sentence_gaps(block.text, [s.text for s, _ in picked])
        return join_sentences(list(pieces), self.locale, gaps)

    def heading_text(self) -> str:
        heading = next((b for b in self.document.blocks if b.kind == "heading"), None)
        if heading is None:
            return ""
        rendered = self.block_html(heading)
        if rendered is None:
            from localize.readers import render_inline

            rendered = render_inline(heading.text, self.document.format)
        try:
            return lxml_html.fragment_fromstring(rendered, create_parent="div").text_content().strip()
        except (ValueError, TypeError):
            return heading.text
