"""A content project on disk: where everything lives (SPEC section 3).

Every path the pipeline reads or writes is derived here, and every slug and
locale is checked before it becomes part of a path, so nothing escapes the
project directory.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from localize.config import CONFIG_NAME, Settings, load_settings
from localize.containment import contained
from localize.errors import UnsafeSlugError
from localize.limits import check_article_size
from localize.locales import LocaleInfo
from localize.statmemo import remembered_listing, resolved_text

SOURCE_SUFFIXES = (".md", ".markdown", ".html", ".htm")
_SLUG = re.compile(r"^[a-z0-9_-]+(/[a-z0-9_-]+)*$")
_SEGMENT = re.compile(r"^[a-z0-9_-]+$")
_NOT_ALLOWED = re.compile(r"[^a-z0-9_-]+")


@lru_cache(maxsize=8192)
def _catalog_path(root: Path, directory: str, slug: str, suffix: str) -> Path:
    """``root/locales/directory/slug.suffix``, made once: every stage asks for each article's
    catalogs in every locale (15,000 times a run at 1,000 articles and five locales). The
    bound keeps what it holds under 6 MB (a larger project makes some paths again)."""
    return root.joinpath("locales", directory, check_slug(slug) + suffix)


def check_slug(slug: str, origin: str | Path | None = None, line: int | None = None) -> str:
    """Return ``slug`` if it is safe (SPEC section 3), else raise UnsafeSlugError."""
    if not isinstance(slug, str) or not _SLUG.match(slug):
        suggestion = slugify(slug) if isinstance(slug, str) else None
        example = f"slug: {suggestion}" if suggestion and suggestion != slug else "slug: my-article"
        raise UnsafeSlugError(
            f"unsafe slug {slug!r}: use lower-case letters, digits, '-', '_' and '/' only; "
            f"a `slug:` in the front matter is how to choose an article's slug (`{example}`)",
            origin,
            line,
        )
    return slug


def _slug_segment(name: str) -> str:
    """One path segment as a slug: a valid one unchanged, else lower-cased, accents dropped,
    every run of other characters one ``-`` (``README-zh-Hant`` -> ``readme-zh-hant``)."""
    if _SEGMENT.match(name):
        return name  # a name that was a valid slug keeps it: its catalogs stay where they are
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return re.sub(r"-{2,}", "-", _NOT_ALLOWED.sub("-", plain.lower())).strip("-")


def slugify(path: str) -> str | None:
    """The slug derived from a path without its extension (``my.article`` -> ``my-article``);
    None when a segment keeps no letter or digit (``新聞/文章``) or the path would leave."""
    segments = [_slug_segment(part) for part in path.split("/")]
    if not segments or any(not s or s in {".", ".."} for s in segments):
        return None
    slug = "/".join(segments)
    return slug if _SLUG.match(slug) else None


@dataclass(frozen=True)
class Project:
    """Paths of one content project plus its settings."""

    root: Path
    settings: Settings

    @classmethod
    def open(cls, root: str | Path = ".") -> Project:
        root = Path(root).resolve()
        return cls(root=root, settings=load_settings(root))

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def glossary_dir(self) -> Path:
        return self.root / "glossaries"

    @property
    def locales_dir(self) -> Path:
        return self.root / "locales"

    @property
    def state_dir(self) -> Path:
        return self.root / ".localize"

    @property
    def site_dir(self) -> Path:
        return self.root / "site"

    def pot_path(self, slug: str) -> Path:
        return _catalog_path(self.root, "templates", slug, ".pot")

    def po_path(self, slug: str, locale: LocaleInfo) -> Path:
        # an f-string, not os.path.join: asked 15,000 times a run (a posix code has no "/")
        return _catalog_path(self.root, f"{locale.posix}/LC_MESSAGES", slug, ".po")

    def relative(self, path: Path) -> str:
        """A path as users see it in messages and ``#:`` references: relative to the project."""
        resolved = resolved_text(path)
        root = str(self.root)  # resolved by ``open``
        if resolved.startswith(root) and resolved[len(root):len(root) + 1] == "/":
            return resolved[len(root) + 1:]
        try:
            return Path(resolved).relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def source_files(self) -> list[Path]:
        """Every article under ``content/``, sorted so runs are deterministic.

        Symlinked directories are not entered (as ``Path.rglob`` does); a symlinked file
        must resolve inside ``content/`` (SPEC section 9). Only symlinks need resolving:
        a plain file reached through plain directories is inside by construction.
        """
        if not self.content_dir.is_dir():
            return []
        return list(remembered_listing(str(self.content_dir), "sources", self._walk_sources))

    def _walk_sources(self) -> list[Path]:
        found: list[tuple[list[str], str, bool]] = []  # (components, path, symlink): Path's order
        pending = [str(self.content_dir)]
        while pending:
            with os.scandir(pending.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
                    elif (not entry.name.startswith(".")
                          and os.path.splitext(entry.name)[1].lower() in SOURCE_SUFFIXES
                          and entry.is_file()):
                        found.append((entry.path.split(os.sep), entry.path, entry.is_symlink()))
        found.sort()
        root = len(str(self.root)) + 1  # every path found is under root/content/
        for _, text, linked in found:
            shown = text[root:].replace(os.sep, "/")
            if linked:  # a symlink to a file elsewhere is never read
                path = Path(text)
                contained(self.content_dir, path.relative_to(self.content_dir), "article", shown)
            check_article_size(text, self.settings.max_article_bytes, shown)
        return [Path(text) for _, text, _ in found]

    def glossary_files(self) -> list[Path]:
        if not self.glossary_dir.is_dir():
            return []
        return sorted(
            p for p in self.glossary_dir.rglob("*") if p.suffix.lower() in (".tbx", ".csv", ".tsv")
        )

    def default_slug(self, path: Path) -> str:
        """The slug of an article without a front-matter ``slug``: its path under content/,
        lower-cased with every character a slug cannot hold turned into ``-``."""
        rel = path.resolve().relative_to(self.content_dir.resolve()).with_suffix("").as_posix()
        slug = slugify(rel)
        if slug is None:
            raise UnsafeSlugError(
                f"no slug can be made from the file name {rel!r} (it needs letters a-z or "
                "digits): choose one with a `slug:` in the front matter (`slug: my-article`) "
                "or rename the file",
                self.relative(path),
            )
        return slug
