"""Segmentation of real documentation text: key names, emoji, CJK joins, and pySBD's golden rules.

Each case runs in English, Traditional Chinese and Japanese text, the way the
same construct turns up in each.
"""

from __future__ import annotations

import json
from pathlib import Path

import pysbd
import pytest

from localize.locales import parse_locale
from localize.segmentation import join_sentences, sentence_gaps, split_sentences

GOLDEN = Path(__file__).parent / "data" / "segmentation" / "pysbd_golden_en.jsonl"


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "Press **alt-.** to cycle through arguments. Then press Enter.",
         ["Press **alt-.** to cycle through arguments.", "Then press Enter."]),
        ("zh", "例如 **alt-.** 迴圈地切換到上一個參數。然後按 Enter。",
         ["例如 **alt-.** 迴圈地切換到上一個參數。", "然後按 Enter。"]),
        ("ja", "たとえば **alt-.** で前の引数を順に切り替えます。次に Enter を押します。",
         ["たとえば **alt-.** で前の引数を順に切り替えます。", "次に Enter を押します。"]),
        ("zh", "例如 `alt-.` 迴圈地切換。然後按 Enter。", ["例如 `alt-.` 迴圈地切換。", "然後按 Enter。"]),
        ("ja", "**ctrl+.** を押す。終わり。", ["**ctrl+.** を押す。", "終わり。"]),
    ],
)
def test_a_key_name_ending_in_a_period_ends_no_sentence(language: str, text: str, expected: list[str]) -> None:
    assert split_sentences(text, language) == expected


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "It runs anywhere Python runs! 🚀", ["It runs anywhere Python runs! 🚀"]),
        ("en", "Deployed. ✅ 🎉", ["Deployed. ✅ 🎉"]),
        ("zh", "只要能跑 Python 的地方都能用！🚀", ["只要能跑 Python 的地方都能用！🚀"]),
        ("zh", "先安裝。再部署。🎉", ["先安裝。", "再部署。🎉"]),
        ("ja", "完了しました！🚀", ["完了しました！🚀"]),
    ],
)
def test_an_emoji_alone_is_not_a_segment(language: str, text: str, expected: list[str]) -> None:
    assert split_sentences(text, language) == expected


@pytest.mark.parametrize(
    ("source", "language", "text", "target"),
    [
        ("en", "en", "Press **alt-.** to cycle. Then press Enter.", "fr"),
        ("zh-Hant", "zh", "儲存層當機時會怎樣? 限流器會放行。", "ja"),
        ("zh-Hans", "zh", "为什么? 因为它快。", "zh-Hant"),
        ("ja", "ja", "なぜ? 速いからです。", "zh-Hant"),
        ("zh-Hant", "zh", "例如 **alt-.** 迴圈地切換。然後按 Enter。", "en"),
    ],
)
def test_joining_identity_translations_gives_the_source_back(
    source: str, language: str, text: str, target: str
) -> None:
    """The gaps between a block's sentences (a space after "?", none after "。") are the source's."""
    sentences = split_sentences(text, language)
    gaps = sentence_gaps(text, sentences)
    assert join_sentences(sentences, parse_locale(target), gaps) == text


def test_joining_translations_uses_the_target_separator_without_gaps() -> None:
    assert join_sentences(["好。", "走吧。"], parse_locale("zh-Hant")) == "好。走吧。"
    assert join_sentences(["Fine.", "Go."], parse_locale("en")) == "Fine. Go."


def test_gaps_are_none_when_the_sentences_are_not_the_block() -> None:
    assert sentence_gaps("One. Two.", ["One.", "Three."]) is None


def _golden() -> list[dict]:
    return [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_english_passes_at_least_as_many_golden_rules_as_pysbd() -> None:
    """pySBD's own published English cases (its test suite), run through both splitters."""
    cases = _golden()
    assert len(cases) == 48
    segmenter = pysbd.Segmenter(language="en", clean=False)
    ours = sum(split_sentences(c["text"], "en") == c["sentences"] for c in cases)
    theirs = sum(
        [s.strip() for s in segmenter.segment(c["text"]) if s.strip()] == c["sentences"] for c in cases
    )
    assert ours >= theirs
    assert ours >= 47


@pytest.mark.parametrize("rule", [31, 33, 35, 37, 38, 39, 40, 42, 45, 47, 48])
def test_golden_rules_fixed_here(rule: int) -> None:
    """Lists written inline, "N°.", "you and I. Did", and spaced ellipses (". . .")."""
    case = _golden()[rule - 1]
    assert split_sentences(case["text"], "en") == case["sentences"], case["name"]
