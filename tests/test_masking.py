"""Masking: token round trips, tolerant restoring, the repair ladder and the fault-injection test."""

from __future__ import annotations

import random
import re
import zlib
from collections import Counter
from collections.abc import Callable

import pytest

from localize.glossary import Glossary, Term
from localize.locales import LocaleInfo, parse_locale
from localize.protect.masking import SafeTranslation
from localize.protect.placeables import find_placeables
from localize.protect.tokens import BRACKET_STYLE, TOKEN_STYLES, WORD_STYLE
from localize.qa import blocking_problems as verify
from localize.translate.work import masked_translation

ZH = parse_locale("zh-Hant-TW")
EN = parse_locale("en")
JA = parse_locale("ja")

GLOSSARIES = {
    "zh": Glossary(
        [
            Term("Gemma 4", keep=True),
            Term("Python", keep=True),
            Term("開放模型", targets={"en": "open model", "ja": "オープンモデル"}),
        ]
    ),
    "en": Glossary(
        [
            Term("Gemma 4", keep=True),
            Term("Python", keep=True),
            Term("open model", targets={"zh_Hant": "開放模型", "ja": "オープンモデル"}),
        ]
    ),
    "ja": Glossary(
        [
            Term("Gemma 4", keep=True),
            Term("Python", keep=True),
            Term("オープンモデル", targets={"en": "open model", "zh_Hant": "開放模型"}),
        ]
    ),
}

Engine = Callable[[str], str]


def run_ladder(safe: SafeTranslation, engine: Engine) -> tuple[str | None, int, tuple[str, ...]]:
    """What the driver does: attempts in turn until one verifies."""
    problems: tuple[str, ...] = ()
    number = 0
    for number, attempt in enumerate(safe.attempts(), 1):
        restored = attempt.assemble([engine(text) for text in attempt.requests])
        if restored.translation is not None:
            return restored.translation, number, ()
        problems = restored.problems
    return None, number, problems


# -- round trips -------------------------------------------------------------------------------------
ROUND_TRIP = [
    ("Gemma 4 是一個**開放模型**[3][5]，請見 https://example.com/x 與 `pip install`。", ZH, "zh"),
    ("See [the docs](https://example.com/d) and *Python* code `x = 1` [1-3].", EN, "en"),
    ("詳細は<a href=\"https://example.jp/a\">こちら</a>［2］を参照: me@example.jp %s {name}", JA, "ja"),
]


@pytest.mark.parametrize("style", TOKEN_STYLES, ids=lambda s: s.name)
@pytest.mark.parametrize(("text", "locale", "lang"), ROUND_TRIP)
def test_token_round_trip_restores_source(style, text: str, locale: LocaleInfo, lang: str) -> None:
    fmt = "html" if "<a" in text else "markdown"
    same = parse_locale("zh-Hant-HK" if lang == "zh" else "en-GB" if lang == "en" else "ja-JP")
    glossary = Glossary([t for t in GLOSSARIES[lang].terms if t.keep])
    safe = masked_translation(text, fmt, glossary, locale, same)
    masked = safe.masked(style)
    for placeable in find_placeables(text, fmt, glossary):
        if placeable.kind != "markup" or fmt == "html":
            assert placeable.text not in masked
    assert len(style.tolerant.findall(masked)) == len(safe.slots) > 0
    attempt = next(a for a in safe.attempts() if a.style == style.name)
    assert attempt.requests == (masked,)
    assert attempt.assemble([masked]).translation == text


def test_glossary_target_is_restored_as_target_and_keep_term_as_itself() -> None:
    text = "Gemma 4 是一個開放模型。"
    safe = masked_translation(text, "markdown", GLOSSARIES["zh"], ZH, EN)
    first = next(iter(safe.attempts()))
    assert first.requests == ("ZX0Q 是一個ZX1Q。",)
    restored = first.assemble(["ZX0Q is an ZX1Q."])
    assert restored.translation == "Gemma 4 is an open model."


