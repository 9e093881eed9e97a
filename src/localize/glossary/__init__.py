"""Project glossaries: approved, forbidden and do-not-translate terms (SPEC sections 3, 8, 9).

Usage::

    from localize.glossary import Glossary, load_project_glossary
    glossary = load_project_glossary(project)      # every glossaries/*.tbx, *.csv, *.tsv
    glossary = Glossary.empty()                    # no glossary: find() always returns []
    for match in glossary.find(text):              # non-overlapping, longest first, by start
        text[match.start:match.end] == match.text  # offsets into the ORIGINAL text
        match.term.keep                            # do-not-translate: render as the source
        match.term.target_for(locale)              # approved rendering, None if there is none
        match.term.forbidden_for(locale)           # deprecated renderings (QA warning)
    glossary.fingerprint                           # sha256; changes whenever a rendering does
    glossary.get("開放模型")                        # a term by its exact source
    glossary.warnings                              # "file:line: ..." for what was skipped or kept
                                                   # as a note (also logged once on stderr)

Rules, in the module that applies them:
- tbx.py: TBX 2008 (martif/termEntry/langSet/tig|ntig) and 2019 (tbx/conceptEntry/langSec/
  termSec), Basic and Core, DCA and DCT styles. Sections whose xml:lang has the project
  source's language and script hold the source terms. administrativeStatus /
  normativeAuthorization / usageStatus: preferred > unmarked > admitted; deprecated,
  superseded, obsolete and not-recommended terms are forbidden renderings.
- tables.py: CSV/TSV, header of locale tags in any spelling plus term/source, target (the
  locale in the file name, Weblate-style), translate, case_sensitive, note; other columns
  become notes; ``a|b`` in a target lists equally valid renderings; TSV has no quoting.
- merge.py: files merge by source term (NFKC, case-folded unless case-sensitive); two
  different targets for one locale is an InputError naming both file:line. keep = translate=no
  anywhere, or every target given equals the source; a term whose target equals the source
  in only some locales is not "keep" but its target there is the source.
- An entry with no usable term (an empty <term>, a row without a source) is skipped with a
  warning naming file and line; the rest of the file loads.
- matcher.py / automaton.py: NFKC with an offset map, case-insensitive unless case-sensitive,
  whole words for spaced scripts only, longest first; one Aho-Corasick pass.
- xmlsafe.py: parse_xml_bytes / parse_xml_file / safe_xml_parser for any untrusted XML (TMX
  too): entity declarations and entity references are InputErrors, DTDs are never loaded.
All bad input raises localize.errors.InputError(message, file, line) (exit status 2).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from localize.errors import InputError
from localize.glossary.automaton import TermMatcher
from localize.glossary.merge import merge_records
from localize.glossary.tables import read_table
from localize.glossary.terms import Term, TermMatch, TermRecord, Warn
from localize.locales import LocaleInfo
from localize.stamps import stamp_of

if TYPE_CHECKING:
    from localize.project import Project

__all__ = ["Glossary", "Term", "TermMatch", "load_glossary", "load_project_glossary"]

log = logging.getLogger("localize.glossary")
_logged: set[tuple[str, int, int]] = set()  # (warning, mtime_ns, size) told already


def _fingerprint(terms: Sequence[Term]) -> str:
    """sha256 over what changes a rendering (not notes or origins), independent of file order."""
    rows = sorted(
        [
            term.source,
            sorted(term.targets.items()),
            sorted((k, list(v)) for k, v in term.forbidden.items()),
            sorted((k, list(v)) for k, v in term.alternatives.items()),
            term.keep,
            term.case_sensitive,
        ]
        for term in terms
    )
    payload = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class Glossary:
    """An immutable set of terms with a matcher built on first use."""

    def __init__(self, terms: Sequence[Term], warnings: Sequence[str] = ()):
        self.terms: tuple[Term, ...] = tuple(terms)
        self.warnings: tuple[str, ...] = tuple(warnings)  # what loading skipped or kept as notes
        self.fingerprint: str = _fingerprint(self.terms)
        self._matcher: TermMatcher | None = None
        self._by_source = {term.source: term for term in self.terms}
        self._found: dict[str, tuple[TermMatch, ...]] = {}  # extract, translate and QA ask about one text

    @classmethod
    def empty(cls) -> Glossary:
        return cls(())

    def find(self, text: str) -> list[TermMatch]:
        """Terms in ``text``: non-overlapping, longest first, sorted by start (original offsets)."""
        if not self.terms:
            return []  # no matcher to build (its character tables cost a noticeable start-up)
        found = self._found.get(text)
        if found is None:
            if self._matcher is None:
                self._matcher = TermMatcher(self.terms)
            if len(self._found) >= 100_000:
                self._found.clear()
            found = self._found[text] = tuple(self._matcher.find(text))
        return list(found)

    def prepare(self) -> Glossary:
        """Build the matcher now: ``--jobs`` processes forked after this share it (and its
        character tables) instead of each building its own on its first sentence."""
        if self.terms and self._matcher is None:
            self._matcher = TermMatcher(self.terms)
        return self

    def get(self, source: str) -> Term | None:
        """The term whose source is exactly ``source`` (as written in the glossary)."""
        return self._by_source.get(source)

    def __getstate__(self) -> dict:
        return {"terms": self.terms, "warnings": self.warnings}  # the matcher is rebuilt on use

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["terms"], state.get("warnings", ()))

    def __repr__(self) -> str:
        return f"Glossary({len(self.terms)} terms, {self.fingerprint[:12]})"


def _display_name(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return str(path)


def read_records(path: Path, source: LocaleInfo, name: str, warn: Warn) -> list[TermRecord]:
    """Records of one glossary file, by suffix."""
    suffix = path.suffix.lower()
    if suffix == ".tbx":
        from localize.glossary.tbx import read_tbx  # here: lxml is imported only for a TBX file

        return read_tbx(path, source, name, warn)
    if suffix in (".csv", ".tsv"):
        return read_table(path, source, name, warn)
    raise InputError("unsupported glossary format (use .tbx, .csv or .tsv)", name)


def load_glossary(paths: Sequence[Path], source: LocaleInfo, root: Path | None = None) -> Glossary:
    """Read and merge glossary files; messages name files relative to ``root`` when given.

    Warnings (entries skipped, columns kept as notes) are kept in ``Glossary.warnings`` and
    logged on the ``localize`` logger, each once per process for one version of a file
    (a run loads the glossary in several stages).
    """
    records: list[TermRecord] = []
    found: list[tuple[str, int | None, str]] = []
    versions: dict[str, tuple[int, int]] = {}
    for path in map(Path, paths):
        name = _display_name(path, root)
        records.extend(read_records(path, source, name, lambda *where: found.append(where)))
        stat = path.stat()
        versions[name] = (stat.st_mtime_ns, stat.st_size)
    terms = merge_records(records, lambda *where: found.append(where))
    warnings = [str(InputError(f"warning: {message}", file, line)) for file, line, message in found]
    glossary = Glossary(terms, warnings)
    for (file, _line, _message), warning in zip(found, warnings, strict=True):
        key = (warning, *versions.get(file, (0, 0)))
        if key not in _logged:
            _logged.add(key)
            log.warning("%s", warning)
    return glossary


def load_project_glossary(project: Project) -> Glossary:
    """Every glossary under the project's glossaries/ with its source locale.

    Loaded once per process while its files keep their stamps (mtime, size, inode): the
    stages of one run (extract, translate, check, build) share it.
    """
    files = tuple((str(path), tuple(stamp_of(str(path)) or ())) for path in project.glossary_files())
    return _load_project_glossary(project.root, project.settings.source_locale, files)


@lru_cache(maxsize=4)
def _load_project_glossary(root: Path, source: LocaleInfo,
                           files: tuple[tuple[str, tuple[int, ...]], ...]) -> Glossary:
    return load_glossary([Path(name) for name, _ in files], source, root)
