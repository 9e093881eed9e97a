"""Cost on hostile sizes grows linearly (issue 12, point 2; SPEC section 9).

Each test times a step at n and 4n and asserts the ratio (see tests/cost.py):
a step that rescans its input per position costs 16x and fails.
"""

from __future__ import annotations

from cost import assert_linear
from localize.catalog.extract import distinct_sentences
from localize.engines.pseudo import pseudo_inner, pseudo_localize
from localize.locales import parse_locale
from localize.model import Document, Segment
from localize.protect.tokens import TOKEN_STYLES, WORD_STYLE
from localize.qa import check_translation
from localize.qa.numbers import compare_numbers, numbers_in
from localize.translate.work import masked_translation

ZH = parse_locale("zh-Hant-TW")
EN = parse_locale("en")
EN_XA = parse_locale("en-XA")


def test_token_patterns_do_not_rescan_whitespace_runs() -> None:
    def run(text: str) -> None:
        for style in TOKEN_STYLES:
            list(style.tolerant.finditer(text))
            style.residue.findall(text)

    assert_linear(lambda n: " " * n + "x", run, 2000)


def test_qa_on_a_translation_with_long_whitespace_runs_is_linear() -> None:
    """The numbers check blanks tokens with the tolerant patterns: the red team's 47 s."""

    def make(n: int) -> str:
        return "word " + "\u3000" * n + " 3 " + "\t" * n + " end."

    def run(translation: str) -> None:
        check_translation("word 3 end.", translation, "markdown", EN, None)

    assert_linear(make, run, 16000)


def test_restoring_many_tokens_in_a_spacey_answer_is_linear() -> None:
    def make(n: int) -> tuple[object, str]:
        source = " ".join(f"<b>w{i}</b>" for i in range(n))
        safe = masked_translation(source, "html", None, EN, EN_XA)
        answer = "   ".join(WORD_STYLE.token(i) for i in range(len(safe.slots)))
        return safe, answer

    def run(args: tuple[object, str]) -> None:
        safe, answer = args
        safe.restore(answer, WORD_STYLE)  # type: ignore[attr-defined]

    assert_linear(make, run, 300)


def test_nested_inline_spans_translate_in_linear_time() -> None:
    """4,000 nested <span>s took 47 s (1,000: 3.2 s): the whole ladder, answer to verified text."""

    def make(n: int) -> tuple[object, str]:
        source = "<span>" * n + "研究團隊指出開放模型" + "</span>" * n
        safe = masked_translation(source, "html", None, ZH, EN)
        return safe, source

    def run(args: tuple[object, str]) -> None:
        safe, _source = args
        attempt = next(iter(safe.attempts()))  # type: ignore[attr-defined]
        answers = [text.replace("研究團隊指出開放模型", "The team says") for text in attempt.requests]
        restored = attempt.assemble(answers)
        assert restored.translation is not None, restored.problems

    assert_linear(make, run, 250)


def test_number_comparison_is_linear_in_the_count_of_numbers() -> None:
    def make(n: int) -> tuple[list, list]:
        source = numbers_in(" x ".join(str(2 * i) for i in range(n)))
        translation = numbers_in(" x ".join(str(2 * i + 1) for i in range(n)))
        return source, translation

    def run(args: tuple[list, list]) -> None:
        missing, added = compare_numbers(*args)
        assert len(missing) == len(args[0]) and len(added) == len(args[1])

    assert_linear(make, run, 6000)


def test_number_comparison_still_pairs_numbers_first_come_first_served() -> None:
    source = numbers_in("1,000 and 2.5 and 3")
    translation = numbers_in("1000 et 2,5 et 4 et 3")
    assert compare_numbers(source, translation) == ([], ["4"])


def test_pseudo_engine_is_linear_on_cjk_text_without_an_at_sign() -> None:
    """The e-mail pattern was tried from every position of a CJK run (128 KB: 8.7 s, 512 KB: 127 s)."""
    assert_linear(lambda n: "研究團隊" * (n // 4), lambda text: pseudo_localize(text, EN_XA), 40000)


def test_pseudo_engine_still_protects_e_mail_addresses_and_tokens() -> None:
    out = pseudo_localize("寫信給 team@example.org 或 ⟦0⟧⟦1⟧", EN_XA)
    assert "team@example.org" in out and "⟦0⟧⟦1⟧" in out


def test_extract_lists_a_sentence_repeated_many_times_in_linear_time() -> None:
    """One reference per line of a repeated sentence was looked up in a list (quadratic)."""

    def make(n: int) -> tuple[Document, list[Segment]]:
        document = Document("content/a.md", "markdown", "", ())
        segments = [Segment("id", i, "paragraph", i + 1, "同一句話。") for i in range(n)]
        return document, segments

    def run(args: tuple[Document, list[Segment]]) -> None:
        sentences = distinct_sentences(*args)
        assert len(sentences) == 1 and len(sentences[0].occurrences) == len(args[1])

    assert_linear(make, run, 20000)


def test_pseudo_inner_is_linear_on_bracketed_text_with_many_spaces() -> None:
    assert_linear(lambda n: "[" + "a " * n + "]", pseudo_inner, 20000)


def test_pseudo_inner_still_unwraps_pseudo_text() -> None:
    wrapped = pseudo_localize("Hello world, again.", EN_XA)
    assert pseudo_inner(wrapped) == "Ĥéļļö ŵöŕļđ, àĝàîñ."
