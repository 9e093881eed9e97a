"""A catalog parsed by one stage is lent to the next while its bytes are unchanged."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest

from localize.catalog import parsed
from localize.catalog.pofile import new_catalog, po_bytes
from localize.errors import InputError


@pytest.fixture(autouse=True)
def _empty() -> Iterator[None]:
    parsed.forget()
    yield
    parsed.forget()


def _catalog(path: Path, texts: list[str]) -> tuple[bytes, polib.POFile]:
    po = new_catalog({"Content-Type": "text/plain; charset=UTF-8"})
    for text in texts:
        po.append(polib.POEntry(msgid=text, msgstr=text.upper()))
    data = po_bytes(po)
    path.write_bytes(data)
    return data, po


def test_a_kept_catalog_is_handed_over_while_its_file_is_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "a.po"
    data, po = _catalog(path, ["one", "two"])
    parsed.keep(path, po)
    assert parsed.read_shared(path) is po


def test_a_changed_file_is_parsed_again(tmp_path: Path) -> None:
    path = tmp_path / "a.po"
    data, po = _catalog(path, ["one"])
    parsed.keep(path, po)
    _catalog(path, ["one", "three"])
    fresh = parsed.read_shared(path)
    assert fresh is not po
    assert [e.msgid for e in fresh] == ["one", "three"]


def test_a_catalog_never_kept_is_parsed_with_load_pos_errors(tmp_path: Path) -> None:
    path = tmp_path / "bad.po"
    path.write_text('msgid "open\n', "utf-8")
    with pytest.raises(InputError) as raised:
        parsed.read_shared(path)
    assert "bad.po" in str(raised.value)


def test_the_oldest_catalogs_go_first_past_the_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsed, "BUDGET", 3)
    kept = {}
    for name in ("a", "b", "c"):
        path = tmp_path / f"{name}.po"
        data, po = _catalog(path, [f"{name}1", f"{name}2"])
        parsed.keep(path, po)
        kept[name] = (path, po)
    assert parsed.read_shared(kept["c"][0]) is kept["c"][1]
    assert parsed.read_shared(kept["a"][0]) is not kept["a"][1]  # dropped: 6 entries > 3
    assert parsed.read_shared(kept["b"][0]) is not kept["b"][1]


def test_check_reports_the_files_own_line_numbers_for_a_lent_catalog(tmp_path: Path) -> None:
    from localize.project import Project
    from localize.qa import check_project

    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    (root / "localize.toml").write_text('source_locale = "zh-Hant"\ntarget_locales = ["en"]\n', "utf-8")
    path = root / "locales/en/LC_MESSAGES/a.po"
    path.parent.mkdir(parents=True)
    po = new_catalog({"Content-Type": "text/plain; charset=UTF-8", "Language": "en"})
    for number in range(1, 6):
        po.append(polib.POEntry(msgid=f"第 {number} 句見[{number}]。", msgstr=f"Sentence {number} [{number}].",
                                occurrences=[("content/a.md", str(number))]))
    po[-1].msgstr = "Sentence 5."  # the citation [5] is lost: a QA error on this entry
    data = po_bytes(po)
    path.write_bytes(data)
    for entry in po:
        entry.linenum = 1  # as a parse of some other (older) version of the file would have them
    parsed.keep(path, po)
    findings = [f for f in check_project(Project.open(root)).findings if f.msgid == "第 5 句見[5]。"]
    line = data.decode().splitlines().index("#: content/a.md:5") + 1  # where the entry starts
    assert findings and {f.line for f in findings} == {line}


# -- within a run, what does not fit is spilled ---------------------------------------------------------
def _msgstrs(_context: None, path: Path) -> list[str]:
    """A forked worker's view of a lent catalog (module level: sent to workers by name)."""
    po = parsed.lent(path)
    return [] if po is None else [entry.msgstr for entry in po]


def _three_past_a_budget_of_three(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    monkeypatch.setattr(parsed, "BUDGET", 3)
    paths = {}
    for name in ("a", "b", "c"):
        path = paths[name] = tmp_path / f"{name}.po"
        _, po = _catalog(path, [f"{name}1", f"{name}2"])
        parsed.keep(path, po)
    return paths


def test_within_a_run_catalogs_past_the_budget_are_spilled_not_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / ".localize"
    with parsed.sharing(state):
        paths = _three_past_a_budget_of_three(tmp_path, monkeypatch)
        monkeypatch.setattr(parsed, "load_po", lambda path: pytest.fail(f"{path} parsed again"))
        assert [e.msgstr for e in parsed.read_shared(paths["a"])] == ["A1", "A2"]  # unpickled
        assert [e.msgstr for e in parsed.read_shared(paths["b"])] == ["B1", "B2"]
        assert os.listdir(state) == []  # the spill file has no name: nothing to clean up, nothing to read
    monkeypatch.undo()
    assert parsed.lent(paths["a"]) is None  # the run is over


def test_a_spilled_catalog_whose_file_changed_is_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with parsed.sharing(tmp_path / ".localize"):
        paths = _three_past_a_budget_of_three(tmp_path, monkeypatch)
        _catalog(paths["a"], ["a1", "a2", "a3"])
        assert parsed.lent(paths["a"]) is None
        assert [e.msgid for e in parsed.read_shared(paths["a"])] == ["a1", "a2", "a3"]


def test_forked_workers_read_the_spilled_catalogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from localize.parallel import parallel_map

    with parsed.sharing(tmp_path / ".localize"):
        paths = _three_past_a_budget_of_three(tmp_path, monkeypatch)
        seen = parallel_map(_msgstrs, [paths["a"], paths["b"]] * 4, jobs=2)
    assert seen == [["A1", "A2"], ["B1", "B2"]] * 4


def test_a_full_disk_ends_spilling_without_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "pwrite", full)
    with parsed.sharing(tmp_path / ".localize"):
        assert parsed.spilling()
        paths = _three_past_a_budget_of_three(tmp_path, monkeypatch)
        assert not parsed.spilling()
        assert parsed.lent(paths["a"]) is None
        assert [e.msgstr for e in parsed.read_shared(paths["a"])] == ["A1", "A2"]  # parsed


