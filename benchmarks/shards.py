"""Shards: one process against N shard processes on the same project (SPEC section 11).

A generated project (default 1,000 articles x 2 locales, a third of each
article's sentences shared with other articles) is run end to end twice,
against a LibreTranslate-compatible fake server on 127.0.0.1 that takes
50 ms per request and runs in a process of its own:

* one machine: ``localize run`` in one checkout (default store: SQLite);
* shards: N checkouts (as N CI machines would have), ``localize run --shard K/N``
  in N processes at once, each with the same ``concurrency`` as the single
  process, sharing one PostgreSQL store; then the shards' ``locales/`` and
  ``site/`` are merged and ``localize build --finalize`` runs.

Without a PostgreSQL server (``--store-url`` or ``LOCALIZE_TEST_PG_URL``: a
superuser URL; the benchmark creates and drops a database of its own) the
shards share one checkout and its local store instead.

Prints both wall times, the speed-up (goal: at least 2.5x with 4 shards),
the characters each sent (goal: the shards no more than one process) and
whether the merged result is byte for byte the one machine's.

    .venv/bin/python benchmarks/shards.py [--articles 1000] [--shards 4] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from mt_throughput import ServerProcess  # noqa: E402

from shardkit import copy_project, localize, overlay, start, tree, write_project  # noqa: E402


@contextlib.contextmanager
def database(admin_url: str) -> Iterator[str]:
    """A fresh database on the server, dropped afterwards."""
    import psycopg

    name = f"localize_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(admin_url)
    try:
        yield urlunsplit((parts.scheme, parts.netloc, "/" + name, "", ""))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_shards(template: Path, work: Path, shards: int, store_url: str) -> list[Path]:
    """N shard processes at once; returns the checkouts they ran in."""
    if store_url:
        checkouts = []
        for k in range(1, shards + 1):
            checkout = copy_project(template, work / f"shard{k}")
            checkouts.append(checkout)
        env = {"LOCALIZE_STORE_URL": store_url}  # the password travels in the environment
    else:
        checkouts = [copy_project(template, work / "shared")] * shards
        env = {}
    processes = [start(c, "run", "--shard", f"{k}/{shards}", env=env)
                 for k, c in enumerate(checkouts, 1)]
    for k, process in enumerate(processes, 1):
        _, err = process.communicate()
        if process.returncode != 0:
            raise SystemExit(f"shard {k}/{shards} exited {process.returncode}: {err}")
    return checkouts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--store-url", default=os.environ.get("LOCALIZE_TEST_PG_URL", ""))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, ServerProcess(args.latency) as server, \
            (database(args.store_url) if args.store_url else contextlib.nullcontext("")) as url:
        work = Path(tmp)
        single = write_project(work / "single", server.url, args.articles,
                               concurrency=args.concurrency)
        template = copy_project(single, work / "template")
        started = time.perf_counter()
        localize(single, "run")
        one_s = time.perf_counter() - started
        one = server.counters()
        server.reset_logs()
        started = time.perf_counter()
        checkouts = run_shards(template, work, args.shards, url)
        shards_done = time.perf_counter()
        if url:  # bring the artifacts together, as a CI finalize job does
            merged = copy_project(template, work / "merged")
            for checkout in checkouts:
                overlay(checkout / "locales", merged / "locales")
                overlay(checkout / "site", merged / "site")
        else:
            merged = checkouts[0]
        localize(merged, "build", "--finalize")
        many_s = time.perf_counter() - started
        many = server.counters()
        same_locales = tree(merged / "locales") == tree(single / "locales")
        same_site = tree(merged / "site") == tree(single / "site")
        shutil.rmtree(work / "template")
    where = "separate checkouts, one PostgreSQL store" if url else "one checkout, its local store"
    print(f"{args.articles} articles x 2 locales, {args.latency * 1000:.0f} ms/request, "
          f"concurrency {args.concurrency} per process; shards: {where}")
    print(f"one process:      {one_s:8.2f} s  {one.get('requests', 0):6d} requests "
          f"{one.get('chars', 0):9d} characters")
    print(f"{args.shards} shards+finalize: {many_s:8.2f} s  {many.get('requests', 0):6d} requests "
          f"{many.get('chars', 0):9d} characters  (shards {shards_done - started:.2f} s, "
          f"finalize {many_s - (shards_done - started):.2f} s)")
    speedup = one_s / many_s
    print(f"speed-up: {speedup:.2f}x (goal >= 2.5x); characters: "
          f"{many.get('chars', 0) / max(1, one.get('chars', 0)):.3f} of one process's (goal <= 1)")
    print(f"merged locales/ identical: {same_locales}; site identical: {same_site}")
    return 0 if same_locales and same_site else 1


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
