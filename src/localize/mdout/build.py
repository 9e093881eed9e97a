"""``localize build --format markdown``: the content tree a static-site generator builds from.

Planning (which locales an article is published in), the build cache and the
removal of files no longer built are the HTML build's own (``localize.site``);
this module renders Markdown files instead of pages and records them in
``<out>/manifest.json`` with ``"format": "markdown"``. Each file is staged
beside its target as it is rendered and none is put in place until every one
is, and a file localize did not write is never overwritten or removed.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from localize.containment import contained
from localize.errors import InputError
from localize.fileio import ScratchFile, StagedWrites, json_bytes, write_if_changed
from localize.glossary import load_project_glossary
from localize.mdout.layouts import Layout, make_layout
from localize.project import Project
from localize.site.build import (
    ArticlePages,
    PlannedArticle,
    ReadPlan,
    Unplanned,
    article_key,
    find_articles,
    iter_planned,
    remove_unpublished,
    target_state,
)
from localize.site.incremental import BuildCache, code_fingerprint, combined_key, file_sha256
from localize.site.manifest import MANIFEST_NAME, ArticleEntry, PageEntry, previous_pages
from localize.site.plan import ArticleInputs, ArticlePlan, read_article
from localize.site.urls import absolute_url, page_url_path
from localize.stamps import StampedDigests, stamp_of
from localize.statmemo import in_stat_memo

if TYPE_CHECKING:
    from localize.mdout.render import RenderedArticle

CACHE_NAME = "markdown-build.json"


@dataclass(frozen=True)
class MarkdownReport:
    """What a Markdown build did; ``str()`` is the one-line summary the CLI logs."""

    out: Path
    layout: str
    files: tuple[tuple[str, str, str], ...]  # (slug, bcp47, path under out)
    written: tuple[str, ...]
    removed: tuple[str, ...]
    left_out: tuple[tuple[str, str], ...]  # (slug, bcp47)

    def __str__(self) -> str:
        text = (f"wrote {len(self.files)} Markdown file(s) ({self.layout} layout) in {self.out}: "
                f"{len(self.written)} file(s) written, {len(self.removed)} removed")
        if self.left_out:
            text += f", {len(self.left_out)} page(s) left out below min_completion"
        return text


@in_stat_memo
def build_markdown(project: Project, out: Path | None = None, publish: str | None = None,
                   layout: str | None = None, jobs: int | None = 1,
                   alongside: MarkdownAlongside | None = None) -> MarkdownReport:
    """Write the localized Markdown tree of ``project`` into ``out`` (default ``<project>/site-md``).

    ``jobs``: processes that read and plan changed articles (None: one per core). Articles are
    rendered as they are planned and their files staged on disk, so memory holds neither.
    ``alongside``: the files an HTML build of this run rendered as it read the articles.
    """
    settings = project.settings
    publish = publish or settings.publish
    if publish not in ("reviewed", "machine"):
        raise InputError(f'publish must be "reviewed" or "machine", not {publish!r}')
    out = Path(out).resolve() if out is not None else project.root / "site-md"
    chosen = make_layout(settings.markdown, layout, settings.source_locale, settings.target_locales)
    global_key = _global_key(project, publish, chosen)
    cache = BuildCache(project.state_dir, out, global_key, CACHE_NAME)
    found = find_articles(project, cache, global_key)
    article_files = ArticlePages(frozenset(content_rel for _, _, content_rel, _, _ in found))
    if alongside is not None and not alongside.fits(global_key, article_files.articles):
        alongside = None
    articles: list[PlannedArticle] = []
    entries: list[ArticleEntry] = []
    deferred: list[tuple[int, PlannedArticle]] = []
    with _Output(out, previous_pages(out)) as output:
        ahead = _MarkdownAhead(chosen, frozenset(article_files.articles))
        for article in iter_planned(project, found, global_key, publish, cache, jobs, ahead,
                                    read_already=alongside):  # one at a time
            article_files.add(article.plan.content_rel, _files(chosen, article.plan))
            articles.append(PlannedArticle(article.path, article.plan, article.key, None))
            try:
                entries.append(_article(project, article, chosen, publish, article_files, cache, output))
            except Unplanned:  # links to an article not planned yet: rendered once every one is
                deferred.append((len(entries), article))
                entries.append(ArticleEntry(article.plan.slug, article.plan.source_rel, ()))
        for index, article in deferred:
            entries[index] = _article(project, article, chosen, publish, article_files, cache, output)
        written = output.commit()
    for target, sha in output.digests:
        cache.digests.remember_digest(target, sha)  # the next build need not read them back
    kept = {p.path for e in entries for p in e.pages}
    removed = remove_unpublished(out, kept, cache, set())
    if write_if_changed(contained(out, MANIFEST_NAME, "manifest"), _manifest(project, chosen, entries)):
        written.append(MANIFEST_NAME)
    cache.save()
    return MarkdownReport(
        out=out,
        layout=chosen.name,
        files=tuple((e.slug, p.locale, p.path) for e in entries for p in e.pages),
        written=tuple(written),
        removed=tuple(sorted(removed)),
        left_out=tuple((a.plan.slug, lp.locale.bcp47) for a in articles for lp in a.plan.left_out),
    )


def _global_key(project: Project, publish: str, layout: Layout) -> str:
    """What every file of a Markdown build into one ``<out>`` depends on (its cache's key)."""
    return combined_key([
        "markdown-build", code_fingerprint(), _own_fingerprint(), file_sha256(project.config_path),
        publish, load_project_glossary(project).fingerprint, layout.name, layout.pattern,
        json.dumps(dict(layout.names), sort_keys=True),
    ])


def _files(layout: Layout, plan: ArticlePlan) -> dict[str, str]:
    return {lp.locale.posix: layout.path(plan.content_rel, plan.slug, lp.locale)
            for lp in plan.published if not lp.locale.is_pseudo}


@dataclass(frozen=True)
class _MarkdownAhead:
    """An article's Markdown files, rendered where it is read (a ``--jobs`` worker) unless
    it links to an article not planned yet (``site.build.Ahead``)."""

    layout: Layout
    articles: frozenset[str]

    def render(self, project: Project, plan: ArticlePlan, inputs: ArticleInputs,
               publish: str) -> tuple[RenderedArticle, dict[str, str]]:
        files = ArticlePages(self.articles)
        files.add(plan.content_rel, _files(self.layout, plan))
        return _render(project, plan, inputs, self.layout, publish, files)


class MarkdownAlongside:
    """``run`` with both formats: each article's Markdown files rendered where the HTML build
    reads it (a ``site.build.Companion``) and kept, pickled, in an unnamed temporary file
    beside the project's state until the Markdown build takes them (``ReadAlready``) instead
    of reading, planning and rendering the article a second time.

    The Markdown build takes an article only while every file its key was hashed from
    (the source and its catalogs) has the stamp it had then, and only with the same build
    key and the same articles; anything else it reads again, as without this.
    """

    def __init__(self, project: Project, layout: str | None) -> None:
        settings = project.settings
        self.publish = settings.publish
        self.layout = make_layout(settings.markdown, layout, settings.source_locale, settings.target_locales)
        self.global_key = _global_key(project, self.publish, self.layout)
        self.scratch = ScratchFile(project.state_dir)
        self.articles: frozenset[str] = frozenset()
        self.index: dict[str, tuple[int, int, dict[str, list[Any]]]] = {}  # path -> offset, length, stamps

    def __enter__(self) -> MarkdownAlongside:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.scratch.close()

    def begin(self, articles: frozenset[str]) -> None:
        self.articles = articles

    def render(self, project: Project, path: Path, plan: ArticlePlan, inputs: ArticleInputs, publish: str,
               digests: StampedDigests) -> tuple[dict[str, list[Any]], bytes] | None:
        """In the HTML build's reader: what the Markdown build's reader would make of the article,
        pickled here (the build's process only stores it), with the stamps of the files its key
        was hashed from."""
        if publish != self.publish:
            return None
        files = ArticlePages(self.articles)
        files.add(plan.content_rel, _files(self.layout, plan))
        try:
            rendered = _render(project, plan, inputs, self.layout, publish, files)
        except Unplanned:  # it links to another article: the Markdown build renders it after all plans
            return None
        key = article_key(project, path, plan.slug, self.global_key, digests)
        stamps = dict(digests.used)
        return stamps, pickle.dumps((key, plan, rendered, stamps), protocol=pickle.HIGHEST_PROTOCOL)

    def keep(self, path: Path, rendered: tuple[dict[str, list[Any]], bytes]) -> None:
        """Keep what ``render`` made; on a full disk, nothing more (the Markdown build reads those)."""
        stamps, data = rendered
        offset = self.scratch.append(data)
        if offset is not None:
            self.index[os.fspath(path)] = (offset, len(data), stamps)

    def fits(self, global_key: str, articles: AbstractSet[str]) -> bool:
        """Whether what was kept is what this Markdown build would render."""
        return global_key == self.global_key and articles == self.articles

    def has(self, path: Path) -> bool:
        found = self.index.get(os.fspath(path))
        return found is not None and all(stamp_of(name) == stamp[:3] for name, stamp in found[2].items())

    def take(self, path: Path) -> ReadPlan:
        offset, length, _ = self.index.pop(os.fspath(path))
        data = self.scratch.read(offset, length)
        if data is None:
            raise OSError(f"cannot read back the Markdown files of {path} kept in this run")
        key, plan, rendered, stamps = pickle.loads(data)  # pickled by this run
        return key, None, plan, rendered, stamps


def _render(project: Project, plan: ArticlePlan, inputs: ArticleInputs, layout: Layout, publish: str,
            article_files: Mapping[str, Mapping[str, str]]) -> tuple[RenderedArticle, dict[str, str]]:
    """The article's Markdown files and the sha256 of each by path."""
    # imported here: a run that renders nothing (a no-op) never imports the readers
    from localize.mdout.render import render_article

    rendered = render_article(project, plan, inputs, layout, publish, article_files)
    return rendered, {file.path: hashlib.sha256(file.content).hexdigest() for file in rendered.files}


def _article(project: Project, article: PlannedArticle, layout: Layout, publish: str,
             article_files: Mapping[str, Mapping[str, str]], cache: BuildCache, output: _Output) -> ArticleEntry:
    """The article's manifest entry; its files go to ``output`` unless last build's still stand."""
    plan = article.plan
    previous = cache.previous_entry(plan.source_rel)
    targets = {t: target_state(project, t, article_files) for t in previous.get("targets", {})}
    fresh = article.inputs is not None or article.rendered is not None
    if not fresh and cache.pages_reusable(plan.source_rel, article.key, targets, output.out):
        shas = dict(previous["pages"])
        cache.keep(plan.source_rel)
    else:
        if article.rendered is not None:
            rendered, shas = article.rendered  # the worker hashed them
        else:
            inputs = article.inputs or read_article(project, article.path)[1]
            rendered, shas = _render(project, plan, inputs, layout, publish, article_files)
        for file in rendered.files:
            output.add(file.path, file.content, shas[file.path])
        targets = {t: target_state(project, t, article_files) for t in sorted(rendered.link_targets)}
        cache.record(plan, article.key, targets, (), shas)
    settings = project.settings
    pages = []
    for locale_plan in plan.published:
        locale = locale_plan.locale
        if locale.is_pseudo:
            continue
        path = layout.path(plan.content_rel, plan.slug, locale)
        url_path = page_url_path(settings.url_pattern, locale, plan.slug)
        pages.append(PageEntry(locale.bcp47, locale.hreflang, absolute_url(settings.base_url, url_path),
                               path, locale_plan.completion, shas[path]))
    return ArticleEntry(plan.slug, plan.source_rel, tuple(pages))


class _Output:
    """The files of one build, each staged beside its target as it is rendered (so memory
    holds none of their bytes) and put in place together by :meth:`commit`: a file that
    exists and that localize did not write stops the build, exit 2, before any is."""

    def __init__(self, out: Path, previous: Mapping[str, str]) -> None:
        self.out, self.previous = out, previous
        self.staged = StagedWrites()
        self.digests: list[tuple[Path, str]] = []  # every file's target and sha256
        self.written: list[str] = []

    def __enter__(self) -> _Output:
        self.staged.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.staged.__exit__(*exc_info)  # staged files not committed are removed

    def add(self, path: str, data: bytes, sha: str) -> None:
        """Stage ``data`` (whose sha256 is ``sha``) for ``path`` under ``out`` unless it is there already."""
        target = contained(self.out, path, "Markdown file")  # no symlink out of out
        if path not in self.previous and target.exists():
            if not (target.is_file() and target.read_bytes() == data):
                raise InputError("exists and was not written by localize (not in its manifest.json): "
                                 "move it away or build into another --out", target)
        elif self.staged.stage(target, data):
            self.written.append(path)
        self.digests.append((target, sha))

    def commit(self) -> list[str]:
        """Every staged file put in place; their paths under ``out``, sorted."""
        self.staged.commit()
        return sorted(set(self.written))


def _manifest(project: Project, layout: Layout, entries: list[ArticleEntry]) -> bytes:
    """SPEC section 5's manifest shape, with ``"format": "markdown"`` and the layout."""
    settings = project.settings
    data = {
        "base_url": settings.base_url,
        "source_locale": settings.source_locale.bcp47,
        "format": "markdown",
        "layout": layout.name,
        "articles": [
            {"slug": e.slug, "source": e.source, "pages": [p.to_json() for p in e.pages]}
            for e in sorted(entries, key=lambda e: e.slug)
        ],
    }
    return json_bytes(data, indent=True) + b"\n"


def _own_fingerprint() -> str:
    """Size and mtime of this package's modules: a changed writer rewrites every file."""
    package = Path(__file__).resolve().parent
    parts = []
    for path in sorted(package.glob("*.py")):
        stat = path.stat()
        parts.append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return combined_key(parts)
