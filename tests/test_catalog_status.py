"""``status --json`` counts (SPEC section 5) and the terminal table."""

from __future__ import annotations

from pathlib import Path

import polib

from localize.catalog.pofile import catalog_header, new_catalog, save_po
from localize.catalog.status import project_status, render_status
from localize.failures import FailureLog
from localize.locales import parse_locale
from localize.project import Project

JA, FR = parse_locale("ja"), parse_locale("fr")


def make_project(root: Path) -> Project:
    (root / "localize.toml").write_text('source_locale = "en"\ntarget_locales = ["ja", "fr"]\n')
    return Project.open(root)


def write(project: Project, path: Path, entries: list[polib.POEntry], locale: object = None) -> None:
    po = new_catalog(catalog_header("news/a", locale, "2025-01-01 00:00+0000"))  # type: ignore[arg-type]
    for entry in entries:
        po.append(entry)
    save_po(po, path)


def test_counts_per_state_failed_and_obsolete(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    msgids = ["Reviewed.", "Machine.", "Stale.", "Missing.", "Failed."]
    write(project, project.pot_path("news/a"), [polib.POEntry(msgid=m) for m in msgids])
    write(
        project,
        project.po_path("news/a", JA),
        [
            polib.POEntry(msgid="Reviewed.", msgstr="済"),
            polib.POEntry(msgid="Machine.", msgstr="機", flags=["fuzzy"]),
            polib.POEntry(msgid="Stale.", msgstr="古", flags=["fuzzy"], previous_msgid="Stile."),
            polib.POEntry(msgid="Missing."),
            polib.POEntry(msgid="Failed."),
            polib.POEntry(msgid="Old.", msgstr="旧", obsolete=True),
        ],
        JA,
    )
    log = FailureLog.load(project.state_dir, JA)
    log.record("news/a", "Failed.", "placeables lost")
    log.record("news/a", "Reviewed.", "an old failure, since translated")
    log.save()
    data = project_status(project)
    assert data["locales"] == ["ja", "fr"]
    ja = data["articles"][0]["locales"]["ja"]
    assert data["articles"][0]["slug"] == "news/a"
    assert ja == {"total": 5, "reviewed": 1, "machine": 1, "stale": 1, "missing": 2, "failed": 1, "obsolete": 1}
    fr = data["articles"][0]["locales"]["fr"]
    assert fr["total"] == 5 and fr["missing"] == 5 and fr["obsolete"] == 0
    assert data["totals"]["ja"] == ja


def test_text_table_names_articles_locales_and_counts(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    write(project, project.pot_path("guides/b"), [polib.POEntry(msgid="One."), polib.POEntry(msgid="Two.")])
    text = render_status(project_status(project))
    assert "guides/b" in text and "fr" in text and "missing" in text
    row = next(line for line in text.splitlines() if "guides/b" in line and " ja " in line)
    assert [cell for cell in row.split() if cell.isdigit()] == ["2", "0", "0", "0", "2", "0", "0"]


def test_no_catalogs_gives_empty_articles(tmp_path: Path) -> None:
    data = project_status(make_project(tmp_path))
    assert data["articles"] == []
    assert data["totals"]["fr"]["total"] == 0


def test_article_with_po_but_no_pot_is_still_counted(tmp_path: Path) -> None:
    """Some teams do not commit templates: the translations in a PO must not vanish from status."""
    project = make_project(tmp_path)
    write(
        project,
        project.po_path("news/a", JA),
        [polib.POEntry(msgid="Reviewed.", msgstr="済"), polib.POEntry(msgid="Missing.")],
        JA,
    )
    data = project_status(project)
    assert [a["slug"] for a in data["articles"]] == ["news/a"]
    counts = data["articles"][0]["locales"]
    assert counts["ja"]["total"] == 2 and counts["ja"]["reviewed"] == 1
    assert counts["fr"]["total"] == 2 and counts["fr"]["missing"] == 2
    assert counts["fr"]["reviewed"] == 0


def test_unchanged_catalogs_are_counted_from_the_memo_and_changed_ones_again(tmp_path: Path, monkeypatch) -> None:
    from localize.catalog import status

    project = make_project(tmp_path)
    po_path = project.po_path("news/a", JA)
    write(project, project.pot_path("news/a"), [polib.POEntry(msgid="One."), polib.POEntry(msgid="Two.")])
    write(project, po_path, [polib.POEntry(msgid="One.", msgstr="一"), polib.POEntry(msgid="Two.")], JA)
    project.state_dir.mkdir(exist_ok=True)
    first = project_status(project)
    parsed: list[str] = []
    real = status.load_po
    monkeypatch.setattr(status, "load_po", lambda path: (parsed.append(Path(path).name), real(path))[1])
    assert project_status(project) == first and parsed == []
    log = FailureLog.load(project.state_dir, JA)
    log.record("news/a", "Two.", "refused")
    log.save()
    assert project_status(project)["totals"]["ja"]["failed"] == 1
    write(project, po_path, [polib.POEntry(msgid="One.", msgstr="一"), polib.POEntry(msgid="Two.", msgstr="二")], JA)
    assert project_status(project)["totals"]["ja"]["reviewed"] == 2
    assert parsed == ["a.po", "a.po"]


def test_the_table_is_drawn_exactly_as_rich_draws_it_and_rich_takes_over_when_too_wide() -> None:
    from localize.catalog import status

    fields = len(status.COUNT_FIELDS)
    rows = [["news/a", "en", *["38"] * fields], ["news/a", "zh-Hans-CN", *["0"] * fields],
            ["guides/a-much-longer-slug", "ja", *["123456"] * fields]]
    totals = [["(all)", "en", *["1234567"] * fields], ["(all)", "ja", *["5"] * fields]]
    for some_rows in (rows, rows[:1], []):
        drawn = status._plain_table(some_rows, totals, 120)
        assert drawn is not None and drawn == status._rich_table(some_rows, totals, None)
    wide = [["news/" + "x" * 100, "en", *["1"] * fields]]
    assert status._plain_table(wide, totals, 120) is None  # rich wraps it
    assert "news/" in status.render_status(
        {"articles": [{"slug": wide[0][0], "locales": {"en": dict.fromkeys(status.COUNT_FIELDS, 1)}}],
         "totals": {"en": dict.fromkeys(status.COUNT_FIELDS, 1)}})
