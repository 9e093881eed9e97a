"""Hostile-size benchmark: how each step's time grows when its input grows 4x (issue 12).

Prints, per step, the time ratio of input 4n to input n (best of three runs
each): about 4 means linear, 16 quadratic. The tests assert the same ratios
stay under 8 (tests/test_hardening_cost.py); docs/hardening.md lists them.

    .venv/bin/python benchmarks/hostile_sizes.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from cost import growth  # noqa: E402
from localize.catalog.extract import distinct_sentences  # noqa: E402
from localize.engines.pseudo import pseudo_localize  # noqa: E402
from localize.locales import parse_locale  # noqa: E402
from localize.model import Document, Segment  # noqa: E402
from localize.protect.tokens import TOKEN_STYLES  # noqa: E402
from localize.qa import check_translation  # noqa: E402
from localize.qa.numbers import compare_numbers, numbers_in  # noqa: E402
from localize.translate.work import masked_translation  # noqa: E402

ZH, EN, EN_XA = parse_locale("zh-Hant-TW"), parse_locale("en"), parse_locale("en-XA")


def _tokens(text: str) -> None:
    for style in TOKEN_STYLES:
        list(style.tolerant.finditer(text))
        style.residue.findall(text)


def _spans(n: int) -> object:
    return masked_translation("<span>" * n + "研究團隊指出開放模型" + "</span>" * n, "html", None, ZH, EN)


def _ladder(safe: object) -> None:
    attempt = next(iter(safe.attempts()))  # type: ignore[attr-defined]
    attempt.assemble([t.replace("研究團隊指出開放模型", "The team says") for t in attempt.requests])


def _numbers(n: int) -> tuple[list, list]:
    return (numbers_in(" x ".join(str(2 * i) for i in range(n))),
            numbers_in(" x ".join(str(2 * i + 1) for i in range(n))))


def _repeated(n: int) -> tuple[Document, list[Segment]]:
    document = Document("content/a.md", "markdown", "", ())
    return document, [Segment("id", i, "paragraph", i + 1, "同一句話。") for i in range(n)]


STEPS = [
    ("token patterns on a space run (2,000 -> 8,000 spaces)", lambda n: " " * n + "x", _tokens, 2000),
    ("QA of an answer with long space runs (16,000 -> 64,000)",
     lambda n: "word " + "\u3000" * n + " 3 " + "\t" * n + " end.",
     lambda t: check_translation("word 3 end.", t, "markdown", EN, None), 16000),
    ("nested inline <span>s through the masking ladder (250 -> 1,000)", _spans, _ladder, 250),
    ("pseudo engine on CJK text (40,000 -> 160,000 characters)",
     lambda n: "研究團隊" * (n // 4), lambda t: pseudo_localize(t, EN_XA), 40000),
    ("QA number comparison (6,000 -> 24,000 numbers a side)", _numbers,
     lambda a: compare_numbers(*a), 6000),
    ("extract: one sentence repeated (20,000 -> 80,000 times)", _repeated,
     lambda a: distinct_sentences(*a), 20000),
]


def main() -> None:
    for label, make, run, size in STEPS:
        print(f"{growth(make, run, size):5.1f}x  {label}")


if __name__ == "__main__":
    main()
