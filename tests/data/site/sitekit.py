"""Test helpers for the site tests: a small project on disk and PO catalogs written with polib.

Catalogs are written from the real reader and segmenter's msgids, so the
tests exercise what ``localize extract`` would produce without depending on it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import polib

from localize.locales import parse_locale
from localize.model import Segment
from localize.project import Project

PROJECT_DATA = Path(__file__).resolve().parent / "project"

DEFAULT_SETTINGS: dict[str, Any] = {
    "source_locale": "zh-Hant-TW",
    "target_locales": ["en", "ja", "zh-Hans-CN", "en-XA", "ar-XB"],
    "base_url": "https://example.com/docs",
    "url_pattern": "{locale}/{slug}/",
    "x_default": "en",
    "publish": "machine",
    "min_completion": 0.5,
    "fallbacks": {"ja": ["en"]},
}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_value(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(value)


def write_config(root: Path, settings: Mapping[str, Any]) -> None:
    lines = [f"{key} = {_toml_value(value)}" for key, value in settings.items() if value is not None]
    (root / "localize.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def make_project(root: Path, **overrides: Any) -> Project:
    """Copy the sample content to ``root`` and write localize.toml with ``overrides``."""
    shutil.copytree(PROJECT_DATA, root, dirs_exist_ok=True)
    write_config(root, {**DEFAULT_SETTINGS, **overrides})
    return Project.open(root)


def reopen(project: Project, **overrides: Any) -> Project:
    write_config(project.root, {**DEFAULT_SETTINGS, **overrides})
    return Project.open(project.root)


def segments_of(project: Project, content_rel: str) -> tuple[Segment, ...]:
    from localize.readers import read_document
    from localize.segmentation import segment_document

    path = project.content_dir / content_rel
    document = read_document(path, project.relative(path), project.settings.front_matter_keys)
    return tuple(segment_document(document, project.settings.source_locale))


Translator = Callable[[Segment], "str | None"]


def write_catalog(project: Project, slug: str, locale_code: str, translate: Translator,
                  state: str = "reviewed", content_rel: str | None = None) -> Path:
    """Write ``locales/<posix>/LC_MESSAGES/<slug>.po``: one entry per distinct msgid.

    ``state``: "reviewed" (no flag), "machine" (fuzzy) or "stale" (fuzzy + previous msgid).
    """
    locale = parse_locale(locale_code)
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": slug,
        "Language": locale.posix,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": locale.plural_forms,
    }
    seen: set[str] = set()
    for segment in segments_of(project, content_rel or f"{slug}.md"):
        if segment.text in seen:
            continue
        seen.add(segment.text)
        translation = translate(segment)
        entry = polib.POEntry(msgid=segment.text, msgstr=translation or "",
                              occurrences=[(f"content/{content_rel or slug + '.md'}", str(segment.line))])
        if translation and state in ("machine", "stale"):
            entry.flags.append("fuzzy")
        if translation and state == "stale":
            entry.previous_msgid = segment.text + " (old)"
        po.append(entry)
    path = project.po_path(slug, locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    return path


def tagged(tag: str) -> Translator:
    """A translator that prefixes every msgid (markup kept exactly as in the source)."""
    return lambda segment: f"{tag} {segment.text}"