def test_outside_a_run_nothing_is_spilled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert not parsed.spilling()
    paths = _three_past_a_budget_of_three(tmp_path, monkeypatch)
    assert parsed.lent(paths["a"]) is None
    parsed.spill(paths["c"], parsed.read_shared(paths["c"]))  # a no-op
    assert not (tmp_path / ".localize").exists()


def test_a_run_past_the_budget_builds_from_spilled_catalogs_the_same_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sample config's five locales, none of which fits a budget of 5 entries."""
    from localize import api
    from localize.translate import run as translate_run
    from test_parallel import _project

    monkeypatch.setattr(parsed, "BUDGET", 5)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1776470400")  # three runs may straddle a minute
    spilled, parsing = _project(tmp_path / "spilled"), _project(tmp_path / "parsing")
    parses: list[Path] = []
    real_load_po = parsed.load_po
    monkeypatch.setattr(parsed, "load_po", lambda path: parses.append(path) or real_load_po(path))
    translate_parses: list[Path] = []
    monkeypatch.setattr(translate_run, "load_po", lambda path: translate_parses.append(path) or real_load_po(path))
    api.run_pipeline(spilled, progress=False, jobs=1)
    assert translate_parses == []  # translate reads what extract spilled
    assert parses == []  # check, the site and the Markdown output read what translate spilled
    monkeypatch.setattr(parsed._SpillFile, "put_pickled", lambda *_: None)  # spill nothing
    api.run_pipeline(parsing, progress=False, jobs=1)
    catalogs = len(list((tmp_path / "parsing/locales").rglob("*.po")))
    assert len(translate_parses) == catalogs
    assert len(parses) >= catalogs  # the site (the Markdown output takes what its readers rendered)
    assert _outputs(spilled.root) == _outputs(parsing.root)
    forked = _project(tmp_path / "forked")  # workers unpickle what the parent spilled
    api.run_pipeline(forked, progress=False, jobs=2)
    assert _outputs(forked.root) == _outputs(parsing.root)


def _outputs(root: Path) -> dict[str, bytes]:
    """Catalogs, templates, pages and the Markdown tree, by path."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for top in ("locales", "site", "site-md") for p in sorted((root / top).rglob("*")) if p.is_file()}


def _spill_here(_context: None, path: Path) -> bool:
    """What a worker's attempt to spill does (module level: sent to workers by name)."""
    parsed.spill(path, parsed.read_shared(path))
    return parsed.lent(path) is not None


def test_only_the_process_that_spills_writes_to_the_spill_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker's write would land where the parent writes next: workers only read."""
    from localize.parallel import parallel_map

    with parsed.sharing(tmp_path / ".localize"):
        paths = _three_past_a_budget_of_three(tmp_path, monkeypatch)
        _, late = _catalog(tmp_path / "late.po", ["late"])
        assert parallel_map(_spill_here, [tmp_path / "late.po"] * 8, jobs=2) == [False] * 8
        parsed.spill(tmp_path / "late.po", late)
        assert [e.msgstr for e in parsed.read_shared(paths["a"])] == ["A1", "A2"]
        assert [e.msgstr for e in parsed.lent(tmp_path / "late.po")] == ["LATE"]


def test_extract_spills_only_the_catalogs_it_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A catalog extract leaves as it was may change before the batch ends: translate parses it."""
    from localize import fileio
    from localize.catalog.extract import extract_project
    from test_parallel import _project

    project = _project(tmp_path / "project")
    kept_as_it_was = project.po_path("news/a00", project.settings.target_locales[0])
    real_stage = fileio.StagedWrites.stage
    monkeypatch.setattr(fileio.StagedWrites, "stage",
                        lambda self, path, data: real_stage(self, path, data) and path != kept_as_it_was)
    with parsed.sharing(project.state_dir):
        extract_project(project, jobs=1)
        written = project.po_path("news/a01", project.settings.target_locales[0])
        assert parsed.fresh(written) is not None
        assert parsed.fresh(kept_as_it_was) is None
