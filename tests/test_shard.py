"""--shard K/N and build --finalize in one checkout, with the default (local) store.

The same N shards plus the finalizer must write what one machine writes, byte
for byte; shards of one checkout must not wait for each other; the translation
memory is what the catalogs held when the run started.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import polib
import pytest

from fakeservers.mt_servers import LibreServer
from localize.errors import ProjectLockedError
from localize.lock import project_lock
from localize.project import Project
from localize.shard import Shard, shard_of
from localize.translate import translate_project
from shardkit import (
    copy_project,
    english,
    localize,
    overlay,
    start,
    tree,
    write_project,
)


def test_a_slug_falls_to_the_shard_the_formula_names() -> None:
    # int(sha256(slug)[:16], 16) % N + 1, pinned so no release can move articles silently
    assert [shard_of("news/a", n) for n in (2, 3, 4, 7)] == [2, 2, 2, 7]
    assert [shard_of("guide", n) for n in (2, 3, 4, 7)] == [2, 3, 4, 7]
    assert [shard_of("article-0001", n) for n in (2, 3, 4, 7)] == [1, 1, 1, 2]
    sizes = [0] * 4
    for i in range(4000):
        sizes[shard_of(f"posts/{i}", 4) - 1] += 1
    assert all(900 <= size <= 1100 for size in sizes)  # spread evenly
    assert all(Shard(k, 4).owns("guide") == (k == 4) for k in range(1, 5))


@pytest.mark.parametrize("bad", ["0/4", "5/4", "1/0", "x", "1/4/2", "-1/4", "", "2 of 4"])
def test_bad_shard_values_are_usage_errors(bad: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        Shard.parse(bad)
    project = write_project(tmp_path / "p", "http://127.0.0.1:9/", 2)
    for command in ("extract", "translate", "check", "build", "run"):
        result = localize(project, command, "--shard", bad, check=False)
        assert result.returncode == 2, (command, result.stderr)
        assert "--shard" in result.stderr
    assert not (project / "locales").exists() and not (project / "site").exists()
    assert Shard.parse(" 3 / 4 ") == Shard(3, 4)


def test_finalize_and_shard_together_is_a_usage_error(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", "http://127.0.0.1:9/", 2)
    result = localize(project, "build", "--finalize", "--shard", "1/2", check=False)
    assert result.returncode == 2 and "--finalize" in result.stderr


def test_shards_in_separate_checkouts_plus_finalize_equal_one_machine_byte_for_byte(
    tmp_path: Path,
) -> None:
    with LibreServer(english) as fake:
        single = write_project(tmp_path / "single", fake.url, 12)
        localize(single, "run")
        merged = copy_project(single, tmp_path / "merged")
        deferred = 0
        for k in (1, 2, 3):  # each shard in a fresh checkout of its own, as CI jobs run
            checkout = copy_project(single, tmp_path / f"shard{k}")
            localize(checkout, "run", "--shard", f"{k}/3")
            record = json.loads((checkout / "site/.shards" / f"{k}-of-3.json").read_text("utf-8"))
            assert record["of"] == 3 and record["articles"]
            assert all(shard_of(a["slug"], 3) == k for a in record["articles"])
            deferred += sum(a["pages"] is None for a in record["articles"])
            assert not (checkout / "site/manifest.json").exists()  # the finalizer's alone
            assert not (checkout / "site/sitemap.xml").exists()
            assert not (checkout / "site/assets").exists()
            overlay(checkout / "locales", merged / "locales")  # the shards' artifacts
            overlay(checkout / "site", merged / "site")
        localize(merged, "build", "--finalize")
    assert deferred > 0  # some pages link to another shard's article: the finalizer wrote them
    assert not (merged / "site/.shards").exists()
    assert tree(merged / "locales") == tree(single / "locales")
    assert tree(merged / "site") == tree(single / "site")
    assert len(tree(single / "site")) > 12 * 3  # pages, an asset, sitemap, manifest
    assert "assets/img/logo.png" in tree(single / "site")


def test_shards_sharing_a_checkout_share_the_cache_and_finalize_a_whole_site(
    tmp_path: Path,
) -> None:
    with LibreServer(english) as fake:
        single = write_project(tmp_path / "single", fake.url, 12)
        localize(single, "run")
        single_chars = fake.counters["chars"]
        fake.reset_logs()
        shared = copy_project(single, tmp_path / "shared")
        for k in (1, 2, 3):
            localize(shared, "run", "--shard", f"{k}/3")
        localize(shared, "build", "--finalize")
        shard_chars = fake.counters["chars"]
        asked = [(c["params"].get("target"), t) for c in fake.calls for t in c["texts"]]
        assert len(asked) == len(set(asked))  # no text asked for twice in one locale
    assert 0 < shard_chars <= single_chars
    manifest = json.loads((shared / "site/manifest.json").read_text("utf-8"))
    assert len(manifest["articles"]) == 12
    assert all(a["pages"] for a in manifest["articles"])
    site_check = localize(shared, "check", "--site", "--json")
    assert json.loads(site_check.stdout)["errors"] == 0


def test_finalize_refuses_without_every_record_and_writes_nothing(tmp_path: Path) -> None:
    with LibreServer(english) as fake:
        project = write_project(tmp_path / "p", fake.url, 8)
        localize(project, "run", "--shard", "1/3")
        localize(project, "run", "--shard", "2/3")
        before = tree(project / "site", skip=())
        missing = localize(project, "build", "--finalize", check=False)
        assert missing.returncode == 2 and "missing: 3-of-3" in missing.stderr
        assert tree(project / "site", skip=()) == before  # nothing written, records kept
        localize(project, "build", "--shard", "1/2")  # a record of another N
        mixed = localize(project, "build", "--finalize", check=False)
        assert mixed.returncode == 2 and "disagree on N" in mixed.stderr
        (project / "site/.shards/1-of-2.json").unlink()
        localize(project, "run", "--shard", "3/3")
        localize(project, "build", "--finalize")
    assert (project / "site/manifest.json").is_file() and not (project / "site/.shards").exists()
    again = localize(project, "build", "--finalize", check=False)
    assert again.returncode == 2 and "no shard records" in again.stderr


def test_each_stage_touches_only_its_shards_articles(tmp_path: Path) -> None:
    with LibreServer(english) as fake:
        project = write_project(tmp_path / "p", fake.url, 10)
        localize(project, "extract", "--shard", "2/3")
        pots = {p.stem for p in (project / "locales/templates").glob("*.pot")}
        assert pots == {f"article-{n:04d}" for n in range(10) if shard_of(f"article-{n:04d}", 3) == 2}
        assert (project / ".localize/shard-2-of-3/extract.json").is_file()
        localize(project, "extract")
        localize(project, "translate", "--shard", "2/3")
        sent = {t for t in fake.requests}
    translated = {}
    for po_path in (project / "locales/en/LC_MESSAGES").glob("*.po"):
        translated[po_path.stem] = all(e.msgstr for e in polib.pofile(str(po_path)))
    assert translated == {slug: shard_of(slug, 3) == 2 for slug in translated}
    numbers = {int(n) for t in sent for n in re.findall(r"第(\d+)篇文章", t)}
    assert numbers == {n for n in range(10) if shard_of(f"article-{n:04d}", 3) == 2}
    report = json.loads(localize(project, "check", "--shard", "1/3", "--json").stdout)
    assert report["errors"] == 0 and report["findings"] == []


def test_shards_of_one_checkout_do_not_wait_for_each_other(tmp_path: Path) -> None:
    project = Project.open(write_project(tmp_path / "p", "http://127.0.0.1:9/", 1))
    with project_lock(project, Shard(1, 2)), project_lock(project, Shard(2, 2)):
        # the same shard twice is refused, and so is a whole-project run
        with pytest.raises(ProjectLockedError), project_lock(project, Shard(1, 2)):
            pass
        with pytest.raises(ProjectLockedError), project_lock(project):
            pass
    with project_lock(project), pytest.raises(ProjectLockedError), project_lock(project, Shard(2, 2)):
        pass


def test_translation_memory_is_what_the_catalogs_held_when_the_run_started(tmp_path: Path) -> None:
    """Another shard writing a reviewed translation mid-run must not change what this run writes."""
    root = write_project(tmp_path / "p", "http://127.0.0.1:9/", 2, per_article=3)
    ours = next(s for s in ("article-0000", "article-0001") if shard_of(s, 2) == 1)
    theirs = "article-0001" if ours == "article-0000" else "article-0000"
    shared = "兩篇文章都有這一句。"
    for slug in (ours, theirs):
        with (root / "content" / f"{slug}.md").open("a", encoding="utf-8") as handle:
            handle.write(f"\n{shared}\n")
    localize(root, "extract")
    written = threading.Event()
    once = threading.Lock()  # the fake server answers in several threads

    def translate_then_write_theirs(text: str, source: str, target: str) -> str:
        with once:
            if not written.is_set():  # "another shard" reviews a ja translation while we run en
                _review(root / f"locales/ja/LC_MESSAGES/{theirs}.po")
                written.set()
        return english(text, source, target)

    with LibreServer(translate_then_write_theirs) as fake:
        (root / "localize.toml").write_text(
            (root / "localize.toml").read_text("utf-8").replace("http://127.0.0.1:9/", fake.url), "utf-8")
        project = Project.open(root)
        translate_project(project, progress=False, shard=Shard(1, 2))
    assert written.is_set()
    ja = {e.msgid: e.msgstr for e in polib.pofile(str(root / f"locales/ja/LC_MESSAGES/{ours}.po"))}
    assert ja[shared].startswith("JA: ")  # from the engine, not the mid-run "review"
    assert not any(v.startswith("REVIEWED") for v in ja.values())


def _review(path: Path) -> None:
    po = polib.pofile(str(path))
    for entry in po:
        entry.msgstr = f"REVIEWED {entry.msgid}"
    po.save(str(path))


def test_shards_running_at_once_in_one_checkout_pay_once_for_shared_texts(tmp_path: Path) -> None:
    with LibreServer(english, latency=0.03) as fake:
        project = write_project(tmp_path / "p", fake.url, 16, concurrency=2)
        shards = [start(project, "run", "--shard", f"{k}/3") for k in (1, 2, 3)]
        outcomes = [(p.wait(300), p.stderr.read() if p.stderr else "") for p in shards]
        assert [code for code, _ in outcomes] == [0, 0, 0], outcomes
        asked = [(c["params"].get("target"), t) for c in fake.calls for t in c["texts"]]
        peak = fake.max_in_flight
        localize(project, "build", "--finalize")
    assert len(asked) == len(set(asked))  # the in-flight locks: no text paid twice in a locale
    assert peak > 2  # more than one shard's requests were in flight at once
    manifest = json.loads((project / "site/manifest.json").read_text("utf-8"))
    assert len(manifest["articles"]) == 16
