"""Atomic writes keep what a reader of the file relies on: whole content and its permissions."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import localize.fileio as fileio
from localize.fileio import atomic_write_bytes, json_bytes, write_if_changed


def test_rewrite_keeps_the_files_permissions(tmp_path: Path) -> None:
    path = tmp_path / "ja.po"
    path.write_bytes(b"old")
    os.chmod(path, 0o664)
    assert write_if_changed(path, b"new")
    assert path.read_bytes() == b"new"
    assert path.stat().st_mode & 0o777 == 0o664


def test_new_file_gets_the_umask_mode_not_a_private_temp_mode(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        atomic_write_bytes(tmp_path / "site" / "index.html", b"<p>hi</p>")
    finally:
        os.umask(previous)
    assert (tmp_path / "site" / "index.html").stat().st_mode & 0o777 == 0o644
    assert [p.name for p in (tmp_path / "site").iterdir()] == ["index.html"]


def test_unchanged_content_is_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "a.pot"
    path.write_bytes(b"same")
    before = path.stat().st_mtime_ns
    os.utime(path, ns=(before - 10**9, before - 10**9))
    assert not write_if_changed(path, b"same")
    assert path.stat().st_mtime_ns == before - 10**9


def test_catalogs_are_synced_to_disk_and_rebuildable_pages_are_not(tmp_path: Path, monkeypatch) -> None:
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    assert write_if_changed(tmp_path / "ja.po", b"catalog")
    assert len(synced) == 2  # the file, then its directory entry
    synced.clear()
    assert write_if_changed(tmp_path / "site" / "index.html", b"<p>page</p>", durable=False)
    assert synced == []
    assert (tmp_path / "site" / "index.html").read_bytes() == b"<p>page</p>"


def test_a_batch_syncs_each_directory_once_at_its_end(tmp_path: Path, monkeypatch) -> None:
    from localize.fileio import batched_dir_sync

    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    with batched_dir_sync():
        for name in ("a.po", "b.po", "c.po"):
            assert write_if_changed(tmp_path / name, name.encode())
        assert len(synced) == 3  # each file before its rename; the directory not yet
    assert len(synced) == 4  # then the directory, once


def test_a_batch_write_replaces_only_changed_files_and_syncs_once(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "a").mkdir()
    same = tmp_path / "a" / "same.po"
    same.write_bytes(b"same")
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    filesystem: list[Path] = []
    monkeypatch.setattr(fileio, "_sync_filesystem", filesystem.append)
    monkeypatch.setattr(fileio, "_syncfs", lambda: len)  # a platform with syncfs
    targets = [(same, b"same"), (tmp_path / "a" / "new.po", b"new"), (tmp_path / "b" / "c.pot", b"pot")]
    assert fileio.write_all_if_changed(targets) == [tmp_path / "a" / "new.po", tmp_path / "b" / "c.pot"]
    assert [p.read_bytes() for p, _ in targets] == [b"same", b"new", b"pot"]
    assert len(filesystem) == 1  # one sync makes every new file durable before any rename
    assert len(synced) == 2  # then each directory written to, once; no file one by one
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "b", "c.pot", "new.po", "same.po"]


def test_a_batch_that_fails_half_way_changes_nothing(tmp_path: Path, monkeypatch) -> None:
    first = tmp_path / "first.po"
    first.write_bytes(b"old")
    real = fileio._write_temp

    def full_on_second(path: Path, data: bytes, durable: bool) -> str:
        if path.name == "second.po":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, data, durable)

    monkeypatch.setattr(fileio, "_write_temp", full_on_second)
    with pytest.raises(OSError):
        fileio.write_all_if_changed([(first, b"new"), (tmp_path / "second.po", b"x")])
    assert first.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["first.po"]  # no temp file left


_json_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=6)
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | _json_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_json_text, inner, max_size=3),
    max_leaves=12,
)


@given(_json_values, st.booleans(), st.booleans())
def test_json_bytes_are_the_standard_encoders_bytes(value: object, sort_keys: bool, indent: bool) -> None:
    expected = json.dumps(value, ensure_ascii=False, sort_keys=sort_keys, indent=2 if indent else None,
                          separators=(",", ": ") if indent else (",", ":"))
    assert json_bytes(value, sort_keys=sort_keys, indent=indent) == expected.encode("utf-8")


def test_the_stat_memo_sees_what_this_process_writes_and_removes(tmp_path: Path) -> None:
    page, other = tmp_path / "page.html", tmp_path / "other.html"
    page.write_bytes(b"one")
    with fileio.stat_memo():
        assert fileio.file_stat(str(page)).st_size == 3
        atomic_write_bytes(page, b"longer", durable=False)
        assert fileio.file_stat(str(page)).st_size == 6  # written through fileio: looked at again
        with fileio.StagedWrites() as staged:
            staged.stage(page, b"four")
            staged.commit()
        assert fileio.file_stat(str(page)).st_size == 4
        fileio.remove_file(page)
        assert fileio.file_stat(str(page)) is None
        assert fileio.file_stat(str(other)) is None
        other.write_bytes(b"x")  # behind the memo's back: the memo still answers for the run
        assert fileio.file_stat(str(other)) is None
    assert fileio.file_stat(str(other)).st_size == 1  # outside a memo every call looks


def test_a_process_forked_inside_a_stat_memo_looks_for_itself(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    with fileio.stat_memo():
        assert fileio.file_stat(str(page)) is None
        page.write_bytes(b"made")
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: no memo, so it sees the file
            os.write(write, b"1" if fileio.file_stat(str(page)) is not None else b"0")
            os._exit(0)
        os.waitpid(pid, 0)
        assert os.read(read, 1) == b"1"


def test_a_listing_in_a_stat_memo_is_taken_again_after_a_write_under_it(tmp_path: Path) -> None:
    from localize.catalog.pofile import po_files_under

    base = tmp_path / "LC_MESSAGES"
    (base / "news").mkdir(parents=True)
    (base / "news" / "one.po").write_bytes(b"")
    with fileio.stat_memo():
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
    with fileio.stat_memo():
        for path in paths * 2:
            assert fileio.resolved_text(path) == str(path.resolve())
        with pytest.raises((OSError, RuntimeError)):
            fileio.resolved_text(tmp_path / "loop" / "x")
        (real / "news" / "page.html").unlink()
        (real / "news" / "page.html").symlink_to(tmp_path / "elsewhere.html")
        fileio.forget_stat(real / "news" / "page.html")  # as a write through fileio does
        assert fileio.resolved_text(real / "news" / "page.html") == str(tmp_path / "elsewhere.html")
