"""Sentence segmentation speed and accuracy: localize.segment against pySBD, same run.

A deterministic corpus (>= 5 MB of zh and of en by default) is generated from
sentence templates we wrote (product news with versions, citations, abbreviations,
URLs, inline code, quotes), in blocks of 1-8 sentences, so the true sentence list
of every block is known. localize.segment splits the whole corpus block by block;
pySBD (``pysbd.Segmenter(language=..., clean=False)``) is far slower, so it runs on
a sample (the first ``--sample-kb`` of blocks) and its throughput is per second of
its own run. Every timing is CPU time, the median of 3 repeats of each tool in this run.
Both tools also run on the regression file tests/data/segmentation/,
whose languages (zh, ja, en, de, fr, es, ru) pySBD all supports.

Both also run pySBD's published English golden rules (its own test suite's 48 cases,
kept as data in tests/data/segmentation/pysbd_golden_en.jsonl); the counts of cases each
passes are printed.

Run: .venv/bin/python benchmarks/segment.py [--mb 5] [--sample-kb 200] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pysbd

from localize.segmentation import split_sentences

CASES_DIR = Path(__file__).resolve().parent.parent / "tests" / "data" / "segmentation"

ZH_TEMPLATES = [
    "{org} 在 {year} 年 {month} 月發布了 {product} {version},重點是{topic}。",
    "這次更新讓{topic}變得更簡單{cite}。",
    "工程師表示：「{topic}仍然需要時間。」",
    "你覺得{topic}真的重要嗎？",
    "答案是肯定的！",
    "根據官方文件（https://example.com/{slug}/v{version}.html），{topic}已經完成。",
    "團隊在《{book}》一書中談到{topic}。{cite}",
    "有人說{topic}……其實沒那麼難。",
    "安裝時執行 `pip install {slug}=={version}` 即可。",
    "價格下降了；效能反而提升了{cite}。",
    "主角是 {product} {version}.",
    "詳情請參考[官方說明](https://example.com/{slug})。",
    "問題可以寄到 team@{slug}.example.com。",
    "{org} 的發言人說這只是第一步?",
]
EN_TEMPLATES = [
    "{org} released {product} {version} in {month_name} {year}, and {topic} improved.",
    "Dr. {name} said the change to {topic} took a year{cite}.",
    "Is {topic} really that hard?",
    "Not at all!",
    "The guide at https://example.com/{slug}/v{version}.html explains {topic}.",
    "Run `pip install {slug}=={version}` to try it.",
    "Teams in the U.S. and the U.K. tested {topic} on Jan. {day}.{cite}",
    "She wrote: \u201cWe ship {product} today.\u201d",
    "It costs approx. {day} dollars, e.g. less than {product} {version}.",
    "Results were mixed... but {topic} held up.",
    "J. {name} wrote about {topic} (see Fig. {day}).",
    "Write to team@{slug}.example.com for details.",
    "Read [the notes](https://example.com/{slug}) first.",
    "The score rose from {version} to {day}.5 points.",
]
ZH_WORDS = {
    "org": ["Google", "Meta", "OpenAI", "台積電", "阿里巴巴", "Mistral"],
    "product": ["Gemma", "Llama", "Qwen", "Phi", "Mistral"],
    "topic": [
        "模型授權",
        "推論速度",
        "記憶體用量",
        "開放權重",
        "多語言支援",
        "資料安全",
        "部署成本",
    ],
    "book": ["開放模型入門", "推論工程", "資料的代價"],
}
EN_WORDS = {
    "org": ["Google", "Meta", "OpenAI", "Acme Inc.", "Example Ltd"],
    "product": ["Gemma", "Llama", "Qwen", "Phi", "Mistral"],
    "topic": ["licensing", "inference speed", "memory use", "open weights", "safety"],
    "name": ["Chen", "Okafor", "Silva", "Novak", "Haddad"],
    "month_name": ["March", "April", "May", "June"],
}


@dataclass(frozen=True)
class Corpus:
    language: str
    blocks: tuple[str, ...]
    truth: tuple[tuple[str, ...], ...]  # the sentences each block was built from
    size_bytes: int


def fill(template: str, words: dict[str, list[str]], rng: random.Random) -> str:
    values = {key: rng.choice(options) for key, options in words.items()}
    cite = rng.choice(["", "", "", "[3]", "[2][5]", "[1-3]", "［４］"])
    values |= {
        "year": str(rng.randint(2019, 2027)),
        "month": str(rng.randint(1, 12)),
        "day": str(rng.randint(2, 28)),
        "version": f"{rng.randint(1, 4)}.{rng.randint(0, 9)}",
        "slug": rng.choice(["gemma", "llama", "qwen", "phi"]),
        "cite": cite,
    }
    return template.format(**values)


def make_corpus(language: str, megabytes: float, seed: int) -> Corpus:
    templates, words = (ZH_TEMPLATES, ZH_WORDS) if language == "zh" else (EN_TEMPLATES, EN_WORDS)
    separator = "" if language == "zh" else " "
    rng = random.Random(seed)
    blocks: list[str] = []
    truth: list[tuple[str, ...]] = []
    size = 0
    target = int(megabytes * 1_000_000)
    while size < target:
        sentences = tuple(fill(rng.choice(templates), words, rng) for _ in range(rng.randint(1, 8)))
        block = separator.join(sentences)
        blocks.append(block)
        truth.append(sentences)
        size += len(block.encode())
    return Corpus(language, tuple(blocks), tuple(truth), size)


def sample(corpus: Corpus, kilobytes: int) -> Corpus:
    blocks, truth, size = [], [], 0
    for block, sentences in zip(corpus.blocks, corpus.truth, strict=True):
        if size >= kilobytes * 1000:
            break
        blocks.append(block)
        truth.append(sentences)
        size += len(block.encode())
    return Corpus(corpus.language, tuple(blocks), tuple(truth), size)


Splitter = Callable[[str, str], list[str]]


def ours(text: str, language: str) -> list[str]:
    return split_sentences(text, language)


_PYSBD: dict[str, pysbd.Segmenter] = {}


def pysbd_split(text: str, language: str) -> list[str]:
    segmenter = _PYSBD.get(language)
    if segmenter is None:
        segmenter = _PYSBD[language] = pysbd.Segmenter(language=language, clean=False)
    return [s.strip() for s in segmenter.segment(text) if s.strip()]


@dataclass(frozen=True)
class Run:
    seconds: float
    sentences: int
    exact_blocks: int
    blocks: int
    size_bytes: int

    @property
    def sentences_per_s(self) -> float:
        return self.sentences / self.seconds

    @property
    def mb_per_s(self) -> float:
        return self.size_bytes / 1_000_000 / self.seconds


REPEATS = 3  # timing repeats per tool; the median decides, so one noisy burst does not


def time_splitter(splitter: Splitter, corpus: Corpus) -> Run:
    """CPU time of splitting every block: the median of REPEATS runs."""
    timings = []
    for _ in range(REPEATS):
        started = time.process_time()
        results = [splitter(block, corpus.language) for block in corpus.blocks]
        timings.append(time.process_time() - started)
    seconds = statistics.median(timings)
    exact = sum(list(r) == list(t) for r, t in zip(results, corpus.truth, strict=True))
    total = sum(len(r) for r in results)
    return Run(seconds, total, exact, len(corpus.blocks), corpus.size_bytes)


def load_cases() -> list[tuple[str, str, list[str]]]:
    cases = []
    for path in sorted(CASES_DIR.glob("cases_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            case = json.loads(line)
            language = case["lang"].split("-")[0]
            text = case.get("text") or ("" if language in {"zh", "ja"} else " ").join(
                case["sentences"]
            )
            cases.append((language, text, case["sentences"]))
    return cases


def load_golden() -> list[tuple[str, str, list[str]]]:
    path = CASES_DIR / "pysbd_golden_en.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [("en", row["text"], row["sentences"]) for row in rows]


def accuracy(splitter: Splitter, cases: Sequence[tuple[str, str, list[str]]]) -> tuple[int, int]:
    right = sum(splitter(text, language) == expected for language, text, expected in cases)
    return right, len(cases)


def report(language: str, full: Corpus, ours_run: Run, ours_sample: Run, theirs: Run) -> None:
    print(f"\n== {language}: corpus {full.size_bytes / 1e6:.2f} MB, {len(full.blocks)} blocks ==")
    print(
        f"localize.segment (full corpus): {ours_run.sentences_per_s:12,.0f} sentences/s "
        f"{ours_run.mb_per_s:8.2f} MB/s  ({ours_run.seconds:.2f} s, {ours_run.sentences} sentences)"
    )
    print(
        f"localize.segment (sample):      {ours_sample.sentences_per_s:12,.0f} sentences/s "
        f"{ours_sample.mb_per_s:8.2f} MB/s  exact blocks {ours_sample.exact_blocks}/{ours_sample.blocks}"
    )
    print(
        f"pySBD            (sample {theirs.size_bytes / 1e3:.0f} KB): {theirs.sentences_per_s:8,.0f} "
        f"sentences/s {theirs.mb_per_s:8.3f} MB/s  exact blocks {theirs.exact_blocks}/{theirs.blocks}"
    )
    print(
        f"throughput ratio (full corpus MB/s vs pySBD MB/s): {ours_run.mb_per_s / theirs.mb_per_s:.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=5.0, help="corpus size per language (MB)")
    parser.add_argument("--sample-kb", type=int, default=200, help="pySBD sample size (KB)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(f"pysbd {pysbd.__version__}; corpus {args.mb} MB per language, seed {args.seed}")
    print(f"times: CPU seconds, median of {REPEATS} repeats per tool, both tools in this run")
    for language in ("zh", "en"):
        full = make_corpus(language, args.mb, args.seed)
        small = sample(full, args.sample_kb)
        ours_run = time_splitter(ours, full)
        ours_sample = time_splitter(ours, small)
        theirs = time_splitter(pysbd_split, small)
        report(language, full, ours_run, ours_sample, theirs)
    cases = load_cases()
    print(
        f"\n== regression file: {len(cases)} cases (zh, ja, en, de, fr, es, ru; all supported by pySBD) =="
    )
    for name, splitter in (("localize.segmentation", ours), ("pySBD", pysbd_split)):
        right, total = accuracy(splitter, cases)
        by_language = {}
        for language in sorted({c[0] for c in cases}):
            subset = [c for c in cases if c[0] == language]
            by_language[language] = accuracy(splitter, subset)
        detail = ", ".join(f"{lang} {r}/{t}" for lang, (r, t) in by_language.items())
        print(f"{name:17} accuracy {right}/{total} = {right / total:.1%}  ({detail})")
    golden = load_golden()
    print(f"\n== pySBD's English golden rules: {len(golden)} cases ==")
    for name, splitter in (("localize.segmentation", ours), ("pySBD", pysbd_split)):
        right, total = accuracy(splitter, golden)
        print(f"{name:21} passes {right}/{total}")


if __name__ == "__main__":
    main()
