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

import bisect
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


class _SortedKeys:
    """Fixed-width keys kept as the one sorted string the file holds, looked up by bisection:
    an edited run asks about a few pairs, and splitting 40,000 keys cost more than that."""

    def __init__(self, text: str = "") -> None:
        self.text = text

    def __len__(self) -> int:
        return len(self.text) // _KEY_CHARS

    def __contains__(self, key: str) -> bool:
        if len(key) != _KEY_CHARS:
            return False
        at = bisect.bisect_left(range(len(self)), key, key=self._key)
        return at < len(self) and self._key(at) == key

    def keys(self) -> list[str]:
        return [self._key(index) for index in range(len(self))]

    def _key(self, index: int) -> str:
        return self.text[index * _KEY_CHARS:(index + 1) * _KEY_CHARS]


class QAMemo:
    """key -> unwaived results, in memory for the process, on disk between runs."""

    #: look-ups answered by bisecting the loaded clean keys before they are made a dict
    BISECTED = 2_000

    def __init__(self) -> None:
        self.results: dict[str, tuple[Result, ...]] = {}
        #: path -> (file key, result); as loaded (lists) until asked for
        self.files: dict[str, tuple[str, FileResult] | list] = {}
        self.added: list[str] = []  # keys put since a ``--jobs`` worker last cleared it
        self._project: Path | None = None  # whose files ``files`` describes
        self._dirty = False
        self._clean = _SortedKeys()  # loaded keys with no finding, not yet in ``results``
        self._bisected = 0

    def clear(self) -> None:
        """Forget every verdict held in this process, as a new process starts (the file stays)."""
        self.results, self.files, self.added = {}, {}, []
        self._project, self._dirty, self._clean, self._bisected = None, False, _SortedKeys(), 0

    def get(self, key: str) -> tuple[Result, ...] | None:
        found = self.results.get(key)
        if found is None and self._clean.text:
            self._bisected += 1
            if self._bisected > self.BISECTED:  # a large run: one dict answers faster
                self._take_clean()
                return self.results.get(key)
            if key in self._clean:
                return ()
        return found

    def _take_clean(self) -> None:
        clean, self._clean = self._clean, _SortedKeys()
        found: dict[str, tuple[Result, ...]] = dict.fromkeys(clean.keys(), ())
        found.update(self.results)  # equal keys, equal verdicts
        self.results = found

    def put(self, key: str, results: tuple[Result, ...]) -> None:
        if len(self.results) >= _LIMIT:
            for old in list(self.results)[: _LIMIT // 2]:
                del self.results[old]
        self.results[key] = results
        self.added.append(key)
        self._dirty = True

    def get_file(self, path: str, key: str) -> FileResult | None:
        found = self.files.get(path)
        if found is None or found[0] != key:
            return None
        if type(found) is list:  # as loaded: rows become tuples once asked for
            count, rows = found[1]
            try:
                found = self.files[path] = (key, (count, tuple(tuple(row) for row in rows)))
            except TypeError:  # a hand-edited memo: check the file again
                del self.files[path]
                return None
        return found[1]

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
            self._clean, self.files = _SortedKeys(), {}
            return

    def _merge(self, data: dict) -> None:
        clean = data.get("clean", "")
        if not isinstance(clean, str) or len(clean) % _KEY_CHARS:
            raise ValueError("clean keys are not a string of whole keys")
        stored = data.get("results")
        found: dict[str, tuple[Result, ...]] = {}
        if isinstance(stored, dict):
            for key, results in stored.items():
                found[key] = tuple(tuple(r) for r in results)  # type: ignore[misc]
        files = data.get("files")
        if isinstance(files, dict):
            for path, entry in files.items():
                key, (count, rows) = entry  # the shape is checked now, the rows when asked for
                if not isinstance(key, str) or not isinstance(count, int) or not isinstance(rows, list):
                    raise ValueError("a file's record is not (key, (count, rows))")
                self.files.setdefault(path, entry)
        found.update(self.results)  # equal keys, equal verdicts: the ones in memory stay
        self.results.update(found)
        if clean:
            if self._clean.text:
                self._take_clean()
            self._clean = _SortedKeys(clean)

    def save(self, state_dir: Path) -> None:
        """Write the verdicts back when something was added since the last load or save."""
        if not self._dirty:
            return
        self._dirty = False
        ordered = sorted(self.results.items())
        clean = [key for key, results in ordered if not results and len(key) == _KEY_CHARS]
        if self._clean.text:  # the loaded keys no look-up needed as a dict
            clean = sorted({*self._clean.keys(), *clean})
        data = {"code": code_version(), "clean": "".join(clean),
                "results": {key: results for key, results in ordered if results or len(key) != _KEY_CHARS},
                "files": dict(sorted(self.files.items()))}
        write_if_changed(state_dir / MEMO_NAME, json_bytes(data) + b"\n", durable=False)


memo = QAMemo()
