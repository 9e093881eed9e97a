"""The translation memory and the TM pass of translate (SPEC section 7), on catalogs on disk."""

from __future__ import annotations

import json
import random
from pathlib import Path

import polib
import pytest

from localize.catalog import near
from localize.catalog.merge import SourceEntry, merge_catalog
from localize.catalog.pofile import catalog_header, load_po, mark_machine, save_po
from localize.catalog.state import entry_state
from localize.catalog.tm import TMMatch, TranslationMemory, fill_from_memory
from localize.errors import InputError
from localize.locales import parse_locale
from localize.project import Project

JA = parse_locale("ja")


def make_project(root: Path, trust: bool = False) -> Project:
    (root / "localize.toml").write_text(
        'source_locale = "en"\ntarget_locales = ["ja", "fr"]\nfuzzy_threshold = 0.75\n'
        f"tm_trust_reviewed = {'true' if trust else 'false'}\n"
    )
    return Project.open(root)


def write_catalog(
    project: Project, slug: str, translations: dict[str, str | None], machine: set[str] = frozenset()
) -> Path:
    """A PO for ``slug``: msgid -> reviewed translation (None = missing; in ``machine`` = machine)."""
    sources = [SourceEntry(m, ((f"content/{slug}.md", str(i + 1)),), "kind: paragraph") for i, m in enumerate(translations)]
    po, _ = merge_catalog(None, sources, 0.75, catalog_header(slug, JA, "2025-01-01 00:00+0000"))
    for entry in po:
        text = translations[entry.msgid]
        if text is not None:
            if entry.msgid in machine:
                mark_machine(entry, text, "google")
            else:
                entry.msgstr = text
    path = project.po_path(slug, JA)
    save_po(po, path)
    return path


def entry(path: Path, msgid: str) -> polib.POEntry:
    return next(e for e in load_po(path) if e.msgid == msgid and not e.obsolete)


