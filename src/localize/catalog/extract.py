"""``localize extract``: POT templates and merged PO catalogs from content/ (SPEC sections 3, 8).

Two phases, so bad input never leaves a half-updated project: first every
changed article is read, segmented and merged in memory (a malformed source or
PO raises InputError here, before any write); then the catalogs whose bytes
changed are written atomically. Unchanged articles are skipped by content hash
(see ``localize.catalog.hashes``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import polib

from localize.catalog.hashes import ExtractState, content_hash, global_key
from localize.catalog.merge import MergeStats, SourceEntry, merge_catalog
from localize.catalog.pofile import catalog_header, load_po, new_catalog, now_stamp, po_bytes
from localize.errors import InputError
from localize.fileio import batched_dir_sync, write_if_changed
from localize.glossary import Glossary, load_project_glossary
from localize.limits import check_segment_sizes
from localize.locales import LocaleInfo
from localize.model import Document, Segment
from localize.parallel import parallel_map
from localize.project import Project
from localize.protect.placeables import placeables_comment, terms_comment
from localize.readers import read_document
from localize.readers.slugs import article_slug
from localize.segmentation import segment_document
from localize.shard import Shard


@dataclass(frozen=True)
class ExtractReport:
    """What one extract run did."""

    articles: int
    skipped: int
    segments: int
    written: tuple[str, ...]
    kept: int = 0
    renumbered: int = 0
    fuzzy: int = 0
    new: int = 0
    revived: int = 0
    obsoleted: int = 0

    def __str__(self) -> str:
        return (
            f"extracted {self.articles} article(s) ({self.skipped} unchanged, skipped), "
            f"{self.segments} segment(s); wrote {len(self.written)} catalog(s); "
            f"entries: {self.kept} kept, {self.new} new, {self.fuzzy} fuzzy, "
            f"{self.renumbered} renumbered, "
            f"{self.revived} revived, {self.obsoleted} obsoleted"
        )

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "written": list(self.written)}


@dataclass
class _Article:
    """One source file on this run: its bytes' hash and, when it must be merged, its document."""

    path: Path
    source: str
    digest: str
    slug: str
    document: Document | None = None


@dataclass
class _Plan:
    writes: list[tuple[Path, bytes]] = field(default_factory=list)
    outputs: dict[str, list[Path]] = field(default_factory=dict)
    stats: MergeStats = field(default_factory=MergeStats)
    segments: int = 0


def extract_project(
    project: Project,
    slugs: Sequence[str] | None = None,
    glossary: Glossary | None = None,
    shard: Shard | None = None,
    jobs: int | None = 1,
) -> ExtractReport:
    """Write ``locales/templates/<slug>.pot`` and merge every target locale's PO for each article.

    With ``shard`` only the shard's own articles are written (every article is still
    scanned, so a slug used twice is caught in every shard); its state is its own.
    ``jobs`` processes read, segment and merge the changed articles (None: one per core);
    the catalogs written are the same for any number.
    """
    if glossary is None:
        glossary = load_project_glossary(project)
    key = global_key(project, glossary.fingerprint)
    state = ExtractState.load(project, None if shard is None else shard.state_dir(project.state_dir))
    articles = _scan(project, state, key, shard, jobs)
    selected = _select(articles, slugs)
    if shard is not None:
        selected = [a for a in selected if shard.owns(a.slug)]
    changed = [a for a in selected if a.document is not None]
    plan = _Plan()
    for part in parallel_map(_plan_article, changed, jobs, (project, glossary)):
        plan.writes += part.writes
        plan.outputs.update(part.outputs)
        plan.stats.add(part.stats)
        plan.segments += part.segments
    written: list[str] = []
    with batched_dir_sync():
        for path, data in plan.writes:
            if write_if_changed(path, data):
                written.append(project.relative(path))
    for article in changed:
        state.record(project, article.source, article.digest, article.slug, plan.outputs[article.source])
    state.forget_missing({a.source for a in articles})
    state.save()
    return ExtractReport(
        articles=len(selected),
        skipped=len(selected) - len(changed),
        segments=plan.segments,
        written=tuple(written),
        **asdict(plan.stats),
    )


def _read(_context: None, item: tuple[Path, str, tuple[str, ...]]) -> Document:
    return read_document(*item)


def _scan(project: Project, state: ExtractState, key: str, shard: Shard | None = None,
          jobs: int | None = 1) -> list[_Article]:
    """Every source file with its slug; only changed ones (of ``shard``'s) are read and parsed."""
    articles: list[_Article] = []
    by_slug: dict[str, str] = {}
    found: list[tuple[Path, str, str, str | None, bool]] = []
    for path in project.source_files():
        source = project.relative(path)
        digest = content_hash(path.read_bytes(), key)
        slug = state.unchanged(project, source, digest)
        read = slug is None
        if slug is None and shard is not None:
            slug = article_slug(project, path)  # front matter only: most belong to other shards
            read = shard.owns(slug)
        found.append((path, source, digest, slug, read))
    keys = project.settings.front_matter_keys
    documents = iter(parallel_map(_read, [(p, s, keys) for p, s, _, _, read in found if read], jobs))
    for path, source, digest, slug, read in found:
        document = next(documents) if read else None
        if slug is None:
            assert document is not None
            slug = document.slug or project.default_slug(path)
        if slug in by_slug:
            raise InputError(f"slug {slug!r} is also used by {by_slug[slug]}", source)
        by_slug[slug] = source
        articles.append(_Article(path, source, digest, slug, document))
    return articles