@pytest.mark.parametrize(
    "answer",
    [
        "zx0q is an ZX1Q.",  # case
        "Z X 0 Q is an Z X 1 Q.",  # spaces inside
        "ＺＸ０Ｑ is an ＺＸ１Ｑ.",  # full width
        "Zx0q is an zX1Q.",  # mixed case
    ],
)
def test_word_tokens_restore_tolerantly(answer: str) -> None:
    safe = masked_translation("Gemma 4 是一個開放模型。", "markdown", GLOSSARIES["zh"], ZH, EN)
    assert safe.restore(answer, WORD_STYLE) == ("Gemma 4 is an open model.", [])


@pytest.mark.parametrize("answer", ["⟦零⟧は⟦一⟧です。", "【0】は［１］です。", "[[0]]は⟦ 1 ⟧です。", "〚0〛は⟦1⟧です。"])
def test_bracket_tokens_restore_tolerantly(answer: str) -> None:
    safe = masked_translation("Gemma 4 是一個開放模型。", "markdown", GLOSSARIES["zh"], ZH, JA)
    assert safe.restore(answer, BRACKET_STYLE) == ("Gemma 4はオープンモデルです。", [])


def test_adjacent_stutter_of_a_token_counts_once() -> None:
    safe = masked_translation("Gemma 4 是一個開放模型。", "markdown", GLOSSARIES["zh"], ZH, EN)
    assert safe.restore("ZX0Q ZX0Q is an ZX1Q.", WORD_STYLE) == ("Gemma 4 is an open model.", [])


def test_url_is_kept_apart_from_a_word_written_against_it() -> None:
    safe = masked_translation("請見https://example.org/a了解me@example.org。", "markdown", None, ZH, EN)
    translation, problems = safe.restore("seeZX0Qto learnZX1Q.", WORD_STYLE)
    assert problems == []
    assert translation == "see https://example.org/a to learn me@example.org."


def test_cjk_target_drops_spaces_an_engine_added_around_tokens() -> None:
    safe = masked_translation("請見[3]與`x`。", "markdown", None, ZH, JA)
    translation, problems = safe.restore("ZX0Q を ZX1Q と見る。", WORD_STYLE)
    assert problems == []
    assert translation == "[3]を`x`と見る。"


def test_spaces_inside_emphasis_are_dropped() -> None:
    safe = masked_translation("這是**重點**。", "markdown", None, ZH, EN)
    translation, problems = safe.restore("This is ZX0Q key ZX1Q.", WORD_STYLE)
    assert (translation, problems) == ("This is **key**.", [])


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("ZX0Q is an ZX0Q ZX1Q.", "repeated term 'Gemma 4'"),
        ("ZX1Q is an ZX0Q ZX1Q.", "repeated term '開放模型'"),
        ("It is an ZX1Q.", "lost term 'Gemma 4'"),
        ("ZX0Q is an ZX1Q ZX7Q.", "unknown token 'ZX7Q'"),
    ],
)
def test_token_problems_are_named(answer: str, reason: str) -> None:
    safe = masked_translation("Gemma 4 是一個開放模型。", "markdown", GLOSSARIES["zh"], ZH, EN)
    first = next(iter(safe.attempts()))
    restored = first.assemble([answer])
    assert restored.translation is None
    assert reason in restored.problems


def test_markup_the_source_lacks_fails_verification() -> None:
    safe = masked_translation("請見[3]。", "markdown", None, ZH, EN)
    first = next(iter(safe.attempts()))
    restored = first.assemble(['See ZX0Q <img src=x onerror="alert(1)">.'])
    assert restored.translation is None
    assert any("onerror" in problem for problem in restored.problems)


