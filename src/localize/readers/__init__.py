"""Readers: source files into :class:`~localize.model.Document`, and documents back to HTML.

The format is chosen by suffix (``.md``/``.markdown`` Markdown, ``.html``/``.htm``
HTML). Reading and rendering of one format share a walk over the same parse,
so ``Block.index`` always names the same place when the site builder renders
translated text into the page structure.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from localize.errors import InputError
from localize.model import Block, Document, DocumentFormat
from localize.project import Project
from localize.readers.html import read_html, render_html_body, render_html_inline
from localize.readers.markdown import (
    MarkdownBody,
    markdown_parser,
    read_markdown_body,
    render_markdown_body,
    render_markdown_inline,
)
from localize.readers.text import read_source_text

__all__ = ["ParsedBody", "document_format", "prepare_readers", "read_document", "read_document_body",
           "read_project", "render_body", "render_inline"]

#: What a reader keeps of a document's parse for ``render_body`` (None: the renderer parses again).
ParsedBody = MarkdownBody | None

RewriteUrl = Callable[[str], str]
_FORMATS: dict[str, DocumentFormat] = {
    ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html",
}


def document_format(path: Path | str, origin: str | None = None) -> DocumentFormat:
    """The format a file is read as, from its suffix."""
    suffix = Path(path).suffix.lower()
    if suffix not in _FORMATS:
        raise InputError(
            f"unsupported file type {suffix or '(none)'!r}: use .md, .markdown, .html or .htm",
            origin or str(path),
        )
    return _FORMATS[suffix]


def read_document(path: Path, source_path: str | None = None,
                  front_matter_keys: tuple[str, ...] = ()) -> Document:
    """Read one source file; ``source_path`` names it in blocks and errors (default: ``path``).

    ``front_matter_keys`` are translated besides title and description (Markdown only).
    """
    return read_document_body(path, source_path, front_matter_keys)[0]


def read_document_body(path: Path, source_path: str | None = None,
                       front_matter_keys: tuple[str, ...] = ()) -> tuple[Document, ParsedBody]:
    """``read_document``, and its parse for rendering its pages without reading it again."""
    origin = source_path if source_path is not None else Path(path).as_posix()
    fmt = document_format(path, origin)
    text = read_source_text(Path(path), origin)
    if fmt == "markdown":
        return read_markdown_body(text, origin, front_matter_keys)
    return read_html(text, origin), None


def read_project(project: Project) -> tuple[Document, ...]:
    """Every source file of the project, each with its slug; a slug used twice is an error."""
    documents: list[Document] = []
    owners: dict[str, str] = {}
    for path in project.source_files():
        document = read_document(path, project.relative(path), project.settings.front_matter_keys)
        slug = document.slug or project.default_slug(path)
        if slug in owners:
            raise InputError(
                f"slug {slug!r} is used by both {owners[slug]} and {document.source_path}",
                document.source_path,
            )
        owners[slug] = document.source_path
        if document.slug != slug:
            document = _with_slug(document, slug)
        documents.append(document)
    return tuple(documents)


def _with_slug(document: Document, slug: str) -> Document:
    from dataclasses import replace

    return replace(document, slug=slug)


def render_inline(text: str, fmt: DocumentFormat, rewrite_url: RewriteUrl | None = None) -> str:
    """One block's or segment's inline text (source syntax) as HTML; text escaped, URLs rewritten."""
    if fmt == "markdown":
        return render_markdown_inline(text, rewrite_url)
    return render_html_inline(text, rewrite_url)


def render_body(
    document: Document,
    block_html: Callable[[Block], str | None],
    rewrite_url: RewriteUrl | None = None,
    parsed: ParsedBody = None,
) -> str:
    """The document body as HTML with each translatable block's content from ``block_html``.

    ``block_html`` returns HTML for inline kinds, plain text for ``alt``/``title_attr``
    (escaped here into the attribute), or None to keep the source rendering. ``parsed``
    is what ``read_document_body`` returned with ``document``.
    """
    if document.format == "markdown":
        return render_markdown_body(document, block_html, rewrite_url, parsed)
    return render_html_body(document, block_html, rewrite_url)


def prepare_readers() -> None:
    """Build the Markdown parsers in this process now, before ``--jobs`` workers are forked:
    they inherit them (and the readers' imports) instead of each worker of each stage
    importing and building them again."""
    markdown_parser()
    markdown_parser(inline_only=True)
