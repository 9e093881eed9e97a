"""Sentence segmentation: rules by language, the regression file, and Segment building."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from localize.locales import parse_locale
from localize.model import Block, Document, segment_id
from localize.segmentation import join_sentences, segment_document, split_sentences

CASES_DIR = Path(__file__).parent / "data" / "segmentation"


def load_cases() -> list[dict]:
    cases = []
    for path in sorted(CASES_DIR.glob("cases_*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                case = json.loads(line)
                case["where"] = f"{path.name}:{number}"
                cases.append(case)
    return cases


def case_text(case: dict) -> str:
    """The input: given explicitly, or the expected sentences joined as the language writes them."""
    if case.get("text"):
        return case["text"]
    separator = " " if parse_locale(case["lang"]).uses_spaces else ""
    return separator.join(case["sentences"])


CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[c["where"] for c in CASES])
def test_regression_case(case: dict) -> None:
    language = parse_locale(case["lang"]).language
    assert split_sentences(case_text(case), language) == case["sentences"]


def test_regression_file_size_and_coverage() -> None:
    assert len(CASES) >= 250
    rules = {case["rule"] for case in CASES}
    required = {
        "cjk-terminators", "cjk-halfwidth", "cjk-ellipsis", "cjk-closers", "cjk-brackets",
        "cjk-semicolon-colon", "citations", "abbreviations", "initials", "decimals-versions",
        "ellipsis", "urls-emails", "list-markers", "quotes-after", "mixed-cjk-latin",
        "markup-code", "markup-link", "markup-image", "markup-autolink", "markup-html",
        "markup-emphasis",
    }  # fmt: skip
    assert required <= rules
    languages = {case["lang"] for case in CASES}
    assert {"zh-Hant", "zh-Hans", "ja", "en", "de", "fr", "es", "ru"} <= languages
    for language in languages:
        citation_cases = [c for c in CASES if c["lang"] == language and c["rule"] == "citations"]
        assert citation_cases, f"no citation case for {language}"


def test_sentences_cover_the_text_and_are_stripped() -> None:
    for case in CASES:
        text = case_text(case)
        sentences = split_sentences(text, parse_locale(case["lang"]).language)
        assert all(s and s == s.strip() for s in sentences)
        assert "".join("".join(sentences).split()) == "".join(text.split())


# --- CJK ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "zh",
            "雨停了。我們出門吧！你要一起來嗎？",
            ["雨停了。", "我們出門吧！", "你要一起來嗎？"],
        ),
        ("zh", "雨停了!我们出门吧?好的。", ["雨停了!", "我们出门吧?", "好的。"]),
        (
            "ja",
            "雨がやんだ。出かけよう！一緒に来る？",
            ["雨がやんだ。", "出かけよう！", "一緒に来る？"],
        ),
        ("ja", "雨がやんだ｡出かけよう!", ["雨がやんだ｡", "出かけよう!"]),
    ],
)
def test_cjk_terminators_full_and_half_width(language: str, text: str, expected: list[str]) -> None:
    assert split_sentences(text, language) == expected


def test_cjk_ellipsis_ends_only_before_terminator_or_block_end() -> None:
    assert split_sentences("她沉默了……然後笑了。好吧……", "zh") == ["她沉默了……然後笑了。", "好吧……"]
    assert split_sentences("她沉默了⋯⋯。然後笑了。", "zh") == ["她沉默了⋯⋯。", "然後笑了。"]
    assert split_sentences("彼女は黙った……そして笑った。", "ja") == ["彼女は黙った……そして笑った。"]


def test_cjk_closing_quotes_stay_with_their_sentence() -> None:
    assert split_sentences("店員說：「歡迎光臨。」我點了咖啡。", "zh") == [
        "店員說：「歡迎光臨。」",
        "我點了咖啡。",
    ]
    assert split_sentences("他写道：“明天见。”我没回。", "zh") == ["他写道：“明天见。”", "我没回。"]
    assert split_sentences("「行くよ。」と彼は言った。", "ja") == ["「行くよ。」と彼は言った。"]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("zh", "我讀完了《春天。夏天》這本詩集。"),
        ("zh", "他把「快。慢。停」三個字寫在黑板上。"),
        ("zh", "這台相機（去年停產了！真可惜）仍然很好用。"),
        ("ja", "彼は「急げ。遅れるぞ」と三回言った。"),
    ],
)
def test_no_split_inside_brackets_within_a_sentence(language: str, text: str) -> None:
    assert split_sentences(text, language) == [text]


def test_semicolon_and_colon_do_not_end_a_sentence() -> None:
    assert split_sentences("天氣很冷；風也很大：大家都待在家。", "zh") == [
        "天氣很冷；風也很大：大家都待在家。"
    ]
    assert split_sentences("寒い；風も強い：皆家にいる。", "ja") == ["寒い；風も強い：皆家にいる。"]


# --- citations (every language) ------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("zh", "銷量翻倍。[2][7]價格不變。", ["銷量翻倍。[2][7]", "價格不變。"]),
        ("zh", "销量翻倍[2]。价格不变。［１］", ["销量翻倍[2]。", "价格不变。［１］"]),
        ("ja", "売上が倍増した。[1-3]価格は同じだ。", ["売上が倍増した。[1-3]", "価格は同じだ。"]),
        ("en", "Sales doubled. [2, 7] Prices held.", ["Sales doubled. [2, 7]", "Prices held."]),
        (
            "de",
            "Der Umsatz verdoppelte sich.[4] Die Preise blieben.",
            ["Der Umsatz verdoppelte sich.[4]", "Die Preise blieben."],
        ),
        (
            "fr",
            "Les ventes ont doublé [4]. Les prix restent.",
            ["Les ventes ont doublé [4].", "Les prix restent."],
        ),
        (
            "es",
            "Las ventas se duplicaron.[4][9] Los precios siguen.",
            ["Las ventas se duplicaron.[4][9]", "Los precios siguen."],
        ),
        (
            "ru",
            "Продажи выросли вдвое.[4] Цены прежние.",
            ["Продажи выросли вдвое.[4]", "Цены прежние."],
        ),
    ],
)
def test_citations_stay_with_the_sentence_they_follow(
    language: str, text: str, expected: list[str]
) -> None:
    sentences = split_sentences(text, language)
    assert sentences == expected
    assert not any(s.startswith(("[", "［")) for s in sentences[1:])


# --- Latin script ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        (
            "en",
            "Ms. Park met Gen. Ruiz in Oct. 2025. They talked.",
            ["Ms. Park met Gen. Ruiz in Oct. 2025.", "They talked."],
        ),
        (
            "de",
            "Frau Dr. Vogel kam z. B. gestern. Sie blieb.",
            ["Frau Dr. Vogel kam z. B. gestern.", "Sie blieb."],
        ),
        (
            "fr",
            "Mme Petit et M. Roux sont là. Ils attendent.",
            ["Mme Petit et M. Roux sont là.", "Ils attendent."],
        ),
        (
            "es",
            "La Sra. Ruiz y el Dr. Gil llegaron. Ellos esperan.",
            ["La Sra. Ruiz y el Dr. Gil llegaron.", "Ellos esperan."],
        ),
        (
            "ru",
            "Проф. Орлов, т. е. наш декан, пришёл. Он ждал.",
            ["Проф. Орлов, т. е. наш декан, пришёл.", "Он ждал."],
        ),
    ],
)
def test_abbreviations(language: str, text: str, expected: list[str]) -> None:
    assert split_sentences(text, language) == expected


def test_terminal_abbreviation_ends_a_sentence_before_a_starter() -> None:
    assert split_sentences("They moved to the U.S. The rent was high.", "en") == [
        "They moved to the U.S.",
        "The rent was high.",
    ]
    assert split_sentences("The U.S. Navy tested it.", "en") == ["The U.S. Navy tested it."]


def test_initials_decimals_and_versions() -> None:
    assert split_sentences("E. B. White wrote it in 1952. It is short.", "en") == [
        "E. B. White wrote it in 1952.",
        "It is short.",
    ]
    assert split_sentences("Pi is 3.14 and the tool is v0.9.1. Nice.", "en") == [
        "Pi is 3.14 and the tool is v0.9.1.",
        "Nice.",
    ]
    assert split_sentences("Л. Н. Толстой жил долго. Он писал.", "ru") == [
        "Л. Н. Толстой жил долго.",
        "Он писал.",
    ]


def test_latin_ellipses() -> None:
    assert split_sentences("We hoped... but no. Then rain came.", "en") == [
        "We hoped... but no.",
        "Then rain came.",
    ]
    assert split_sentences("Wir hofften … Dann kam Regen.", "de") == [
        "Wir hofften …",
        "Dann kam Regen.",
    ]


def test_urls_and_emails_are_opaque() -> None:
    text = "Mail ana.lee@example.com or see https://example.com/a.b/c.d?x=1.2. Done."
    assert split_sentences(text, "en") == [
        "Mail ana.lee@example.com or see https://example.com/a.b/c.d?x=1.2.",
        "Done.",
    ]


def test_numbered_list_markers() -> None:
    assert split_sentences("2. Restart the server. It helps.", "en") == [
        "2. Restart the server.",
        "It helps.",
    ]
    assert split_sentences("Pasos: 1. Abrir. 2. Cerrar.", "es") == [
        "Pasos: 1. Abrir.",
        "2. Cerrar.",
    ]


def test_quotes_and_parentheses_after_the_terminator() -> None:
    assert split_sentences('He asked, "Why?" Nobody knew.', "en") == [
        'He asked, "Why?"',
        "Nobody knew.",
    ]
    assert split_sentences("(This is optional.) Skip it.", "en") == [
        "(This is optional.)",
        "Skip it.",
    ]
    assert split_sentences("Sie rief: „Halt!“ Alle blieben stehen.", "de") == [
        "Sie rief: „Halt!“",
        "Alle blieben stehen.",
    ]
    assert split_sentences("Il a crié : « Stop ! » Tous se sont arrêtés.", "fr") == [
        "Il a crié : « Stop ! »",
        "Tous se sont arrêtés.",
    ]
    assert split_sentences("—¿Vienes? —preguntó ella.", "es") == ["—¿Vienes? —preguntó ella."]


def test_german_ordinals() -> None:
    assert split_sentences("Am 1. Mai ist frei. Am 2. Juni nicht.", "de") == [
        "Am 1. Mai ist frei.",
        "Am 2. Juni nicht.",
    ]


# --- mixed CJK / Latin ------------------------------------------------------------------------


def test_mixed_cjk_latin() -> None:
    text = "Google 在 2026 年 4 月把 Gemma 4 推向開放模型生態,重點不是單純免費。授權也放寬了。"
    assert split_sentences(text, "zh") == [
        "Google 在 2026 年 4 月把 Gemma 4 推向開放模型生態,重點不是單純免費。",
        "授權也放寬了。",
    ]
    assert split_sentences("主角是 Gemma 4.它完全開放。", "zh") == [
        "主角是 Gemma 4.",
        "它完全開放。",
    ]
    assert split_sentences("真的嗎?是的!", "zh") == ["真的嗎?", "是的!"]
    assert split_sentences("用 3.5 版,不是 4.0 版。", "zh") == ["用 3.5 版,不是 4.0 版。"]


# --- inline markup is never split -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Type `rm -rf build. && make` carefully.",
        "Open [the guide. Chapter 2](https://example.com/g.html) now.",
        "Here is ![a cat. Sleeping](cat.v2.png) again.",
        "Go to <https://example.com/a.b> now.",
        'Open <a href="https://example.com/a.b" title="A. B.">the page. Really</a> now.',
        "Use <code>x. y. z</code> here.",
        "This is __very. very__ bold.",
        "在 `config.toml. bak` 裡設定。",
    ],
)
def test_inline_markup_is_never_split(text: str) -> None:
    language = "zh" if "設定" in text else "en"
    assert split_sentences(text, language) == [text]


def test_markup_closing_a_sentence_stays_with_it() -> None:
    assert split_sentences("<strong>Stop.</strong> Go on.", "en") == [
        "<strong>Stop.</strong>",
        "Go on.",
    ]
    assert split_sentences("*停。*走吧。", "zh") == ["*停。*", "走吧。"]


def test_empty_and_blank_text() -> None:
    assert split_sentences("", "en") == []
    assert split_sentences(" \n\t", "zh") == []
    assert split_sentences("No terminator here", "en") == ["No terminator here"]


@pytest.mark.parametrize(
    "text",
    ["." * 50_000, "[" * 50_000, "`" * 20_001, "<a " * 20_000, "*a" * 30_000, "「" * 30_000 + "。" * 30_000,
     "https://" + "a." * 30_000, "x@" + "a." * 30_000],
)  # fmt: skip
def test_pathological_input_stays_fast(text: str) -> None:
    started = time.perf_counter()
    split_sentences(text, "en")
    assert time.perf_counter() - started < 2.0


# --- documents --------------------------------------------------------------------------------


def make_document(blocks: list[tuple[str, int, str]]) -> Document:
    return Document(
        source_path="content/news/sample.md",
        format="markdown",
        text="",
        blocks=tuple(
            Block(index=i, kind=k, line=line, text=t) for i, (k, line, t) in enumerate(blocks)
        ),
    )


def test_segment_document_blocks_lines_positions_and_ids() -> None:
    document = make_document(
        [
            ("title", 2, "Gemma 4 開放了"),
            ("paragraph", 6, "第一句。第二句[3]。"),
            ("list_item", 9, "   "),
            ("paragraph", 11, "第一句。"),
        ]
    )
    segments = segment_document(document, parse_locale("zh-Hant"))
    assert [(s.block, s.kind, s.line, s.position, s.text) for s in segments] == [
        (0, "title", 2, 0, "Gemma 4 開放了"),
        (1, "paragraph", 6, 0, "第一句。"),
        (1, "paragraph", 6, 1, "第二句[3]。"),
        (3, "paragraph", 11, 0, "第一句。"),
    ]
    assert segments[1].id == segments[3].id == segment_id("paragraph", "第一句。")
    assert segments[1].to_json() == {
        "id": segments[1].id,
        "block": 1,
        "kind": "paragraph",
        "line": 6,
        "text": "第一句。",
    }


def test_segment_ids_depend_on_text_and_kind_only() -> None:
    first = segment_document(make_document([("heading", 1, "Hello there.")]), parse_locale("en"))
    second = segment_document(
        make_document([("paragraph", 3, "x"), ("heading", 9, "Hello there.")]), parse_locale("en")
    )
    other_kind = segment_document(
        make_document([("paragraph", 1, "Hello there.")]), parse_locale("en")
    )
    assert first[0].id == second[1].id
    assert first[0].id != other_kind[0].id
    assert len(first[0].id) == 12


def test_segment_document_uses_the_locale_language() -> None:
    document = make_document([("paragraph", 1, "Er kam am 3. Oktober. Dann ging er.")])
    assert [s.text for s in segment_document(document, parse_locale("de-DE"))] == [
        "Er kam am 3. Oktober.",
        "Dann ging er.",
    ]


def test_join_sentences_by_locale() -> None:
    assert (
        join_sentences(["第一句。", " 第二句。"], parse_locale("zh-Hant-TW")) == "第一句。第二句。"
    )
    assert join_sentences(["一文目。", "二文目。"], parse_locale("ja")) == "一文目。二文目。"
    assert join_sentences(["One.", "Two. ", ""], parse_locale("en")) == "One. Two."
    assert join_sentences(["Eins.", "Zwei."], parse_locale("de")) == "Eins. Zwei."


def test_flat_bracket_shortcut_agrees_with_the_bracket_stack() -> None:
    """protection() answers flat pairs without a stack; it must agree with bracket_ranges()."""
    import random

    from localize.segmentation.markup import RangeIndex, bracket_ranges, protection

    rng = random.Random(3)
    alphabet = "()（）「」《》“”„«»ab。 "
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 16)))
        fast = protection(text, [])
        ranges = bracket_ranges(text)
        slow = RangeIndex(ranges).covers if ranges else None
        for offset in range(len(text) + 1):
            expected = slow(offset) if slow else False
            assert (fast(offset) if fast else False) == expected, (text, offset)
