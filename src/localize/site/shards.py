"""``build --shard K/N`` and ``build --finalize`` (SPEC section 11).

A shard builds the pages of its own articles that depend on nothing but that
article, and records in ``<out>/.shards/K-of-N.json`` what it built: each
article's publishing plan, its pages' sha256, the assets it links to, and
whether its pages link to another shard's article (those pages are left to
the finalizer, which alone knows every article's pages). The finalizer runs in
a checkout holding the union of the shards' ``locales/`` and ``<out>``; it
refuses unless all N records are there and agree, renders the pages that link
across articles, copies the shared assets, writes ``sitemap.xml`` and
``manifest.json`` exactly as one machine would, and removes the records.
"""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from localize.errors import InputError
from localize.fileio import write_if_changed
from localize.glossary import load_project_glossary
from localize.project import Project
from localize.shard import Shard
from localize.site import build as single
from localize.site.build import (
    BuildReport,
    PlannedArticle,
    completion_share,
    manifest_entry,
    render_pages,
    write_pages,
)
from localize.site.incremental import (
    BuildCache,
    combined_key,
    file_sha256,
    plans_from_json,
    plans_to_json,
)
from localize.site.pages import PageTemplate, load_template
from localize.site.plan import ArticlePlan, plan_article, read_article
from localize.site.render import url_paths
from localize.site.sitemap import MAX_URLS
from localize.statmemo import in_stat_memo

SHARDS_DIR = ".shards"
RECORD_FORMAT = 1
_RECORD_NAME = re.compile(r"^([0-9]+)-of-([0-9]+)\.json$")


@in_stat_memo
def build_site(project: Project, out: Path | None = None, publish: str | None = None,
               *args: Any, shard: Shard | None = None, finalize: bool = False,
               **kwargs: Any) -> BuildReport:
    """``localize.site.build.build_site``, or with ``shard`` a shard's build, or the finalizer."""
    if shard is None and not finalize:
        return single.build_site(project, out, publish, *args, **kwargs)
    publish = publish or project.settings.publish
    if publish not in ("reviewed", "machine"):
        raise InputError(f'publish must be "reviewed" or "machine", not {publish!r}')
    out = Path(out).resolve() if out is not None else project.site_dir
    if shard is not None:
        return build_shard(project, out, publish, shard)
    return finalize_site(project, out, publish, kwargs.get("sitemap_limit", MAX_URLS))


def _settings_key(project: Project, template: PageTemplate, publish: str) -> str:
    """What every shard and the finalizer must agree on for their pages to fit together."""
    return combined_key([_page_settings(project), template.fingerprint, publish,
                         load_project_glossary(project).fingerprint])


def _page_settings(project: Project) -> str:
    """localize.toml without what cannot change a page (engines, the store), as canonical JSON."""
    with project.config_path.open("rb") as handle:
        data = tomllib.load(handle)
    for key in ("engine", "engines", "store"):
        data.pop(key, None)
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)


def record_path(out: Path, shard: Shard) -> Path:
    return out / SHARDS_DIR / f"{shard.name}.json"


