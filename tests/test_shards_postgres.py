"""Shards on separate checkouts sharing one real PostgreSQL store (SPEC section 11).

Needs the throwaway server ``.ci/run`` starts (``LOCALIZE_TEST_PG_URL``); skips
visibly without it, fails under CI. Every localize here runs as a process of
its own, as shards on CI machines do, against a fake MT service on 127.0.0.1.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import polib
import pytest

from fakeservers.mt_servers import LibreServer
from shardkit import (
    copy_project,
    english,
    localize,
    overlay,
    start,
    tree,
    write_project,
)

pytestmark = pytest.mark.slow


def _split_password(url: str, tmp_path: Path) -> tuple[str, dict[str, str]]:
    """The URL without its password (for localize.toml) and an env whose ~/.pgpass supplies it."""
    parts = urlsplit(url)
    bare = urlunsplit((parts.scheme, f"{parts.username}@{parts.hostname}:{parts.port}",
                       parts.path, "", ""))
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"{parts.hostname}:{parts.port}:*:{parts.username}:{parts.password}\n")
    pgpass.chmod(0o600)
    env = {"PGPASSFILE": str(pgpass)}
    env.pop("LOCALIZE_STORE_URL", None)
    return bare, env


def _answers_stored(url: str) -> int:
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        row = db.execute("SELECT count(*) FROM localize_answers").fetchone()
    return int(row[0]) if row else 0


def _asked(server: LibreServer) -> list[tuple[str, str]]:
    return [(c["params"].get("target"), t) for c in server.calls for t in c["texts"]]


def test_four_shards_at_once_equal_one_machine_and_pay_no_more(pg_database: str,
                                                                tmp_path: Path) -> None:
    with LibreServer(english, latency=0.02) as fake:
        single = write_project(tmp_path / "single", fake.url, 40)
        localize(single, "run")  # one machine, the default local store
        single_chars = fake.counters["chars"]
        fake.reset_logs()
        bare, env = _split_password(pg_database, tmp_path)
        checkouts = []
        for k in range(1, 5):
            checkout = copy_project(single, tmp_path / f"shard{k}")
            toml = checkout / "localize.toml"
            toml.write_text(toml.read_text("utf-8") + f'\n[store]\nurl = "{bare}"\n', "utf-8")
            checkouts.append(checkout)
        shards = [start(c, "run", "--shard", f"{k}/4", env=env) for k, c in enumerate(checkouts, 1)]
        results = [(p.wait(300), p.stderr.read() if p.stderr else "") for p in shards]
        assert [code for code, _ in results] == [0, 0, 0, 0], results
        shard_chars = fake.counters["chars"]
        asked = _asked(fake)
        peak = fake.max_in_flight
    merged = tmp_path / "merged"
    copy_project(single, merged)
    for checkout in checkouts:
        overlay(checkout / "locales", merged / "locales")
        overlay(checkout / "site", merged / "site")
        assert not (checkout / ".localize" / "cache.sqlite").exists()  # answers went to PostgreSQL
    localize(merged, "build", "--finalize")
    assert tree(merged / "locales") == tree(single / "locales")
    assert tree(merged / "site") == tree(single / "site")
    assert len(asked) == len(set(asked))  # no text paid twice in a locale, across all shards
    assert 0 < shard_chars <= single_chars
    assert peak > 4  # the shards really ran at the same time (4 in flight is one shard's limit)
    assert _answers_stored(pg_database) == len(set(asked))


def test_a_shard_killed_mid_translate_resumes_and_pays_again_for_nothing(pg_database: str,
                                                                          tmp_path: Path) -> None:
    hang_after = 6

    def hang(number: int, texts: Sequence[str]) -> str | None:
        return "hang" if number > hang_after else None

    with LibreServer(english, fault_when=hang, hang_seconds=120) as fake:
        bare, env = _split_password(pg_database, tmp_path)
        reference = write_project(tmp_path / "reference", fake.url, 40, locales=("en",))
        project = copy_project(reference, tmp_path / "killed")
        toml = project / "localize.toml"
        toml.write_text(toml.read_text("utf-8") + f'\n[store]\nurl = "{bare}"\n', "utf-8")
        localize(project, "extract", "--shard", "2/4", env=env)
        victim = start(project, "translate", "--shard", "2/4", env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # hung on its next requests, every answer kept
            answered = set(fake.answered)
            if fake.counters["requests"] > hang_after and answered and \
                    _answers_stored(pg_database) == len(answered):
                break
            time.sleep(0.05)
        else:
            victim.kill()
            pytest.fail("the shard never reached the hung requests")
        in_flight = {t for c in fake.calls if c["fault"] == "hang" for t in c["texts"]}
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(10)
        assert in_flight and answered
        assert not any(e.msgstr for p in (project / "locales/en/LC_MESSAGES").glob("*.po")
                       for e in polib.pofile(str(p)))  # killed before any catalog was saved
        fake.fault_when = None
        fake.reset_logs()
        localize(project, "translate", "--shard", "2/4", env=env)  # no wait on the dead holder
        again = set(fake.requests)
        localize(reference, "run", "--shard", "2/4")  # uninterrupted, for comparison
    assert not again & answered  # nothing answered before the kill was paid for again
    assert in_flight <= again  # what was in flight when it died was asked again
    mine = {p: d for p, d in tree(project / "locales").items() if p.startswith("en/")}
    theirs = {p: d for p, d in tree(reference / "locales").items() if p.startswith("en/")}
    assert mine == theirs and mine  # nothing lost: the same catalogs as a run never killed
