"""``localize build``: every qualifying page, sitemap.xml and manifest.json, written only when changed.

Pages no longer published are removed, but only files this tool wrote (listed in
the previous manifest, content unchanged since); catalogs are never touched.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from localize.containment import contained, is_contained
from localize.errors import InputError
from localize.fileio import remove_file, write_if_changed
from localize.glossary import load_project_glossary
from localize.parallel import parallel_iter
from localize.project import Project
from localize.qa.memo import memo
from localize.site.incremental import BuildCache, code_fingerprint, combined_key, file_sha256
from localize.site.links import ASSETS_DIR
from localize.site.manifest import (
    MANIFEST_NAME,
    ArticleEntry,
    PageEntry,
    previous_pages,
    render_manifest,
)
from localize.site.pages import PageTemplate, load_template
from localize.site.plan import (
    ArticleInputs,
    ArticlePlan,
    catalog_locales,
    plan_article,
    read_article,
)
from localize.site.render import RenderedArticle, render_article, sitemap_urls, url_paths
from localize.site.sitemap import MAX_URLS, read_sitemaps, render_sitemaps
from localize.site.urls import absolute_url, page_file_path
from localize.stamps import StampedDigests, blake2_digest, sha256_digest

log = logging.getLogger("localize")
_NUMBERED_SITEMAP = re.compile(r"sitemap-[1-9][0-9]*\.xml")


@dataclass(frozen=True)
class BuildReport:
    """What a build did; ``str()`` is the one-line summary the CLI logs."""

    out: Path
    pages: tuple[tuple[str, str, str], ...]  # (slug, bcp47, path under out)
    written: tuple[str, ...]  # paths under out rewritten by this build
    removed: tuple[str, ...]
    left_out: tuple[tuple[str, str, float], ...]  # (slug, bcp47, publishable share of own catalog)

    def __str__(self) -> str:
        text = (f"built {len(self.pages)} page(s) in {self.out}: {len(self.written)} file(s) written, "
                f"{len(self.removed)} removed")
        if self.left_out:
            text += f", {len(self.left_out)} page(s) left out below min_completion"
        return text


@dataclass
class PlannedArticle:
    path: Path
    plan: ArticlePlan
    key: str
    inputs: ArticleInputs | None
    rendered: tuple[Any, dict[str, str]] | None = None  # files rendered as it was read, and their sha256


def build_site(project: Project, out: Path | None = None, publish: str | None = None,
               sitemap_limit: int = MAX_URLS, jobs: int | None = 1,
               companion: Companion | None = None) -> BuildReport:
    """Build the site of ``project`` into ``out`` (default ``<project>/site``).

    ``jobs`` processes read and plan the changed articles (None: one per core). Articles are
    read, planned and rendered one after another, so only the plans stay in memory; an article
    linking to one not planned yet is rendered once every article is planned. ``companion``
    renders another output from each article read (``run`` with both formats).
    """
    settings = project.settings
    publish = publish or settings.publish
    if publish not in ("reviewed", "machine"):
        raise InputError(f'publish must be "reviewed" or "machine", not {publish!r}')
    out = Path(out).resolve() if out is not None else project.site_dir
    template = load_template(project.root, settings.template, compiled=False)
    global_key = site_global_key(project, template, publish)
    cache = BuildCache(project.state_dir, out, global_key)
    if not cache.same_settings:  # else the last build compiled these very bytes
        template.check()
    memo.load(project.state_dir)  # QA verdicts of earlier checks: pages publish only safe text
    found = find_articles(project, cache, global_key)
    all_articles = frozenset(content_rel for _, _, content_rel, _, _ in found)
    article_pages = ArticlePages(all_articles)
    articles: list[PlannedArticle] = []
    built: list[tuple[ArticleEntry, set[str], list[str]]] = []
    deferred: list[tuple[int, PlannedArticle]] = []
    ahead = RenderAhead(template, all_articles)
    if companion is not None:
        companion.begin(all_articles)
    for article in iter_planned(project, found, global_key, publish, cache, jobs, ahead, companion):
        article_pages.add(article.plan.content_rel, url_paths(project, article.plan))
        articles.append(PlannedArticle(article.path, article.plan, article.key, None))  # inputs let go
        try:
            built.append(_build_article(project, article, article_pages, cache, template, publish, out))
        except Unplanned:
            deferred.append((len(built), article))
            built.append((ArticleEntry(article.plan.slug, article.plan.source_rel, ()), set(), []))
    for index, article in deferred:  # every article is planned now
        built[index] = _build_article(project, article, article_pages, cache, template, publish, out)
    entries = [entry for entry, _, _ in built]
    all_assets = {asset for _, assets, _ in built for asset in assets}
    written = [path for _, _, changed in built for path in changed]
    return finish_build(project, out, articles, entries, (all_assets, written), cache, publish,
                        sitemap_limit)


class Unplanned(Exception):
    """A page links to an article that is not planned yet: it is built after every plan."""


class ArticlePages(Mapping[str, Mapping[str, str]]):
    """Content-relative source path -> posix locale -> URL path, of the articles planned so far.

    Asking for an article of the build that is not planned yet raises :class:`Unplanned`
    (never a wrong answer: a link to it must point at its pages).
    """

    def __init__(self, articles: AbstractSet[str]) -> None:
        self.articles = articles
        self.pages: dict[str, Mapping[str, str]] = {}

    def add(self, content_rel: str, paths: Mapping[str, str]) -> None:
        self.pages[content_rel] = paths

    def __getitem__(self, content_rel: str) -> Mapping[str, str]:
        if content_rel in self.pages:
            return self.pages[content_rel]
        if content_rel in self.articles:
            raise Unplanned(content_rel)
        raise KeyError(content_rel)

    def __contains__(self, content_rel: object) -> bool:
        if content_rel in self.pages:
            return True
        if content_rel in self.articles:
            raise Unplanned(content_rel)
        return False

    def __iter__(self) -> Iterator[str]:
        return iter(self.pages)

    def __len__(self) -> int:
        return len(self.pages)


def site_global_key(project: Project, template: PageTemplate, publish: str) -> str:
    """What every page of an HTML build into one ``<out>`` depends on (the build cache's key)."""
    return combined_key([
        "site-build", code_fingerprint(), file_sha256(project.config_path), template.fingerprint, publish,
        load_project_glossary(project).fingerprint,
    ])


def finish_build(project: Project, out: Path, articles: list[PlannedArticle],
                 entries: list[ArticleEntry], assets_written: tuple[set[str], list[str]],
                 cache: BuildCache, publish: str, sitemap_limit: int) -> BuildReport:
    """What depends on every article: assets, removals, sitemaps, the manifest, the report."""
    all_assets, written = assets_written
    settings = project.settings
    written += copy_assets(project, out, all_assets, cache)
    removed = remove_unpublished(out, {p.path for e in entries for p in e.pages}, cache, all_assets)
    shape = [sitemap_limit, sitemap_shape(articles)]
    if cache.outputs_reusable("sitemaps", out, shape, records_matter=False) is None:
        written += write_sitemaps(project, articles, out, sitemap_limit, removed, cache, shape)
    if cache.outputs_reusable("manifest", out, None) is None:
        manifest = render_manifest(settings.base_url, settings.source_locale.bcp47, entries)
        target = contained(out, MANIFEST_NAME, "manifest")
        if write_if_changed(target, manifest):
            written.append(MANIFEST_NAME)
        cache.record_outputs("manifest", None, {MANIFEST_NAME: cache.digests.remember(target, manifest)})
    cache.save()
    return BuildReport(
        out=out,
        pages=tuple((e.slug, p.locale, p.path) for e in entries for p in e.pages),
        written=tuple(written),
        removed=tuple(sorted(removed)),
        left_out=tuple((a.plan.slug, lp.locale.bcp47, completion_share(lp.completion, publish))
                       for a in articles for lp in a.plan.left_out),
    )


def completion_share(completion, publish: str) -> float:  # type: ignore[no-untyped-def]
    usable = completion.reviewed + (completion.machine if publish == "machine" else 0)
    return round(usable / completion.total, 4) if completion.total else 0.0


def article_key(project: Project, path: Path, slug: str, global_key: str, digests: StampedDigests) -> str:
    parts = [global_key, project.relative(path), digests(path), slug]
    for locale in catalog_locales(project.settings):
        parts += [locale.posix, digests(project.po_path(slug, locale))]
    return combined_key(parts)


class Ahead(Protocol):
    """How a reader renders an article as soon as it is planned (in a ``--jobs`` worker):
    its files and their sha256; :class:`Unplanned` when the article links to another one,
    which waits for the build's plans."""

    def render(self, project: Project, plan: ArticlePlan, inputs: ArticleInputs,
               publish: str) -> tuple[Any, dict[str, str]]: ...


@dataclass(frozen=True)
class RenderAhead:
    """The site's pages: the build's template and every article of the build."""

    template: PageTemplate
    articles: frozenset[str]

    def render(self, project: Project, plan: ArticlePlan, inputs: ArticleInputs,
               publish: str) -> tuple[RenderedArticle, dict[str, str]]:
        pages = ArticlePages(self.articles)
        pages.add(plan.content_rel, url_paths(project, plan))
        return render_pages(project, plan, inputs, pages, self.template, publish)


#: What reading one changed article gives: its cache key, its inputs (unless rendered), its
#: plan, its pages and their sha256 (when rendered), and the stamps of the files it hashed.
ReadPlan = tuple[str, ArticleInputs | None, ArticlePlan, tuple[Any, dict[str, str]] | None, dict[str, list[Any]]]


class Companion(Protocol):
    """Another build that renders from the same reading of each article, where it is read
    (in a ``--jobs`` worker): what ``render`` returns (None: nothing) goes to ``keep`` in the
    build's own process, for that other build to take instead of reading the article again.
    ``begin`` is told every article of the build (content-relative paths) before any is read."""

    def begin(self, articles: frozenset[str]) -> None: ...

    def render(self, project: Project, path: Path, plan: ArticlePlan, inputs: ArticleInputs,
               publish: str, digests: StampedDigests) -> Any: ...

    def keep(self, path: Path, rendered: Any) -> None: ...


class ReadAlready(Protocol):
    """Articles another build read and rendered in this run (a :class:`Companion`'s store)."""

    def has(self, path: Path) -> bool: ...

    def take(self, path: Path) -> ReadPlan: ...


def _read_plan(context: tuple[Project, str, str, Ahead | None, Companion | None],
               path: Path) -> tuple[ReadPlan, Any]:
    """One changed article read and planned, and rendered unless it links to another article
    (a worker's share of ``--jobs``); the inputs are kept only when not rendered. Second: what
    the companion rendered of it."""
    project, global_key, publish, ahead, companion = context
    slug, inputs = read_article(project, path)
    digests = StampedDigests(digest=sha256_digest)
    key = article_key(project, path, slug, global_key, digests)
    plan = plan_article(project, path, slug, inputs, publish)
    try:
        rendered = ahead.render(project, plan, inputs, publish) if ahead is not None else None
    except Unplanned:
        rendered = None
    extra = companion.render(project, path, plan, inputs, publish, digests) if companion is not None else None
    return (key, None if rendered is not None else inputs, plan, rendered, digests.used), extra


#: An article found under content/: path, source_rel, content_rel, and its cache key and plan
#: when the build cache holds its plan (else "" and None).
Found = tuple[Path, str, str, str, ArticlePlan | None]


def find_articles(project: Project, cache: BuildCache, global_key: str) -> list[Found]:
    """Every source file, with its plan from the cache when its inputs are unchanged."""
    found: list[Found] = []
    content_dir = project.content_dir.resolve()
    for path in project.source_files():
        source_rel = project.relative(path)
        content_rel = (source_rel[len("content/"):] if source_rel.startswith("content/")
                       else path.resolve().relative_to(content_dir).as_posix())
        cached_slug = cache.previous_entry(source_rel).get("slug")
        plan, key = None, ""
        if isinstance(cached_slug, str):
            key = article_key(project, path, cached_slug, global_key, cache.digests)
            plan = cache.plan(source_rel, key, content_rel)
        found.append((path, source_rel, content_rel, key, plan))
    return found


def iter_planned(project: Project, found: list[Found], global_key: str, publish: str, cache: BuildCache,
                 jobs: int | None = 1, ahead: Ahead | None = None, companion: Companion | None = None,
                 read_already: ReadAlready | None = None) -> Iterator[PlannedArticle]:
    """Plans in ``found``'s order: cached ones as they are, the others read afresh (with their
    inputs, or with ``ahead`` their pages when those depend on no other article) or taken
    from ``read_already``; the stamps of the files hashed to read them go to ``cache``."""
    by_slug: dict[str, Path] = {}
    taken = {path for path, _, _, _, plan in found
             if plan is None and read_already is not None and read_already.has(path)}
    to_read = [path for path, _, _, _, plan in found if plan is None and path not in taken]
    if to_read and jobs != 1:
        from localize.catalog.extract import prepare_workers

        prepare_workers(project, load_project_glossary(project))
    # one pool for the whole build; each result is let go as soon as its pages are written
    fresh = parallel_iter(_read_plan, to_read, jobs, (project, global_key, publish, ahead, companion))
    for path, source_rel, _, key, plan in found:
        inputs = rendered = None
        if plan is None:
            if path in taken:
                key, inputs, plan, rendered, stamps = read_already.take(path)  # type: ignore[union-attr]
            else:
                (key, inputs, plan, rendered, stamps), extra = next(fresh)
                if extra is not None:
                    companion.keep(path, extra)  # type: ignore[union-attr]
            cache.digests.used.update(stamps)
        if plan.slug in by_slug:
            raise InputError(f"slug {plan.slug!r} is also used by {project.relative(by_slug[plan.slug])}",
                             source_rel)
        by_slug[plan.slug] = path
        yield PlannedArticle(path, plan, key, inputs, rendered)


def target_state(project: Project, target: str, article_pages: Mapping[str, Mapping[str, str]]) -> str:
    """What a link target is now: an article's pages, a file's hash, or nothing."""
    if target in article_pages:
        return json.dumps(dict(sorted(article_pages[target].items())))
    sha = file_sha256(project.content_dir / target)
    return f"file:{sha}" if sha else "none"


def _build_article(project: Project, article: PlannedArticle, article_pages: Mapping[str, Mapping[str, str]],
                   cache: BuildCache, template: PageTemplate, publish: str,
                   out: Path) -> tuple[ArticleEntry, set[str], list[str]]:
    plan = article.plan
    previous = cache.previous_entry(plan.source_rel)
    targets = {t: target_state(project, t, article_pages) for t in previous.get("targets", {})}
    written: list[str] = []
    fresh = article.inputs is not None or article.rendered is not None
    if not fresh and cache.pages_reusable(plan.source_rel, article.key, targets, out):
        shas = dict(previous["pages"])
        assets = set(previous.get("assets", []))
        cache.keep(plan.source_rel)
        return manifest_entry(project, plan, shas, article_pages), assets, written
    if article.rendered is not None:
        rendered, shas = article.rendered
    else:
        inputs = article.inputs or read_article(project, article.path)[1]
        rendered, shas = render_pages(project, plan, inputs, article_pages, template, publish)
    write_pages(rendered, out, written, (cache.digests, shas))
    assets = set(rendered.assets)
    targets = {t: target_state(project, t, article_pages) for t in sorted(rendered.link_targets)}
    cache.record(plan, article.key, targets, assets, shas)
    return manifest_entry(project, plan, shas, article_pages), assets, written


def render_pages(project: Project, plan: ArticlePlan, inputs: ArticleInputs,
                 article_pages: Mapping[str, Mapping[str, str]], template: PageTemplate,
                 publish: str) -> tuple[RenderedArticle, dict[str, str]]:
    """An article's pages and their sha256 by path under ``<out>``."""
    rendered = render_article(project, plan, inputs, article_pages, template, publish)
    return rendered, {p.file_path: hashlib.sha256(p.content).hexdigest() for p in rendered.pages}


def write_pages(rendered: RenderedArticle, out: Path, written: list[str],
                remember: tuple[StampedDigests, Mapping[str, str]] | None = None) -> None:
    """Write the pages whose bytes changed, adding their paths to ``written``; with ``remember``
    (digests and each page's sha256 from ``render_pages``) every page's stamp is recorded, so
    the next build need not read it back."""
    for page in rendered.pages:
        target = contained(out, page.file_path, "page")
        if write_if_changed(target, page.content, durable=False):
            written.append(page.file_path)
        if remember is not None:
            digests, shas = remember
            digests.remember_digest(target, shas[page.file_path])


def manifest_entry(project: Project, plan: ArticlePlan, shas: Mapping[str, str],
                   article_pages: Mapping[str, Mapping[str, str]] | None = None) -> ArticleEntry:
    """The article's entry in ``manifest.json``; ``article_pages`` may already hold its URL paths."""
    settings = project.settings
    paths = article_pages[plan.content_rel] if article_pages is not None else url_paths(project, plan)
    pages = []
    for locale_plan in plan.published:
        locale = locale_plan.locale
        url_path = paths[locale.posix]
        file_path = page_file_path(url_path)
        pages.append(PageEntry(
            locale=locale.bcp47,
            hreflang=None if locale.is_pseudo else locale.hreflang,
            url=absolute_url(settings.base_url, url_path),
            path=file_path,
            completion=locale_plan.completion,
            sha256=shas[file_path],
        ))
    return ArticleEntry(plan.slug, plan.source_rel, tuple(pages))


def copy_assets(project: Project, out: Path, assets: set[str], cache: BuildCache) -> list[str]:
    written = []
    for asset in sorted(assets):
        data = contained(project.content_dir, asset, "asset", f"content/{asset}").read_bytes()
        target = f"{ASSETS_DIR}/{asset}"
        cache.assets[target] = hashlib.sha256(data).hexdigest()
        if write_if_changed(contained(out, target, "asset"), data, durable=False):
            written.append(target)
    return written


def remove_unpublished(out: Path, pages: set[str], cache: BuildCache, assets: set[str]) -> set[str]:
    """Delete pages and assets the last build wrote that this one does not, if left as written."""
    removed: set[str] = set()
    owned = dict(previous_pages(out))
    owned.update(cache.previous_assets)
    keep = pages | {f"{ASSETS_DIR}/{a}" for a in assets}
    for path, sha in owned.items():
        if path in keep or ".." in Path(path).parts or Path(path).is_absolute():
            continue
        target = out / path
        if not is_contained(out, target):  # a symlink leaving <out>: never delete through it
            log.warning("%s: not removed: it resolves outside %s", target, out)
            continue
        if target.is_file() and file_sha256(target) == sha:
            remove_file(target)
            removed.add(path)
            _prune_empty_dirs(target.parent, out)
    return removed


def _prune_empty_dirs(directory: Path, out: Path) -> None:
    while directory != out and out in directory.parents:
        try:
            os.rmdir(directory)
        except OSError:
            return
        directory = directory.parent


def sitemap_shape(articles: list[PlannedArticle]) -> str:
    """A digest of what the sitemaps say besides the settings (in the build's global key): each
    article's slug and published locales. An edit that publishes the same pages leaves them be."""
    parts = [f"{a.plan.slug}\0{','.join(p.locale.posix for p in a.plan.published)}" for a in articles]
    return blake2_digest("\n".join(parts).encode("utf-8"))


def write_sitemaps(project: Project, articles: list[PlannedArticle], out: Path, limit: int,
                   removed: set[str], cache: BuildCache, shape: object) -> list[str]:
    """The sitemaps of ``articles``, recorded in ``cache`` with their ``shape``; numbered ones
    no longer needed are removed (added to ``removed``)."""
    base_url = project.settings.base_url
    old_files = set(read_sitemaps(out, base_url).files) if (out / "sitemap.xml").is_file() else set()
    urls = [url for article in articles for url in sitemap_urls(project, article.plan)]
    files = render_sitemaps(urls, base_url, limit)
    written = [name for name, data in sorted(files.items())
               if write_if_changed(contained(out, name, "sitemap"), data)]
    cache.record_outputs("sitemaps", shape, {name: cache.digests.remember(out / name, data)
                                             for name, data in files.items()})
    for name in sorted(old_files - set(files)):
        if not _NUMBERED_SITEMAP.fullmatch(name) or not is_contained(out, out / name):
            continue  # not a name this tool writes (someone else's sitemap), or a symlink out
        remove_file(out / name)
        removed.add(name)
    return written