def test_runs_attempt_translates_text_between_placeables() -> None:
    text = "請見 https://example.com/x 了解 Gemma 4 的開放模型[3]。"
    safe = masked_translation(text, "markdown", GLOSSARIES["zh"], ZH, EN)
    attempts = list(safe.attempts())
    assert [a.style for a in attempts] == ["word", "bracket", "runs"]
    runs = attempts[2]
    assert runs.requests == ("請見", "了解", "的")
    translation = runs.assemble(["See", "to learn about", "'s"]).translation
    assert translation == "See https://example.com/x to learn about Gemma 4 's open model[3]."


def test_sentence_of_placeables_only_needs_no_engine() -> None:
    safe = masked_translation("[3][5]", "markdown", None, EN, JA)
    attempts = list(safe.attempts())
    assert len(attempts) == 1 and attempts[0].requests == ()
    assert attempts[0].assemble([]).translation == "[3][5]"


def test_sentence_without_placeables_is_one_plain_attempt() -> None:
    safe = masked_translation("天氣很好。", "markdown", None, ZH, EN)
    attempts = list(safe.attempts())
    assert [a.requests for a in attempts] == [("天氣很好。",)]
    assert attempts[0].assemble(["Nice weather."]).translation == "Nice weather."
    assert attempts[0].assemble(["Nice <script>x</script>."]).translation is None


def test_every_attempt_failing_leaves_no_translation_and_reasons() -> None:
    safe = masked_translation("請見[3]了解。", "markdown", None, ZH, EN)
    translation, attempts, problems = run_ladder(safe, lambda text: "[4] nothing <b>")
    assert translation is None and attempts == 3
    assert problems and any("[3]" in p or "[4]" in p for p in problems)


def test_verify_is_public_and_names_problems() -> None:
    glossary = GLOSSARIES["zh"]
    assert verify("Gemma 4 的開放模型[3]。", "Gemma 4's open model[3].", "markdown", glossary, EN) == ()
    problems = verify("Gemma 4 的開放模型[3]。", "Gemma's model ZX1Q.", "markdown", glossary, EN)
    assert any("[3]" in p for p in problems)
    assert any("Gemma 4" in p for p in problems)
    assert any("open model" in p for p in problems)
    assert any("remnant" in p for p in problems)


# -- fault injection ------------------------------------------------------------------------------------
FRAGMENTS = {
    "zh": ["我們發布了", "這個版本", "請參考", "說明文件", "以取得更多資訊", "效能提升了", "研究團隊指出", "新的功能"],
    "en": ["We released", "this version", "see", "the documentation", "for details", "speed improved",
           "the team notes", "new features"],
    "ja": ["私たちは", "この版を公開しました", "詳細は", "文書を参照", "性能が向上しました", "研究チームによると", "新機能"],
}
TARGET_TERM = {"zh": "開放模型", "en": "open model", "ja": "オープンモデル"}
WORDS = {"en": ["model", "team", "release", "docs", "speed"], "zh": ["模型", "團隊", "版本"], "ja": ["モデル", "チーム"]}
LOCALES = {"zh": ZH, "en": EN, "ja": JA}
FAULTS = ("drop", "duplicate", "reorder", "spaces", "fullwidth", "translate", "case")
ANY_TOKEN = re.compile(r"ZX\d+Q|⟦\d+⟧")
HALLUCINATED_FOR = "研究團隊指出"
NUMBER_WORDS = {"zh": "零一二三四五六七八九", "ja": "〇一二三四五六七八九"}


def _placeable(rng: random.Random, lang: str, n: int) -> str:
    choices = [
        f"[{n}]", f"[{n}][{n + 1}]", f"[1-{n + 2}]", f"[{n}, {n + 4}]", f"［{n}］",
        f"https://example.org/docs/{n}", f"`pip install pkg{n}`", "Gemma 4", "Python",
        TARGET_TERM[lang], f"**{TARGET_TERM[lang]}**", f"me{n}@example.org",
    ]
    return rng.choice(choices)


