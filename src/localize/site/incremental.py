"""What the last build saw, so a build with nothing changed reads and renders almost nothing.

Kept in ``.localize/site-build.json`` (never in ``<out>``): per article, the
hash of its inputs (source file, its catalogs, the settings and template), its
publishing plan, the state of what its links point at, and the sha256 of each
page written. A page is rendered again when any of those differ or its file in
``<out>`` is not what was written. The manifest and sitemaps are recorded the same
way and left alone when no article's record changed and they are intact.

Files are compared by sha256, read only when their stamp (mtime, size, inode)
differs from the one recorded with that sha256 (see ``localize.stamps``), so a
build with nothing changed stats its files and reads none.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from localize.fileio import json_bytes, read_json, write_if_changed
from localize.locales import parse_locale
from localize.site.manifest import Completion
from localize.site.plan import ArticlePlan, LocalePlan
from localize.stamps import StampedDigests, sha256_digest

CACHE_NAME = "site-build.json"
FORMAT = "1"


def file_sha256(path: Path) -> str:
    """sha256 of a file, "" when there is none."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return ""


#: The code a page's bytes depend on (relative to the package): reading, segmenting, safety, rendering.
_RENDER_CODE = ("site", "readers", "templates", "segment.py", "placeables.py", "model.py", "locales.py",
                "config.py", "catalog/state.py", "catalog/pofile.py")


def code_fingerprint() -> str:
    """Size and mtime of the code pages depend on: a changed reader or renderer rebuilds all."""
    import localize

    package = Path(localize.__file__).resolve().parent
    parts = [localize.__version__]
    files: list[Path] = []
    for name in _RENDER_CODE:
        target = package / name
        files += sorted(target.rglob("*")) if target.is_dir() else [target]
    for path in files:
        if path.suffix in (".py", ".html") and path.is_file():
            stat = path.stat()
            parts.append(f"{path.relative_to(package).as_posix()}:{stat.st_size}:{stat.st_mtime_ns}")
    return combined_key(parts)


def combined_key(parts: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def plans_to_json(plans: Iterable[LocalePlan]) -> list[list[Any]]:
    return [[p.locale.posix, p.completion.total, p.completion.reviewed, p.completion.machine,
             p.completion.missing] for p in plans]


def plans_from_json(rows: Iterable[list[Any]]) -> tuple[LocalePlan, ...]:
    return tuple(_locale_plan(*row[:5]) for row in rows)


@lru_cache(maxsize=16_384)
def _locale_plan(posix: str, *counts: int) -> LocalePlan:
    """One published locale of a cached plan: made once for each locale and counts, as every
    build makes the plan of every unchanged article from the cache (thousands of them)."""
    return LocalePlan(parse_locale(posix), Completion(*counts))


class BuildCache:
    """Per-article records of the previous build into the same ``<out>`` with the same settings."""

    def __init__(self, state_dir: Path, out: Path, global_key: str, name: str = CACHE_NAME) -> None:
        self.path = state_dir / name  # one file per kind of build (HTML, Markdown)
        self.out = str(out)
        self.global_key = global_key
        self.previous: dict[str, Any] = {}
        self.previous_assets: dict[str, str] = {}
        self.articles: dict[str, Any] = {}
        self.assets: dict[str, str] = {}
        self.digests = StampedDigests(digest=sha256_digest)
        self.previous_outputs: dict[str, Any] = {}
        self.outputs: dict[str, Any] = {}  # whole-site files (manifest, sitemaps) as last written
        self.same_settings = False  # whether the last build here had this global key
        try:
            data = read_json(self.path)
        except (OSError, ValueError):
            return
        if not isinstance(data, dict) or data.get("out") != self.out:
            return
        if data.get("format") == FORMAT:
            self.digests = StampedDigests(data.get("stamps"), sha256_digest)
        self.previous_assets = dict(data.get("assets", {}))
        if data.get("format") == FORMAT and data.get("global") == global_key:
            self.same_settings = True
            self.previous = dict(data.get("articles", {}))
            outputs = data.get("outputs")
            self.previous_outputs = outputs if isinstance(outputs, dict) else {}

    def plan(self, source_rel: str, key: str, content_rel: str) -> ArticlePlan | None:
        """The cached plan of an article whose inputs hash to ``key``, else None."""
        entry = self.previous.get(source_rel)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        try:
            return ArticlePlan(entry["slug"], source_rel, content_rel, plans_from_json(entry["published"]),
                               plans_from_json(entry["left_out"]))
        except (KeyError, TypeError, ValueError, IndexError):
            return None

    def pages_reusable(self, source_rel: str, key: str, targets: Mapping[str, str], out: Path) -> bool:
        """Whether the pages written last time are still right and still intact in ``out``."""
        entry = self.previous.get(source_rel)
        if not isinstance(entry, dict) or entry.get("key") != key or entry.get("targets") != targets:
            return False
        pages = entry.get("pages", {})
        root = os.fspath(out)
        return bool(pages) and all(self.digests(os.path.join(root, path)) == sha for path, sha in pages.items())

    def outputs_reusable(self, kind: str, out: Path, shape: object, records_matter: bool = True) -> dict[str, str] | None:
        """The files of ``kind`` (name -> sha256) the last build wrote, when this build's records
        are the last one's (unless ``shape`` says all the files depend on), ``shape`` (what else
        shaped them) is too and every file is intact: then writing them again would give the same bytes."""
        previous = self.previous_outputs.get(kind)
        if (not self.articles or (records_matter and self.articles != self.previous)
                or not isinstance(previous, dict) or previous.get("shape") != shape
                or not isinstance(previous.get("files"), dict)):
            return None
        files: dict[str, str] = previous["files"]
        if not files or any(self.digests(out / name) != sha for name, sha in files.items()):
            return None
        self.record_outputs(kind, shape, files)
        return files

    def record_outputs(self, kind: str, shape: object, files: Mapping[str, str]) -> None:
        self.outputs[kind] = {"shape": shape, "files": dict(sorted(files.items()))}

    def previous_entry(self, source_rel: str) -> dict[str, Any]:
        entry = self.previous.get(source_rel)
        return entry if isinstance(entry, dict) else {}

    def keep(self, source_rel: str) -> None:
        """Record an article as the last build did: its pages stand (``pages_reusable``) and
        its plan is the one cached, so its entry would be made again the same."""
        self.articles[source_rel] = self.previous[source_rel]

    def record(self, plan: ArticlePlan, key: str, targets: Mapping[str, str], assets: Iterable[str],
               pages: Mapping[str, str]) -> None:
        self.articles[plan.source_rel] = {
            "key": key,
            "slug": plan.slug,
            "published": plans_to_json(plan.published),
            "left_out": plans_to_json(plan.left_out),
            "targets": dict(sorted(targets.items())),
            "assets": sorted(assets),
            "pages": dict(sorted(pages.items())),
        }

    def save(self) -> None:
        data = {"format": FORMAT, "out": self.out, "global": self.global_key,
                "assets": dict(sorted(self.assets.items())),
                "articles": dict(sorted(self.articles.items())),
                "outputs": dict(sorted(self.outputs.items())),
                "stamps": self.digests.to_json()}
        write_if_changed(self.path, json_bytes(data) + b"\n")
