"""Machine-translation throughput: localize's driver against deep-translator's own translate_batch.

Both translate the same distinct segments on the same LibreTranslate-compatible
fake server (50 ms latency per request) in the same run:

* localize: ``translate_project`` on a generated project, ``concurrency = 16``,
  no rate limit (the engine has its own ``url``);
* baseline: ``LibreTranslator(...).translate_batch(texts)``, one request after another.

The server runs in a process of its own, as a real service would, so its
request handling does not compete with the client for this process's GIL.

Prints both wall times, the speed-up (goal: at least 10x), the ideal bound
(distinct texts x latency / 16; goal: within 1.5x) and the characters a
second, unchanged run sends (goal: 0), for each size (default 500 and 2,000
distinct texts); also ``localize translate`` as a command, start-up included.

    .venv/bin/python benchmarks/mt_throughput.py [--segments 500,2000] [--latency 0.05]
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import multiprocessing.connection
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polib

from localize.project import Project
from localize.translate import translate_project

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fakeservers.mt_servers import LibreServer  # noqa: E402  (the tests' fake services)

CONCURRENCY = 16
PER_ARTICLE = 100


def distinct_segments(count: int) -> list[str]:
    """Sentences unlike each other (so the TM's near matching cannot fill any)."""
    segments = []
    for number in range(count):
        digest = hashlib.sha256(f"segment {number}".encode()).digest()
        words = "".join(chr(0x4E00 + b * 37 % 20000) for b in digest[:14])
        segments.append(f"{words}[{number % 9 + 1}]。")
    return segments


def write_project(root: Path, url: str, segments: list[str]) -> Project:
    (root / "localize.toml").write_text(
        'source_locale = "zh-Hant-TW"\ntarget_locales = ["en"]\n\n[engine]\nname = "libre"\n'
        f'url = "{url}"\nconcurrency = {CONCURRENCY}\n',
        "utf-8",
    )
    write_catalogs(root, segments, PER_ARTICLE, lambda slug: {
        "Project-Id-Version": slug,
        "Language": "en",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    })
    return Project.open(root)


def write_catalogs(root: Path, segments: list[str], per_article: int,
                   metadata: Callable[[str], dict[str, str]]) -> None:
    """English catalogs of ``per_article`` untranslated segments each, article-000.po on."""
    catalogs = root / "locales" / "en" / "LC_MESSAGES"
    catalogs.mkdir(parents=True)
    for start in range(0, len(segments), per_article):
        slug = f"article-{start // per_article:03d}"
        po = polib.POFile(wrapwidth=0)
        po.metadata = metadata(slug)
        for line, text in enumerate(segments[start : start + per_article], 1):
            po.append(polib.POEntry(msgid=text, occurrences=[(f"content/{slug}.md", str(line))]))
        po.save(str(catalogs / f"{slug}.po"))


class ServerProcess:
    """A fake server in a child process (``serve``, by default a LibreServer); counters and log
    resets over a pipe."""

    def __init__(self, latency: float,
                 serve: Callable[[multiprocessing.connection.Connection, float], None] | None = None):
        self._conn, child = multiprocessing.Pipe()
        self._process = multiprocessing.Process(target=serve or _serve, args=(child, latency),
                                                daemon=True)

    def __enter__(self) -> ServerProcess:
        self._process.start()
        self.url: str = self._conn.recv()
        return self

    def counters(self) -> dict[str, int]:
        self._conn.send("counters")
        return self._conn.recv()

    def reset_logs(self) -> None:
        self._conn.send("reset")
        self._conn.recv()

    def __exit__(self, *exc: object) -> None:
        self._conn.send("stop")
        self._process.join(timeout=10)


def answer_pipe(conn: multiprocessing.connection.Connection, server: Any, url: str) -> None:
    """Send ``url``, then answer ServerProcess's counters and reset messages until "stop"."""
    conn.send(url)
    while (message := conn.recv()) != "stop":
        if message == "counters":
            conn.send(dict(server.counters))
        else:
            server.reset_logs()
            conn.send("ok")


def _serve(conn: multiprocessing.connection.Connection, latency: float) -> None:
    with LibreServer(latency=latency) as server:
        answer_pipe(conn, server, server.url)


def baseline(url: str, texts: list[str]) -> float:
    """deep-translator on its own: translate_batch sends one request per text, in sequence."""
    from deep_translator import LibreTranslator

    translator = LibreTranslator(source="auto", target="en", api_key="unused", custom_url=url)
    started = time.perf_counter()
    results = translator.translate_batch(texts)
    elapsed = time.perf_counter() - started
    assert len(results) == len(texts)
    return elapsed


def cli_translate(root: Path) -> float:
    """The same job end to end as a user runs it: ``localize translate`` in a new process."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "localize", "--quiet", "--project", str(root), "translate"],
                   check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def measure(count: int, latency: float) -> bool:
    segments = distinct_segments(count)
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as tmp_cli, \
            ServerProcess(latency) as server:
        project = write_project(Path(tmp), server.url, segments)
        started = time.perf_counter()
        first = translate_project(project, progress=False)
        ours = time.perf_counter() - started
        sent_requests = server.counters().get("requests", 0)
        server.reset_logs()
        second = translate_project(project, progress=False)
        second_requests = server.counters().get("requests", 0)
        server.reset_logs()
        end_to_end = cli_translate(write_project(Path(tmp_cli), server.url, segments).root)
        server.reset_logs()
        theirs = baseline(server.url, segments)
    row = first.engines[0]
    ideal = len(segments) * latency / CONCURRENCY
    print(
        f"segments: {len(segments)} distinct, latency {latency * 1000:.0f} ms/request, "
        f"concurrency {CONCURRENCY}, no rate limit"
    )
    print(
        f"localize translate (in process): {ours:8.2f} s  ({row.requests} requests, "
        f"{sent_requests} received by the server, {row.failed} failed)"
    )
    print(f"localize translate (command):    {end_to_end:8.2f} s  (start-up included)")
    print(f"deep-translator translate_batch: {theirs:8.2f} s")
    print(f"speed-up:                        {theirs / ours:8.1f}x in process, "
          f"{theirs / end_to_end:.1f}x as a command  (goal >= 10x)")
    print(
        f"ideal bound (texts x latency / {CONCURRENCY}): {ideal:.2f} s; "
        f"localize is {ours / ideal:.2f}x of it in process, {end_to_end / ideal:.2f}x as a command "
        "(goal <= 1.5x)"
    )
    print(
        f"second unchanged run: {second.characters} characters sent, "
        f"{second_requests} requests (goal 0)"
    )
    return first.exit_code == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", default="500,2000", help="Distinct texts, comma-separated sizes.")
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args(argv)
    ok = True
    for count in (int(c) for c in args.segments.split(",") if c):
        ok = measure(count, args.latency) and ok
        print()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
