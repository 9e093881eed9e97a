"""The no-op memo: a settled locale is skipped without parsing, and any changed input undoes that.

The skip is observed by counting ``load_po`` calls: a run that finds its memo valid
parses no catalog at all; one whose catalog, TM pairs or flags changed parses again
and does the work an unmemoised run would do.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polib
import pytest

from fakeservers.mt_servers import LibreServer
from localize.catalog.pofile import load_po, po_bytes
from localize.catalog.state import entry_state
from localize.project import Project
from localize.translate import run as run_module
from test_translate_run import SENTENCES, english, entries, make_project, run, write_po


@pytest.fixture
def server() -> Iterator[LibreServer]:
    with LibreServer(english) as fake:
        yield fake


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every catalog translate parses, in order."""
    seen: list[Path] = []
    import localize.catalog.tm as tm

    real = tm.load_po

    def counting(path: Path) -> polib.POFile:
        seen.append(Path(path))
        return real(path)

    monkeypatch.setattr(tm, "load_po", counting)
    monkeypatch.setattr(run_module, "load_po", counting)
    return seen


def test_settled_locale_is_skipped_without_parsing(
    tmp_path: Path, server: LibreServer, parses: list[Path]
) -> None:
    project = make_project(tmp_path, server.url)
    run(project)
    po_path = project.root / "locales/en/LC_MESSAGES/a.po"
    before = (po_path.read_bytes(), po_path.stat().st_mtime_ns)
    parses.clear()
    server.reset_logs()
    report = run(project)
    assert parses == []
    assert server.requests == []
    assert report.engines[0].engine == "libre" and report.engines[0].requests == 0
    assert (po_path.read_bytes(), po_path.stat().st_mtime_ns) == before


def test_an_emptied_entry_is_translated_again(
    tmp_path: Path, server: LibreServer, parses: list[Path]
) -> None:
    project = make_project(tmp_path, server.url)
    run(project)
    path = project.root / "locales/en/LC_MESSAGES/a.po"
    po = polib.pofile(str(path), wrapwidth=0)
    po.find(SENTENCES[0]).msgstr = ""
    po.save(str(path))
    parses.clear()
    run(project)
    assert parses == [path]
    assert entry_state(entries(project)[SENTENCES[0]]) == "machine"


def test_refresh_stale_is_not_answered_by_a_plain_runs_memo(
    tmp_path: Path, server: LibreServer
) -> None:
    project = make_project(tmp_path, server.url)
    path = project.root / "locales/en/LC_MESSAGES/a.po"
    run(project)
    po = polib.pofile(str(path), wrapwidth=0)
    stale = po.find(SENTENCES[3])
    stale.msgstr, stale.previous_msgid, stale.flags = "An old translation.", "舊的句子。", ["fuzzy"]
    po.save(str(path))
    run(project)  # settles with the stale entry left alone
    run(project, refresh_stale=True)
    assert entries(project)[SENTENCES[3]].msgstr == f"EN: {SENTENCES[3]}"


def test_dry_run_writes_no_memo(tmp_path: Path, server: LibreServer) -> None:
    project = make_project(tmp_path, server.url)
    run(project, dry_run=True)
    assert not (Project.open(tmp_path).state_dir / "noop").exists()
    run(project)
    assert (Project.open(tmp_path).state_dir / "noop").exists()  # where a real run writes it


