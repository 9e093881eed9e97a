"""What extract remembers between runs, so unchanged articles are skipped.

``.localize/extract.json`` records, per source file, a content hash (source
bytes + glossary fingerprint + the settings that shape catalogs + the tool
version) and the stamp (mtime, size, inode) and digest of every catalog it wrote.
An article is skipped only when its hash matches and none of its catalogs changed
since (a translator's edit, a ``translate`` run or a deleted file makes it merge
again, which also re-validates that PO). A catalog whose stamp moved but whose
bytes did not (the project copied, restored from a cache or checked out again)
is unchanged: its digest says so, and its new stamp is recorded.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from localize import __version__
from localize.fileio import json_bytes, read_json, write_if_changed
from localize.project import Project
from localize.stamps import project_digests, stamp_of

#: Bump when the catalog layout changes so every article is extracted again.
CATALOG_FORMAT = "1"


def global_key(project: Project, glossary_fingerprint: str) -> str:
    """Everything besides the source text that shapes a catalog."""
    settings = project.settings
    parts = [
        __version__,
        CATALOG_FORMAT,
        settings.source_locale.posix,
        ",".join(locale.posix for locale in settings.target_locales),
        repr(settings.fuzzy_threshold),
        ",".join(settings.front_matter_keys),
        glossary_fingerprint,
    ]
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()


def content_hash(source_digest: bytes, key: str) -> str:
    """An article's hash: its source bytes (by their digest) and everything else shaping its catalogs."""
    return hashlib.sha256(key.encode("ascii") + b"\x00" + source_digest).hexdigest()


@dataclass
class ExtractState:
    """Per source file (project-relative): hash, slug and the stamps of its catalogs."""

    path: Path
    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def load(cls, project: Project, state_dir: Path | None = None) -> ExtractState:
        """The state in ``.localize/`` (or a shard's ``state_dir``)."""
        path = (state_dir or project.state_dir) / "extract.json"
        try:
            data = read_json(path)
        except (FileNotFoundError, ValueError, UnicodeDecodeError):
            data = {}
        files = data.get("files") if isinstance(data, dict) else None
        return cls(path, files if isinstance(files, dict) else {})

    def unchanged(self, project: Project, source: str, digest: str) -> str | None:
        """The recorded slug when ``source`` and all its catalogs are as last written."""
        record = self.files.get(source)
        if not isinstance(record, dict) or record.get("sha") != digest:
            return None
        outputs = record.get("outputs")
        if not isinstance(outputs, dict) or not outputs:
            return None
        for relative, stamp in outputs.items():
            path = os.path.join(project.root, relative)
            now = stamp_of(path)
            if now != stamp and not self._same_bytes(project, record, relative, path):
                return None
            outputs[relative] = now
        slug = record.get("slug")
        return slug if isinstance(slug, str) else None

    @staticmethod
    def _same_bytes(project: Project, record: dict[str, Any], relative: str, path: str) -> bool:
        """Whether the catalog at ``path`` holds the bytes last recorded for it (read only
        when its stamp moved)."""
        known = record.get("digests")
        recorded = known.get(relative) if isinstance(known, dict) else None
        return isinstance(recorded, str) and recorded == project_digests(project.state_dir)(path)

    def record(self, project: Project, source: str, digest: str, slug: str, outputs: list[tuple[Path, str]]) -> None:
        """``source`` merged: its hash and slug, and each catalog written (path, digest of its bytes)."""
        written = [(project.relative(path), path, bytes_digest) for path, bytes_digest in outputs]
        self.files[source] = {
            "sha": digest,
            "slug": slug,
            "outputs": {relative: stamp_of(os.fspath(path)) for relative, path, _ in written},
            "digests": {relative: bytes_digest for relative, _, bytes_digest in written},
        }

    def output_stamps(self, project: Project) -> dict[str, list[int] | None]:
        """The current stamp of every recorded catalog (see ``restamp``)."""
        return {relative: stamp_of(os.path.join(project.root, relative))
                for record in self.files.values() if isinstance(record, dict)
                for relative in (record.get("outputs") or {})}

    def restamp(self, project: Project, before: dict[str, list[int] | None]) -> None:
        """Accept the writes of a ``translate`` that ran right after extract, under the same lock.

        A catalog whose stamp was as recorded in ``before`` (taken after extract) and differs
        now was rewritten by that translate from the merged catalog, so merging it again would
        change nothing: without this the next run re-extracted every article. Catalogs that were
        already out of date before (a translator's edit of an article extract did not merge)
        keep their old stamp and are merged next time, as before.
        """
        digests = project_digests(project.state_dir)  # translate recorded what it wrote: nothing is read
        for record in self.files.values():
            outputs = record.get("outputs") if isinstance(record, dict) else None
            if not isinstance(outputs, dict):
                continue
            known = record.get("digests")
            for relative, stamp in outputs.items():
                path = os.path.join(project.root, relative)
                if before.get(relative) == stamp and (now := stamp_of(path)) != stamp:
                    outputs[relative] = now
                    if isinstance(known, dict):
                        known[relative] = digests(path)
        self.save()

    def forget_missing(self, present: set[str]) -> None:
        for source in [s for s in self.files if s not in present]:
            del self.files[source]

    def save(self) -> None:
        # not synced: lost in a power cut, it only makes the next run extract again (the same catalogs)
        write_if_changed(self.path, json_bytes({"files": self.files}, sort_keys=True) + b"\n", durable=False)
