"""Which pages of an article qualify (SPEC sections 4 and 6), from its document and catalogs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from localize.config import Settings
from localize.glossary import Glossary, load_project_glossary
from localize.limits import check_segment_sizes
from localize.locales import LocaleInfo
from localize.model import Document, Segment
from localize.project import Project
from localize.site.manifest import Completion
from localize.site.translations import (
    CatalogText,
    SafetyKey,
    SegmentChooser,
    load_catalog,
    qualifies,
)
from localize.statmemo import resolved_text


@dataclass(frozen=True)
class LocalePlan:
    """A page that will be built: its locale and its catalog completion."""

    locale: LocaleInfo
    completion: Completion


@dataclass(frozen=True)
class ArticlePlan:
    slug: str
    source_rel: str  # relative to the project: content/news/a.md
    content_rel: str  # relative to content/: news/a.md
    published: tuple[LocalePlan, ...]  # source first, then target_locales order
    left_out: tuple[LocalePlan, ...]

    @property
    def cluster(self) -> tuple[LocaleInfo, ...]:
        """Published locales that take part in hreflang, switchers and the sitemap."""
        return tuple(p.locale for p in self.published if not p.locale.is_pseudo)


@dataclass(frozen=True)
class ArticleInputs:
    """What rendering an article needs once it has been read (only on a cache miss)."""

    document: Document
    segments: tuple[Segment, ...]
    catalogs: dict[str, CatalogText]  # posix -> usable entries
    glossary: Glossary | None = None  # for the QA checks a translation must pass to be shown
    # safety verdicts of this article's translations, shared by its choosers (see chooser_for)
    verdicts: dict[SafetyKey, bool] = field(default_factory=dict, compare=False, repr=False)
    # the reader's parse of the document, so every page renders from one parse (readers.ParsedBody)
    parsed: Any = field(default=None, compare=False, repr=False)


def catalog_locales(settings: Settings) -> tuple[LocaleInfo, ...]:
    """Every locale whose catalogs a page may draw on: targets and their fallbacks."""
    seen: dict[str, LocaleInfo] = {}
    for locale in settings.target_locales:
        seen.setdefault(locale.posix, locale)
        for fallback in settings.fallbacks_for(locale):
            if fallback.posix != settings.source_locale.posix:
                seen.setdefault(fallback.posix, fallback)
    return tuple(seen.values())


def chooser_for(settings: Settings, inputs: ArticleInputs, locale: LocaleInfo, publish: str) -> SegmentChooser:
    chain = [inputs.catalogs.get(locale.posix) or CatalogText.empty(locale)]
    for fallback in settings.fallbacks_for(locale):
        if fallback.posix not in (settings.source_locale.posix, locale.posix):
            chain.append(inputs.catalogs.get(fallback.posix) or CatalogText.empty(fallback))
    own_publish = "machine" if locale.is_pseudo else publish
    return SegmentChooser(inputs.document.format, chain, publish, own_publish,
                          inputs.glossary, settings.qa_ignore, inputs.verdicts)


def read_article(project: Project, path: Path) -> tuple[str, ArticleInputs]:
    """Read, segment and load the catalogs of one article; returns its slug too."""
    from localize.readers import read_document_body
    from localize.segmentation import segment_document

    settings = project.settings
    document, parsed = read_document_body(path, project.relative(path), settings.front_matter_keys)
    slug = document.slug or project.default_slug(path)
    segments = tuple(segment_document(document, settings.source_locale))
    check_segment_sizes(segments, settings.max_segment_chars, project.relative(path))
    catalogs = {
        locale.posix: load_catalog(project.po_path(slug, locale), locale)
        for locale in catalog_locales(settings)
    }
    return slug, ArticleInputs(document, segments, catalogs, load_project_glossary(project), parsed=parsed)


def plan_article(project: Project, path: Path, slug: str, inputs: ArticleInputs, publish: str) -> ArticlePlan:
    """Source page always; pseudo pages always; others by min_completion and one translated segment."""
    settings = project.settings
    total = len({s.text for s in inputs.segments})
    published = [LocalePlan(settings.source_locale, Completion(total, total, 0, 0))]
    left_out: list[LocalePlan] = []
    for locale in settings.target_locales:
        completion, publishable = chooser_for(settings, inputs, locale, publish).completion(inputs.segments)
        plan = LocalePlan(locale, completion)
        if locale.is_pseudo or qualifies(publishable, total, settings.min_completion):
            published.append(plan)
        else:
            left_out.append(plan)
    content_rel = Path(resolved_text(path)).relative_to(resolved_text(project.content_dir)).as_posix()
    return ArticlePlan(slug, project.relative(path), content_rel, tuple(published), tuple(left_out))
