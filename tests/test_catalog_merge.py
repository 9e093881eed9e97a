"""Merge semantics of SPEC section 8, rule by rule, on in-memory catalogs."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import polib
import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import require_tool
from localize.catalog.merge import (
    SourceEntry,
    citation_key,
    merge_catalog,
    normalise_space,
    renumber,
    similarity,
)
from localize.catalog.pofile import catalog_header, mark_machine, parse_po_text, po_bytes, save_po
from localize.catalog.state import entry_state
from localize.locales import parse_locale

JA = parse_locale("ja")
DATE = "2025-03-01 10:00+0000"


def sources(*msgids: str) -> list[SourceEntry]:
    return [
        SourceEntry(m, (("content/a.md", str(i + 1)),), "kind: paragraph")
        for i, m in enumerate(msgids)
    ]


def merge(old: polib.POFile | None, *msgids: str, threshold: float = 0.75) -> polib.POFile:
    header = catalog_header("a", JA, DATE, old.metadata if old is not None else None)
    po, _ = merge_catalog(old, sources(*msgids), threshold, header)
    return po


def live(po: polib.POFile, msgid: str) -> polib.POEntry:
    found = [e for e in po if e.msgid == msgid and not e.obsolete]
    assert len(found) == 1, f"{msgid!r} not live in catalog"
    return found[0]


def obsolete(po: polib.POFile) -> dict[str, polib.POEntry]:
    return {e.msgid: e for e in po if e.obsolete}


def review(po: polib.POFile, msgid: str, translation: str) -> None:
    entry = live(po, msgid)
    entry.msgstr = translation
    entry.flags = [f for f in entry.flags if f != "fuzzy"]


def test_new_catalog_lists_each_sentence_once_in_document_order() -> None:
    po = merge(None, "First one.", "Second one.", "Third one.")
    assert [e.msgid for e in po] == ["First one.", "Second one.", "Third one."]
    assert all(entry_state(e) == "missing" for e in po)
    assert po[1].occurrences == [("content/a.md", "2")]
    assert po.metadata["Language"] == "ja"
    assert po.metadata["Plural-Forms"] == JA.plural_forms


def test_unchanged_entry_is_untouched_with_comments_and_waivers() -> None:
    po = merge(None, "Gemma 4 is an open model.", "It runs on phones.")
    review(po, "Gemma 4 is an open model.", "Gemma 4 はオープンモデルです。")
    entry = live(po, "Gemma 4 is an open model.")
    entry.tcomment = "checked with the product team"
    entry.flags.append("ignore-numbers")
    again = merge(po, "Gemma 4 is an open model.", "It runs on phones.")
    kept = live(again, "Gemma 4 is an open model.")
    assert kept.msgstr == "Gemma 4 はオープンモデルです。"
    assert entry_state(kept) == "reviewed"
    assert kept.tcomment == "checked with the product team"
    assert "ignore-numbers" in kept.flags


def test_citation_renumbering_keeps_reviewed_translation() -> None:
    po = merge(None, "Gemma 4 shipped [3][5].")
    review(po, "Gemma 4 shipped [3][5].", "[3][5] によれば Gemma 4 が出た。")
    again = merge(po, "Gemma 4 shipped [4][6].")
    entry = live(again, "Gemma 4 shipped [4][6].")
    assert entry.msgstr == "[4][6] によれば Gemma 4 が出た。"
    assert entry_state(entry) == "reviewed"
    assert not obsolete(again)


def test_swapped_citations_map_in_order() -> None:
    assert renumber("a [1] b [2]", "a [2] b [1]", "x [2] y [1]") == "x [1] y [2]"
    assert renumber("a [1] b [1]", "a [2] b [3]", "x [1]") is None
    assert citation_key("a  [12]\tb") == citation_key("a [3] b")


def test_whitespace_only_change_keeps_state() -> None:
    po = merge(None, "Two  spaces here.")
    mark_machine(live(po, "Two  spaces here."), "二つの空白。", "google")
    again = merge(po, "Two spaces here.")
    entry = live(again, "Two spaces here.")
    assert entry.msgstr == "二つの空白。"
    assert entry_state(entry) == "machine"
    assert entry.tcomment == "machine translation: google"


def test_ambiguous_renumbering_falls_back_to_stale() -> None:
    po = merge(None, "See [1] and again [1] for details.")
    review(po, "See [1] and again [1] for details.", "詳細は [1] を参照。")
    again = merge(po, "See [2] and again [3] for details.")
    entry = live(again, "See [2] and again [3] for details.")
    assert entry_state(entry) == "stale"
    assert entry.previous_msgid == "See [1] and again [1] for details."
    assert entry.msgstr == "詳細は [1] を参照。"


def test_changed_sentence_above_threshold_is_stale_with_previous_msgid() -> None:
    old_text = "The model runs on a single graphics card."
    new_text = "The model runs on a single small graphics card."
    assert similarity(old_text, new_text) >= 0.75
    po = merge(None, old_text)
    review(po, old_text, "このモデルは一枚のグラフィックカードで動く。")
    live(po, old_text).tcomment = "term agreed"
    live(po, old_text).flags.append("ignore-punctuation")
    again = merge(po, new_text)
    entry = live(again, new_text)
    assert entry_state(entry) == "stale"
    assert entry.previous_msgid == old_text
    assert entry.msgstr == "このモデルは一枚のグラフィックカードで動く。"
    assert entry.flags[0] == "fuzzy" and "ignore-punctuation" in entry.flags
    assert entry.tcomment == "term agreed"
    assert not obsolete(again)


def test_change_below_threshold_obsoletes_old_and_starts_empty() -> None:
    po = merge(None, "Completely different words.")
    review(po, "Completely different words.", "全く違う言葉。")
    again = merge(po, "Gemma runs offline on phones now.")
    assert entry_state(live(again, "Gemma runs offline on phones now.")) == "missing"
    gone = obsolete(again)["Completely different words."]
    assert gone.msgstr == "全く違う言葉。" and "fuzzy" not in gone.flags


def test_removed_sentence_becomes_obsolete_and_empty_ones_vanish() -> None:
    po = merge(None, "Kept sentence.", "Removed translated.", "Removed empty.")
    review(po, "Removed translated.", "削除済み。")
    again = merge(po, "Kept sentence.")
    assert set(obsolete(again)) == {"Removed translated."}
    assert [e.msgid for e in again if not e.obsolete] == ["Kept sentence."]


def test_obsolete_entry_comes_back_revived_as_it_was() -> None:
    po = merge(None, "Alpha sentence.", "Beta sentence here.")
    review(po, "Beta sentence here.", "ベータ。")
    without = merge(po, "Alpha sentence.")
    back = merge(without, "Alpha sentence.", "Beta sentence here.")
    entry = live(back, "Beta sentence here.")
    assert entry.msgstr == "ベータ。" and entry_state(entry) == "reviewed"
    assert not obsolete(back)
    assert [e.msgid for e in back] == ["Alpha sentence.", "Beta sentence here."]


def test_exact_match_is_never_stolen_by_a_near_match() -> None:
    first, second = "The phone runs the model.", "The phone runs the model fast."
    po = merge(None, first, second)
    review(po, first, "電話がモデルを動かす。")
    review(po, second, "電話がモデルを速く動かす。")
    again = merge(po, second, "The phone runs the model!")
    assert live(again, second).msgstr == "電話がモデルを速く動かす。"
    assert entry_state(live(again, second)) == "reviewed"
    stale = live(again, "The phone runs the model!")
    assert stale.previous_msgid == first and stale.msgstr == "電話がモデルを動かす。"


def test_stale_entry_changed_again_keeps_the_source_its_translation_was_for() -> None:
    po = merge(None, "Original wording of the sentence.")
    review(po, "Original wording of the sentence.", "元の文。")
    step = merge(po, "Original wording of this sentence.")
    again = merge(step, "Original wording of these sentences.")
    entry = live(again, "Original wording of these sentences.")
    assert entry.previous_msgid == "Original wording of the sentence."
    assert entry.msgstr == "元の文。"


def test_translator_header_fields_survive_and_tool_fields_follow() -> None:
    po = merge(None, "One.")
    po.metadata["Last-Translator"] = "Mika <mika@example.com>"
    po.metadata["Language-Team"] = "Japanese <ja@example.com>"
    po.metadata["PO-Revision-Date"] = "2025-02-02 09:00+0900"
    po.metadata["X-Generator"] = "Poedit 3.4"
    po.metadata["Language"] = "xx"
    again = merge(po, "One.", "Two.")
    assert again.metadata["Last-Translator"] == "Mika <mika@example.com>"
    assert again.metadata["Language-Team"] == "Japanese <ja@example.com>"
    assert again.metadata["PO-Revision-Date"] == "2025-02-02 09:00+0900"
    assert again.metadata["X-Generator"] == "Poedit 3.4"
    assert again.metadata["Language"] == "ja"


def test_merge_is_idempotent_byte_for_byte() -> None:
    po = merge(None, "A [1] sentence.", "Another sentence.", "Third.")
    review(po, "A [1] sentence.", "文 [1]。")
    first = merge(po, "A [2] sentence.", "Another sentences.", "New.")
    data = po_bytes(first)
    second = merge(parse_po_text(data.decode()), "A [2] sentence.", "Another sentences.", "New.")
    assert po_bytes(second) == data


def test_colliding_obsolete_translation_is_folded_not_lost() -> None:
    po = merge(None, "Same sentence.")
    review(po, "Same sentence.", "新しい訳。")
    po.append(polib.POEntry(msgid="Same sentence.", msgstr="古い訳。", obsolete=True))
    again = merge(po, "Same sentence.")
    entry = live(again, "Same sentence.")
    assert entry.msgstr == "新しい訳。"
    assert "previous translation: 古い訳。" in entry.tcomment
    assert not obsolete(again)


def test_mark_machine_refuses_reviewed_and_keeps_replaced_stale_text() -> None:
    po = merge(None, "One sentence.")
    review(po, "One sentence.", "一文。")
    with pytest.raises(ValueError):
        mark_machine(live(po, "One sentence."), "別", "google")
    stale = polib.POEntry(msgid="x", msgstr="old", flags=["fuzzy"], previous_msgid="y")
    mark_machine(stale, "new", "deepl")
    assert entry_state(stale) == "machine"
    assert stale.tcomment.splitlines() == ["machine translation: deepl", "previous translation: old"]


def test_merged_catalog_passes_msgfmt_and_msgcat(tmp_path: Path) -> None:
    msgfmt, msgcat = require_tool("msgfmt"), require_tool("msgcat")
    po = merge(None, "Keep [1].", 'Quote " and \\ backslash.', "Stale soon here.", "Gone.")
    review(po, "Keep [1].", "保持 [1]。")
    review(po, "Stale soon here.", "すぐ古くなる。")
    review(po, "Gone.", "消えた。")
    mark_machine(live(po, 'Quote " and \\ backslash.'), '引用 " と \\。', "google")
    again = merge(po, "Keep [2].", 'Quote " and \\ backslash.', "Stale soon there.", "Brand new.")
    path = tmp_path / "a.po"
    save_po(again, path)
    checked = subprocess.run([msgfmt, "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    allowed = ("PO-Revision-Date", "Last-Translator", "Language-Team")
    for line in checked.stderr.splitlines():
        assert any(name in line for name in allowed), line
    copy = subprocess.run([msgcat, "--no-wrap", str(path)], capture_output=True, check=True)
    assert copy.stdout == path.read_bytes()


def test_translated_plural_entry_is_kept_obsolete_not_dropped() -> None:
    po = merge(None, "One sentence.")
    po.append(
        polib.POEntry(msgid="%d file", msgid_plural="%d files", msgstr_plural={0: "%d ファイル"})
    )
    again = merge(po, "One sentence.")
    gone = obsolete(again)["%d file"]
    assert gone.msgstr_plural == {0: "%d ファイル"}


def test_plural_entry_is_not_rebuilt_without_its_plural_forms() -> None:
    po = merge(None, "One sentence.")
    po.append(
        polib.POEntry(msgid="%d  file", msgid_plural="%d files", msgstr_plural={0: "%d ファイル"})
    )
    again = merge(po, "One sentence.", "%d file")
    assert obsolete(again)["%d  file"].msgstr_plural == {0: "%d ファイル"}


@given(st.text(alphabet=st.sampled_from(["a", "語", " ", "\t", "\n", "\u3000", "\u00a0", "\x1c", "\u2028", "b"])))
def test_normalise_space_collapses_what_the_regex_would(text: str) -> None:
    assert normalise_space(text) == re.sub(r"\s+", " ", text).strip()
