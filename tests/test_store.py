"""The store interface, one suite over both backends: local (SQLite + JSON) and PostgreSQL.

The PostgreSQL half needs the throwaway server ``.ci/run`` starts (see
``conftest.require_postgres``); it skips visibly without one, and fails under CI.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from localize.failures import FailureLog
from localize.locales import parse_locale
from localize.store import Answer, Store, StoreError, lock_id, open_store, shown_url
from localize.store.local import LocalStore
from localize.translate.cache import CacheScope, TranslationCache

JA = parse_locale("ja")
SRC = str(Path(__file__).resolve().parents[1] / "src")

Opener = Callable[[], Store]


@pytest.fixture(params=["local", "postgres"])
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens another handle on the same store (a second process would open the same)."""
    opened: list[Store] = []
    if request.param == "local":
        where = tmp_path / ".localize"

        def make() -> Store:
            opened.append(LocalStore(where))
            return opened[-1]
    else:
        url = request.getfixturevalue("pg_database")

        def make() -> Store:
            opened.append(open_store(tmp_path, url))
            return opened[-1]
    yield make
    for store in opened:
        store.close()


def _holder(opener_kind: str, where: str, key: str) -> subprocess.Popen[str]:
    """Another process that takes ``key``'s in-flight lock, says so, and waits to be killed."""
    code = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from localize.store import open_store
        from localize.store.local import LocalStore
        store = LocalStore(Path({where!r})) if {opener_kind!r} == "local" else open_store(Path("."), {where!r})
        print("taken" if store.try_lock([{key!r}]) else "refused", flush=True)
        time.sleep(60)
    """)
    env = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env)


def _kind_and_place(opener: Opener) -> tuple[str, str]:
    store = opener()
    if isinstance(store, LocalStore):
        return "local", str(store.state_dir)
    return "postgres", store.url  # type: ignore[attr-defined]


def test_answers_are_kept_by_key_and_shared_between_handles(opener: Opener) -> None:
    first, second = opener(), opener()
    first.put([Answer("k1", "one", "libre", "en"), Answer("k2", " two\n", "libre", "en")])
    assert second.get(["k1", "k2", "k3"]) == {"k1": "one", "k2": " two\n"}  # kept as received
    second.put([Answer("k1", "uno", "libre", "en")])  # a later answer replaces the earlier one
    assert first.get(["k1"]) == {"k1": "uno"} and first.count() == 2
    assert first.get([]) == {}


def test_cache_scopes_keep_engines_and_locales_apart(opener: Opener) -> None:
    cache = TranslationCache.on(opener())
    libre = CacheScope("libre", "", "zh-Hant-TW", "en")
    cache.put_many(libre, ["一", "二"], ["one", "two"])
    assert cache.get_many(libre, ["一", "二", "三"]) == {"一": "one", "二": "two"}
    assert cache.get(CacheScope("deepl", "", "zh-Hant-TW", "en"), "一") is None
    assert cache.get(CacheScope("libre", "", "zh-Hant-TW", "ja"), "一") is None
    texts = [f"句{i}" for i in range(1200)]  # look-ups larger than one chunk of keys
    cache.put_many(libre, texts, [f"s{i}" for i in range(1200)])
    assert len(cache.get_many(libre, texts)) == 1200


def test_failure_records_from_two_writers_merge(opener: Opener) -> None:
    one, two = FailureLog.load(opener(), JA), FailureLog.load(opener(), JA)
    one.record("news/a", "第一句。", "lost citation '[3]'")
    two.record("news/b", "第二句。", "engine failed: 503")
    one.save()
    two.save()  # loaded before one saved: must not drop one's record
    merged = FailureLog.load(opener(), JA)
    assert merged.records == {"news/a": {"第一句。": "lost citation '[3]'"},
                              "news/b": {"第二句。": "engine failed: 503"}}
    merged.clear("news/a", "第一句。")
    merged.save()
    assert FailureLog.load(opener(), JA).records == {"news/b": {"第二句。": "engine failed: 503"}}
    assert FailureLog.load(opener(), parse_locale("fr")).records == {}


def test_in_flight_locks_exclude_other_processes_and_die_with_them(opener: Opener) -> None:
    kind, where = _kind_and_place(opener)
    store = opener()
    holder = _holder(kind, where, "text-a")
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "taken"
        assert store.try_lock(["text-a", "text-b"]) == {"text-b"}  # a is in flight elsewhere
        assert store.try_lock(["text-b"]) == set()  # held already: not taken twice
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        for _ in range(100):  # the server notices the closed connection within moments
            if store.try_lock(["text-a"]):
                break
            threading.Event().wait(0.05)
        else:
            pytest.fail("a killed process's lock was never released")
        store.unlock(["text-a", "text-b", "never-taken"])
        again = _holder(kind, where, "text-b")
        assert again.stdout is not None and again.stdout.readline().strip() == "taken"
        again.kill()
        again.wait(10)
    finally:
        holder.kill()
        holder.wait(10)


def test_lock_ids_are_signed_64_bit_and_spread() -> None:
    ids = {lock_id(f"key-{i}") for i in range(5000)}
    assert len(ids) == 5000
    assert all(-(1 << 63) <= i < (1 << 63) for i in ids)
    assert any(i < 0 for i in ids) and any(i > 0 for i in ids)


def test_shown_url_hides_the_password_only() -> None:
    assert shown_url("postgresql://loc:s3cr%40t@db.internal:5433/l10n?sslmode=require") == \
        "postgresql://loc:***@db.internal:5433/l10n?sslmode=require"
    assert shown_url("postgresql://loc@db/l10n") == "postgresql://loc@db/l10n"


def test_an_unreachable_store_is_exit_2_naming_the_url_without_its_password(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"postgresql://loc:hunter2-secret@127.0.0.1:{port}/l10n"
    with pytest.raises(StoreError) as err:
        open_store(tmp_path, url)
    assert err.value.exit_code == 2
    assert f"postgresql://loc:***@127.0.0.1:{port}/l10n" in str(err.value)
    assert "hunter2" not in str(err.value)


def test_schema_is_created_once_under_its_lock_by_racing_processes(pg_database: str,
                                                                   tmp_path: Path) -> None:
    from localize.store.postgres import MIGRATIONS, PostgresStore

    errors: list[BaseException] = []
    stores: list[Store] = []

    def open_one() -> None:
        try:
            stores.append(PostgresStore(pg_database))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    store = stores[0]
    assert isinstance(store, PostgresStore) and store.schema_version() == len(MIGRATIONS)
    rows = store._run(lambda db: db.execute("SELECT count(*) FROM localize_schema").fetchone())
    assert rows[0] == len(MIGRATIONS)  # each step applied exactly once
    for opened in stores:
        opened.close()


def test_a_store_newer_than_this_localize_is_refused(pg_database: str) -> None:
    from localize.store.postgres import MIGRATIONS, PostgresStore

    with PostgresStore(pg_database) as store:
        store._run(lambda db: db.execute("INSERT INTO localize_schema VALUES (%s)",
                                         (len(MIGRATIONS) + 1,)))
    with pytest.raises(StoreError, match="upgrade localize"):
        PostgresStore(pg_database)


def _project_with_store(root: Path, store_table: str) -> Path:
    root.mkdir(parents=True)
    (root / "localize.toml").write_text(
        'source_locale = "zh-Hant-TW"\ntarget_locales = ["en"]\n\n[engine]\nname = "libre"\n'
        f'url = "http://127.0.0.1:9/"\n\n{store_table}', "utf-8")
    return root


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_password_in_localize_toml_is_refused_at_its_line(tmp_path: Path) -> None:
    from localize.cli import cli, invoke
    from localize.config import load_settings
    from localize.errors import ConfigError

    root = _project_with_store(
        tmp_path / "p", '[store]\nurl = "postgresql://loc:letmein@db.internal/l10n"\n')
    assert invoke(cli.main, ["--project", str(root), "status"]) == 2

    with pytest.raises(ConfigError) as err:
        load_settings(root)
    assert err.value.line == 9 and "password" in str(err.value) and "letmein" not in str(err.value)
    bare = _project_with_store(tmp_path / "q", '[store]\nurl = "postgresql://loc@db.internal/l10n"\n')
    assert load_settings(bare).store_url == "postgresql://loc@db.internal/l10n"


def test_an_unreachable_store_stops_translate_with_exit_2_and_no_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    from localize.cli import cli, invoke

    port = _free_port()
    root = _project_with_store(
        tmp_path / "p", f'[store]\nurl = "postgresql://loc@127.0.0.1:{port}/l10n"\n')
    # the environment's URL, password included, wins over the toml's
    monkeypatch.setenv("LOCALIZE_STORE_URL", f"postgresql://loc:s3cret-pw@127.0.0.1:{port}/other")
    assert invoke(cli.main, ["--project", str(root), "translate"]) == 2
    err = capsys.readouterr().err
    assert f"postgresql://loc:***@127.0.0.1:{port}/other" in err and "s3cret-pw" not in err
    assert "Traceback" not in err
