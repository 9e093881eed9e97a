"""``localize extract``: POT templates and merged PO catalogs from content/ (SPEC sections 3, 8).

Two phases, so bad input never leaves a half-updated project: first every
changed article is read, segmented and merged (a malformed source or PO raises
InputError here, before any catalog is replaced), and the catalogs whose bytes
changed are written to temp files beside them as each article comes; then they
all replace their catalogs, with one filesystem sync for all of them
(``StagedWrites``). Unchanged articles
are skipped by content hash (see ``localize.catalog.hashes``).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import polib

from localize.catalog import parsed as lending
from localize.catalog.hashes import ExtractState, content_hash, global_key
from localize.catalog.merge import MergeStats, SourceEntry, merge_catalog
from localize.catalog.pofile import catalog_header, load_po, new_catalog, now_stamp, po_bytes
from localize.catalog.tm import catalog_pairs, remember_facts
from localize.errors import InputError
from localize.fileio import StagedWrites
from localize.glossary import Glossary, load_project_glossary
from localize.limits import check_segment_sizes
from localize.locales import LocaleInfo
from localize.model import Document, DocumentFormat, Segment
from localize.parallel import parallel_iter
from localize.project import Project
from localize.protect.placeables import placeables_comment, terms_comment
from localize.shard import Shard
from localize.stamps import blake2_digest, project_digests, save_project_digests
from localize.statmemo import in_stat_memo


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
class _Plan:
    """One article's share of the run: its slug and, when it was merged, its catalogs' bytes."""

    source: str
    slug: str
    writes: list[tuple[Path, bytes]] = field(default_factory=list)  # until staged
    outputs: list[tuple[Path, str]] = field(default_factory=list)  # (path, digest of its bytes), once staged
    stats: MergeStats = field(default_factory=MergeStats)
    segments: int = 0
    merged: bool = False
    facts: list[dict[str, Any]] = field(default_factory=list)  # each PO's TM facts (outputs[1:])
    pickles: list[bytes | None] = field(default_factory=list)  # each PO pickled when a run spills (``catalog.parsed``)


class _Unchanged(NamedTuple):
    """An article left as it was: its slug, and nothing to write (thousands a run: no lists)."""

    source: str
    slug: str
    merged: bool = False


@in_stat_memo
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
    the catalogs written are the same for any number. Each article is read, merged and
    serialised in one go and only its catalogs' bytes are kept, so memory holds one
    parsed article (per process) at a time, never the whole project.
    """
    if glossary is None:
        glossary = load_project_glossary(project)
    key = global_key(project, glossary.fingerprint)
    state = ExtractState.load(project, None if shard is None else shard.state_dir(project.state_dir))
    found = _scan(project, state, key, shard)
    context = _Context(project, glossary, None if slugs is None else frozenset(slugs), shard)
    plans, written = _read_and_stage(context, found, slugs, jobs)
    merged = [plan for plan in plans if isinstance(plan, _Plan) and plan.merged]
    stats = _record(project, state, plans, found, merged)
    selected = sum(context.selects(plan.slug) for plan in plans)
    return ExtractReport(
        articles=selected,
        skipped=selected - len(merged),
        segments=sum(plan.segments for plan in merged),
        written=tuple(project.relative(path) for path in written),
        **asdict(stats),
    )


_Found = tuple[Path, str, str, str | None]  # (path, source, digest, slug): see ``_scan``


def _read_and_stage(context: _Context, found: list[_Found], slugs: Sequence[str] | None,
                    jobs: int | None) -> tuple[list[_Plan | _Unchanged], list[Path]]:
    """Every article's plan in source order (the changed ones read in ``jobs`` processes) and
    the catalogs written: staged as each article comes, replaced together at the end."""
    changed = [(path, source) for path, source, _, slug in found if slug is None]
    if changed and jobs != 1:
        prepare_workers(context.project, context.glossary)
    plans: list[_Plan | _Unchanged] = []
    by_slug: dict[str, str] = {}
    with StagedWrites() as staged, contextlib.closing(
            parallel_iter(_extract_article, changed, jobs, context)) as read:
        for _, source, _, slug in found:
            plan = next(read) if slug is None else _Unchanged(source, slug)
            if plan.slug in by_slug:
                raise InputError(f"slug {plan.slug!r} is also used by {by_slug[plan.slug]}", plan.source)
            by_slug[plan.slug] = plan.source
            plans.append(plan)
            if isinstance(plan, _Plan) and plan.merged:
                _stage(staged, plan)
        for slug in slugs or ():
            if slug not in by_slug:
                raise InputError(f"no article has the slug {slug!r}")
        return plans, staged.commit()


