"""Answer checks every engine's answer gets: echo, wrong script, absurd length (one rule for all)."""

from __future__ import annotations

import pytest

from localize.glossary import Glossary, Term
from localize.locales import parse_locale
from localize.qa.answers import answer_problems, script_of

ZH = parse_locale("zh-Hant-TW")
HANS = parse_locale("zh-Hans-CN")
EN = parse_locale("en")
FR = parse_locale("fr")
JA = parse_locale("ja")
RU = parse_locale("ru")
GLOSSARY = Glossary([Term("Gemma 4", keep=True), Term("Apache 2.0", keep=True)])


def problems(source, answer, src=ZH, tgt=EN, engine="libre"):
    return answer_problems(source, answer, "markdown", GLOSSARY, src, tgt, engine)


def test_an_echo_of_chinese_text_into_french_is_an_error() -> None:
    found = problems("Gemma 4 是一個開放模型[3]。", "Gemma 4 是一個開放模型[3]。", tgt=FR)
    assert found and found[0].startswith("echo")


def test_product_names_and_placeables_alone_may_come_back_unchanged() -> None:
    assert problems("Gemma 4 1B", "Gemma 4 1B", tgt=FR) == ()
    assert problems("Apache 2.0 [3][5]", "Apache 2.0 [3][5]") == ()


def test_an_echo_is_no_error_when_both_languages_share_a_script() -> None:
    assert problems("Gemma 4 是開放模型。", "Gemma 4 是開放模型。", tgt=HANS) == ()
    assert problems("Open models for everyone.", "Open models for everyone.", src=EN, tgt=FR) == ()


@pytest.mark.parametrize("engine", ["opencc", "pseudo", "memory"])
def test_offline_engines_are_never_echo_errors(engine: str) -> None:
    assert problems("開放模型。", "開放模型。", tgt=EN, engine=engine) == ()


def test_an_answer_in_the_wrong_script_is_an_error() -> None:
    found = problems("Gemma 4 是一個開放模型。", "Gemma 4 是一个开放模型。", tgt=FR)
    assert found and found[0].startswith("wrong script")
    found = problems("The model is open.", "Модель открыта.", src=EN, tgt=JA)
    assert found and "Cyrillic" in found[0]


def test_a_right_script_answer_with_latin_names_passes() -> None:
    assert problems("The Gemma 4 model ships under Apache 2.0.", "Gemma 4 モデルは Apache 2.0 で公開。", src=EN, tgt=JA) == ()
    assert problems("開放模型。", "Открытая модель.", tgt=RU) == ()


def test_an_answer_out_of_all_proportion_is_an_error() -> None:
    found = problems("你好。", "x" * 64 * 1024)
    assert found and found[0].startswith("length")
    assert problems("你好。", "Hello, and welcome to the show.") == ()


def test_an_answer_far_too_short_for_a_long_source_is_an_error() -> None:
    source = "The open model family runs on phones, laptops and servers alike, with no change."
    found = problems(source, "Ok.", src=EN, tgt=FR)
    assert found and "only" in found[0]


def test_scripts_are_told_by_letter() -> None:
    assert [script_of(c) for c in "aЖ漢カ한1"] == ["Latin", "Cyrillic", "Han", "Kana", "Hangul", None]
