"""QA verdicts are computed once per content and reused across stages and runs, never stale."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from localize.glossary import Glossary, Term
from localize.locales import parse_locale
from localize.project import Project
from localize.qa import catalogs, check_project, check_translation, checks
from localize.qa.memo import MEMO_NAME, QAMemo, memo

EN = parse_locale("en")
GLOSSARY = Glossary([Term("Gemma 4", keep=True)])


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sources QA really judged (memo misses), with an empty memo."""
    judged: list[str] = []
    real = checks._all_results

    def spy(source, *args):  # type: ignore[no-untyped-def]
        judged.append(source)
        return real(source, *args)

    monkeypatch.setattr(checks, "_all_results", spy)
    memo.clear()
    return judged


def test_the_same_pair_is_judged_once_and_waivers_still_apply(counted: list[str]) -> None:
    first = check_translation("Gemma 4 很好。", "Gemma is good.", "markdown", EN, GLOSSARY)
    again = check_translation("Gemma 4 很好。", "Gemma is good.", "markdown", EN, GLOSSARY)
    waived = check_translation("Gemma 4 很好。", "Gemma is good.", "markdown", EN, GLOSSARY,
                               flags=["ignore-keep-terms"])
    assert counted == ["Gemma 4 很好。"]
    assert [check for _, check, _ in first] == ["keep-terms"] == [check for _, check, _ in again]
    assert waived == []


def test_another_glossary_translation_or_locale_is_judged_anew(counted: list[str]) -> None:
    check_translation("Gemma 4 很好。", "Gemma is good.", "markdown", EN, GLOSSARY)
    without_terms = check_translation("Gemma 4 很好。", "Gemma is good.", "markdown", EN, Glossary([]))
    assert "keep-terms" not in {check for _, check, _ in without_terms}
    check_translation("Gemma 4 很好。", "Gemma 4 is good.", "markdown", EN, GLOSSARY)
    check_translation("Gemma 4 很好。", "Gemma is good.", "markdown", parse_locale("ja"), GLOSSARY)
    check_translation("Gemma 4 很好。", "Gemma is good.", "html", EN, GLOSSARY)
    assert len(counted) == 5


def test_verdicts_survive_to_the_next_run_and_an_unchanged_run_rewrites_nothing(
    tmp_path: Path, counted: list[str]
) -> None:
    check_translation("見[3]。", "See [4].", "markdown", EN, GLOSSARY)
    memo.save(tmp_path)
    stamp = (tmp_path / MEMO_NAME).stat().st_mtime_ns
    next_run = QAMemo()
    next_run.load(tmp_path)
    assert list(next_run.results.values()) == list(memo.results.values())
    next_run.save(tmp_path)  # nothing new: not written
    assert (tmp_path / MEMO_NAME).stat().st_mtime_ns == stamp


def test_a_file_from_other_qa_code_or_a_broken_file_is_ignored(tmp_path: Path) -> None:
    (tmp_path / MEMO_NAME).write_text(json.dumps({"code": "older", "results": {"k": [["error", "x", "y"]]}}))
    stale = QAMemo()
    stale.load(tmp_path)
    assert stale.results == {}
    (tmp_path / MEMO_NAME).write_text("{not json")
    broken = QAMemo()
    broken.load(tmp_path)
    assert broken.results == {}


# -- whole catalogs ------------------------------------------------------------------------------------
DATA = Path(__file__).parent / "data" / "qa" / "project"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    shutil.copytree(DATA, tmp_path / "project")
    return Project.open(tmp_path / "project")


def _parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = catalogs.load_po
    monkeypatch.setattr(catalogs, "load_po", lambda path: (parsed.append(Path(path).name), real(path))[1])
    return parsed


