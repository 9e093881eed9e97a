"""llm engine throughput: 2,000 distinct sentences in 100 articles through per-article batches.

``translate_project`` with the ``llm`` engine (chat style, ``batch = 20``,
``concurrency = 8``) against the tests' OpenAI-compatible fake server, which
answers every request after a fixed latency (300 ms by default) and runs in a
process of its own, as a real server would.

Prints the requests sent, segments per request (goal: at least 15), the wall
time against the bound (requests needed x latency / concurrency; goal: within
1.5x), input and output tokens per segment (as the server's ``usage`` counts
them: about 4 characters a token) and the requests of a second, unchanged run
(goal: 0). Importing the ``openai`` package (about a second) is process start-up
and happens before the clock starts.

    .venv/bin/python benchmarks/llm_throughput.py [--segments 2000] [--articles 100] [--latency 0.3]
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import multiprocessing.connection
import sys
import tempfile
import time
from pathlib import Path

from localize.engines.llm import LLMEngine  # imports openai: process start-up, not translation
from localize.project import Project
from localize.translate import translate_project

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fakeservers.openai_server import OpenAIServer  # noqa: E402  (the tests' fake server)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mt_throughput import (  # noqa: E402  (the same generated sentences and server process)
    ServerProcess,
    answer_pipe,
    distinct_segments,
    write_catalogs,
)

CONCURRENCY = 8
BATCH = 20


def english(text: str, source: str, target: str) -> str:
    return "EN " + text


def write_project(root: Path, url: str, segments: list[str], articles: int) -> Project:
    (root / "localize.toml").write_text(
        'source_locale = "zh-Hant-TW"\ntarget_locales = ["en"]\n\n[engine]\nname = "llm"\n'
        f'url = "{url}"\nmodel = "test-model"\nconcurrency = {CONCURRENCY}\nbatch = {BATCH}\n'
        "timeout = 30\n",
        "utf-8",
    )
    write_catalogs(root, segments, math.ceil(len(segments) / articles),
                   lambda slug: {"Language": "en", "Content-Type": "text/plain; charset=UTF-8"})
    return Project.open(root)


class Stamps:
    """When each request left and its answer came back (to split wall time into its parts)."""

    def __init__(self) -> None:
        self.spans: list[tuple[float, float]] = []
        self._complete = LLMEngine.complete

    def __enter__(self) -> Stamps:
        original = self._complete

        def complete(engine: LLMEngine, *args: object, **kwargs: object) -> object:
            began = time.perf_counter()
            try:
                return original(engine, *args, **kwargs)  # type: ignore[arg-type]
            finally:
                self.spans.append((began, time.perf_counter()))

        LLMEngine.complete = complete  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        LLMEngine.complete = self._complete  # type: ignore[method-assign]


def _serve(conn: multiprocessing.connection.Connection, latency: float) -> None:
    with OpenAIServer(english, latency=latency) as server:
        answer_pipe(conn, server, server.base_url)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=2000)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.3)
    args = parser.parse_args(argv)
    segments = distinct_segments(args.segments)
    with tempfile.TemporaryDirectory() as tmp, ServerProcess(args.latency, _serve) as server:
        project = write_project(Path(tmp), server.url, segments, args.articles)
        with Stamps() as stamps:
            started = time.perf_counter()
            first = translate_project(project, progress=False)
            ended = time.perf_counter()
        wall = ended - started
        received = server.counters().get("requests", 0)
        server.reset_logs()
        second = translate_project(project, progress=False)
        second_requests = server.counters().get("requests", 0)
    row = first.engines[0]
    per_article = math.ceil(args.segments / args.articles)
    needed = args.articles * math.ceil(per_article / BATCH)
    bound = needed * args.latency / CONCURRENCY
    print(
        f"segments: {args.segments} distinct in {args.articles} articles, batch {BATCH}, "
        f"latency {args.latency * 1000:.0f} ms/request, concurrency {CONCURRENCY}"
    )
    print(
        f"requests: {row.requests} sent ({received} received by the server, {needed} needed), "
        f"{row.translated} translated, {row.failed} failed"
    )
    print(f"segments per request: {args.segments / max(1, row.requests):.1f} (goal >= 15)")
    print(
        f"wall time: {wall:.2f} s; bound (requests needed x latency / {CONCURRENCY}) "
        f"{bound:.2f} s; {wall / bound:.2f}x of it (goal <= 1.5x)"
    )
    if stamps.spans:
        opened = min(b for b, _ in stamps.spans)
        closed = max(e for _, e in stamps.spans)
        print(
            f"  of which: {opened - started:.2f} s before the first request (catalogs, TM pass, "
            f"masking), {closed - opened:.2f} s of requests ({(closed - opened) / bound:.2f}x "
            f"the bound), {ended - closed:.2f} s after the last answer (writing catalogs)"
        )
    print(
        f"tokens per segment: {row.input_tokens / args.segments:.1f} in, "
        f"{row.output_tokens / args.segments:.1f} out"
    )
    print(f"second unchanged run: {second.engines[0].requests} requests sent, "
          f"{second_requests} received (goal 0)")
    return 0 if first.exit_code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
