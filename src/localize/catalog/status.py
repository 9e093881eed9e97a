"""``localize status``: per article and locale, how far the translation is (SPEC section 5).

Articles are the templates under ``locales/templates/`` (what extract produced);
a locale whose PO is missing counts every template entry as missing. Counts use
``entry_state`` so status, translate and build agree on what each entry is.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import polib

from localize.catalog.memo import DigestMemo
from localize.catalog.pofile import load_po, po_files_under
from localize.catalog.state import entry_state
from localize.failures import FailureLog
from localize.locales import LocaleInfo
from localize.project import Project
from localize.stamps import blake2_digest, project_digests, save_project_digests
from localize.statmemo import file_stat, in_stat_memo
from localize.store import open_store

COUNT_FIELDS = ("total", "reviewed", "machine", "stale", "missing", "failed", "obsolete")


def template_slugs(project: Project) -> dict[str, Path]:
    """Slug -> POT path, sorted."""
    return po_files_under(project.locales_dir / "templates", ".pot")


def article_templates(project: Project, locales: Sequence[LocaleInfo]) -> dict[str, Path]:
    """Slug -> the catalog that lists its entries: the POT, else (templates not kept) a PO."""
    found = template_slugs(project)
    for locale in locales:
        for slug, path in po_files_under(project.locales_dir / locale.posix / "LC_MESSAGES").items():
            found.setdefault(slug, path)
    return dict(sorted(found.items()))


def untranslated_counts(template: polib.POFile, failures: dict[str, str]) -> dict[str, int]:
    """Counts for a locale without a PO: every live entry of the template is missing."""
    counts = dict.fromkeys(COUNT_FIELDS, 0)
    for entry in template:
        if not entry.obsolete:
            counts["total"] += 1
            counts["missing"] += 1
            counts["failed"] += entry.msgid in failures
    return counts


def catalog_counts(po: polib.POFile, failures: dict[str, str]) -> dict[str, int]:
    """SPEC's counts for one catalog; ``failures`` maps msgid -> reason for this slug."""
    counts = dict.fromkeys(COUNT_FIELDS, 0)
    for entry in po:
        if entry.obsolete:
            counts["obsolete"] += 1
            continue
        state = entry_state(entry)
        counts[state] += 1
        counts["total"] += 1
        if state == "missing" and entry.msgid in failures:
            counts["failed"] += 1
    return counts


class _CountsMemo:
    """Counts of each catalog by its bytes and failure records, kept in ``.localize/status-memo.json``.

    ``status`` (and the table ``run`` prints) then parses only catalogs that changed since.
    """

    def __init__(self, project: Project):
        self.memo = DigestMemo(project.state_dir / "status-memo.json", "status")
        self.state_dir = project.state_dir
        self.digests = project_digests(project.state_dir)

    def count(self, path: Path, relative: str, failures: dict[str, str],
              counter: Callable[[polib.POFile, dict[str, str]], dict[str, int]]) -> dict[str, int]:
        """``counter(load_po(path), failures)``, unless the memo has it for these bytes and failures."""
        digest = _digest(self.digests(path), failures)
        known = self.memo.get(relative, digest)
        if isinstance(known, dict):
            counts = {name: int(known.get(name, 0)) for name in COUNT_FIELDS}
        else:
            counts = counter(load_po(path), failures)
        self.memo.put(relative, digest, counts)
        return counts

    def save(self) -> None:
        self.memo.save()
        save_project_digests(self.state_dir)


def _digest(file_digest: str, failures: dict[str, str]) -> str:
    """The memo's key: the catalog's bytes (by their digest) and the failures counted with them."""
    listed = json.dumps(sorted(failures.items()), ensure_ascii=False).encode("utf-8") if failures else b"[]"
    return blake2_digest(file_digest.encode("ascii"), listed)


def remember_counts(project: Project, counted: Sequence[tuple[Path, str, dict[str, str], dict[str, int]]]) -> None:
    """Add counts a stage already made (path, the ``blake2_digest`` of the catalog's bytes,
    failures, counts) to the memo.

    ``translate`` holds every catalog parsed when it saves them, so the table ``run``
    prints next need not parse them all again; a wrong guess only costs a recount.
    """
    memo = _CountsMemo(project)
    memo.memo.used = dict(memo.memo.known)
    for path, digest, failures, counts in counted:
        memo.memo.put(project.relative(path), _digest(digest, failures), counts)
    memo.save()


