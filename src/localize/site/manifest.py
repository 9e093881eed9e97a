"""``<out>/manifest.json`` in SPEC section 5's shape, and reading back the previous one.

The previous manifest is how a build knows which pages it wrote before, so it
removes pages no longer published and never touches files it did not write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from localize.fileio import json_bytes, read_json

MANIFEST_NAME = "manifest.json"


@dataclass(frozen=True)
class Completion:
    """Distinct segments of an article and their state in one locale's catalog."""

    total: int
    reviewed: int
    machine: int
    missing: int

    def to_json(self) -> dict[str, int]:
        return {"total": self.total, "reviewed": self.reviewed, "machine": self.machine, "missing": self.missing}


@dataclass(frozen=True)
class PageEntry:
    """One built page as the manifest lists it."""

    locale: str  # BCP 47
    hreflang: str | None  # None for pseudo-locales
    url: str
    path: str  # relative to <out>, posix
    completion: Completion
    sha256: str

    def to_json(self) -> dict[str, Any]:
        return {
            "locale": self.locale,
            "hreflang": self.hreflang,
            "url": self.url,
            "path": self.path,
            "completion": self.completion.to_json(),
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class ArticleEntry:
    slug: str
    source: str
    pages: tuple[PageEntry, ...]


def render_manifest(base_url: str, source_locale: str, articles: Sequence[ArticleEntry]) -> bytes:
    """The manifest as bytes: fixed key order, articles by slug, pages in build order."""
    data = {
        "base_url": base_url,
        "source_locale": source_locale,
        "articles": [
            {"slug": a.slug, "source": a.source, "pages": [p.to_json() for p in a.pages]}
            for a in sorted(articles, key=lambda a: a.slug)
        ],
    }
    return json_bytes(data, indent=True) + b"\n"


def previous_pages(out: Path) -> dict[str, str]:
    """Page path -> sha256 from the manifest of the last build in ``out`` ({} if none or unreadable)."""
    try:
        data = read_json(out / MANIFEST_NAME)
    except (OSError, ValueError):
        return {}
    pages: dict[str, str] = {}
    for article in data.get("articles", []) if isinstance(data, dict) else []:
        for page in article.get("pages", []) if isinstance(article, dict) else []:
            if isinstance(page, dict) and isinstance(page.get("path"), str):
                pages[page["path"]] = str(page.get("sha256", ""))
    return pages