def _stage(staged: StagedWrites, plan: _Plan) -> None:
    """Stage a merged article's catalogs now, so memory holds no article's bytes for long."""
    for number, (path, data) in enumerate(plan.writes):
        pickled = plan.pickles[number - 1] if number else None  # the template is not spilled
        if staged.stage(path, data) and pickled is not None:
            # translate reads this next, unpickled; a file left as it was is not spilled,
            # since it may change before the batch ends and the spill takes its stamp
            lending.spill_pickled(path, pickled)
        plan.outputs.append((path, blake2_digest(data)))
    plan.writes.clear()
    plan.pickles.clear()


def _record(project: Project, state: ExtractState, plans: list[_Plan | _Unchanged],
            found: list[_Found], merged: list[_Plan]) -> MergeStats:
    """After the catalogs are replaced: the extract state, the digests and the translation
    memory's facts learn what was written (so no later stage reads it back to find out)."""
    lending.settle([path for plan in merged for path, _ in plan.outputs[1:]])
    stats = MergeStats()
    for plan, (_, source, digest, _) in zip(plans, found, strict=True):
        if isinstance(plan, _Plan) and plan.merged:
            stats.add(plan.stats)
            state.record(project, source, digest, plan.slug, plan.outputs)
    state.forget_missing({source for _, source, _, _ in found})
    state.save()
    digests = project_digests(project.state_dir)
    for plan in merged:
        for path, digest in plan.outputs[1:]:  # the catalogs just written: no need to read them back
            digests.remember_digest(path, digest)
    for number, locale in enumerate(project.settings.target_locales if merged else ()):
        # the translation memory need not parse what was just merged
        remember_facts(project, locale, [(*plan.outputs[number + 1], plan.facts[number]) for plan in merged])
    save_project_digests(project.state_dir)
    return stats


def _scan(project: Project, state: ExtractState, key: str, shard: Shard | None) -> list[_Found]:
    """(path, source, digest, slug) of every source file; slug None: it must be read (changed,
    and the shard's own). Another shard's changed article gets its slug from its front matter."""
    found: list[_Found] = []
    digests = project_digests(project.state_dir)  # an unchanged file is stat'ed, not read
    for path in project.source_files():
        source = project.relative(path)
        digest = content_hash(digests(path).encode("ascii"), key)
        slug = state.unchanged(project, source, digest)
        if slug is None and shard is not None:
            from localize.readers.slugs import article_slug

            slug = article_slug(project, path)  # front matter only: most belong to other shards
            if shard.owns(slug):
                slug = None
        found.append((path, source, digest, slug))
    return found


@dataclass(frozen=True)
class _Context:
    """What every article's extraction shares (a worker's copy under ``--jobs``)."""

    project: Project
    glossary: Glossary
    wanted: frozenset[str] | None  # the slugs asked for; None: all
    shard: Shard | None
    comments: _Comments = field(default_factory=lambda: _Comments())

    def selects(self, slug: str) -> bool:
        """Whether this run extracts the article ``slug`` (asked for, and the shard's own)."""
        return (self.wanted is None or slug in self.wanted) and (self.shard is None or self.shard.owns(slug))


def prepare_workers(project: Project, glossary: Glossary) -> None:
    """Build here what every ``--jobs`` worker reading articles needs (the glossary's matchers,
    the Markdown parsers, the source language's sentence patterns): forked, each inherits them
    instead of building its own, and in ``run`` so do the build's workers."""
    from localize.readers import prepare_readers
    from localize.segmentation import prepare_segmentation

    glossary.prepare()
    prepare_readers()
    prepare_segmentation(project.settings.source_locale.language)


def _extract_article(context: _Context, item: tuple[Path, str]) -> _Plan:
    """Read one changed article; merge it when this run selects it (a worker's share of ``--jobs``)."""
    # imported here: a run with no changed article never loads the readers
    from localize.readers import read_document

    path, source = item
    project = context.project
    document = read_document(path, source, project.settings.front_matter_keys)
    slug = document.slug or project.default_slug(path)
    if not context.selects(slug):
        return _Plan(source, slug)
    return _plan_article(context, document, source, slug)


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


