"""QA of a project's catalogs: every PO file of the target locales, plus failed entries.

Stale entries (fuzzy with a previous msgid) are suggestions that are never
published, so they are not checked.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from localize.catalog.pofile import load_po
from localize.failures import FailureLog
from localize.glossary import load_project_glossary
from localize.model import DocumentFormat
from localize.qa.checks import check_translation
from localize.qa.memo import file_key, memo
from localize.qa.report import Finding, QAReport
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
        suffix = Path(path).suffix.lower()
        if suffix in (".html", ".htm"):
            return "html"
        if suffix in (".md", ".markdown"):
            return "markdown"
    return "markdown"


def _is_stale(entry: polib.POEntry) -> bool:
    return "fuzzy" in entry.flags and bool(entry.previous_msgid)


def po_files(project: Project, locale: LocaleInfo) -> list[tuple[str, Path]]:
    """(slug, path) of every PO file of ``locale``, sorted."""
    base = project.locales_dir / locale.posix / "LC_MESSAGES"
    if not base.is_dir():
        return []
    return [(p.relative_to(base).with_suffix("").as_posix(), p) for p in sorted(base.rglob("*.po"))]


def check_project(
    project: Project, locales: Sequence[LocaleInfo] | None = None, shard: Shard | None = None
) -> QAReport:
    """QA of every catalog of ``locales`` (default: the project's targets); InputError on bad PO.

    With ``shard`` only that shard's own articles' catalogs are checked.
    """
    glossary = load_project_glossary(project)
    ignore = frozenset(project.settings.qa_ignore)
    report = QAReport()
    with open_store(project.state_dir, project.settings.store_url) as store:
        logs = {loc.posix: FailureLog.load(store, loc)
                for loc in locales or project.settings.target_locales}
    memo.load(project.state_dir)
    for locale in locales or project.settings.target_locales:
        failures = logs[locale.posix]
        for slug, path in po_files(project, locale):
            if shard is not None and not shard.owns(slug):
                continue
            report.files_checked += 1
            context = (locale, slug, project.relative(path))
            key = file_key(path.read_bytes(), (locale.bcp47, slug, context[2]), glossary, ignore,
                           failures.for_slug(slug))
            known = memo.get_file(context[2], key)
            if known is not None:  # the same bytes, glossary, waivers and failures: the same findings
                report.entries_checked += known[0]
                report.findings += [Finding(severity, check, locale.bcp47, slug, context[2], line, msgid, text)
                                    for severity, check, line, msgid, text in known[1]]
                continue
            first, checked = len(report.findings), report.entries_checked
            for entry in load_po(path):
                if not entry.obsolete and entry.msgid:
                    _check_entry(report, entry, context, glossary, ignore, failures.reason(slug, entry.msgid))
            rows = tuple((f.severity, f.check, f.line, f.msgid, f.message) for f in report.findings[first:])
            memo.put_file(context[2], key, (report.entries_checked - checked, rows))
    memo.save(project.state_dir)
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
