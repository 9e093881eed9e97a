"""Term matching: longest first, case, NFKC with original offsets, word boundaries."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pytest

from localize.glossary import Glossary, Term, load_glossary
from localize.glossary.matcher import normalize_text
from localize.locales import parse_locale

DATA = Path(__file__).parent / "data" / "glossary"


def _glossary(*sources: str, case_sensitive: tuple[str, ...] = ()) -> Glossary:
    return Glossary([Term(source=s, case_sensitive=s in case_sensitive) for s in sources])


def _found(glossary: Glossary, text: str) -> list[tuple[str, int, int, str]]:
    return [(m.term.source, m.start, m.end, m.text) for m in glossary.find(text)]


def test_project_glossary_in_mixed_text() -> None:
    glossary = load_glossary(sorted(p for p in DATA.iterdir() if p.is_file()), parse_locale("zh-TW"))
    text = "我們在裝置端執行 Gemma 4 的開放模型，以 Apache 2.0 授權，並透過 Android AICore 提供。"
    found = [(m.term.source, m.text) for m in glossary.find(text)]
    assert found == [
        ("裝置端", "裝置端"),
        ("Gemma 4", "Gemma 4"),
        ("開放模型", "開放模型"),
        ("Apache 2.0", "Apache 2.0"),
        ("Android AICore", "Android AICore"),
    ]
    for match in glossary.find(text):
        assert text[match.start : match.end] == match.text


def test_longest_match_wins_over_shorter_and_earlier() -> None:
    glossary = _glossary("Gemma", "Gemma 4", "模型", "開放模型", "AB", "BCD")
    assert _found(glossary, "Gemma 4 開放模型") == [
        ("Gemma 4", 0, 7, "Gemma 4"),
        ("開放模型", 8, 12, "開放模型"),
    ]
    assert [m[0] for m in _found(glossary, "zz ABCD zz")] == []  # both inside a word
    assert [m[0] for m in _found(glossary, "AB BCD")] == ["AB", "BCD"]
    cjk = _glossary("資料", "料理", "資料料理")
    assert [m[0] for m in _found(cjk, "資料理")] == ["資料"]  # equal length: leftmost
    assert [m[0] for m in _found(cjk, "吃資料料理")] == ["資料料理"]


def test_overlap_resolution_is_longest_first_not_leftmost() -> None:
    glossary = _glossary("模型", "型權重")
    assert [m[0] for m in _found(glossary, "模型權重")] == ["型權重"]


def test_case_insensitive_unless_case_sensitive() -> None:
    glossary = _glossary("gemma 4", "TPU", case_sensitive=("TPU",))
    assert [m[3] for m in _found(glossary, "GEMMA 4 and Gemma 4")] == ["GEMMA 4", "Gemma 4"]
    assert [m[3] for m in _found(glossary, "tpu Tpu TPU")] == ["TPU"]


def test_case_sensitive_term_preferred_on_equal_span() -> None:
    glossary = Glossary([Term(source="ai"), Term(source="AI", case_sensitive=True, keep=True)])
    (match,) = glossary.find("use AI now")
    assert match.term.keep
    (match,) = glossary.find("use Ai now")
    assert not match.term.keep


def test_nfkc_full_width_and_offsets_into_original() -> None:
    glossary = _glossary("Gemma 4", "Apache 2.0", "株式会社")
    text = "（ＧＥＭＭＡ　４）、Ａｐａｃｈｅ　２．０ と ㍿。"
    found = _found(glossary, text)
    assert found == [
        ("Gemma 4", 1, 8, "ＧＥＭＭＡ　４"),
        ("Apache 2.0", 10, 20, "Ａｐａｃｈｅ　２．０"),
        ("株式会社", 23, 24, "㍿"),
    ]


def test_offsets_after_length_changing_normalisation() -> None:
    glossary = _glossary("café", "ガイド", "Gemma")
    text = "㍿㍿ cafe\u0301 ｶﾞｲﾄﾞ ﬁ Gemma"
    found = _found(glossary, text)
    assert found == [
        ("café", 3, 8, "cafe\u0301"),
        ("ガイド", 9, 14, "ｶﾞｲﾄﾞ"),
        ("Gemma", 17, 22, "Gemma"),
    ]


def test_word_boundaries_for_spaced_scripts_only() -> None:
    glossary = _glossary("Gemma", "Gemma 4", "AI", "模型", "API")
    assert _found(glossary, "Gemmas") == []
    assert _found(glossary, "xGemma") == []
    assert [m[0] for m in _found(glossary, "Gemma 4 的模型")] == ["Gemma 4", "模型"]
    assert [m[0] for m in _found(glossary, "使用Gemma 4的AI模型")] == ["Gemma 4", "AI", "模型"]
    assert [m[0] for m in _found(glossary, "Gemma 40")] == ["Gemma"]
    assert [m[0] for m in _found(glossary, "(API), API-key, APIs, _API")] == ["API", "API"]
    assert [m[0] for m in _found(glossary, "大模型化")] == ["模型"]


def test_term_with_punctuation_at_edges() -> None:
    glossary = _glossary("C++", ".NET")
    assert [m[3] for m in _found(glossary, "C++ and ASP.NET and .NET")] == ["C++", ".NET", ".NET"]


def test_empty_glossary_and_text() -> None:
    assert Glossary.empty().find("Gemma 4") == []
    assert _glossary("Gemma").find("") == []


def test_normalize_text_map_is_consistent_on_random_text() -> None:
    """Every matched span maps back to an original slice that normalises to the same text."""
    rng = random.Random(7)
    alphabet = list("abcAB 模型ＡＢｃ１２，。㍿ﬁｶﾞ") + ["e\u0301", "\u3000", "½"]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        normalized = normalize_text(text)
        assert normalized.norm == unicodedata.normalize("NFKC", text)
        for start in range(len(normalized.norm)):
            for end in range(start + 1, len(normalized.norm) + 1):
                o_start = normalized.original_start(start)
                o_end = normalized.original_end(end)
                assert 0 <= o_start < o_end <= len(text)
                assert normalized.norm[start:end] in unicodedata.normalize(
                    "NFKC", text[o_start:o_end]
                )


@pytest.mark.parametrize("term", ["Gemma 4", "開放模型", "Android AICore"])
def test_every_occurrence_found_in_generated_text(term: str) -> None:
    rng = random.Random(term)
    filler = ["的", "在", "模", "。", " and ", " the ", "，"]
    glossary = _glossary(term)
    pieces, expected = [], []
    position = 0
    for _ in range(50):
        chunk = "".join(rng.choice(filler) for _ in range(rng.randint(1, 4)))
        pieces.append(chunk)
        position += len(chunk)
        pieces.append(term)
        expected.append(position)
        position += len(term)
    text = "".join(pieces)
    assert [m.start for m in glossary.find(text)] == expected
    assert _found(glossary, text.replace(term, term[:-1] + "x" + term[-1])) == []


def _naive_find(terms: list[Term], text: str) -> list[tuple[str, int, int]]:
    """The same rules applied one term at a time, with a plain set-based resolution."""
    from localize.glossary.matcher import accepts, compile_terms, fold

    normalized = normalize_text(text)
    folded = fold(normalized.norm)
    candidates = []
    for entry in compile_terms(terms):
        start = folded.find(entry.key)
        while start != -1:
            end = start + len(entry.key)
            if accepts(normalized.norm, start, end, entry):
                candidates.append((start - end, start, entry.priority, entry.rank, end, entry))
            start = folded.find(entry.key, start + 1)
    taken: set[int] = set()
    chosen = []
    for _neg, start, _prio, _rank, end, entry in sorted(candidates, key=lambda c: c[:4]):
        if taken.isdisjoint(range(start, end)):
            taken.update(range(start, end))
            chosen.append((start, end, entry))
    return [
        (entry.term.source, normalized.original_start(start), normalized.original_end(end))
        for start, end, entry in sorted(chosen, key=lambda c: c[0])
    ]


def test_automaton_equals_term_by_term_reference_on_random_text() -> None:
    rng = random.Random(2026)
    alphabet = [
        "a",
        "b",
        "A",
        "B",
        "1",
        " ",
        "-",
        ".",
        "+",
        "模",
        "型",
        "開",
        "Ａ",
        "ｂ",
        "\u3000",
        "𠀀",
        "😀",
        "𐐀",
        "𐐨",
        "é",
        "e\u0301",
        "İ",
        "ß",
        "_",
        "ｶﾞ",
        "ガ",
        "，",
    ]
    matches_seen = 0
    for round_ in range(40):
        sources = {
            "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4))).strip()
            for _ in range(30)
        }
        terms = [Term(source=s, case_sensitive=rng.random() < 0.3) for s in sorted(sources) if s]
        glossary = Glossary(terms)
        for _ in range(10):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
            found = [(m.term.source, m.start, m.end) for m in glossary.find(text)]
            assert found == _naive_find(terms, text), (round_, text)
            matches_seen += len(found)
    assert matches_seen > 1000  # the comparison is not vacuous: both sides found many terms


def test_astral_letters_fold_and_keep_word_boundaries() -> None:
    glossary = _glossary("𐐀bc")  # Deseret capital letter, a cased script written with spaces
    assert _found(glossary, "x 𐐨BC y") == [("𐐀bc", 2, 5, "𐐨BC")]
    assert _found(glossary, "x𐐀bc") == []


# -- the names of issue 11 (point 8): longest match, Latin word boundaries inside CJK text ---------
NAMES_CSV = (
    "zh-Hant-TW,en,translate,case_sensitive\n"
    "Google AI,,no,yes\n"
    "Google AI for Developers,,no,yes\n"
    "Google AI Developers Forum,,no,yes\n"
    "Gemma,,no,yes\n"
    "開發者,developers,,\n"
)
NAMES_TEXT = (
    "請到 Google AI for Developers 下載 Gemma，或在 Google AI Developers Forum 提問；"
    "TranslateGemma 是以 Gemma 為基礎的翻譯模型，也可以直接使用Gemma模型與Google AI服務。"
)


def _names(tmp_path: Path) -> Glossary:
    path = tmp_path / "names.csv"
    path.write_text(NAMES_CSV, encoding="utf-8")
    return load_glossary([path], parse_locale("zh-Hant-TW"))


def test_longest_names_are_not_lost_to_a_shorter_one(tmp_path: Path) -> None:
    found = [(m.term.source, m.text) for m in _names(tmp_path).find(NAMES_TEXT)]
    assert found == [
        ("Google AI for Developers", "Google AI for Developers"),
        ("Gemma", "Gemma"),
        ("Google AI Developers Forum", "Google AI Developers Forum"),
        ("Gemma", "Gemma"),  # "以 Gemma 為": TranslateGemma before it is not a match
        ("Gemma", "Gemma"),  # "使用Gemma模型": CJK neighbours are boundaries
        ("Google AI", "Google AI"),  # "與Google AI服務"
    ]
    starts = [m.start for m in _names(tmp_path).find(NAMES_TEXT)]
    assert NAMES_TEXT.index("TranslateGemma") + len("Translate") not in starts


def test_latin_term_boundaries_against_letters_digits_and_cjk() -> None:
    glossary = _glossary("Gemma")
    assert _found(glossary, "TranslateGemma") == []
    assert _found(glossary, "GemmaTranslate") == []
    assert _found(glossary, "Gemma2") == []
    assert [m[1] for m in _found(glossary, "用TranslateGemma與Gemma")] == [16]
    for text in ("使用Gemma模型", "Gemmaを使う", "젬마Gemma는", "「Gemma」", "(Gemma)", "Gemma-2"):
        assert [m[3] for m in _found(glossary, text)] == ["Gemma"], text


def test_longest_names_survive_masking_comments_and_qa(tmp_path: Path) -> None:
    from localize.protect.masking import SafeTranslation
    from localize.protect.placeables import terms_comment
    from localize.qa.checks import check_translation

    glossary = _names(tmp_path)
    en = parse_locale("en")
    assert terms_comment(NAMES_TEXT, glossary, en) == (
        "Google AI for Developers (keep) · Gemma (keep) · Google AI Developers Forum (keep) · "
        "Google AI (keep)"
    )
    safe = SafeTranslation(NAMES_TEXT, "markdown", glossary, parse_locale("zh-Hant-TW"), en,
                           lambda t: ())
    kept = [slot.restore for slot in safe.slots]
    assert kept == [
        "Google AI for Developers", "Gemma", "Google AI Developers Forum", "Gemma", "Gemma",
        "Google AI",
    ]
    good = (
        "Download Gemma from Google AI for Developers or ask in the Google AI Developers Forum; "
        "TranslateGemma is a translation model built on Gemma; Gemma models and Google AI "
        "services can be used directly."
    )
    assert [f for f in check_translation(NAMES_TEXT, good, "markdown", en, glossary)
            if f[1] == "keep-terms"] == []
    lost = good.replace("Google AI for Developers", "the Google AI site for developers")
    assert [f[2] for f in check_translation(NAMES_TEXT, lost, "markdown", en, glossary)
            if f[1] == "keep-terms"] == ["do-not-translate term 'Google AI for Developers' missing"]
    no_gemma = good.replace("built on Gemma", "built on it")  # TranslateGemma does not count
    assert any("'Gemma' missing" in f[2]
               for f in check_translation(NAMES_TEXT, no_gemma, "markdown", en, glossary))


def test_the_word_table_marks_exactly_the_characters_is_word_char_describes() -> None:
    from localize.glossary import matcher

    table = matcher.word_table()
    expected = bytes(0 if 0xD800 <= code <= 0xDFFF else int(matcher._spaced_word_char(code))
                     for code in range(0x10000))
    assert table == expected
    assert table[ord("a")] == table[ord("_")] == table[ord("é")] == 1
    assert table[ord("中")] == table[ord(" ")] == table[ord("。")] == 0


def test_a_prepared_glossary_is_shared_by_the_processes_forked_after_it() -> None:
    """``prepare`` builds the matcher up front, so ``--jobs`` workers need not each build one."""
    from localize.parallel import parallel_map

    glossary = _glossary("Gemma 4", "裝置端").prepare()
    assert glossary.prepare() is glossary
    texts = ["在裝置端跑 Gemma 4。", "沒有術語。"] * 4
    built = parallel_map(_matcher_built_and_found, texts, 2, glossary)
    assert [found for _, found in built] == [_found(glossary, text) for text in texts]
    assert all(already for already, _ in built)  # the workers found it built, not rebuilt


def _matcher_built_and_found(glossary: Glossary, text: str) -> tuple[bool, list[tuple[str, int, int, str]]]:
    already = glossary._matcher is not None
    return already, _found(glossary, text)