class _Comments:
    """The comment lines of each distinct sentence, worked out once per run and process.

    Why: the same sentence recurs across articles (boilerplate, quotes, source lists), and
    finding its placeables and glossary terms is most of a merge's cost. The key is the
    sentence (and format or locale); the glossary is the run's, fixed for its whole length.
    """

    def __init__(self) -> None:
        self._placeables: dict[tuple[str, str], str | None] = {}
        self._terms: dict[tuple[str, str | None], str | None] = {}

    def placeables(self, text: str, fmt: DocumentFormat, glossary: Glossary) -> str | None:
        key = (text, fmt)
        if key not in self._placeables:
            self._placeables[key] = placeables_comment(text, fmt, glossary)
        return self._placeables[key]

    def terms(self, text: str, glossary: Glossary, locale: LocaleInfo | None) -> str | None:
        key = (text, None if locale is None else locale.posix)
        if key not in self._terms:
            self._terms[key] = terms_comment(text, glossary, locale)
        return self._terms[key]


def locale_free_comments(
    document: Document, sentences: Sequence[_Sentence], glossary: Glossary, comments: _Comments
) -> list[list[str]]:
    """The comment lines every catalog shares (kind, placeables), computed once per sentence."""
    shared = []
    for sentence in sentences:
        lines = ["kind: " + ", ".join(sentence.kinds)]
        if sentence.keys:
            lines.append("key: " + ", ".join(sentence.keys))
        placeables = comments.placeables(sentence.msgid, document.format, glossary)
        if placeables:
            lines.append("placeables: " + placeables)
        shared.append(lines)
    return shared


def source_entries(
    sentences: Sequence[_Sentence],
    shared: Sequence[list[str]],
    glossary: Glossary,
    locale: LocaleInfo | None,
    comments: _Comments,
) -> list[SourceEntry]:
    """The tool-owned side of each entry; ``locale`` None is the POT form of the terms comment."""
    entries = []
    for sentence, common in zip(sentences, shared, strict=True):
        lines = list(common)
        terms = comments.terms(sentence.msgid, glossary, locale)
        if terms:
            lines.append("terms: " + terms)
        entries.append(SourceEntry(sentence.msgid, tuple(sentence.occurrences), "\n".join(lines)))
    return entries


def _plan_article(context: _Context, document: Document, source: str, slug: str) -> _Plan:
    """One changed article's catalogs, in memory."""
    from localize.segmentation import segment_document

    project, glossary, comments = context.project, context.glossary, context.comments
    plan = _Plan(source, slug, merged=True)
    settings = project.settings
    segments = segment_document(document, settings.source_locale)
    check_segment_sizes(segments, settings.max_segment_chars, source)
    sentences = distinct_sentences(document, segments)
    plan.segments = len(segments)
    pot_path = project.pot_path(slug)
    shared = locale_free_comments(document, sentences, glossary, comments)
    pot_entries = source_entries(sentences, shared, glossary, None, comments)
    pot_data, date = _template_bytes(pot_path, slug, pot_entries)
    plan.writes.append((pot_path, pot_data))
    for locale in settings.target_locales:
        po_path = project.po_path(slug, locale)
        old = load_po(po_path) if po_path.exists() else None
        header = catalog_header(slug, locale, date, old.metadata if old else None)
        entries = source_entries(sentences, shared, glossary, locale, comments)
        po, stats = merge_catalog(old, entries, settings.fuzzy_threshold, header)
        plan.stats.add(stats)
        plan.writes.append((po_path, po_bytes(po)))
        plan.facts.append(catalog_pairs(po))
        plan.pickles.append(lending.pickled(po))
    return plan


_POT_DATE = re.compile(rb'^"POT-Creation-Date: ([^"\\]*)\\n"$', re.MULTILINE)


def _template_bytes(path: Path, slug: str, entries: Sequence[SourceEntry]) -> tuple[bytes, str]:
    """The POT's bytes and creation date: the old date unless the content changed (no churn).

    The old POT is parsed (so validated) only when it differs from what this run makes
    with the date its header line shows: a template that is still right needs no parse.
    """
    try:
        old_bytes: bytes | None = path.read_bytes()
    except FileNotFoundError:
        old_bytes = None
    if old_bytes is not None:
        stamped = _POT_DATE.search(old_bytes[:4096])
        guess = stamped.group(1).decode("utf-8", "replace") if stamped else None
        if guess:
            data = po_bytes(_template(slug, entries, guess))
            if data == old_bytes:
                return data, guess
        old_date = load_po(path).metadata.get("POT-Creation-Date")
        if old_date and old_date != guess:
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
