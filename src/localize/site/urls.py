"""Where a page lives: its URL path under the site root, its file under ``<out>``, its absolute URL.

``base_url`` is where the site is served (it may carry a path); ``<out>`` holds the
site root, so ``https://example.com/docs/en/a/`` is ``<out>/en/a/index.html``.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import urlsplit

from localize.locales import LocaleInfo

_FILE_SUFFIXES = (".html", ".htm")


def page_url_path(pattern: str, locale: LocaleInfo, slug: str) -> str:
    """``url_pattern`` expanded: ``{locale}`` = lower-case BCP 47 tag; directories end in ``/``."""
    path = pattern.replace("{locale}", locale.url_tag).replace("{slug}", slug).lstrip("/")
    while "//" in path:
        path = path.replace("//", "/")
    if not path.endswith("/") and not path.lower().endswith(_FILE_SUFFIXES):
        path += "/"
    return path


def page_file_path(url_path: str) -> str:
    """The page's file relative to ``<out>`` (posix): directories get ``index.html``."""
    return url_path + "index.html" if url_path.endswith("/") else url_path


def absolute_url(base_url: str, url_path: str) -> str:
    """The page's absolute URL: ``base_url`` joined with its URL path."""
    return f"{base_url.rstrip('/')}/{url_path}"


def relative_url(from_url_path: str, to_url_path: str) -> str:
    """A link from one page (or asset) to another that works wherever the site is served."""
    start = from_url_path if from_url_path.endswith("/") else posixpath.dirname(from_url_path)
    target = to_url_path.rstrip("/") or "."
    # both rooted at "/": relpath then needs no working directory (a getcwd call each)
    rel = posixpath.relpath("/" + target, "/" + (start.rstrip("/") or "."))
    if to_url_path.endswith("/") and not rel.endswith("/"):
        rel = "./" if rel == "." else rel + "/"
    return rel


def url_to_site_path(base_url: str, url: str) -> str | None:
    """The URL path under the site root of an absolute URL on this site, else None."""
    base = urlsplit(base_url.rstrip("/") + "/")
    parts = urlsplit(url)
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
        return None
    if not parts.path.startswith(base.path):
        return None
    return parts.path[len(base.path) :]


def site_file_for(out: Path, url_path: str) -> Path:
    """The file under ``out`` that serves a URL path (``index.html`` for directories)."""
    if url_path == "" or url_path.endswith("/"):
        return out / url_path / "index.html"
    return out / url_path
