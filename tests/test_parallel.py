"""``--jobs N`` (SPEC section 11): the CPU stages in N processes write the same bytes as one."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from localize import api
from localize.cli import cli, invoke
from localize.errors import InputError
from localize.parallel import CHUNKS_AHEAD, MAX_CHUNK, parallel_iter, parallel_map

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = 24


def _pid(_context: None, _item: int) -> int:
    return os.getpid()


def _mark(directory: Path, item: int) -> int:
    (directory / str(item)).touch()
    return item


def _project(root: Path) -> api.Project:
    """The sample glossary and config, and ARTICLES short articles in its style."""
    (root / "content/news").mkdir(parents=True)
    shutil.copytree(ROOT / "glossaries", root / "glossaries")
    shutil.copy(ROOT / "localize.toml", root / "localize.toml")
    for n in range(ARTICLES):
        (root / f"content/news/a{n:02d}.md").write_text(
            f"---\ntitle: 第 {n} 篇：Gemma 4\nslug: news/a{n:02d}\n---\n\n# 第 {n} 篇\n\n"
            f"Gemma 4 採用 Apache 2.0 授權[{n % 5 + 1}]。執行 `pip install tool{n}` 即可。\n\n"
            f"## 開發者\n\n請參閱[說明](https://example.com/{n})，或看[上一篇](a{max(n - 1, 0):02d}.md)。\n",
            "utf-8",
        )
    return api.Project.open(root)


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for top in ("locales", "site", "site-md") for p in sorted((root / top).rglob("*")) if p.is_file()}


def test_workers_are_other_processes_and_results_keep_the_items_order() -> None:
    pids = parallel_map(_pid, range(16), jobs=2)
    assert len(pids) == 16 and os.getpid() not in pids
    assert parallel_map(_pid, range(16), jobs=1) == [os.getpid()] * 16


def test_a_slow_caller_holds_a_few_chunks_of_results_not_all_of_them(tmp_path: Path) -> None:
    items = 40 * MAX_CHUNK
    results = parallel_iter(_mark, range(items), 2, tmp_path)
    assert next(results) == 0
    time.sleep(1.0)  # unbounded, the workers would finish every item meanwhile
    started = len(list(tmp_path.iterdir()))
    assert started <= (2 * CHUNKS_AHEAD + 1) * MAX_CHUNK < items
    assert list(results) == list(range(1, items))


def test_run_with_two_jobs_writes_the_same_bytes_as_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1776470400")
    one, two = _project(tmp_path / "one"), _project(tmp_path / "two")
    assert invoke(cli, ["--quiet", "--project", str(one.root), "run", "--jobs", "1"]) == 0
    assert invoke(cli, ["--quiet", "--project", str(two.root), "run", "--jobs", "2"]) == 0
    written = _files(one.root)
    assert len([f for f in written if f.endswith(".po")]) == ARTICLES * 5
    assert len([f for f in written if f.endswith("index.html")]) >= ARTICLES
    assert len([f for f in written if f.startswith("site-md/") and f.endswith(".md")]) >= ARTICLES
    assert _files(two.root) == written
    (one.root / "content/news/a03.md").write_text("---\ntitle: 改寫\n---\n\n新的內容[1]。\n", "utf-8")
    (two.root / "content/news/a03.md").write_text("---\ntitle: 改寫\n---\n\n新的內容[1]。\n", "utf-8")
    api.run_pipeline(one, progress=False, quiet=True, jobs=1)
    api.run_pipeline(two, progress=False, quiet=True, jobs=2)
    assert _files(two.root) == _files(one.root)
    again = api.run_pipeline(two, progress=False, quiet=True, jobs=2)  # nothing changed: nothing written
    assert again.reports["build"].written == ()


def test_bad_input_in_a_worker_names_the_file_and_line_as_with_one_job(tmp_path: Path) -> None:
    project = _project(tmp_path / "p")
    (project.root / "content/news/a07.md").write_text("---\ntitle: [unclosed\n---\n\n正文。\n", "utf-8")
    errors = []
    for jobs in (1, 2):
        with pytest.raises(InputError) as caught:
            api.extract_project(project, jobs=jobs)
        errors.append((str(caught.value), caught.value.file, caught.value.line))
    assert errors[0] == errors[1]
    assert "a07.md" in errors[0][0]
    assert not (project.root / "locales/templates").exists()  # nothing half-written


def _holds(_context: None, lock: str) -> bool:
    return any(os.path.realpath(f"/proc/self/fd/{fd}") == lock for fd in os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_workers_do_not_keep_the_project_lock_if_their_parent_is_killed(tmp_path: Path) -> None:
    from localize.lock import project_lock

    project = _project(tmp_path / "p")
    lock = str((project.state_dir / "lock").resolve())
    with project_lock(project):
        assert _holds(None, lock)
        assert parallel_map(_holds, [lock] * 8, jobs=2) == [False] * 8
