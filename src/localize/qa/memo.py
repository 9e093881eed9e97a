"""QA verdicts remembered by content, so each sentence pair is judged once across stages and runs.

translate (its repair ladder), check and build all ask QA about the same pairs;
the answer depends only on the source, the translation, the format, the target
locale, the glossary and QA's own code, so it is kept under a hash of exactly
those. Flags and ``[qa] ignore`` are applied by the caller, after the lookup.

``.localize/qa-memo.json`` carries the verdicts to the next run: loaded by the
first ``check_project`` of a process, written back only when it gained entries
(a no-op run rewrites nothing). It is a cache: a missing or unreadable file just
means QA runs again; a change to QA's code (its files' contents) drops it.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from localize import __version__
from localize.fileio import write_if_changed

if TYPE_CHECKING:
    from localize.glossary import Glossary
    from localize.locales import LocaleInfo

__all__ = ["MEMO_NAME", "QAMemo", "memo"]

MEMO_NAME = "qa-memo.json"
_LIMIT = 500_000  # entries kept in memory before the oldest half is dropped
Result = tuple[str, str, str]


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the code QA's verdicts come from; a change to any of it invalidates the file."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(__version__.encode())
    for relative in ("qa/checks.py", "qa/numbers.py", "protect/placeables.py", "protect/tokens.py",
                     "glossary/matcher.py", "glossary/terms.py", "engines/pseudo.py"):
        try:
            digest.update((package / relative).read_bytes())
        except FileNotFoundError:
            digest.update(relative.encode())
    return digest.hexdigest()[:16]


def memo_key(source: str, translation: str, fmt: str, target: LocaleInfo, glossary: Glossary | None) -> str:
    fingerprint = glossary.fingerprint if glossary is not None else "-"
    payload = "\x00".join((source, translation, fmt, target.bcp47, fingerprint))
    return hashlib.blake2b(payload.encode("utf-8"), digest_size=16).hexdigest()


class QAMemo:
    """key -> unwaived results, in memory for the process, on disk between runs."""

    def __init__(self) -> None:
        self.results: dict[str, tuple[Result, ...]] = {}
        self._loaded: set[Path] = set()
        self._dirty = False

    def get(self, key: str) -> tuple[Result, ...] | None:
        return self.results.get(key)

    def put(self, key: str, results: tuple[Result, ...]) -> None:
        if len(self.results) >= _LIMIT:
            for old in list(self.results)[: _LIMIT // 2]:
                del self.results[old]
        self.results[key] = results
        self._dirty = True

    def load(self, state_dir: Path) -> None:
        """Merge the file's verdicts in (once per directory and process); bad files are ignored."""
        path = state_dir / MEMO_NAME
        if path in self._loaded:
            return
        self._loaded.add(path)
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return
        if not isinstance(data, dict) or data.get("code") != code_version():
            return
        stored = data.get("results")
        if isinstance(stored, dict):
            for key, results in stored.items():
                self.results.setdefault(key, tuple(tuple(r) for r in results))  # type: ignore[misc]

    def save(self, state_dir: Path) -> None:
        """Write the verdicts back when something was added since the last load or save."""
        if not self._dirty:
            return
        self._dirty = False
        data = {"code": code_version(), "results": dict(sorted(self.results.items()))}
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        write_if_changed(state_dir / MEMO_NAME, (text + "\n").encode("utf-8"), durable=False)


memo = QAMemo()
