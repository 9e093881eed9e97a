"""``translate --jobs N`` with an offline engine: the pass in N processes writes what one writes."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest

from localize.catalog.extract import extract_project
from localize.failures import FailureLog
from localize.locales import parse_locale
from localize.qa import check_project, checks
from localize.qa.memo import memo
from localize.translate import fanout, translate_project
from localize.translate import run as run_module
from localize.translate.report import TranslateReport
from localize.translate.rounds import RoundTally
from localize.translate.work import WorkItem
from test_parallel import _project


def _catalogs(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted((root / "locales").rglob("*.po"))}


def _figures(report: TranslateReport) -> list[dict]:
    rows = json.loads(json.dumps(report.to_json()))["engines"]
    for row in rows:
        row.pop("requests")  # batches handed to the engine: one per worker's chunk
    return rows


def test_an_offline_engine_in_two_processes_writes_what_one_process_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1776470400")
    monkeypatch.setattr(fanout, "MIN_ITEMS_PER_WORKER", 8)
    fanned: list[int] = []
    real = run_module.run_fanned_out
    monkeypatch.setattr(run_module, "run_fanned_out",
                        lambda context, items, workers, **kw: fanned.append(workers) or real(context, items, workers, **kw))
    one, two = _project(tmp_path / "one"), _project(tmp_path / "two")
    for project in (one, two):
        extract_project(project, jobs=1)
    single = translate_project(one, progress=False, jobs=1)
    assert fanned == []
    memo.clear()  # what the workers judge must come back from them
    double = translate_project(two, progress=False, jobs=2, save_verdicts=False)
    assert fanned and set(fanned) == {2}  # the offline locales (OpenCC, pseudo) went out to 2 processes
    assert _catalogs(two.root) == _catalogs(one.root)
    assert _figures(double) == _figures(single)
    assert sum(row.translated for row in double.engines) > 100
    judged: list[str] = []
    real = checks._all_results
    monkeypatch.setattr(checks, "_all_results", lambda source, *args: (judged.append(source), real(source, *args))[1])
    assert check_project(two, jobs=1).entries_checked > 100
    assert judged == []  # every verdict the workers reached is in this process's memo


def _items(tmp_path: Path) -> tuple[list[WorkItem], polib.POFile]:
    po = polib.POFile()
    for text in ("第一句。", "第二句。", "第三句。"):
        po.append(polib.POEntry(msgid=text, msgstr=""))
    return [WorkItem(0, "news/a", entry, "markdown") for entry in po], po


def test_a_groups_outcomes_are_written_as_the_pass_writes_them(tmp_path: Path) -> None:
    items, po = _items(tmp_path)
    failures = FailureLog.load(tmp_path, parse_locale("zh-Hans-CN"))
    failures.record("news/a", "第二句。", "an old failure")

    class Engine:
        provenance = "opencc"

    class Context:
        engine = Engine()

    Context.failures = failures
    outcome = fanout.GroupOutcome(translations={0: "第二句"}, failures={1: "verification failed: x"},
                                  segments=frozenset({0, 1}), sent=frozenset({"x"}), requests=1, retries=0,
                                  verdicts={})
    tally = RoundTally()
    fanout._apply(Context(), items, [[1, 2]], [outcome], tally)  # the group holds items 1 and 2
    assert po[0].msgstr == ""
    assert po[1].msgstr == "第二句" and "fuzzy" in po[1].flags
    assert po[1].tcomment.startswith("machine translation: opencc")
    assert failures.reason("news/a", "第三句。") == "verification failed: x"
    assert failures.reason("news/a", "第二句。") is None  # translated now: its old failure cleared
    assert tally.translated == 1 and tally.segments == {1, 2}
    assert [(f.msgid, f.reason) for f in tally.failures] == [("第三句。", "verification failed: x")]


def test_a_locale_in_groups_of_catalogs_writes_and_reports_what_one_group_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large locales are translated a group of catalogs at a time (memory holds one group)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1776470400")
    whole, grouped = _project(tmp_path / "whole"), _project(tmp_path / "grouped")
    for project in (whole, grouped):
        extract_project(project, jobs=1)
    single = translate_project(whole, progress=False, jobs=1)
    parsed: list[int] = []
    real_parse = run_module._RunState.parse
    monkeypatch.setattr(run_module._RunState, "parse",
                        lambda self, locale, group: parsed.append(len(group)) or real_parse(self, locale, group))
    monkeypatch.setattr(run_module, "GROUP_ENTRIES", 20)  # a few catalogs per group
    in_groups = translate_project(grouped, progress=False, jobs=1)
    assert len(parsed) > 2 * len(grouped.settings.target_locales)  # several groups per locale
    assert max(parsed) < 10
    assert _catalogs(grouped.root) == _catalogs(whole.root)
    assert _entries(in_groups) == _entries(single)
    again = translate_project(grouped, progress=False, jobs=1)  # every group settled: nothing to do
    assert sum(row.translated for row in again.engines) == 0


def test_each_group_is_saved_while_the_next_groups_processes_work_and_before_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1776470400")
    monkeypatch.setattr(fanout, "MIN_ITEMS_PER_WORKER", 8)
    monkeypatch.setattr(run_module, "GROUP_ENTRIES", 60)  # a few groups per locale, each fanned out
    whole, grouped, stopped = (_project(tmp_path / name) for name in ("whole", "grouped", "stopped"))
    for project in (whole, grouped, stopped):
        extract_project(project, jobs=1)
    monkeypatch.setattr(run_module, "GROUP_ENTRIES", 10_000)
    translate_project(whole, progress=False, jobs=1)
    monkeypatch.setattr(run_module, "GROUP_ENTRIES", 60)
    fanning: list[bool] = []
    saves: list[bool] = []  # for each save: whether a later group's processes were at work
    real_fanned, real_save = run_module.run_fanned_out, run_module.save_catalogs

    def fanned(*args, **kwargs):  # type: ignore[no-untyped-def]
        fanning.append(True)
        try:
            return real_fanned(*args, **kwargs)
        finally:
            fanning.pop()

    monkeypatch.setattr(run_module, "run_fanned_out", fanned)
    monkeypatch.setattr(run_module, "save_catalogs", lambda *a: saves.append(bool(fanning)) or real_save(*a))
    translate_project(grouped, progress=False, jobs=2)
    assert _catalogs(grouped.root) == _catalogs(whole.root)
    engine_locales = 3  # opencc and two pseudo-locales; the memory engine's pass is not fanned out
    assert saves.count(True) >= 2 * engine_locales and saves.count(False) == engine_locales  # each locale's last

    parsed: list[str] = []  # the catalogs of the groups parsed before the interrupt
    real_parse = run_module._RunState.parse

    def parse_until_the_third_group(self, locale, group):  # type: ignore[no-untyped-def]
        if len(parsed) and sum(1 for _ in parsed if _ == "|") == 2:
            raise KeyboardInterrupt
        parsed.extend([stopped.relative(path) for _, path in group] + ["|"])
        return real_parse(self, locale, group)

    monkeypatch.setattr(run_module._RunState, "parse", parse_until_the_third_group)
    with pytest.raises(KeyboardInterrupt):
        translate_project(stopped, [parse_locale("zh-Hans-CN")], progress=False, jobs=2)
    translated = _catalogs(whole.root)
    done = {name for name, data in _catalogs(stopped.root).items()
            if "zh_Hans_CN" in name and data == translated[name]}
    assert done == {name for name in parsed if name != "|"}  # both groups before it, saved


def _entries(report: TranslateReport) -> list[dict]:
    """A report's figures about entries; characters and requests are what was sent, and a text
    repeated in two groups is sent (offline) or looked up in the cache (online) once per group."""
    rows = json.loads(json.dumps(report.to_json()))["engines"]
    return [{k: v for k, v in row.items() if k not in ("characters", "requests", "cache_hits")} for row in rows]


def test_a_locale_is_lent_to_check_and_build_only_when_all_of_it_can_be(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lending a share of a large locale would hold memory for parses check and build share out."""
    from localize.catalog import parsed

    lent = {}
    for name, budget in (("small", 10), ("large", 40_000)):  # less, then more, than a locale's entries
        project = _project(tmp_path / name)
        extract_project(project, jobs=1)
        parsed.forget()
        monkeypatch.setattr(parsed, "BUDGET", budget)
        translate_project(project, progress=False, jobs=1)
        catalogs = sorted((project.root / "locales").rglob("*.po"))
        lent[name] = [parsed.lent(path) is not None for path in catalogs]
    parsed.forget()
    assert lent["small"] and not any(lent["small"])
    assert any(lent["large"])


def test_every_entry_of_a_text_goes_to_the_same_group(tmp_path: Path) -> None:
    """No text is masked, translated and verified in two processes; the groups cover every item."""
    items, _ = _items(tmp_path)
    repeated = [*items, *items, items[0]]
    groups = fanout.text_groups(repeated, 2)
    assert sorted(i for group in groups for i in group) == list(range(len(repeated)))
    assert all(group == sorted(group) for group in groups)
    owner = {repeated[i].msgid: number for number, group in enumerate(groups) for i in group}
    assert all(owner[repeated[i].msgid] == number for number, group in enumerate(groups) for i in group)
    assert len(groups) == 2
