"""Relative URLs in an article, rewritten so they work from the page's URL.

A link to another article's source file points at that article's page in the
same locale when it was built, else at its source-locale page. A link to a local
file under ``content/`` points at its copy under ``<out>/assets/``. Anything
else (absolute URLs, fragments, root-relative paths, missing files, paths that
would leave ``content/``) is left as written.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from localize.project import SOURCE_SUFFIXES
from localize.site.urls import relative_url

ASSETS_DIR = "assets"


class LinkRewriter:
    """The ``rewrite_url`` callback for one page; collects the assets and articles it links to."""

    def __init__(
        self,
        content_dir: Path,
        source_rel: str,
        page_url_path: str,
        locale_posix: str,
        source_posix: str,
        article_pages: Mapping[str, Mapping[str, str]],
    ) -> None:
        self.content_dir = content_dir
        self.source_dir = posixpath.dirname(source_rel)  # relative to content/
        self.page_url_path = page_url_path
        self.locale_posix = locale_posix
        self.source_posix = source_posix
        self.article_pages = article_pages  # content-relative source path -> posix locale -> url path
        self.assets: set[str] = set()
        self.linked: set[str] = set()

    def __call__(self, url: str) -> str:
        parts = urlsplit(url)
        if not parts.path or parts.scheme or parts.netloc or parts.path.startswith("/"):
            return url
        target = posixpath.normpath(posixpath.join(self.source_dir, unquote(parts.path)))
        if target.startswith("../") or target in ("..", ".") or posixpath.isabs(target):
            return url
        suffix = ("?" + parts.query if parts.query else "") + ("#" + parts.fragment if parts.fragment else "")
        self.linked.add(target)  # an article, a file or nothing yet: its state decides when to re-render
        pages = self.article_pages.get(target)
        if pages is not None:
            url_path = pages.get(self.locale_posix) or pages[self.source_posix]
            return quote(relative_url(self.page_url_path, url_path), safe="/.-_~") + suffix
        if posixpath.splitext(target)[1].lower() in SOURCE_SUFFIXES:
            return url
        if not self._inside_content(target):
            return url
        self.assets.add(target)
        asset_url = f"{ASSETS_DIR}/{target}"
        return quote(relative_url(self.page_url_path, asset_url), safe="/.-_~") + suffix

    def _inside_content(self, target: str) -> bool:
        """A regular file that really lies under content/ (no symlink out of it)."""
        path = self.content_dir / target
        if not path.is_file():
            return False
        try:
            path.resolve().relative_to(self.content_dir.resolve())
        except ValueError:
            return False
        return True
