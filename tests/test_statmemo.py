"""The stat memo: inside one operation each file is looked at once, and what this process
writes or removes through ``localize.fileio`` is looked at again."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import localize.fileio as fileio
import localize.statmemo as statmemo
from localize.fileio import atomic_write_bytes


def test_the_stat_memo_sees_what_this_process_writes_and_removes(tmp_path: Path) -> None:
    page, other = tmp_path / "page.html", tmp_path / "other.html"
    page.write_bytes(b"one")
    with statmemo.stat_memo():
        assert statmemo.file_stat(str(page)).st_size == 3
        atomic_write_bytes(page, b"longer", durable=False)
        assert statmemo.file_stat(str(page)).st_size == 6  # written through fileio: looked at again
        with fileio.StagedWrites() as staged:
            staged.stage(page, b"four")
            staged.commit()
        assert statmemo.file_stat(str(page)).st_size == 4
        fileio.remove_file(page)
        assert statmemo.file_stat(str(page)) is None
        assert statmemo.file_stat(str(other)) is None
        other.write_bytes(b"x")  # behind the memo's back: the memo still answers for the run
        assert statmemo.file_stat(str(other)) is None
    assert statmemo.file_stat(str(other)).st_size == 1  # outside a memo every call looks


def test_a_process_forked_inside_a_stat_memo_looks_for_itself(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    with statmemo.stat_memo():
        assert statmemo.file_stat(str(page)) is None
        page.write_bytes(b"made")
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: no memo, so it sees the file
            os.write(write, b"1" if statmemo.file_stat(str(page)) is not None else b"0")
            os._exit(0)
        os.waitpid(pid, 0)
        assert os.read(read, 1) == b"1"


def test_a_listing_in_a_stat_memo_is_taken_again_after_a_write_under_it(tmp_path: Path) -> None:
    from localize.catalog.pofile import po_files_under

    base = tmp_path / "LC_MESSAGES"
    (base / "news").mkdir(parents=True)
    (base / "news" / "one.po").write_bytes(b"")
    with statmemo.stat_memo():
        assert list(po_files_under(base)) == ["news/one"]
        (base / "news" / "behind.po").write_bytes(b"")  # not through fileio: the listing holds
        assert list(po_files_under(base)) == ["news/one"]
        atomic_write_bytes(base / "news" / "two.po", b"", durable=False)
        assert list(po_files_under(base)) == ["news/behind", "news/one", "news/two"]
        fileio.remove_file(base / "news" / "one.po")
        assert list(po_files_under(base)) == ["news/behind", "news/two"]


def test_paths_resolved_in_a_stat_memo_follow_symlinks_as_pathlib_does(tmp_path: Path) -> None:
    real = tmp_path / "real"
    (real / "news").mkdir(parents=True)
    (tmp_path / "link").symlink_to(real)
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (real / "news" / "page.html").write_bytes(b"")
    (real / "news" / "out.html").symlink_to(tmp_path / "elsewhere.html")
    paths = [tmp_path / "link" / "news" / "page.html", real / "news" / "out.html", real / "news" / "new" / "x.html",
             tmp_path / "link" / "news" / ".." / "news", tmp_path]
    with statmemo.stat_memo():
        for path in paths * 2:
            assert statmemo.resolved_text(path) == str(path.resolve())
        with pytest.raises((OSError, RuntimeError)):
            statmemo.resolved_text(tmp_path / "loop" / "x")
        (real / "news" / "page.html").unlink()
        (real / "news" / "page.html").symlink_to(tmp_path / "elsewhere.html")
        statmemo.forget_stat(real / "news" / "page.html")  # as a write through fileio does
        assert statmemo.resolved_text(real / "news" / "page.html") == str(tmp_path / "elsewhere.html")


def test_a_forked_worker_resolves_paths_as_pathlib_does_and_sees_files_turn_into_symlinks(
    tmp_path: Path,
) -> None:
    real = tmp_path / "real"
    (real / "news").mkdir(parents=True)
    (tmp_path / "link").symlink_to(real)
    (real / "news" / "page.html").write_bytes(b"")
    paths = [tmp_path / "link" / "news" / "page.html", real / "news" / "page.html",
             real / "news" / "new" / "x.html", tmp_path / "link" / "news" / ".." / "news", tmp_path]
    expected = [str(path.resolve()) for path in paths] + [str(tmp_path / "elsewhere.html")]
    read, write = os.pipe()
    with statmemo.stat_memo():
        pid = os.fork()
        if pid == 0:  # the child: a worker, as parallel_iter forks them
            try:
                seen = [statmemo.resolved_text(path) for path in paths * 2]
                (real / "news" / "page.html").unlink()
                (real / "news" / "page.html").symlink_to(tmp_path / "elsewhere.html")
                seen.append(statmemo.resolved_text(real / "news" / "page.html"))
                os.write(write, "\n".join(seen).encode())
            finally:  # never back into the test session
                os._exit(0)
        os.waitpid(pid, 0)
    os.close(write)
    with os.fdopen(read) as pipe:
        seen = pipe.read().split("\n")
    assert seen == expected[:-1] * 2 + expected[-1:]


def test_a_stage_runs_in_a_stat_memo_of_its_own_or_the_one_around_it(tmp_path: Path) -> None:
    page = tmp_path / "page.html"

    @statmemo.in_stat_memo
    def stage() -> bool:
        before = statmemo.file_stat(str(page))
        page.write_bytes(b"behind")  # not through fileio: the memo still answers within the stage
        return statmemo.file_stat(str(page)) == before

    assert stage() and page.exists()
    page.unlink()
    assert statmemo.file_stat(str(page)) is None  # outside: no memo left behind
    with statmemo.stat_memo():
        statmemo.file_stat(str(page))
        assert stage()  # the memo around it: what it knew before the stage still holds
        assert statmemo.file_stat(str(page)) is None
