"""The SQLite answer cache: persisted, keyed by everything that shapes an answer, thread-safe."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from localize.translate.cache import CacheScope, TranslationCache, cache_key


def test_answers_persist_across_connections(tmp_path: Path) -> None:
    scope = CacheScope("libre", "url=http://x/", "zh-Hant-TW", "en")
    with TranslationCache.for_project(tmp_path / ".localize") as cache:
        cache.put_many(scope, ["一", "二"], ["one", "two"])
    assert (tmp_path / ".localize" / "cache.sqlite").is_file()
    with TranslationCache.for_project(tmp_path / ".localize") as cache:
        assert cache.get_many(scope, ["一", "二", "三"]) == {"一": "one", "二": "two"}
        assert cache.count() == 2


def test_journal_is_wal(tmp_path: Path) -> None:
    TranslationCache(tmp_path / "c.sqlite").close()
    mode = sqlite3.connect(tmp_path / "c.sqlite").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_key_covers_engine_options_and_both_locales(tmp_path: Path) -> None:
    base = ("libre", "", "zh-Hant-TW", "en", "⟦0⟧ text")
    variants = [
        ("deepl", "", "zh-Hant-TW", "en", "⟦0⟧ text"),
        ("libre", "formality=less", "zh-Hant-TW", "en", "⟦0⟧ text"),
        ("libre", "", "zh-Hans-CN", "en", "⟦0⟧ text"),
        ("libre", "", "zh-Hant-TW", "ja", "⟦0⟧ text"),
        ("libre", "", "zh-Hant-TW", "en", "⟦1⟧ text"),
        ("libre", "", "zh-Hant-TWen", "", "⟦0⟧ text"),  # fields cannot run into each other
    ]
    keys = {cache_key(*v) for v in variants}
    assert cache_key(*base) not in keys and len(keys) == len(variants)
    cache = TranslationCache(tmp_path / "c.sqlite")
    cache.put(CacheScope(*base[:4]), base[4], "answer")
    for variant in variants:
        assert cache.get(CacheScope(*variant[:4]), variant[4]) is None
    assert cache.get(CacheScope(*base[:4]), base[4]) == "answer"


def test_unverified_answers_are_kept_as_received(tmp_path: Path) -> None:
    scope = CacheScope("libre", "", "zh-Hant-TW", "en")
    cache = TranslationCache(tmp_path / "c.sqlite")
    broken = "  an answer that lost its ⟦0 token\n"
    cache.put(scope, "⟦0⟧ x", broken)
    assert cache.get(scope, "⟦0⟧ x") == broken


def test_many_threads_write_and_read(tmp_path: Path) -> None:
    cache = TranslationCache(tmp_path / "c.sqlite")
    scope = CacheScope("libre", "", "zh-Hant-TW", "en")
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(25):
                cache.put(scope, f"t{n}-{i}", f"a{n}-{i}")
                assert cache.get(scope, f"t{n}-{i}") == f"a{n}-{i}"
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert cache.count() == 200
    texts = [f"t{n}-{i}" for n in range(8) for i in range(25)]
    assert len(cache.get_many(scope, texts)) == 200  # chunked IN (...) look-ups
    cache.close()