def test_exact_match_from_another_article_is_written_as_machine(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    write_catalog(project, "one", {"Gemma 4 is open.": "Gemma 4 はオープン。"})
    two = write_catalog(project, "two", {"Gemma 4 is open.": None, "Unrelated words entirely.": None})
    report = fill_from_memory(project, JA)
    filled = entry(two, "Gemma 4 is open.")
    assert filled.msgstr == "Gemma 4 はオープン。"
    assert entry_state(filled) == "machine"
    assert "machine translation: memory" in filled.tcomment
    assert entry_state(entry(two, "Unrelated words entirely.")) == "missing"
    assert (report.exact, report.near) == (1, 0)
    assert report.written == ("locales/ja/LC_MESSAGES/two.po",)


def test_reviewed_match_is_trusted_when_configured(tmp_path: Path) -> None:
    project = make_project(tmp_path, trust=True)
    write_catalog(project, "one", {"Gemma 4 is open.": "Gemma 4 はオープン。"})
    two = write_catalog(project, "two", {"Gemma 4 is open.": None})
    fill_from_memory(project, JA)
    assert entry_state(entry(two, "Gemma 4 is open.")) == "reviewed"


def test_machine_match_is_never_promoted_to_reviewed(tmp_path: Path) -> None:
    project = make_project(tmp_path, trust=True)
    write_catalog(project, "one", {"Gemma 4 is open.": "機械訳。"}, machine={"Gemma 4 is open."})
    two = write_catalog(project, "two", {"Gemma 4 is open.": None})
    fill_from_memory(project, JA)
    assert entry_state(entry(two, "Gemma 4 is open.")) == "machine"


def test_near_match_is_a_stale_suggestion_naming_score_and_file(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    write_catalog(project, "one", {"The model runs on one graphics card.": "一枚で動く。"})
    two = write_catalog(project, "two", {"The model runs on two graphics cards.": None})
    report = fill_from_memory(project, JA)
    filled = entry(two, "The model runs on two graphics cards.")
    assert entry_state(filled) == "stale"
    assert filled.previous_msgid == "The model runs on one graphics card."
    assert filled.msgstr == "一枚で動く。"
    assert "% match from locales/ja/LC_MESSAGES/one.po" in filled.tcomment
    assert report.near == 1


def test_stale_entries_are_not_memory_and_filled_entries_are_left_alone(tmp_path: Path) -> None:
    po = polib.POFile()
    po.append(polib.POEntry(msgid="A sentence here.", msgstr="古い", flags=["fuzzy"], previous_msgid="x"))
    po.append(polib.POEntry(msgid="Reviewed one.", msgstr="確認済み"))
    memory = TranslationMemory.from_catalogs({"a.po": po})
    assert memory.exact("A sentence here.") is None
    assert memory.exact("Reviewed one.") is not None and memory.exact("Reviewed one.").reviewed
    project = make_project(tmp_path)
    write_catalog(project, "one", {"Same text.": "新"})
    two = write_catalog(project, "two", {"Same text.": "別の確認済み訳"})
    before = two.read_bytes()
    fill_from_memory(project, JA)
    assert two.read_bytes() == before


def test_imported_pairs_are_part_of_the_memory(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    store = project.state_dir / "tm" / "ja.json"
    store.parent.mkdir(parents=True)
    store.write_text(json.dumps({"Imported sentence.": {"translation": "輸入。", "file": "tmx:x.tmx"}}))
    two = write_catalog(project, "two", {"Imported sentence.": None})
    fill_from_memory(project, JA)
    assert entry(two, "Imported sentence.").msgstr == "輸入。"


def test_near_lookup_respects_the_threshold() -> None:
    po = polib.POFile()
    po.append(polib.POEntry(msgid="Gemma runs on phones and laptops.", msgstr="訳"))
    memory = TranslationMemory.from_catalogs({"a.po": po})
    hit = memory.near("Gemma runs on phones and tablets.", 0.75)
    assert hit is not None and 0.75 <= hit.score < 1.0
    assert memory.near("Completely unrelated sentence.", 0.75) is None


def test_malformed_catalog_stops_the_pass_before_any_write(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    write_catalog(project, "one", {"Gemma 4 is open.": "Gemma 4 はオープン。"})
    two = write_catalog(project, "two", {"Gemma 4 is open.": None})
    bad = project.po_path("zz-bad", JA)
    bad.write_text('msgid "a"\nmsgstr "b\n', encoding="utf-8")
    before = two.read_bytes()
    with pytest.raises(InputError) as caught:
        fill_from_memory(project, JA)
    assert caught.value.file == str(bad) and caught.value.line == 2
    assert two.read_bytes() == before


LATIN_WORDS = (
    "model", "phone", "cloud", "open", "weights", "license", "team",
    "data", "runs", "fast", "small", "large", "device", "offline",
)
CJK_CHARS = "模型手机云开放权重许可团队数据运行快速小大设备离线服务器更新版本内存芯片"


def random_sentence(rng: random.Random, cjk: bool) -> str:
    if cjk:
        return "".join(rng.choice(CJK_CHARS) for _ in range(rng.randint(4, 40))) + "。"
    words = [rng.choice(LATIN_WORDS) for _ in range(rng.randint(2, 14))]
    return " ".join(words).capitalize() + rng.choice([".", "!", " [3].", ""])


def mutate(rng: random.Random, text: str, edits: int) -> str:
    """``text`` with ``edits`` random character insertions, deletions or substitutions."""
    chars = list(text)
    for _ in range(edits):
        spot = rng.randrange(len(chars) + 1)
        kind = rng.choice("ids") if chars else "i"
        if kind == "i":
            chars.insert(spot, rng.choice(CJK_CHARS + "abcde  "))
        elif spot < len(chars):
            chars[spot : spot + 1] = [] if kind == "d" else [rng.choice("xyz語")]
    return "".join(chars)


def test_indexed_near_search_equals_exhaustive_extract_one() -> None:
    """The pruned search returns the very match (source, score, tie-break) of a full extractOne."""
    rng = random.Random(7)
    sources = [random_sentence(rng, cjk=rng.random() < 0.4) for _ in range(2500)]
    sources += [s.replace(" ", "  ", 1) for s in sources[:200] if " " in s]  # whitespace twins: ties
    pairs = (TMMatch(s, s.upper(), i % 2 == 0, 1.0, "a.po") for i, s in enumerate(sources))
    memory = TranslationMemory(pairs)
    queries = [mutate(rng, rng.choice(sources), rng.randint(0, 12)) for _ in range(1500)]
    queries += [random_sentence(rng, cjk=rng.random() < 0.5) for _ in range(500)]
    queries += ["", " ", "x", "模", "Model", "\U0001f600 model phone"]
    hits = 0
    for number, query in enumerate(queries):
        threshold = (0.0, 0.3, 0.6, 0.75, 0.75, 0.9, 1.0)[number % 7]
        fast = memory.near(query, threshold)
        assert fast == memory.near_exhaustive(query, threshold), (query, threshold)
        hits += fast is not None and threshold > 0.0
    assert 300 < hits < len(queries)  # both near and far queries were exercised


def test_direct_near_search_before_the_counts_equals_exhaustive_extract_one(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The first queries of a run, scored over their length window alone, agree with extractOne too."""
    monkeypatch.setattr(near, "DIRECT_QUERIES", 10**6)
    rng = random.Random(11)
    sources = [random_sentence(rng, cjk=rng.random() < 0.4) for _ in range(800)]
    memory = TranslationMemory(TMMatch(s, s.upper(), True, 1.0, "a.po") for s in sources)
    queries = [mutate(rng, rng.choice(sources), rng.randint(0, 8)) for _ in range(300)] + ["", "x"]
    hits = 0
    for number, query in enumerate(queries):
        threshold = (0.0, 0.6, 0.75, 0.9)[number % 4]
        fast = memory.near(query, threshold)
        assert fast == memory.near_exhaustive(query, threshold), (query, threshold)
        hits += fast is not None and threshold > 0.0
    assert memory._index is not None and not memory._index._counts_made
    assert 50 < hits < len(queries)


def test_a_live_reviewed_translation_beats_an_obsolete_one_from_an_earlier_catalog(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    old = write_catalog(project, "a-old", {"Gemma 4 is open.": "古い訳。"})
    po = load_po(old)
    for item in po:
        item.obsolete = True
    save_po(po, old)
    write_catalog(project, "b-new", {"Gemma 4 is open.": "新しい訳。"})
    match = TranslationMemory.for_locale(project, JA).exact("Gemma 4 is open.")
    assert match is not None and match.translation == "新しい訳。" and match.reviewed
