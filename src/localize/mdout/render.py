"""One article's localized files: the segments each locale shows, substituted into the source.

Which text a segment shows is the HTML build's decision (``site.plan.chooser_for``:
publishing rules, fallbacks, QA safety); only where it goes differs.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import escape

from localize.locales import LocaleInfo
from localize.mdout.frontmatter import Provenance, added_keys
from localize.mdout.layouts import TRANSLATION_KEY_LAYOUTS, Layout
from localize.mdout.links import link_edits
from localize.mdout.writer import Edit, SourceFile, block_edits
from localize.model import PLAIN_TEXT_KINDS, Document, Segment
from localize.project import Project
from localize.segmentation import join_sentences
from localize.site.plan import ArticleInputs, ArticlePlan, chooser_for

log = logging.getLogger("localize")


@dataclass(frozen=True)
class LocalizedFile:
    locale: LocaleInfo
    path: str  # under --out, posix
    content: bytes


@dataclass(frozen=True)
class RenderedArticle:
    files: tuple[LocalizedFile, ...]
    link_targets: frozenset[str]  # content-relative paths its rewritten links depend on


def block_texts(document: Document, segments: tuple[Segment, ...], pick: Callable[[Segment], Any],
                locale: LocaleInfo) -> tuple[dict[int, str], bool]:
    """New text per block whose chosen texts differ from the source, and whether any is machine."""
    by_block: dict[int, list[Segment]] = {}
    for segment in sorted(segments, key=lambda s: (s.block, s.position)):
        by_block.setdefault(segment.block, []).append(segment)
    texts: dict[int, str] = {}
    machine = False
    for index, block_segments in by_block.items():
        choices = [pick(segment) for segment in block_segments]
        machine = machine or any(choice.machine for choice in choices)
        if any(choice.text != segment.text for choice, segment in zip(choices, block_segments, strict=True)):
            markup = is_markdown_text(block_segments[0].kind)
            texts[index] = join(locale, [choice.text for choice in choices], markup)
    return texts, machine


def is_markdown_text(kind: str) -> bool:
    """Whether a block of ``kind`` is Markdown inline text, where Markdown escapes apply
    (not a plain-text value, nor the text of an HTML block, where a backslash would show)."""
    return kind not in PLAIN_TEXT_KINDS and kind != "html"


def join(locale: LocaleInfo, sentences: list[str], markup: bool = True) -> str:
    """Sentences joined the target language's way; in Markdown, a "!" that would meet a "["
    (and make an image) is escaped."""
    pieces = [s.strip() for s in sentences if s and s.strip()]
    if markup and not locale.uses_spaces:
        pieces = [piece[:-1] + "\\!" if piece.endswith("!") and following.startswith("[") else piece
                  for piece, following in zip(pieces, [*pieces[1:], ""], strict=True)]
    return join_sentences(pieces, locale)


def render_article(project: Project, plan: ArticlePlan, inputs: ArticleInputs, layout: Layout,
                   publish: str, article_files: Mapping[str, Mapping[str, str]]) -> RenderedArticle:
    """Every written locale's file of one article (pseudo-locales are not written)."""
    settings = project.settings
    data = (project.root / plan.source_rel).read_bytes()
    raw = data.decode("utf-8")
    document = inputs.document
    source_file = SourceFile(raw, document) if document.format == "markdown" else None
    references: dict[str, Any] = {}
    files: list[LocalizedFile] = []
    targets: set[str] = set()

    def reference_map() -> Mapping[str, Any]:
        if "map" not in references:
            parsed = inputs.parsed  # the reader's parse of this Markdown document, when kept
            references["map"] = parsed.references if parsed is not None else _references(document)
        return references["map"]

    for locale_plan in plan.published:
        locale = locale_plan.locale
        if locale.is_pseudo:
            continue
        if locale.posix == settings.source_locale.posix:
            texts, machine = {}, False
        else:
            chooser = chooser_for(settings, inputs, locale, publish)
            texts, machine = block_texts(document, inputs.segments, chooser.choose, locale)
        completion = locale_plan.completion
        provenance = Provenance(plan.source_rel, hashlib.sha256(data).hexdigest(), completion.total,
                                completion.reviewed, completion.machine, machine)
        path = layout.path(plan.content_rel, plan.slug, locale)
        if source_file is None:
            content = _html_file(project, inputs, locale, publish, provenance)
        else:
            edits = block_edits(document, texts, reference_map)
            unplaced = [i for i in texts if document.blocks[i].span is None]
            if unplaced:
                lines = sorted({document.blocks[i].line for i in unplaced})
                log.warning("%s: %d translated block(s) could not be placed in the source (line %s); "
                            "they keep the source text", plan.source_rel, len(unplaced),
                            ", ".join(map(str, lines)))
            slug = plan.slug if layout.name in TRANSLATION_KEY_LAYOUTS else None
            offset, keys = added_keys(document.text, document.metadata, plan.source_rel, slug, provenance)
            edits.append(Edit(offset, offset, keys))
            if settings.markdown.rewrite_links:
                rewritten, linked = link_edits(document, edits, plan, locale, layout, article_files)
                edits = rewritten
                targets |= linked
            content = source_file.apply(edits)
        files.append(LocalizedFile(locale, path, content.encode("utf-8")))
    return RenderedArticle(tuple(files), frozenset(targets))


def _references(document: Document) -> Mapping[str, Any]:
    from localize.readers.frontmatter import locate_front_matter
    from localize.readers.markdown import markdown_parser

    _, body, _ = locate_front_matter(document.text, document.source_path)
    env: dict[str, Any] = {}
    markdown_parser().parse(body, env)
    return env.get("references", {})


def _html_file(project: Project, inputs: ArticleInputs, locale: LocaleInfo, publish: str,
               provenance: Provenance) -> str:
    """An HTML source article, translated: its body with the chosen texts, in a minimal page."""
    from localize.site.compose import PageComposer

    settings = project.settings
    source = settings.source_locale
    is_source = locale.posix == source.posix
    chooser = None if is_source else chooser_for(settings, inputs, locale, publish)
    composed = PageComposer(inputs.document, inputs.segments, locale, source, chooser, lambda u: u).compose()
    description = (f'<meta name="description" content="{escape(composed.description)}">\n'
                   if composed.description else "")
    return (f'<!DOCTYPE html>\n<html lang="{escape(locale.bcp47)}" dir="{locale.direction}">\n<head>\n'
            f'<meta charset="utf-8">\n<title>{escape(composed.title_text)}</title>\n{description}'
            f'<meta name="localize:source" content="{escape(provenance.source)}">\n</head>\n<body>\n'
            f"{composed.body}\n</body>\n</html>\n")
