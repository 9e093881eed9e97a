"""sitemap.xml: sitemaps.org 0.9 + xhtml alternates, and the index split past the URL limit."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parent / "data" / "site"))

from sitekit import make_project, tagged, write_catalog  # noqa: E402

from localize.site import build_site  # noqa: E402
from localize.site.sitemap import (  # noqa: E402
    SITEMAP_NS,
    XHTML_NS,
    SitemapUrl,
    quoteattr,
    render_sitemaps,
    xml_escape,
)

NS = {"s": SITEMAP_NS, "x": XHTML_NS}


def built(tmp_path: Path, **kwargs):  # type: ignore[no-untyped-def]
    project = make_project(tmp_path / "p")
    for slug in ("gemma", "guide"):
        write_catalog(project, slug, "en", tagged("EN"))
        write_catalog(project, slug, "ar-XB", tagged("XB"), state="machine")
    write_catalog(project, "gemma", "ja", tagged("JA"), state="machine")
    return project, build_site(project, **kwargs)


def manifest_urls(out: Path) -> set[str]:
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {p["url"] for a in data["articles"] for p in a["pages"] if p["hreflang"] is not None}


def test_sitemap_lists_every_clustered_page_with_its_alternates(tmp_path: Path) -> None:
    _, report = built(tmp_path)
    root = etree.parse(str(report.out / "sitemap.xml")).getroot()
    assert root.tag == f"{{{SITEMAP_NS}}}urlset"
    locs = [loc.text for loc in root.iterfind("s:url/s:loc", NS)]
    assert len(locs) == len(set(locs))
    assert set(locs) == manifest_urls(report.out)  # pseudo pages (hreflang null) are not listed
    for url in root.iterfind("s:url", NS):
        loc = url.findtext("s:loc", namespaces=NS)
        links = {link.get("hreflang"): link.get("href") for link in url.iterfind("x:link", NS)}
        assert loc in links.values() and "x-default" in links
        assert all(link.get("rel") == "alternate" for link in url.iterfind("x:link", NS))
        gemma = "/gemma/" in loc
        assert set(links) == ({"zh-TW", "en", "ja", "x-default"} if gemma else {"zh-TW", "en", "x-default"})


def test_sitemap_splits_into_an_index_past_the_limit_and_back(tmp_path: Path) -> None:
    project, report = built(tmp_path, sitemap_limit=2)
    out = report.out
    index = etree.parse(str(out / "sitemap.xml")).getroot()
    assert index.tag == f"{{{SITEMAP_NS}}}sitemapindex"
    names = [loc.text.rsplit("/", 1)[1] for loc in index.iterfind("s:sitemap/s:loc", NS)]
    assert names == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml"]  # 5 URLs, 2 per file
    assert all(loc.text.startswith("https://example.com/docs/") for loc in index.iterfind(".//s:loc", NS))
    locs = []
    for name in names:
        part = etree.parse(str(out / name)).getroot()
        assert part.tag == f"{{{SITEMAP_NS}}}urlset"
        found = [loc.text for loc in part.iterfind("s:url/s:loc", NS)]
        assert 1 <= len(found) <= 2
        locs += found
    assert set(locs) == manifest_urls(out) and len(locs) == 5
    build_site(project)  # default limit: one file again, the numbered ones removed
    assert not list(out.glob("sitemap-*.xml"))
    assert etree.parse(str(out / "sitemap.xml")).getroot().tag == f"{{{SITEMAP_NS}}}urlset"


def test_render_sitemaps_is_deterministic_and_escapes() -> None:
    urls = [SitemapUrl(f"https://e.com/{i}/?a=1&b=2", (("en", f"https://e.com/{i}/?a=1&b=2"),))
            for i in (3, 1, 2)]
    files = render_sitemaps(urls, "https://e.com", limit=10)
    assert list(files) == ["sitemap.xml"]
    assert files == render_sitemaps(list(reversed(urls)), "https://e.com", limit=10)
    root = etree.fromstring(files["sitemap.xml"])
    assert [loc.text for loc in root.iterfind("s:url/s:loc", NS)][0] == "https://e.com/1/?a=1&b=2"
    assert len(render_sitemaps(urls, "https://e.com", limit=1)) == 4


def test_sitemaps_the_tool_did_not_write_are_never_deleted(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    out = project.root / "site"
    out.mkdir()
    news = f'<urlset xmlns="{SITEMAP_NS}"/>'
    (out / "news.xml").write_text(news, encoding="utf-8")  # the user's own sitemap
    (out / "sitemap.xml").write_text(
        f'<sitemapindex xmlns="{SITEMAP_NS}"><sitemap><loc>https://example.com/docs/news.xml</loc>'
        "</sitemap></sitemapindex>", encoding="utf-8")
    report = build_site(project)
    assert (out / "news.xml").read_text(encoding="utf-8") == news
    assert "news.xml" not in report.removed


@given(st.text())
def test_urls_are_escaped_as_the_standard_library_escapes_them(text: str) -> None:
    from xml.sax import saxutils

    assert xml_escape(text) == saxutils.escape(text)
    assert quoteattr(text) == saxutils.quoteattr(text)