@in_stat_memo
def project_status(project: Project) -> dict[str, Any]:
    """The ``status --json`` document: articles x target locales, plus totals per locale."""
    locales = project.settings.target_locales
    totals = {loc.bcp47: dict.fromkeys(COUNT_FIELDS, 0) for loc in locales}
    with open_store(project.state_dir, project.settings.store_url) as store:
        logs = {loc.posix: FailureLog.load(store, loc) for loc in locales}
    memo = _CountsMemo(project)
    articles = []
    for slug, template_path in article_templates(project, locales).items():
        per_locale: dict[str, dict[str, int]] = {}
        for locale in locales:
            po_path = project.po_path(slug, locale)
            failures = logs[locale.posix].for_slug(slug)
            if file_stat(str(po_path)) is not None:  # stat'ed once in a run (its digest is next)
                counts = memo.count(po_path, project.relative(po_path), failures, catalog_counts)
            else:  # every entry of the template is missing in this locale
                counts = memo.count(template_path, f"{locale.posix}:{project.relative(template_path)}",
                                    failures, untranslated_counts)
            per_locale[locale.bcp47] = counts
            for name, value in counts.items():
                totals[locale.bcp47][name] += value
        articles.append({"slug": slug, "locales": per_locale})
    memo.save()
    return {"locales": [loc.bcp47 for loc in locales], "articles": articles, "totals": totals}


def render_status(data: dict[str, Any], width: int | None = None) -> str:
    """A table for terminals: one row per article and locale, then the totals."""
    rows = [[article["slug"], locale, *(str(counts[n]) for n in COUNT_FIELDS)]
            for article in data["articles"] for locale, counts in article["locales"].items()]
    totals = [["(all)", locale, *(str(counts[n]) for n in COUNT_FIELDS)]
              for locale, counts in data["totals"].items()]
    fast = _plain_table(rows, totals, width or 120)
    return fast if fast is not None else _rich_table(rows, totals, width)


def _plain_table(rows: list[list[str]], totals: list[list[str]], width: int) -> str | None:
    """The table ``_rich_table`` draws, drawn directly: rich's layout cost seconds at 1,000 rows.

    None when rich would have to shrink or wrap columns (too wide) or a cell is not plain
    ASCII (rich measures East Asian widths): rich draws those.
    """
    headers = ["article", "locale", *COUNT_FIELDS]
    cells = [headers, *rows, *totals]
    if not totals or not all(cell.isascii() and cell.isprintable() for row in cells for cell in row):
        return None
    sizes = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    table_width = sum(sizes) + 3 * len(sizes) + 1
    if table_width > width:
        return None

    def line(left: str, fill: str, middle: str, right: str) -> str:
        return left + middle.join(fill * (size + 2) for size in sizes) + right

    # one format per kind of row: 5,000 rows (1,000 articles, five locales) in one call each
    cells_format = " {{:{}{}}} "
    body = "│".join(cells_format.format("<" if i < 2 else ">", size) for i, size in enumerate(sizes))
    head = "┃".join(cells_format.format("<" if i < 2 else ">", size) for i, size in enumerate(sizes))
    title = "Translation status"
    left = (table_width - len(title)) // 2
    out = [" " * left + title + " " * (table_width - len(title) - left),
           line("┏", "━", "┳", "┓"), f"┃{head.format(*headers)}┃", line("┡", "━", "╇", "┩")]
    row_format = f"│{body}│".format
    out += [row_format(*row) for row in rows]
    if rows:
        out.append(line("├", "─", "┼", "┤"))
    out += [row_format(*row) for row in totals]
    out.append(line("└", "─", "┴", "┘"))
    return "\n".join(out)


def _rich_table(rows: list[list[str]], totals: list[list[str]], width: int | None) -> str:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Translation status", show_lines=False)
    table.add_column("article")
    table.add_column("locale")
    for name in COUNT_FIELDS:
        table.add_column(name, justify="right")
    for row in rows:
        table.add_row(*row)
    if rows:
        table.add_section()
    for row in totals:
        table.add_row(*row, style="bold")
    buffer = io.StringIO()
    console = Console(file=buffer, width=width or 120, force_terminal=False, color_system=None)
    console.print(table)
    return buffer.getvalue().rstrip("\n")
