"""QA of a project's catalogs: every PO file of the target locales, plus failed entries.

Stale entries (fuzzy with a previous msgid) are suggestions that are never
published, so they are not checked.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from localize.catalog.parsed import lent
from localize.catalog.pofile import load_po, po_files_under
from localize.failures import FailureLog
from localize.glossary import load_project_glossary
from localize.model import DocumentFormat
from localize.parallel import parallel_map
from localize.qa.checks import check_translation
from localize.qa.memo import FileResult, file_key, memo
from localize.qa.report import Finding, QAReport
from localize.stamps import project_digests, save_project_digests
from localize.statmemo import in_stat_memo
from localize.store import open_store

if TYPE_CHECKING:
    import polib

    from localize.glossary import Glossary
    from localize.locales import LocaleInfo
    from localize.project import Project
    from localize.shard import Shard

__all__ = ["check_project", "entry_format", "po_files"]


def entry_format(entry: polib.POEntry) -> DocumentFormat:
    """The source format of an entry, from its first ``#:`` reference's suffix."""
    for path, _line in entry.occurrences:
        suffix = os.path.splitext(path)[1].lower()  # as Path(path).suffix, without the object
        if suffix in (".html", ".htm"):
            return "html"
        if suffix in (".md", ".markdown"):
            return "markdown"
    return "markdown"


def _is_stale(entry: polib.POEntry) -> bool:
    return "fuzzy" in entry.flags and bool(entry.previous_msgid)


def po_files(project: Project, locale: LocaleInfo) -> list[tuple[str, Path]]:
    """(slug, path) of every PO file of ``locale``, sorted."""
    found = po_files_under(project.locales_dir / locale.posix / "LC_MESSAGES")
    return sorted(found.items(), key=lambda item: item[1].parts)  # in path order, as before


@in_stat_memo
def check_project(
    project: Project, locales: Sequence[LocaleInfo] | None = None, shard: Shard | None = None,
    jobs: int | None = 1,
) -> QAReport:
    """QA of every catalog of ``locales`` (default: the project's targets); InputError on bad PO.

    With ``shard`` only that shard's own articles' catalogs are checked.
    Catalogs unchanged since they were last checked reuse their findings (see ``qa.memo``);
    the others are checked in ``jobs`` processes (None: one per core), reported in file order.
    """
    glossary = load_project_glossary(project)
    ignore = frozenset(project.settings.qa_ignore)
    report = QAReport()
    with open_store(project.state_dir, project.settings.store_url) as store:
        logs = {loc.posix: FailureLog.load(store, loc)
                for loc in locales or project.settings.target_locales}
    memo.load(project.state_dir)
    digests = project_digests(project.state_dir)
    files: list[tuple[_File, str, FileResult | None]] = []
    for locale in locales or project.settings.target_locales:
        failures = logs[locale.posix]
        for slug, path in po_files(project, locale):
            if shard is not None and not shard.owns(slug):
                continue
            item = _File(locale, slug, project.relative(path), path, failures.for_slug(slug))
            key = file_key(digests(path), (locale.bcp47, slug, item.file), glossary, ignore, item.failures)
            files.append((item, key, memo.get_file(item.file, key)))
    todo = [item for item, _, known in files if known is None]
    if todo and jobs != 1:
        glossary.prepare()
    checked = iter(parallel_map(_check_file, todo, jobs, (glossary, ignore)))
    for item, key, known in files:
        if known is None:
            known, verdicts = next(checked)
            memo.results.update(verdicts)
            memo.put_file(item.file, key, known)
        report.files_checked += 1
        report.entries_checked += known[0]
        report.findings += [Finding(severity, check, item.locale.bcp47, item.slug, item.file, line, msgid, text)
                            for severity, check, line, msgid, text in known[1]]
    memo.save(project.state_dir)
    save_project_digests(project.state_dir)
    return report


@dataclass(frozen=True)
class _File:
    """One catalog to check, with the failure records of its article."""

    locale: LocaleInfo
    slug: str
    file: str
    path: Path
    failures: dict[str, str]


def _check_file(context: tuple[Glossary, frozenset[str]], item: _File) -> tuple[FileResult, dict]:
    """(entries checked, finding rows) of one catalog, and the QA verdicts it added to the memo."""
    glossary, ignore = context
    memo.added.clear()
    borrowed = lent(item.path)  # translate's parse, when it just wrote this catalog
    report = _check_catalog(load_po(item.path) if borrowed is None else borrowed, item, glossary, ignore)
    if report.findings and borrowed is not None:  # its line numbers are the old file's
        report = _check_catalog(load_po(item.path), item, glossary, ignore)
    rows = tuple((f.severity, f.check, f.line, f.msgid, f.message) for f in report.findings)
    return (report.entries_checked, rows), {key: memo.results[key] for key in memo.added if key in memo.results}


def _check_catalog(po: polib.POFile, item: _File, glossary: Glossary, ignore: frozenset[str]) -> QAReport:
    report = QAReport()
    for entry in po:
        if not entry.obsolete and entry.msgid:
            _check_entry(report, entry, (item.locale, item.slug, item.file), glossary, ignore,
                         item.failures.get(entry.msgid))
    return report


def _check_entry(
    report: QAReport,
    entry: polib.POEntry,
    context: tuple[LocaleInfo, str, str],
    glossary: Glossary,
    ignore: frozenset[str],
    failure: str | None,
) -> None:
    locale, slug, file = context

    def add(severity: str, check: str, message: str) -> None:
        report.findings.append(
            Finding(severity, check, locale.bcp47, slug, file, entry.linenum, entry.msgid, message)
        )

    if not entry.msgstr:
        if failure and "failed" not in ignore and "ignore-failed" not in entry.flags:
            add("error", "failed", f"translation failed: {failure}")
        return
    if _is_stale(entry):
        return
    report.entries_checked += 1
    results = check_translation(
        entry.msgid, entry.msgstr, entry_format(entry), locale, glossary, entry.flags, ignore
    )
    for severity, check, message in results:
        add(severity, check, message)
