"""The TM memo: the memory read from ``.localize/tm-memo-<posix>.jsonl`` is the memory the catalogs
hold, and only catalogs whose bytes changed since are parsed (SPEC section 7)."""

from __future__ import annotations

import json
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import localize.catalog.tm as tm
from localize.catalog.memo import FactsLog
from localize.catalog.tm import (
    TranslationMemory,
    catalog_pairs,
    fill_from_memory,
    load_catalogs,
    remember_facts,
)
from localize.errors import InputError
from localize.project import Project
from localize.stamps import project_digests
from test_catalog_tm import JA, entry, make_project, write_catalog


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the catalogs the TM code parses, in order."""
    seen: list[str] = []
    real = tm.load_po

    def counting(path: Path) -> polib.POFile:
        seen.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(tm, "load_po", counting)
    return seen


def project_with_memory(root: Path) -> Project:
    project = make_project(root)
    project.state_dir.mkdir(exist_ok=True)
    write_catalog(project, "one", {"Gemma 4 is open.": "Gemma 4 はオープン。", "Phones run it.": "携帯で動く。"})
    write_catalog(project, "two", {"Gemma 4 is open.": "機械訳。", "Cloud too.": None}, machine={"Gemma 4 is open."})
    write_catalog(project, "three", {"Tablets run it as well.": "タブレットでも。"}, machine={"Tablets run it as well."})
    return project


def snapshot(memory: TranslationMemory) -> list[tuple[str, str, bool, str]]:
    return [(m.source, m.translation, m.reviewed, m.file) for m in memory.matches()]


def test_memory_from_the_memo_is_the_memory_of_the_parsed_catalogs(tmp_path: Path, parses: list[str]) -> None:
    project = project_with_memory(tmp_path)
    parsed = TranslationMemory.for_locale(project, JA, load_catalogs(project, JA))
    parses.clear()
    cold = TranslationMemory.for_locale(project, JA)
    assert sorted(parses) == ["one.po", "three.po", "two.po"]  # no memo yet: every catalog parsed
    parses.clear()
    warm = TranslationMemory.for_locale(project, JA)
    assert parses == []
    assert snapshot(cold) == snapshot(warm) == snapshot(parsed)
    assert warm.exact("Gemma 4 is open.").translation == "Gemma 4 はオープン。"  # reviewed beats machine
    assert warm.near("Tablets run it as well!", 0.75).translation == "タブレットでも。"


def test_a_snapshot_of_the_memo_holds_a_catalogs_texts_compactly(tmp_path: Path) -> None:
    # a run takes every locale's facts at once: a Python string per text would cost a few
    # times the texts themselves (the five-locale project at 3,000 articles holds 140,000)
    project = make_project(tmp_path)
    project.state_dir.mkdir(exist_ok=True)
    pairs = {f"第 {n} 篇文章的第一句。": f"第 {n} 篇文章的第一句。" for n in range(2000)}
    write_catalog(project, "one", pairs)
    tm.CatalogFacts.read(project, JA)  # writes the memo
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        facts = tm.CatalogFacts.read(project, JA)
        held = sum(stat.size_diff for stat in tracemalloc.take_snapshot().compare_to(before, "filename"))
    finally:
        tracemalloc.stop()
    as_strings = sum(sys.getsizeof(text) + 8 for pair in pairs.items() for text in pair)
    assert held < as_strings / 2
    memory = TranslationMemory.from_facts(facts)
    assert len(memory) == 2000
    assert memory.exact("第 7 篇文章的第一句。").translation == "第 7 篇文章的第一句。"


def test_only_a_changed_catalog_is_parsed_again(tmp_path: Path, parses: list[str]) -> None:
    project = project_with_memory(tmp_path)
    TranslationMemory.for_locale(project, JA)
    write_catalog(project, "three", {"Tablets run it as well.": "タブレットも。"})
    parses.clear()
    memory = TranslationMemory.for_locale(project, JA)
    assert parses == ["three.po"]
    assert memory.exact("Tablets run it as well.").translation == "タブレットも。"
    assert memory.exact("Tablets run it as well.").reviewed


def test_a_damaged_memo_means_parsing_again(tmp_path: Path, parses: list[str]) -> None:
    project = project_with_memory(tmp_path)
    expected = snapshot(TranslationMemory.for_locale(project, JA))
    memo = project.state_dir / "tm-memo-ja.jsonl"
    assert memo.is_file()
    for damage in ("{not json", '{"version": "0/tm", "files": {}}', memo.read_text("utf-8").replace('"missing":', '"x":')):
        memo.write_text(damage, "utf-8")
        parses.clear()
        assert snapshot(TranslationMemory.for_locale(project, JA)) == expected
        assert len(parses) == 3


def test_a_changed_catalog_that_is_malformed_is_refused_with_its_line(tmp_path: Path) -> None:
    project = project_with_memory(tmp_path)
    TranslationMemory.for_locale(project, JA)
    path = project.po_path("two", JA)
    lines = path.read_text("utf-8").splitlines()
    lines.append('msgid "unterminated')
    path.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(InputError) as caught:
        TranslationMemory.for_locale(project, JA)
    assert str(path) in str(caught.value) and f":{len(lines)}" in str(caught.value)


def test_fill_parses_only_catalogs_that_lack_entries(tmp_path: Path, parses: list[str]) -> None:
    project = project_with_memory(tmp_path)
    TranslationMemory.for_locale(project, JA)
    write_catalog(project, "four", {"Phones run it.": None})
    parses.clear()
    report = fill_from_memory(project, JA)
    # four: once for the memory (new bytes), once to fill; two lacks "Cloud too."; one and three lack nothing
    assert parses == ["four.po", "four.po", "two.po"]
    assert report.exact == 1 and report.written == ("locales/ja/LC_MESSAGES/four.po",)
    assert entry(project.po_path("four", JA), "Phones run it.").msgstr == "携帯で動く。"


def test_pairs_remembered_by_the_writer_spare_the_next_parse(tmp_path: Path, parses: list[str]) -> None:
    project = project_with_memory(tmp_path)
    TranslationMemory.for_locale(project, JA)
    path = write_catalog(project, "one", {"Gemma 4 is open.": "新しい訳。"})
    digest = project_digests(project.state_dir).remember(path, path.read_bytes())  # as the writer records it
    remember_facts(project, JA, [(path, digest, catalog_pairs(tm.load_po(path)))])
    parses.clear()
    memory = TranslationMemory.for_locale(project, JA)
    assert parses == []
    assert memory.exact("Gemma 4 is open.").translation == "新しい訳。"


def test_catalogs_extract_merged_are_remembered_without_a_parse(tmp_path: Path, parses: list[str]) -> None:
    from localize.catalog.extract import extract_project

    project = project_with_memory(tmp_path)
    (project.root / "content").mkdir()
    (project.root / "content" / "five.md").write_text("# Five\n\nPhones run it.\n\nCloud too.\n", "utf-8")
    extract_project(project)
    parses.clear()
    memory = TranslationMemory.for_locale(project, JA)
    assert "five.po" not in parses and len(parses) == 3  # the three written by hand, not by extract
    assert snapshot(memory) == snapshot(TranslationMemory.for_locale(project, JA, load_catalogs(project, JA)))
    report = fill_from_memory(project, JA)
    assert report.exact == 1  # "Phones run it." from one.po: five.po was known to lack entries


def test_memo_lines_read_back_as_written_and_bad_lines_are_skipped(tmp_path: Path) -> None:
    log = FactsLog(tmp_path / "memo.jsonl", "tm/test")
    records = [("a.po", "d1", {"pairs": ["語", "\x1f", "\u2028"], "missing": 2}), ("b.po", "d2", {"pairs": []})]
    log.append(records)
    version = log.version.encode()
    with open(log.path, "ab") as handle:  # another version, not UTF-8, not JSON, cut short
        handle.write(b'["other", "c.po", "d3", {}]\n\xff\xfe\n["' + version + b'", "d.po", "d4", NaN]\n["' + version + b'", "to')
    loaded, lines = log.load()
    assert loaded == {relative: (digest, facts) for relative, digest, facts in records}
    assert lines == 6


def test_the_memo_is_appended_to_and_compacted_when_mostly_dead(tmp_path: Path) -> None:
    project = project_with_memory(tmp_path)
    memo = project.state_dir / "tm-memo-ja.jsonl"
    TranslationMemory.for_locale(project, JA)
    assert len(memo.read_text("utf-8").splitlines()) == 3
    sizes = []
    for round_number in range(40):
        write_catalog(project, "three", {"Tablets run it as well.": f"タブレット{round_number}。"})
        memory = TranslationMemory.for_locale(project, JA)
        assert memory.exact("Tablets run it as well.").translation == f"タブレット{round_number}。"
        sizes.append(len(memo.read_text("utf-8").splitlines()))
    assert sizes[0] == 4  # one line appended, not the file rewritten
    assert max(sizes) <= 2 * 3 + 16 + 1 and min(sizes[20:]) == 3  # compacted back to the live lines


_texts = st.text(alphabet=st.sampled_from("ab \x1f\t語"), min_size=1, max_size=4)
_flat_pairs = st.lists(st.tuples(_texts, _texts), max_size=4).map(lambda pairs: [t for p in pairs for t in p])
_facts = st.fixed_dictionaries({"reviewed": _flat_pairs, "retired": _flat_pairs, "machine": _flat_pairs,
                                "missing": st.integers(0, 3)})


@settings(max_examples=200, deadline=None)
@given(pairs=st.dictionaries(st.sampled_from(["a.po", "b.po", "c.po"]), _facts),
       imported=st.dictionaries(_texts, st.fixed_dictionaries({"translation": _texts, "file": st.just("x.tmx")})))
def test_memory_from_facts_ranks_pairs_as_the_general_constructor(
    pairs: dict[str, dict[str, Any]], imported: dict[str, dict[str, str]]
) -> None:
    facts = tm.CatalogFacts({}, dict(sorted(pairs.items())))
    fast = TranslationMemory.from_facts(facts, imported)
    reference = TranslationMemory([*tm._remembered_matches(facts.pairs), *tm._imported_matches(imported)])
    assert snapshot(fast) == snapshot(reference)
    assert fast._near_choices() == reference._near_choices()


@given(facts=_facts)
def test_stored_facts_load_back_as_they_were(facts: dict[str, Any]) -> None:
    loaded = tm._loaded_facts(json.loads(json.dumps(tm._stored_facts(facts))))
    assert loaded is not None and loaded["missing"] == facts["missing"]
    for kind in ("reviewed", "retired", "machine"):
        assert tm.flat_pairs(loaded[kind]) == facts[kind]
        assert tm.pair_count(loaded, kind) == len(facts[kind]) // 2