def test_status_after_translate_counts_without_parsing(
    tmp_path: Path, server: LibreServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """translate leaves each saved catalog's counts in the status memo; they are the real counts."""
    import localize.catalog.status as status

    project = make_project(tmp_path, server.url)
    run(project)
    parsed: list[Path] = []
    real = status.load_po
    monkeypatch.setattr(status, "load_po", lambda path: parsed.append(path) or real(path))
    remembered = status.project_status(project)
    assert parsed == []
    (project.state_dir / "status-memo.json").unlink()
    assert status.project_status(project) == remembered
    assert parsed == [project.root / "locales/en/LC_MESSAGES/a.po"]


def test_status_after_a_memory_pass_counts_without_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The memory engine's pass leaves the counts of every catalog it read, filled or not
    (b.po lacks nothing, so the pass never reads it: status counts it itself)."""
    import localize.catalog.status as status

    project = make_project(tmp_path, "http://127.0.0.1:9")
    config = project.root / "localize.toml"
    config.write_text(config.read_text("utf-8").replace('name = "libre"', 'name = "memory"'), "utf-8")
    project = Project.open(project.root)
    write_po_with(project.root / "locales/en/LC_MESSAGES/b.po", {SENTENCES[0]: "Reviewed."})
    run(project)  # fills a.po's copy of SENTENCES[0]; the rest of a.po stays missing
    parsed: list[Path] = []
    real = status.load_po
    monkeypatch.setattr(status, "load_po", lambda path: parsed.append(Path(path)) or real(path))
    remembered = status.project_status(project)
    assert [p.name for p in parsed] == ["b.po"]
    assert remembered["totals"]["en"]["machine"] >= 1 and remembered["totals"]["en"]["missing"] >= 1
    (project.state_dir / "status-memo.json").unlink()
    assert status.project_status(project) == remembered  # the memo's counts are the real ones
    assert sorted(p.name for p in parsed) == ["a.po", "b.po", "b.po"]


def test_a_memory_only_locale_that_filled_nothing_is_skipped_until_its_catalogs_change(
    tmp_path: Path, parses: list[Path]
) -> None:
    """With the memory engine, entries the memory cannot fill stay missing for good: a pass
    that filled nothing is not repeated until a catalog (so the memory) changes."""
    project = make_project(tmp_path, "http://127.0.0.1:9")
    config = project.root / "localize.toml"
    config.write_text(config.read_text("utf-8").replace('name = "libre"', 'name = "memory"'), "utf-8")
    project = Project.open(project.root)
    write_po_with(project.root / "locales/en/LC_MESSAGES/b.po", {SENTENCES[0]: "Reviewed."})
    run(project)  # fills a.po's copy of SENTENCES[0] from b.po; the rest stay missing
    assert entries(project)[SENTENCES[0]].msgstr == "Reviewed."
    run(project)  # fills nothing more: remembered as idle
    parses.clear()
    report = run(project)
    assert parses == [] and report.engines[0].tm_hits == 0
    write_po_with(project.root / "locales/en/LC_MESSAGES/b.po", {SENTENCES[0]: "Reviewed.", SENTENCES[1]: "Now known."})
    report = run(project)
    assert parses and report.engines[0].tm_hits == 1
    assert entries(project)[SENTENCES[1]].msgstr == "Now known."


def write_po_with(path: Path, reviewed: dict[str, str]) -> None:
    """A catalog of reviewed translations (no fuzzy flag), for the memory."""
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Language": "en", "Content-Type": "text/plain; charset=UTF-8"}
    for msgid, msgstr in reviewed.items():
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))


def test_a_memory_only_locale_fills_again_only_the_catalogs_that_changed(tmp_path: Path, parses: list[Path]) -> None:
    """An edit to one article parses that article's catalog, not every catalog the memory
    left with missing entries; a change to the memory itself makes the pass look at all."""
    project = make_project(tmp_path, "http://127.0.0.1:9")
    config = project.root / "localize.toml"
    config.write_text(config.read_text("utf-8").replace('name = "libre"', 'name = "memory"'), "utf-8")
    project = Project.open(project.root)
    base = project.root / "locales/en/LC_MESSAGES"
    write_po(base / "c.po", SENTENCES[1:3])
    for path in base.glob("*.po"):  # as extract writes them
        path.write_bytes(po_bytes(load_po(path)))
    project.state_dir.mkdir()  # as extract leaves it: the memory's memo is kept there
    run(project)
    parses.clear()
    write_po(base / "c.po", [*SENTENCES[1:3], "新增的一句。"])  # one article edited
    (base / "c.po").write_bytes(po_bytes(load_po(base / "c.po")))
    run(project)
    assert base / "a.po" not in parses and base / "c.po" in parses
    parses.clear()
    write_po_with(base / "b.po", {SENTENCES[2]: "Known now."})  # the memory gained a pair
    report = run(project)
    assert base / "a.po" in parses and base / "c.po" in parses
    assert report.engines[0].tm_hits == 2  # SENTENCES[2] in a.po and in c.po
