"""``localize check --site``: is a built site something search engines and browsers can trust?

Every page (pseudo-locale pages excepted, SPEC section 4) must carry ``lang``
and ``dir``, a self canonical, and an hreflang cluster that is
self-referencing, reciprocal, complete, with exactly one x-default and valid
values; absolute URLs on this site must resolve to built pages; the sitemap
must list exactly the clustered pages with the same alternates.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from lxml import html as lxml_html

from localize.errors import InputError, LocaleError
from localize.locales import LocaleInfo, parse_locale
from localize.project import Project
from localize.qa.report import Finding, QAReport
from localize.site.manifest import MANIFEST_NAME
from localize.site.sitemap import read_sitemaps
from localize.site.urls import absolute_url, url_to_site_path

_HREFLANG = re.compile(r"^[a-z]{2,3}(-[a-z]{4})?(-([a-z]{2}|[0-9]{3}))?$", re.IGNORECASE)


class SiteCheckReport(QAReport):
    """check --json's report (counts and JSON from QAReport), findings in the order found."""

    def sorted_findings(self) -> list[Finding]:
        return list(self.findings)

    def to_text(self) -> str:
        lines = [f"{f.file}: {f.severity}: [{f.check}] {f.message}" for f in self.findings]
        lines.append(f"{self.errors} error(s), {self.warnings} warning(s)")
        return "\n".join(lines)


@dataclass(frozen=True)
class _Page:
    path: str  # under the site directory
    url: str
    lang: str
    locale: LocaleInfo | None
    direction: str
    pseudo: bool
    canonicals: tuple[str, ...]
    alternates: tuple[tuple[str, str], ...]
    site_links: tuple[str, ...]  # absolute URLs on this site other than head links
    relative_links: tuple[str, ...]  # relative href/src values in the body
    fragments: tuple[str, ...] = ()  # in-page links (href="#x") of the body, unquoted
    ids: frozenset[str] = frozenset()  # ids (and <a name>) of the page


def check_site(project: Project, site_dir: Path | None = None) -> SiteCheckReport:
    """Validate the site built in ``site_dir`` (default ``<project>/site``)."""
    out = Path(site_dir).resolve() if site_dir is not None else project.site_dir
    if not out.is_dir():
        raise InputError("no built site here (run 'localize build')", out)
    base_url, slugs = _manifest_facts(out, project.settings.base_url)
    checker = _Checker(out, base_url, slugs)
    return checker.run()


def _manifest_facts(out: Path, default_base: str) -> tuple[str, dict[str, str]]:
    try:
        data = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
        slugs = {p["path"]: a["slug"] for a in data["articles"] for p in a["pages"]}
        return str(data.get("base_url") or default_base), slugs
    except (OSError, ValueError, KeyError, TypeError):
        return default_base, {}


