"""sitemap.xml with hreflang alternates (sitemaps.org 0.9 + the xhtml namespace).

Past ``limit`` URLs (50,000 by the protocol) the URLs go to ``sitemap-1.xml``,
``sitemap-2.xml``... and ``sitemap.xml`` becomes their index. No ``lastmod``:
the output must be byte-identical when nothing changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from localize.glossary.xmlsafe import safe_xml_parser

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
MAX_URLS = 50_000
_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'


@dataclass(frozen=True)
class SitemapUrl:
    """One page: its absolute URL and its cluster's alternates as (hreflang, absolute URL)."""

    loc: str
    alternates: tuple[tuple[str, str], ...]


def render_sitemaps(urls: Sequence[SitemapUrl], base_url: str, limit: int = MAX_URLS) -> dict[str, bytes]:
    """File name under ``<out>`` -> content; one file, or an index plus numbered files."""
    ordered = sorted(urls, key=lambda u: u.loc)
    if len(ordered) <= limit:
        return {"sitemap.xml": _urlset(ordered)}
    files: dict[str, bytes] = {}
    names: list[str] = []
    for number, start in enumerate(range(0, len(ordered), limit), 1):
        name = f"sitemap-{number}.xml"
        files[name] = _urlset(ordered[start : start + limit])
        names.append(name)
    files["sitemap.xml"] = _index(names, base_url)
    return files


def xml_escape(text: str) -> str:
    """``xml.sax.saxutils.escape``: that module imports urllib, http and ssl (a tenth of a no-op run)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    """``xml.sax.saxutils.quoteattr``, for the same reason: escaped and quoted as an attribute value."""
    text = xml_escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"{}"'.format(text.replace('"', "&quot;"))


def _urlset(urls: Sequence[SitemapUrl]) -> bytes:
    lines = [_HEADER, f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">\n']
    for url in urls:
        lines.append(f"  <url>\n    <loc>{xml_escape(url.loc)}</loc>\n")
        for hreflang, href in url.alternates:
            lines.append(
                f'    <xhtml:link rel="alternate" hreflang={quoteattr(hreflang)} href={quoteattr(href)}/>\n'
            )
        lines.append("  </url>\n")
    lines.append("</urlset>\n")
    return "".join(lines).encode("utf-8")


def _index(names: Sequence[str], base_url: str) -> bytes:
    lines = [_HEADER, f'<sitemapindex xmlns="{SITEMAP_NS}">\n']
    for name in names:
        loc = f"{base_url.rstrip('/')}/{name}"
        lines.append(f"  <sitemap>\n    <loc>{xml_escape(loc)}</loc>\n  </sitemap>\n")
    lines.append("</sitemapindex>\n")
    return "".join(lines).encode("utf-8")


@dataclass(frozen=True)
class ParsedSitemap:
    """What a built site's sitemap says: URL -> alternates, and the files it was read from."""

    urls: dict[str, tuple[tuple[str, str], ...]]
    files: tuple[str, ...]
    problems: tuple[str, ...]


def read_sitemaps(out: Path, base_url: str) -> ParsedSitemap:
    """Parse ``<out>/sitemap.xml`` (following an index to files under ``<out>``)."""
    urls: dict[str, tuple[tuple[str, str], ...]] = {}
    problems: list[str] = []
    files: list[str] = []
    root = _parse(out / "sitemap.xml", problems)
    if root is None:
        return ParsedSitemap(urls, (), tuple(problems))
    files.append("sitemap.xml")
    parts = [root]
    if etree.QName(root).localname == "sitemapindex":
        parts = []
        prefix = base_url.rstrip("/") + "/"
        for loc in root.iterfind(f"{{{SITEMAP_NS}}}sitemap/{{{SITEMAP_NS}}}loc"):
            text = (loc.text or "").strip()
            name = text[len(prefix) :] if text.startswith(prefix) else ""
            if not name or "/" in name or not name.endswith(".xml"):
                problems.append(f"sitemap index names {text!r}, which is not a sitemap of this site")
                continue
            child = _parse(out / name, problems)
            if child is not None:
                files.append(name)
                parts.append(child)
    for part in parts:
        for url in part.iterfind(f"{{{SITEMAP_NS}}}url"):
            loc = (url.findtext(f"{{{SITEMAP_NS}}}loc") or "").strip()
            links = tuple(
                (link.get("hreflang", ""), link.get("href", ""))
                for link in url.iterfind(f"{{{XHTML_NS}}}link")
                if link.get("rel") == "alternate"
            )
            if loc in urls:
                problems.append(f"sitemap lists {loc} twice")
            urls[loc] = links
    return ParsedSitemap(urls, tuple(files), tuple(problems))


def _parse(path: Path, problems: list[str]) -> etree._Element | None:
    if not path.is_file():
        problems.append(f"{path.name} is missing")
        return None
    try:
        root = etree.parse(str(path), safe_xml_parser()).getroot()
    except etree.XMLSyntaxError as exc:
        problems.append(f"{path.name} is not well-formed XML: {exc}")
        return None
    if etree.QName(root).namespace != SITEMAP_NS:
        problems.append(f"{path.name} is not in the sitemaps.org 0.9 namespace")
        return None
    return root
