"""A content project on disk: where everything lives (SPEC section 3).

Every path the pipeline reads or writes is derived here, and every slug and
locale is checked before it becomes part of a path, so nothing escapes the
project directory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from localize.config import CONFIG_NAME, Settings, load_settings
from localize.errors import UnsafeSlugError
from localize.locales import LocaleInfo

SOURCE_SUFFIXES = (".md", ".markdown", ".html", ".htm")
_SLUG = re.compile(r"^[a-z0-9_-]+(/[a-z0-9_-]+)*$")


def check_slug(slug: str, origin: str | Path | None = None, line: int | None = None) -> str:
    """Return ``slug`` if it is safe (SPEC section 3), else raise UnsafeSlugError."""
    if not isinstance(slug, str) or not _SLUG.match(slug):
        raise UnsafeSlugError(
            f"unsafe slug {slug!r}: use lower-case letters, digits, '-', '_' and '/' only", origin, line
        )
    return slug


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
        return self.locales_dir / "templates" / f"{check_slug(slug)}.pot"

    def po_path(self, slug: str, locale: LocaleInfo) -> Path:
        return self.locales_dir / locale.posix / "LC_MESSAGES" / f"{check_slug(slug)}.po"

    def relative(self, path: Path) -> str:
        """A path as users see it in messages and ``#:`` references: relative to the project."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def source_files(self) -> list[Path]:
        """Every article under ``content/``, sorted so runs are deterministic."""
        if not self.content_dir.is_dir():
            return []
        return sorted(
            p
            for p in self.content_dir.rglob("*")
            if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES and not p.name.startswith(".")
        )

    def glossary_files(self) -> list[Path]:
        if not self.glossary_dir.is_dir():
            return []
        return sorted(
            p for p in self.glossary_dir.rglob("*") if p.suffix.lower() in (".tbx", ".csv", ".tsv")
        )

    def default_slug(self, path: Path) -> str:
        """The slug of an article without a front-matter ``slug``: its path under content/."""
        rel = path.resolve().relative_to(self.content_dir.resolve()).with_suffix("")
        return check_slug(rel.as_posix(), self.relative(path))