def generate_sentences(count: int, seed: int = 7) -> list[tuple[str, str, LocaleInfo]]:
    """Sentences with citations, URLs, code and terms in zh-Hant, en and ja, each with a target."""
    rng = random.Random(seed)
    sentences = []
    languages = ("zh", "en", "ja")
    for i in range(count):
        lang = languages[i % 3]
        others = [o for o in languages if o != lang]
        gap = "" if lang != "en" else " "
        parts = []
        for k, fragment in enumerate(rng.sample(FRAGMENTS[lang], rng.randint(2, 4))):
            parts.append(fragment)
            if k == 0 or rng.random() < 0.7:
                parts.append(_placeable(rng, lang, rng.randint(1, 30)))
        text = gap.join(parts) + ("." if lang == "en" else "。")
        sentences.append((text, lang, LOCALES[others[i % 2]]))
    return sentences


def fake_translate_text(piece: str, target: LocaleInfo, rng: random.Random) -> str:
    """Stand-in for translating plain text: every run of letters becomes a target-language word."""
    words = WORDS["zh" if target.language == "zh" else target.language]
    return re.sub(r"[^\W\d_]+", lambda m: rng.choice(words), piece)


def _fault_token(token: str, fault: str, target: LocaleInfo, rng: random.Random) -> str:
    if fault == "drop":
        return ""
    if fault == "duplicate":
        return token + rng.choice([" ", ""]) + token
    if fault == "spaces":
        return " " + " ".join(token) + " "
    if fault == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in token)
    if fault == "case":
        return token.lower() if rng.random() < 0.5 else token.title()
    if fault == "translate":
        numerals = NUMBER_WORDS.get(target.language)
        spell = (lambda d: numerals[int(d)]) if numerals else (lambda d: ["zero", "one", "two", "three",
                 "four", "five", "six", "seven", "eight", "nine"][int(d)] + " ")
        token = re.sub(r"\d", lambda m: spell(m.group()), token)
        return token.replace("⟦", "【").replace("⟧", "】")
    return token


def fault_engine(fault: str, target: LocaleInfo) -> Engine:
    """An MT service that translates text and does ``fault`` to tokens (mixed: any, per token).

    Under "mixed" it also invents a citation marker whenever it sees one phrase.
    """

    def translate(text: str) -> str:
        rng = random.Random(zlib.crc32(f"{fault}:{text}".encode()))
        pieces = ANY_TOKEN.split(text)
        tokens = ANY_TOKEN.findall(text)
        out = [fake_translate_text(p, target, rng) for p in pieces]
        if not tokens:
            return "".join(out)
        chosen = {rng.randrange(len(tokens))} | {i for i in range(len(tokens)) if rng.random() < 0.4}
        changed = list(tokens)
        for i in sorted(chosen):
            kind = rng.choice(FAULTS) if fault == "mixed" else fault
            if kind == "duplicate" and rng.random() < 0.5:
                j = rng.randrange(len(out))
                out[j] = out[j] + changed[i] if rng.random() < 0.5 else changed[i] + out[j]
            elif kind == "reorder" and len(tokens) > 1:
                j = rng.randrange(len(tokens))
                changed[i], changed[j] = changed[j], changed[i]
            elif kind == "reorder":
                out.append(out.pop(0)) if len(out) > 1 else None
            else:
                changed[i] = _fault_token(changed[i], kind, target, rng)
        result = [out[0]]
        for token, piece in zip(changed, out[1:], strict=True):
            result += [token, piece]
        return "".join(result)

    def engine(text: str) -> str:
        answer = translate(text)
        if fault == "mixed" and HALLUCINATED_FOR in text:
            answer += " [99]"  # an engine inventing a citation: nothing can repair that
        return answer

    return engine

    return translate