def build_shard(project: Project, out: Path, publish: str, shard: Shard) -> BuildReport:
    """Pages of the shard's own articles that link to no other shard's article, and the record."""
    # imported here: a build without shards never loads the readers
    from localize.readers.slugs import article_slug

    template = load_template(project.root, project.settings.template)
    content_dir = project.content_dir.resolve()
    sources = project.source_files()
    all_articles = {p.resolve().relative_to(content_dir).as_posix() for p in sources}
    own: list[tuple[Path, ArticlePlan, Any]] = []
    for path in sources:
        if not shard.owns(article_slug(project, path)):
            continue
        slug, inputs = read_article(project, path)
        own.append((path, plan_article(project, path, slug, inputs, publish), inputs))
    article_pages = {plan.content_rel: url_paths(project, plan) for _, plan, _ in own}
    foreign = all_articles - set(article_pages)
    written: list[str] = []
    records: list[dict[str, Any]] = []
    pages: list[tuple[str, str, str]] = []
    for _, plan, inputs in own:
        rendered, shas = render_pages(project, plan, inputs, article_pages, template, publish)
        deferred = bool(rendered.link_targets & foreign)
        if not deferred:
            write_pages(rendered, out, written)
            pages += [(plan.slug, p.locale, p.path) for p in manifest_entry(project, plan, shas).pages]
        records.append({
            "source": plan.source_rel,
            "slug": plan.slug,
            "published": plans_to_json(plan.published),
            "left_out": plans_to_json(plan.left_out),
            "pages": None if deferred else dict(sorted(shas.items())),
            "assets": sorted(rendered.assets),
        })
    record = {"format": RECORD_FORMAT, "shard": shard.index, "of": shard.count,
              "settings": _settings_key(project, template, publish), "articles": records}
    write_if_changed(record_path(out, shard),
                     (json.dumps(record, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    return BuildReport(
        out=out, pages=tuple(pages), written=tuple(written), removed=(),
        left_out=tuple((plan.slug, lp.locale.bcp47, completion_share(lp.completion, publish))
                       for _, plan, _ in own for lp in plan.left_out),
    )


def load_records(out: Path) -> list[dict[str, Any]]:
    """Every shard record in ``<out>/.shards``; InputError unless all N are there and agree on N."""
    folder = out / SHARDS_DIR
    found: dict[int, dict[str, Any]] = {}
    counts: set[int] = set()
    names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    for name in names:
        match = _RECORD_NAME.match(name)
        if not match:
            continue
        path = folder / name
        try:
            data = json.loads(path.read_text("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise InputError(f"unreadable shard record: {exc}", path) from exc
        index, count = int(match.group(1)), int(match.group(2))
        if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT or \
                data.get("shard") != index or data.get("of") != count or \
                not isinstance(data.get("articles"), list):
            raise InputError("not a shard record this localize wrote", path)
        counts.add(count)
        found[index] = data
    if not found:
        raise InputError(f"no shard records in {folder}: run 'localize build --shard K/N' "
                         "for every shard (or bring each shard's <out>) first")
    if len(counts) != 1:
        raise InputError(f"shard records disagree on N ({', '.join(map(str, sorted(counts)))}) "
                         f"in {folder}")
    count = counts.pop()
    missing = [f"{k}-of-{count}" for k in range(1, count + 1) if k not in found]
    if missing:
        raise InputError(f"finalize needs all {count} shard records; missing: {', '.join(missing)}",
                         folder)
    return [found[k] for k in range(1, count + 1)]


def finalize_site(project: Project, out: Path, publish: str, sitemap_limit: int) -> BuildReport:
    """Everything that depends on more than one article, from the shard records; then remove them."""
    records = load_records(out)
    template = load_template(project.root, project.settings.template)
    expected = _settings_key(project, template, publish)
    for record in records:
        if record.get("settings") != expected:
            raise InputError(f"shard {record['shard']}/{record['of']} was built with other settings "
                             "(localize.toml, template, glossary or --publish) than this finalize",
                             record_path(out, Shard(record["shard"], record["of"])))
    by_source: dict[str, dict[str, Any]] = {}
    for record in records:
        for article in record["articles"]:
            by_source[str(article.get("source"))] = article
    articles: list[PlannedArticle] = []
    content_dir = project.content_dir.resolve()
    for path in project.source_files():
        source_rel = project.relative(path)
        found = by_source.pop(source_rel, None)
        if found is None:
            raise InputError("no shard record covers this article: build every shard with the "
                             "same content/", source_rel)
        content_rel = path.resolve().relative_to(content_dir).as_posix()
        plan = ArticlePlan(found["slug"], source_rel, content_rel,
                           plans_from_json(found["published"]), plans_from_json(found["left_out"]))
        articles.append(PlannedArticle(path, plan, "", None))
    if by_source:
        raise InputError(f"shard records name articles not under content/: {sorted(by_source)[0]}")
    return _finish(project, out, publish, sitemap_limit, template, articles, records)


def _finish(project: Project, out: Path, publish: str, sitemap_limit: int, template: PageTemplate,
            articles: list[PlannedArticle], records: list[dict[str, Any]]) -> BuildReport:
    recorded = {a["source"]: a for r in records for a in r["articles"]}
    article_pages = {a.plan.content_rel: url_paths(project, a.plan) for a in articles}
    cache = BuildCache(project.state_dir, out, single.site_global_key(project, template, publish))
    written: list[str] = []
    entries = []
    all_assets: set[str] = set()
    for article in articles:
        record = recorded[article.plan.source_rel]
        if record["pages"] is None:
            _, inputs = read_article(project, article.path)
            rendered, shas = render_pages(project, article.plan, inputs, article_pages, template, publish)
            write_pages(rendered, out, written)
            assets = set(rendered.assets)
        else:
            shas, assets = dict(record["pages"]), set(record["assets"])
            _check_pages(out, shas, article.plan.source_rel)
        all_assets |= assets
        entries.append(manifest_entry(project, article.plan, shas))
    report = single.finish_build(project, out, articles, entries, (all_assets, written), cache,
                                 publish, sitemap_limit)
    shutil.rmtree(out / SHARDS_DIR)
    return report


def _check_pages(out: Path, shas: Mapping[str, str], source_rel: str) -> None:
    """A shard's pages must be in ``<out>`` as it wrote them (its artifact was brought in whole)."""
    for page, sha in shas.items():
        if file_sha256(out / page) != sha:
            raise InputError(f"{page} is missing from {out} or not as its shard built it: bring "
                             "every shard's <out> before finalizing", source_rel)