class _Checker:
    def __init__(self, out: Path, base_url: str, slugs: dict[str, str]) -> None:
        self.out = out
        self.base_url = base_url
        self.slugs = slugs
        self.report = SiteCheckReport()
        self.pages: dict[str, _Page] = {}  # by absolute URL

    def add(self, page: _Page | None, check: str, message: str, severity: str = "error",
            file: str | None = None) -> None:
        self.report.findings.append(Finding(
            severity=severity, check=check, locale=page.lang if page else "",
            slug=self.slugs.get(page.path, "") if page else "", file=file or (page.path if page else ""),
            line=0, msgid="", message=message,
        ))

    def run(self) -> SiteCheckReport:
        for path in sorted(self.out.rglob("*.html")):
            page = self.read_page(path)
            if page is not None:
                self.pages[page.url] = page
        for page in self.pages.values():
            if not page.pseudo:
                self.check_page(page)
        self.check_sitemap()
        return self.report

    def read_page(self, path: Path) -> _Page | None:
        rel = path.relative_to(self.out).as_posix()
        url_path = rel[: -len("index.html")] if rel == "index.html" or rel.endswith("/index.html") else rel
        try:
            root = lxml_html.document_fromstring(path.read_bytes())
        except (ValueError, lxml_html.etree.ParserError) as exc:
            self.add(None, "page", f"cannot parse the page: {exc}", file=rel)
            return None
        lang = (root.get("lang") or "").strip()
        locale = _locale(lang)
        robots = " ".join(m.get("content", "") for m in root.iterfind(".//meta[@name='robots']"))
        canonicals = tuple(link.get("href", "") for link in root.iterfind(".//link[@rel='canonical']"))
        alternates = tuple((link.get("hreflang", ""), link.get("href", ""))
                           for link in root.iterfind(".//link[@rel='alternate']") if link.get("hreflang"))
        prefix = self.base_url.rstrip("/") + "/"
        site_links = tuple(sorted({href for el in root.iter("a", "img", "meta")
                                   for href in (el.get("href"), el.get("src"), el.get("content"))
                                   if href and href.startswith(prefix)}))
        body = root.find("body")
        relative = tuple(sorted({href for el in (body.iter("a", "img") if body is not None else ())
                                 for href in (el.get("href"), el.get("src"))
                                 if href and not urlsplit(href).scheme and not href.startswith(("#", "/"))}))
        fragments = tuple(sorted({unquote(href[1:]) for el in (body.iter("a") if body is not None else ())
                                  for href in (el.get("href"),) if href and href.startswith("#") and href != "#"}))
        ids = frozenset(value for el in root.iter() if isinstance(el.tag, str)
                        for value in (el.get("id"), el.get("name") if el.tag == "a" else None) if value)
        return _Page(rel, absolute_url(self.base_url, url_path), lang, locale, (root.get("dir") or "").strip(),
                     bool(locale and locale.is_pseudo) or "noindex" in robots, canonicals, alternates, site_links,
                     relative, fragments, ids)

    def resolves(self, url: str) -> bool:
        path = url_to_site_path(self.base_url, url.split("#", 1)[0].split("?", 1)[0])
        if path is None:
            return False
        target = self.out / path
        return (target / "index.html").is_file() if (path == "" or path.endswith("/")) else target.is_file()

    def check_page(self, page: _Page) -> None:
        self.check_lang_dir(page)
        if list(page.canonicals) != [page.url]:
            self.add(page, "canonical", f"canonical should be exactly {page.url}, found {list(page.canonicals)}")
        for url in page.site_links:
            if not self.resolves(url):
                self.add(page, "urls", f"{url} does not resolve to a built page")
        for href in page.relative_links:
            if not self.resolves(urljoin(page.url, href)):
                self.add(page, "links", f"link {href!r} does not resolve to a file of the site", "warning")
        for fragment in page.fragments:
            if fragment not in page.ids:
                self.add(page, "anchors", f"in-page link '#{fragment}' leads nowhere: no element has that id",
                         "warning")
        self.check_cluster(page)

    def check_lang_dir(self, page: _Page) -> None:
        if not page.lang:
            self.add(page, "lang", "the <html> element has no lang attribute")
        elif page.locale is None:
            self.add(page, "lang", f"lang={page.lang!r} is not a valid language tag")
        if page.direction not in ("ltr", "rtl"):
            self.add(page, "dir", f"the <html> element has no valid dir attribute ({page.direction!r})")
        elif page.locale is not None and page.direction != page.locale.direction:
            self.add(page, "dir", f"dir={page.direction} but {page.lang} is written {page.locale.direction}")

    def check_cluster(self, page: _Page) -> None:
        if not page.alternates:
            self.add(page, "hreflang", "no hreflang alternates")
            return
        values = [h for h, _ in page.alternates]
        defaults = values.count("x-default")
        if defaults != 1:
            self.add(page, "hreflang", f"{defaults} x-default alternates (exactly one is required)")
        for value in sorted({v for v in values if values.count(v) > 1 and v != "x-default"}):
            self.add(page, "hreflang", f"hreflang {value!r} appears more than once")
        for hreflang, href in page.alternates:
            if hreflang != "x-default" and not _valid_hreflang(hreflang):
                self.add(page, "hreflang", f"invalid hreflang value {hreflang!r}")
            if not self.resolves(href):
                self.add(page, "urls", f"alternate {hreflang} {href} does not resolve to a built page")
            elif href in self.pages and self.pages[href].pseudo:
                self.add(page, "hreflang", f"alternate {hreflang} points at pseudo-locale page {href}")
        own = [h for h, href in page.alternates if href == page.url and h != "x-default"]
        if not own:
            self.add(page, "hreflang", "the cluster does not reference the page itself")
        elif page.locale is not None and page.locale.hreflang not in own:
            self.add(page, "hreflang", f"the page's own alternate is {own[0]!r}, expected {page.locale.hreflang!r}")
        mine = set(page.alternates)
        for hreflang, href in page.alternates:
            other = self.pages.get(href)
            if hreflang == "x-default" or other is None or other.pseudo or href == page.url:
                continue
            if page.url not in {h for _, h in other.alternates}:
                self.add(page, "hreflang", f"{href} does not link back to this page (not reciprocal)")
            elif set(other.alternates) != mine:
                diff = sorted(mine ^ set(other.alternates))
                self.add(page, "hreflang", f"cluster differs from the one on {href}: {diff}")

    def check_sitemap(self) -> None:
        parsed = read_sitemaps(self.out, self.base_url)
        for problem in parsed.problems:
            self.add(None, "sitemap", problem, file="sitemap.xml")
        if not parsed.files:
            return
        for loc, alternates in parsed.urls.items():
            page = self.pages.get(loc)
            if page is None or not self.resolves(loc):
                self.add(None, "sitemap", f"sitemap lists {loc}, which is not a built page", file="sitemap.xml")
            elif page.pseudo:
                self.add(page, "sitemap", f"sitemap lists pseudo-locale page {loc}", file="sitemap.xml")
            elif set(alternates) != set(page.alternates):
                self.add(page, "sitemap", f"sitemap alternates for {loc} differ from the page's hreflang links",
                         file="sitemap.xml")
        for page in self.pages.values():
            if not page.pseudo and page.alternates and page.url not in parsed.urls:
                self.add(page, "sitemap", f"{page.url} is missing from the sitemap")


def _locale(lang: str) -> LocaleInfo | None:
    if not lang:
        return None
    try:
        return parse_locale(lang)
    except LocaleError:
        return None


def _valid_hreflang(value: str) -> bool:
    if not _HREFLANG.match(value):
        return False
    return _locale(value) is not None