def _select(articles: list[_Article], slugs: Sequence[str] | None) -> list[_Article]:
    if slugs is None:
        return articles
    known = {a.slug: a for a in articles}
    for slug in slugs:
        if slug not in known:
            raise InputError(f"no article has the slug {slug!r}")
    wanted = set(slugs)
    return [a for a in articles if a.slug in wanted]


@dataclass
class _Sentence:
    msgid: str
    occurrences: list[tuple[str, str]] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # front-matter keys of kind front_matter


def distinct_sentences(document: Document, segments: Sequence[Segment]) -> list[_Sentence]:
    """One entry per distinct sentence, in document order, with every reference and block kind."""
    found: dict[str, _Sentence] = {}
    seen: set[tuple[str, str, str]] = set()  # (text, kind or line, tag): a list lookup is quadratic
    for segment in segments:
        sentence = found.setdefault(segment.text, _Sentence(segment.text))
        reference = (document.source_path, str(segment.line))
        if (segment.text, reference[1], "line") not in seen:
            seen.add((segment.text, reference[1], "line"))
            sentence.occurrences.append(reference)
        if (segment.text, segment.kind, "kind") not in seen:
            seen.add((segment.text, segment.kind, "kind"))
            sentence.kinds.append(segment.kind)
        key = document.blocks[segment.block].key if segment.kind == "front_matter" else None
        if key is not None and key not in sentence.keys:
            sentence.keys.append(key)
    return list(found.values())


def locale_free_comments(
    document: Document, sentences: Sequence[_Sentence], glossary: Glossary
) -> list[list[str]]:
    """The comment lines every catalog shares (kind, placeables), computed once per sentence."""
    shared = []
    for sentence in sentences:
        lines = ["kind: " + ", ".join(sentence.kinds)]
        if sentence.keys:
            lines.append("key: " + ", ".join(sentence.keys))
        placeables = placeables_comment(sentence.msgid, document.format, glossary)
        if placeables:
            lines.append("placeables: " + placeables)
        shared.append(lines)
    return shared


def source_entries(
    sentences: Sequence[_Sentence],
    shared: Sequence[list[str]],
    glossary: Glossary,
    locale: LocaleInfo | None,
) -> list[SourceEntry]:
    """The tool-owned side of each entry; ``locale`` None is the POT form of the terms comment."""
    entries = []
    for sentence, common in zip(sentences, shared, strict=True):
        lines = list(common)
        terms = terms_comment(sentence.msgid, glossary, locale)
        if terms:
            lines.append("terms: " + terms)
        entries.append(SourceEntry(sentence.msgid, tuple(sentence.occurrences), "\n".join(lines)))
    return entries


def _plan_article(context: tuple[Project, Glossary], article: _Article) -> _Plan:
    """One changed article's catalogs, in memory (a worker's share of ``--jobs``)."""
    project, glossary = context
    plan = _Plan()
    assert article.document is not None
    settings = project.settings
    segments = segment_document(article.document, settings.source_locale)
    check_segment_sizes(segments, settings.max_segment_chars, article.source)
    sentences = distinct_sentences(article.document, segments)
    plan.segments += len(segments)
    pot_path = project.pot_path(article.slug)
    shared = locale_free_comments(article.document, sentences, glossary)
    pot_entries = source_entries(sentences, shared, glossary, None)
    pot_data, date = _template_bytes(pot_path, article.slug, pot_entries)
    plan.writes.append((pot_path, pot_data))
    outputs = [pot_path]
    for locale in settings.target_locales:
        po_path = project.po_path(article.slug, locale)
        old = load_po(po_path) if po_path.exists() else None
        header = catalog_header(article.slug, locale, date, old.metadata if old else None)
        entries = source_entries(sentences, shared, glossary, locale)
        po, stats = merge_catalog(old, entries, settings.fuzzy_threshold, header)
        plan.stats.add(stats)
        plan.writes.append((po_path, po_bytes(po)))
        outputs.append(po_path)
    plan.outputs[article.source] = outputs
    return plan


def _template_bytes(path: Path, slug: str, entries: Sequence[SourceEntry]) -> tuple[bytes, str]:
    """The POT's bytes and creation date: the old date unless the content changed (no churn)."""
    old_date = None
    old_bytes = None
    if path.exists():
        old = load_po(path)
        old_date = old.metadata.get("POT-Creation-Date")
        old_bytes = path.read_bytes()
    if old_date:
        data = po_bytes(_template(slug, entries, old_date))
        if data == old_bytes:
            return data, old_date
    date = now_stamp()
    return po_bytes(_template(slug, entries, date)), date


def _template(slug: str, entries: Sequence[SourceEntry], date: str) -> polib.POFile:
    pot = new_catalog(catalog_header(slug, None, date))
    for entry in entries:
        pot.append(
            polib.POEntry(
                msgid=entry.msgid,
                msgstr="",
                occurrences=list(entry.occurrences),
                comment=entry.comment,
            )
        )
    return pot
