"""QA verdicts remembered by content, so each sentence pair is judged once across stages and runs.

translate (its repair ladder), check and build all ask QA about the same pairs;
the answer depends only on the source, the translation, the format, the target
locale, the glossary and QA's own code, so it is kept under a hash of exactly
those. Flags and ``[qa] ignore`` are applied by the caller, after the lookup.

A whole PO file is remembered too, by its bytes and everything else its findings
depend on (locale, glossary, ignored checks, its failure records): an unchanged
catalog is not even parsed again.

``.localize/qa-memo.json`` carries both to the next run: loaded by the
first ``check_project`` of a process, written back only when it gained entries
(a no-op run rewrites nothing). It is a cache: a missing or unreadable file just
means QA runs again; a change to QA's code (its files' contents) drops it. Most
verdicts are "no finding": their keys are stored as one string of fixed-width keys
(``clean``), which loads an order of magnitude faster than an object of empty lists.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from localize import __version__
from localize.fileio import json_bytes, read_json, write_if_changed
from localize.stamps import blake2_digest

if TYPE_CHECKING:
    from localize.glossary import Glossary
    from localize.locales import LocaleInfo

__all__ = ["MEMO_NAME", "FileResult", "QAMemo", "file_key", "memo", "memo_key"]

MEMO_NAME = "qa-memo.json"
_KEY_CHARS = 32  # memo_key's hex digest: 16 bytes
_LIMIT = 500_000  # entries kept in memory before the oldest half is dropped
Result = tuple[str, str, str]


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the code QA's verdicts come from; a change to any of it invalidates the file."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(__version__.encode())
    for relative in ("qa/checks.py", "qa/numbers.py", "qa/memo.py", "protect/placeables.py", "protect/tokens.py",
                     "glossary/matcher.py", "glossary/automaton.py", "glossary/terms.py", "engines/pseudo.py"):
        try:
            digest.update((package / relative).read_bytes())
        except FileNotFoundError:
            digest.update(relative.encode())
    return digest.hexdigest()[:16]


def memo_key(source: str, translation: str, fmt: str, target: LocaleInfo, glossary: Glossary | None) -> str:
    fingerprint = glossary.fingerprint if glossary is not None else "-"
    payload = "\x00".join((source, translation, fmt, target.bcp47, fingerprint))
    return hashlib.blake2b(payload.encode("utf-8"), digest_size=16).hexdigest()


def file_key(file_digest: str, context: tuple[str, ...], glossary: Glossary | None,
             ignore: frozenset[str], failures: dict[str, str]) -> str:
    """What a PO file's findings depend on: its bytes (by their digest), locale/slug/path,
    glossary, waivers, failures."""
    extra = [*context, glossary.fingerprint if glossary is not None else "-", *sorted(ignore)]
    # orjson (json_bytes): a check asks this of every catalog, and json.dumps took 4 us a call
    return blake2_digest(file_digest.encode("ascii"), json_bytes([extra, sorted(failures.items())]))


#: A checked file: how many entries were checked, and (severity, check, line, msgid, message) rows.
FileResult = tuple[int, tuple[tuple[str, str, int, str, str], ...]]


class QAMemo:
    """key -> unwaived results, in memory for the process, on disk between runs."""

    def __init__(self) -> None:
        self.results: dict[str, tuple[Result, ...]] = {}
        self.files: dict[str, tuple[str, FileResult]] = {}  # path -> (file key, result)
        self.added: list[str] = []  # keys put since a ``--jobs`` worker last cleared it
        self._project: Path | None = None  # whose files ``files`` describes
        self._dirty = False

    def get(self, key: str) -> tuple[Result, ...] | None:
        return self.results.get(key)

    def put(self, key: str, results: tuple[Result, ...]) -> None:
        if len(self.results) >= _LIMIT:
            for old in list(self.results)[: _LIMIT // 2]:
                del self.results[old]
        self.results[key] = results
        self.added.append(key)
        self._dirty = True

    def get_file(self, path: str, key: str) -> FileResult | None:
        found = self.files.get(path)
        return found[1] if found is not None and found[0] == key else None

    def put_file(self, path: str, key: str, result: FileResult) -> None:
        self.files[path] = (key, result)
        self._dirty = True

    def load(self, state_dir: Path) -> None:
        """Merge the file's verdicts in (once per project and process); bad files are ignored."""
        path = state_dir / MEMO_NAME
        if state_dir == self._project:
            return
        self._project, self.files = state_dir, {}
        try:
            data = read_json(path)
        except (OSError, ValueError, UnicodeDecodeError):
            return
        if not isinstance(data, dict) or data.get("code") != code_version():
            return
        try:
            self._merge(data)
        except (TypeError, ValueError):  # a hand-edited or truncated memo: just judge again
            return

    def _merge(self, data: dict) -> None:
        clean = data.get("clean", "")
        if not isinstance(clean, str) or len(clean) % _KEY_CHARS:
            raise ValueError("clean keys are not a string of whole keys")
        found: dict[str, tuple[Result, ...]] = dict.fromkeys(
            (clean[i : i + _KEY_CHARS] for i in range(0, len(clean), _KEY_CHARS)), ()
        )
        stored = data.get("results")
        if isinstance(stored, dict):
            for key, results in stored.items():
                found[key] = tuple(tuple(r) for r in results)  # type: ignore[misc]
        found.update(self.results)  # equal keys, equal verdicts: the ones in memory stay
        self.results.update(found)
        files = data.get("files")
        if isinstance(files, dict):
            for path, (key, (count, rows)) in files.items():
                self.files.setdefault(path, (key, (count, tuple(tuple(r) for r in rows))))  # type: ignore[misc]

    def save(self, state_dir: Path) -> None:
        """Write the verdicts back when something was added since the last load or save."""
        if not self._dirty:
            return
        self._dirty = False
        ordered = sorted(self.results.items())
        clean = [key for key, results in ordered if not results and len(key) == _KEY_CHARS]
        data = {"code": code_version(), "clean": "".join(clean),
                "results": {key: results for key, results in ordered if results or len(key) != _KEY_CHARS},
                "files": dict(sorted(self.files.items()))}
        write_if_changed(state_dir / MEMO_NAME, json_bytes(data) + b"\n", durable=False)


memo = QAMemo()