def _keeps_everything(source: str, translation: str, lang: str, target: LocaleInfo) -> bool:
    """Independent of the masking code: every placeable text and term counted as a substring."""
    for placeable in find_placeables(source, "markdown", None):
        if translation.count(placeable.text) != source.count(placeable.text):
            return False
    for term in GLOSSARIES[lang].terms:
        wanted = term.target_for(target) or term.source
        if translation.count(wanted) < source.count(term.source):
            return False
    return True


def test_fault_injection_keeps_every_placeable_and_term(capsys: pytest.CaptureFixture[str]) -> None:
    sentences = generate_sentences(510)
    rates: dict[str, float] = {}
    by_attempt: dict[str, Counter[int]] = {}
    total = translated = 0
    unrepaired: list[tuple[str, str, tuple[str, ...]]] = []
    for fault in (*FAULTS, "mixed"):
        done = 0
        by_attempt[fault] = Counter()
        for text, lang, target in sentences:
            safe = masked_translation(text, "markdown", GLOSSARIES[lang], LOCALES[lang], target)
            translation, attempt, problems = run_ladder(safe, fault_engine(fault, target))
            if translation is None:
                assert problems, "an unrepaired entry must say why"
                unrepaired.append((fault, text, problems))
                continue
            assert _keeps_everything(text, translation, lang, target), (fault, text, translation)
            done += 1
            by_attempt[fault][attempt] += 1
        rates[fault] = done / len(sentences)
        total += len(sentences)
        translated += done
    with capsys.disabled():
        print("\nfault injection over", len(sentences), "sentences (zh-Hant, en, ja):")
        for fault, rate in rates.items():
            attempts = ", ".join(f"attempt {k}: {v}" for k, v in sorted(by_attempt[fault].items()))
            print(f"  {fault:10s} translated {rate:6.1%}  ({attempts})")
        print(f"  overall    translated {translated / total:6.1%}; unrepaired {len(unrepaired)}")
        for fault, text, problems in unrepaired:
            print(f"  unrepaired [{fault}] {text!r}: {'; '.join(problems)}")
    assert unrepaired and all(HALLUCINATED_FOR in text for _, text, _ in unrepaired)
    assert all(any("[99]" in p for p in problems) for _, _, problems in unrepaired)
    assert translated / total >= 0.95
    assert all(rate >= 0.80 for rate in rates.values()), rates
    assert by_attempt["drop"][1] == 0, "a dropped token can never verify on the first attempt"


@pytest.mark.parametrize("style", TOKEN_STYLES, ids=lambda s: s.name)
def test_a_bracket_the_engine_puts_next_to_a_token_survives(style) -> None:
    safe = masked_translation("Gemma 4 開放模型上路", "markdown", GLOSSARIES["zh"], ZH, EN)
    for answer, expected in (
        (f"[{style.token(0)} {style.token(1)}上路 ļö]", "[Gemma 4 open model上路 ļö]"),
        (f"({style.token(0)}) [{style.token(1)}]", "(Gemma 4) [open model]"),
    ):
        restored, problems = safe.restore(answer, style)
        assert (restored, problems) == (expected, []), answer


def test_doubled_token_brackets_still_restore() -> None:
    safe = masked_translation("見 `x` 與 `y`", "markdown", None, ZH, EN)
    for answer in ("See [[0]] and ⟦⟦1⟧⟧", "See ⟦0⟧⟧ and ［［1］］"):
        restored, problems = safe.restore(answer, BRACKET_STYLE)
        assert (restored, problems) == ("See `x` and `y`", []), answer


def test_pseudo_engine_through_the_ladder_keeps_its_brackets() -> None:
    from localize.engines.pseudo import pseudo_localize

    xa = parse_locale("en-XA")
    safe = masked_translation("Gemma 4 開放模型上路", "markdown", GLOSSARIES["zh"], ZH, xa)
    translation, attempt, _ = run_ladder(safe, lambda text: pseudo_localize(text, xa))
    assert attempt == 1
    assert translation is not None and translation.startswith("[Gemma 4 open model上路 ")
    assert translation.endswith("]")