def test_an_unchanged_catalog_is_not_parsed_again_and_reports_the_same(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = check_project(project)
    parsed = _parsed(monkeypatch)
    memo._project = None  # as the next run, which starts from .localize/qa-memo.json
    again = check_project(project)
    assert parsed == []
    assert again.to_json() == first.to_json()
    assert (again.entries_checked, again.files_checked) == (first.entries_checked, first.files_checked)


def test_an_edited_catalog_or_a_new_failure_record_is_checked_again(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    check_project(project)
    parsed = _parsed(monkeypatch)
    po = project.root / "locales/ja/LC_MESSAGES/guide.po"
    assert "mask-residue" in {f.check for f in check_project(project).findings}
    po.write_text(po.read_text("utf-8").replace("ガイド ZX0Q", "ガイド"), "utf-8")  # the translator's fix
    assert "mask-residue" not in {f.check for f in check_project(project).findings}
    assert parsed == ["guide.po"]
    failures = project.state_dir / "failures" / "en.json"
    records = json.loads(failures.read_text("utf-8"))
    records["news/launch"] = {msgid: "a new reason" for msgid in records["news/launch"]}
    failures.write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    failed = [f for f in check_project(project).findings if f.check == "failed"]
    assert parsed == ["guide.po", "launch.po"]
    assert failed and all("a new reason" in f.message for f in failed)


def test_clean_verdicts_are_stored_as_one_string_of_keys_and_load_back_exactly(tmp_path: Path) -> None:
    saved = QAMemo()
    saved.put("a" * 32, ())
    saved.put("b" * 32, (("warning", "numbers", "numbers differ: missing 4"),))
    saved.put("c" * 32, ())
    saved.put("short", ())  # not memo_key's width: kept, but not in the key string
    saved.save(tmp_path)
    data = json.loads((tmp_path / MEMO_NAME).read_text("utf-8"))
    assert data["clean"] == "a" * 32 + "c" * 32
    assert set(data["results"]) == {"b" * 32, "short"}
    loaded = QAMemo()
    loaded.load(tmp_path)
    assert {key: loaded.get(key) for key in saved.results} == saved.results
    assert loaded.get("d" * 32) is None  # a key the file does not hold is not found
    loaded.put("d" * 32, ())
    loaded.save(tmp_path)  # the loaded clean keys are kept with the new one
    assert json.loads((tmp_path / MEMO_NAME).read_text("utf-8"))["clean"] == "a" * 32 + "c" * 32 + "d" * 32


def test_clean_keys_are_bisected_for_a_few_look_ups_then_made_a_dict(tmp_path: Path) -> None:
    saved = QAMemo()
    keys = [f"{n:032x}" for n in range(0, 3000, 3)]
    for key in keys:
        saved.put(key, ())
    saved.save(tmp_path)
    loaded = QAMemo()
    loaded.load(tmp_path)
    assert loaded.results == {}  # nothing made of the 1,000 keys yet
    assert all(loaded.get(f"{n:032x}") == (() if n % 3 == 0 else None) for n in range(0, 600))
    assert len(loaded.results) == 0
    assert all(loaded.get(f"{n:032x}") == (() if n % 3 == 0 else None) for n in range(600, 3000))
    assert len(loaded.results) == 1000  # past QAMemo.BISECTED look-ups: one dict


def test_a_hand_edited_file_record_is_checked_again(tmp_path: Path) -> None:
    saved = QAMemo()
    saved.put_file("locales/ja/LC_MESSAGES/a.po", "k1", (2, (("warning", "numbers", 3, "a", "b"),)))
    saved.put_file("locales/ja/LC_MESSAGES/b.po", "k2", (1, ()))
    saved.save(tmp_path)
    data = json.loads((tmp_path / MEMO_NAME).read_text("utf-8"))
    data["files"]["locales/ja/LC_MESSAGES/a.po"][1][1] = [7]  # a row that is not a row
    (tmp_path / MEMO_NAME).write_text(json.dumps(data), "utf-8")
    loaded = QAMemo()
    loaded.load(tmp_path)
    assert loaded.get_file("locales/ja/LC_MESSAGES/a.po", "k1") is None
    assert loaded.get_file("locales/ja/LC_MESSAGES/b.po", "k2") == (1, ())
    assert loaded.get_file("locales/ja/LC_MESSAGES/b.po", "k3") is None  # another key: checked again


def test_a_key_string_cut_short_makes_the_whole_file_ignored(tmp_path: Path) -> None:
    QAMemo().save(tmp_path)  # nothing added: nothing written
    assert not (tmp_path / MEMO_NAME).exists()
    saved = QAMemo()
    saved.put("a" * 32, ())
    saved.save(tmp_path)
    data = json.loads((tmp_path / MEMO_NAME).read_text("utf-8"))
    data["clean"] = data["clean"][:-1]
    (tmp_path / MEMO_NAME).write_text(json.dumps(data), "utf-8")
    loaded = QAMemo()
    loaded.load(tmp_path)
    assert loaded.results == {}


def test_a_check_after_a_separate_translate_judges_nothing_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from localize.catalog.extract import extract_project
    from localize.translate import translate_project
    from test_parallel import _project

    project = _project(tmp_path / "project")
    extract_project(project, jobs=1)
    memo.clear()
    translate_project(project, progress=False)
    assert (project.state_dir / MEMO_NAME).is_file()
    judged: list[str] = []
    real = checks._all_results
    monkeypatch.setattr(checks, "_all_results", lambda source, *args: (judged.append(source), real(source, *args))[1])
    memo.clear()  # as a new process: only the file remains
    report = check_project(project)
    assert report.entries_checked > 50
    assert judged == []
