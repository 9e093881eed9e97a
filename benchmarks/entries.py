"""Per-entry masking and QA: entries per second, this tree against an older commit.

translate masks every entry (``SafeTranslation``), sends its first attempt and
verifies the restored answer (QA's ``blocking_problems`` and the answer checks);
check and build then ask QA about the same pairs again. This script times exactly
that work, without catalogs, files or an engine in the loop:

1. the parent generates ``--articles`` articles (``benchmarks/pipeline.py``'s
   ``article()``), reads and segments them with the project's code, keeps each
   article's distinct sentences (as extract does) and translates every request
   masking makes with OpenCC (zh-Hant-TW -> zh-Hans-CN), all before any timing;
2. a fresh child process per measurement walks the repair ladder of every entry
   with ``translate.work.masked_translation`` (the caller translate uses) and the
   stored answers ("translate"), then runs ``check_translation`` on every result
   with the QA memo as translate left it ("check, memo warm") and emptied
   ("check, memo cold": a ``localize check`` with no memo file);
3. with ``--against REV`` the same child runs on that commit's ``src/`` (extracted
   with ``git archive``), alternating with this tree, so before and after are
   measured in the same minute. Each child prints a digest of every translation
   and verdict: the two trees must print the same one.

    .venv/bin/python benchmarks/entries.py                         # N=1,000, this tree
    .venv/bin/python benchmarks/entries.py --against main --repeat 3
    .venv/bin/python benchmarks/entries.py --engine libre          # answer checks on too
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))


def corpus_entries(articles: int, workdir: Path) -> list[tuple[str, str]]:
    """(text, format) of each article's distinct sentences, segmented as extract does."""
    from pipeline import article

    from localize.locales import parse_locale
    from localize.readers import read_document
    from localize.segmentation import segment_document

    source = parse_locale("zh-Hant-TW")
    entries: list[tuple[str, str]] = []
    for n in range(articles):
        path = workdir / f"a{n:05d}.md"
        path.write_text(article(n), "utf-8")
        document = read_document(path)
        texts = dict.fromkeys(segment.text for segment in segment_document(document, source))
        entries += [(text, document.format) for text in texts]
    return entries


def _setting() -> tuple[object, object, object, object]:
    """(glossary, source locale, target locale, OpenCC engine) as the sample project has them."""
    from localize.config import EngineSettings
    from localize.engines.registry import get_engine
    from localize.glossary import load_glossary
    from localize.locales import parse_locale

    source, target = parse_locale("zh-Hant-TW"), parse_locale("zh-Hans-CN")
    glossary = load_glossary([ROOT / "glossaries/terms.csv"], source)
    return glossary, source, target, get_engine(EngineSettings(name="opencc"))


def answers_for(entries: list[tuple[str, str]]) -> dict[str, str]:
    """OpenCC's answer to every request of every attempt of every entry."""
    from localize.translate.work import masked_translation

    glossary, source, target, engine = _setting()
    requests: dict[str, None] = {}
    for text, fmt in entries:
        safe = masked_translation(text, fmt, glossary, source, target, "opencc")
        for attempt in safe.attempts():
            requests.update(dict.fromkeys(attempt.requests))
    texts = list(requests)
    return dict(zip(texts, engine.translate(texts, source, target), strict=True))


def child(data_path: str, engine_name: str) -> None:
    """Time the ladder and the checks over the stored entries; print figures as JSON."""
    import localize
    from localize.qa import check_translation
    from localize.qa.memo import memo
    from localize.translate.work import masked_translation

    data = json.loads(Path(data_path).read_text("utf-8"))
    entries, answers = data["entries"], data["answers"]
    glossary, source, target, engine = _setting()
    digest = hashlib.sha256()
    missing = 0

    def answer(request: str) -> str:
        nonlocal missing
        if request not in answers:  # masking asked for a text the parent's tree never made
            missing += 1
            answers[request] = engine.translate([request], source, target)[0]
        return answers[request]

    started = time.process_time()
    results: list[str | None] = []
    for text, fmt in entries:
        safe = masked_translation(text, fmt, glossary, source, target, engine_name)
        translation = None
        for attempt in safe.attempts():
            restored = attempt.assemble([answer(r) for r in attempt.requests])
            if restored.translation:
                translation = restored.translation
                break
        results.append(translation)
    translated = time.process_time() - started

    def check_all() -> float:
        begun = time.process_time()
        for (text, fmt), translation in zip(entries, results, strict=True):
            if translation:
                verdict = check_translation(text, translation, fmt, target, glossary)
                digest.update(json.dumps([text, translation, verdict], ensure_ascii=False).encode())
        return time.process_time() - begun

    warm = check_all()
    memo.results.clear()
    cold = check_all()
    print(json.dumps({"tree": str(Path(localize.__file__).parents[1]), "entries": len(entries),
                      "translated": sum(1 for r in results if r), "missing answers": missing,
                      "translate": translated, "check warm": warm, "check cold": cold,
                      "digest": digest.hexdigest()[:16]}))


def run_child(data: Path, engine: str, src: Path | None) -> dict:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)  # ahead of the editable install's path entry
    out = subprocess.run([sys.executable, __file__, "--child", str(data), "--engine", engine],
                         env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def extract_tree(rev: str, into: Path) -> Path:
    """``src/`` of commit ``rev``, unpacked under ``into``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--against", metavar="REV", help="also time this commit's src/ (baseline)")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--engine", default="opencc",
                        help="engine name masking is told (opencc: no echo/script checks)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.engine)
        return
    with tempfile.TemporaryDirectory(prefix="entries-bench-") as tmp:
        work = Path(tmp)
        (work / "articles").mkdir()
        entries = corpus_entries(args.articles, work / "articles")
        data = work / "entries.json"
        data.write_text(json.dumps({"entries": entries, "answers": answers_for(entries)}), "utf-8")
        trees: dict[str, Path | None] = {"this tree": None}
        if args.against:
            trees = {f"{args.against} (before)": extract_tree(args.against, work), **trees}
        runs: dict[str, list[dict]] = {name: [] for name in trees}
        for _ in range(args.repeat):
            for name, src in trees.items():
                runs[name].append(run_child(data, args.engine, src))
    print(f"{len(entries)} entries from {args.articles} articles, engine name {args.engine!r}; "
          f"median of {args.repeat} run(s), entries/second (seconds)")
    for name, measured in runs.items():
        row = [f"{name:>22}:"]
        for phase in ("translate", "check warm", "check cold"):
            seconds = statistics.median(m[phase] for m in measured)
            row.append(f"{phase} {len(entries) / seconds:9,.0f}/s ({seconds:5.2f} s)")
        last = measured[-1]
        row.append(f"digest {last['digest']} missing answers {last['missing answers']}")
        print("  ".join(row))
    if args.against:
        before, after = (statistics.median(m["translate"] for m in runs[n]) for n in trees)
        print(f"translate speed-up: {before / after:.2f}x; same results: "
              f"{len({m['digest'] for ms in runs.values() for m in ms}) == 1}")


if __name__ == "__main__":
    main()
