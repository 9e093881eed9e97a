"""Test helpers for the Markdown output tests: a project of given files, catalogs, the written tree.

Catalogs come from sitekit (msgids from the real reader and segmenter), so the
tests exercise what ``localize extract`` would produce.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "site"))

from sitekit import Translator, segments_of, write_catalog  # noqa: E402
from sitekit import _toml_value as _value  # noqa: E402  (one TOML writer for both kits)

from localize.project import Project  # noqa: E402

FIXTURES = Path(__file__).resolve().parent
__all__ = ["FIXTURES", "Translator", "identity", "md_project", "segments_of", "write_catalog"]


def md_project(root: Path, files: Mapping[str, str | bytes], source: str = "en",
               targets: tuple[str, ...] = ("ja",), markdown: Mapping[str, Any] | None = None,
               **settings: Any) -> Project:
    """A project whose content/ holds ``files`` (str written as UTF-8 with no newline translation)."""
    for name, data in files.items():
        path = root / "content" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    top = {"source_locale": source, "target_locales": list(targets), "min_completion": 0.0, **settings}
    lines = [f"{key} = {_value(value)}" for key, value in top.items()]
    if markdown:
        lines.append("[markdown]")
        lines += [f"{key} = {_value(value)}" for key, value in markdown.items()]
    (root / "localize.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Project.open(root)


def identity(segment: Any) -> str:
    """Every msgstr equal to its msgid."""
    return str(segment.text)
