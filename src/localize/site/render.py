"""One article's pages: composed content, hreflang cluster, switcher and notice, through the template."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from localize.locales import LocaleInfo
from localize.project import Project
from localize.site.compose import PageComposer
from localize.site.links import LinkRewriter
from localize.site.notice import notice_for
from localize.site.pages import Alternate, PageModel, PageTemplate, SwitcherItem
from localize.site.plan import ArticleInputs, ArticlePlan, chooser_for
from localize.site.sitemap import SitemapUrl
from localize.site.urls import absolute_url, page_file_path, page_url_path, relative_url


@dataclass(frozen=True)
class RenderedPage:
    locale: LocaleInfo
    url_path: str
    file_path: str  # relative to <out>
    content: bytes


@dataclass(frozen=True)
class RenderedArticle:
    pages: tuple[RenderedPage, ...]
    assets: frozenset[str]  # content-relative files to copy
    link_targets: frozenset[str]  # content-relative files its relative links resolved to


def url_paths(project: Project, plan: ArticlePlan) -> dict[str, str]:
    """posix locale -> URL path of every published page of the article."""
    pattern = project.settings.url_pattern
    return {p.locale.posix: page_url_path(pattern, p.locale, plan.slug) for p in plan.published}


def cluster_alternates(project: Project, plan: ArticlePlan) -> tuple[Alternate, ...]:
    """hreflang alternates of the article's cluster, x-default last."""
    settings = project.settings
    paths = url_paths(project, plan)
    cluster = plan.cluster
    alternates = [Alternate(loc.hreflang, absolute_url(settings.base_url, paths[loc.posix])) for loc in cluster]
    x_default = settings.x_default
    default_posix = settings.source_locale.posix
    if x_default is not None and any(loc.posix == x_default.posix for loc in cluster):
        default_posix = x_default.posix
    alternates.append(Alternate("x-default", absolute_url(settings.base_url, paths[default_posix])))
    return tuple(alternates)


def sitemap_urls(project: Project, plan: ArticlePlan) -> list[SitemapUrl]:
    alternates = tuple((a.hreflang, a.href) for a in cluster_alternates(project, plan))
    paths = url_paths(project, plan)
    base = project.settings.base_url
    return [SitemapUrl(absolute_url(base, paths[loc.posix]), alternates) for loc in plan.cluster]


def render_article(project: Project, plan: ArticlePlan, inputs: ArticleInputs,
                   article_pages: Mapping[str, Mapping[str, str]], template: PageTemplate,
                   publish: str) -> RenderedArticle:
    """Every published page of one article, rendered to bytes."""
    settings = project.settings
    paths = url_paths(project, plan)
    alternates = cluster_alternates(project, plan)
    pages: list[RenderedPage] = []
    assets: set[str] = set()
    targets: set[str] = set()
    for locale_plan in plan.published:
        locale = locale_plan.locale
        rewriter = LinkRewriter(project.content_dir, plan.content_rel, paths[locale.posix], locale.posix,
                                settings.source_locale.posix, article_pages)
        model = _page_model(project, plan, inputs, locale, paths, alternates, rewriter, publish)
        pages.append(RenderedPage(locale, paths[locale.posix], page_file_path(paths[locale.posix]),
                                  template.render(model)))
        assets |= rewriter.assets
        targets |= rewriter.linked
    return RenderedArticle(tuple(pages), frozenset(assets), frozenset(targets))


def _page_model(project: Project, plan: ArticlePlan, inputs: ArticleInputs, locale: LocaleInfo,
                paths: Mapping[str, str], alternates: tuple[Alternate, ...], rewriter: LinkRewriter,
                publish: str) -> PageModel:
    settings = project.settings
    source = settings.source_locale
    is_source = locale.posix == source.posix
    chooser = None if is_source else chooser_for(settings, inputs, locale, publish)
    composed = PageComposer(inputs.document, inputs.segments, locale, source, chooser, rewriter,
                            inputs.parsed).compose()
    notice = None
    if composed.has_machine and chooser is not None:
        notice = notice_for(settings, locale, chooser.chain)
    cluster = plan.cluster
    switcher_locales = cluster if not locale.is_pseudo else (*cluster, locale)
    own_path = paths[locale.posix]
    switcher = tuple(
        SwitcherItem(
            label=loc.display_name,
            lang=loc.bcp47,
            hreflang=None if loc.is_pseudo else loc.hreflang,
            href=relative_url(own_path, paths[loc.posix]),
            current=loc.posix == locale.posix,
        )
        for loc in switcher_locales
    )
    og_alternates: list[str] = []
    if not locale.is_pseudo:
        for loc in cluster:
            if loc.og_locale != locale.og_locale and loc.og_locale not in og_alternates:
                og_alternates.append(loc.og_locale)
    return PageModel(
        lang=locale.bcp47,
        dir=locale.direction,
        slug=plan.slug,
        title=composed.title_text,
        title_html=composed.title_html,
        show_title="<h1" not in composed.body,
        description=composed.description,
        canonical=absolute_url(settings.base_url, own_path),
        alternates=() if locale.is_pseudo else alternates,
        noindex=locale.is_pseudo,
        og_locale=locale.og_locale,
        og_alternates=tuple(og_alternates),
        notice=notice,
        switcher=switcher if len(switcher) > 1 else (),
        body=composed.body,
        source_lang=source.bcp47,
    )
