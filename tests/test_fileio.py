"""Atomic writes keep what a reader of the file relies on: whole content and its permissions."""

from __future__ import annotations

import errno
import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import localize.fileio as fileio
from localize.fileio import atomic_write_bytes, json_bytes, read_json, write_if_changed


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


def test_a_temp_file_left_by_a_killed_process_is_neither_reused_nor_removed(tmp_path: Path, monkeypatch) -> None:
    import itertools

    monkeypatch.setattr(fileio, "_temp_numbers", itertools.count())
    stale = tmp_path / f".ja.po.{os.getpid()}.0.tmp"  # the name the next write would pick first
    stale.write_bytes(b"half a catalog")
    assert write_if_changed(tmp_path / "ja.po", b"whole")
    assert (tmp_path / "ja.po").read_bytes() == b"whole"
    assert stale.read_bytes() == b"half a catalog"
    assert sorted(p.name for p in tmp_path.iterdir()) == [stale.name, "ja.po"]


def test_a_write_that_cannot_create_its_file_names_that_file_not_the_temp(tmp_path: Path) -> None:
    (tmp_path / "site").write_bytes(b"a file where a directory should be")
    with pytest.raises(NotADirectoryError) as failure:
        write_if_changed(tmp_path / "site" / "index.html", b"<p>page</p>", durable=False)
    assert failure.value.filename == str(tmp_path / "site" / "index.html")


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
    monkeypatch.setattr(fileio, "FEW_FILES", 1)  # two files make a batch here
    targets = [(same, b"same"), (tmp_path / "a" / "new.po", b"new"), (tmp_path / "b" / "c.pot", b"pot")]
    assert fileio.write_all_if_changed(targets) == [tmp_path / "a" / "new.po", tmp_path / "b" / "c.pot"]
    assert [p.read_bytes() for p, _ in targets] == [b"same", b"new", b"pot"]
    assert len(filesystem) == 1  # one sync makes every new file durable before any rename
    assert len(synced) == 2  # then each directory written to, once; no file one by one
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "b", "c.pot", "new.po", "same.po"]


def test_a_few_files_are_synced_one_by_one_not_the_whole_filesystem(tmp_path: Path, monkeypatch) -> None:
    synced: list[str] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(os.readlink(f"/proc/self/fd/{fd}")),
                                                 real_fsync(fd)))
    filesystem: list[Path] = []
    monkeypatch.setattr(fileio, "_sync_filesystem", filesystem.append)
    monkeypatch.setattr(fileio, "_syncfs", lambda: len)  # a platform with syncfs
    targets = [(tmp_path / "a" / "new.po", b"new"), (tmp_path / "b" / "c.pot", b"pot")]
    assert fileio.write_all_if_changed(targets) == [path for path, _ in targets]
    assert filesystem == []  # syncfs would also flush what others left dirty
    temp_files = [name for name in synced if name.endswith(".tmp")]
    assert [Path(name).name.split(".")[1:3] for name in temp_files] == [["new", "po"], ["c", "pot"]]
    assert sorted(synced[len(temp_files):]) == [str(tmp_path / "a"), str(tmp_path / "b")]
    assert [path.read_bytes() for path, _ in targets] == [b"new", b"pot"]


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


_state_values = st.recursive(  # what state files hold: integers within 64 bits (stamps, sizes, counts)
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | _json_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_json_text, inner, max_size=3),
    max_leaves=12,
)


@given(_state_values, st.booleans())
def test_read_json_reads_what_json_bytes_wrote(value: object, indent: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "state.json"
        path.write_bytes(json_bytes(value, indent=indent))
        assert read_json(path) == value


def test_read_json_of_a_damaged_file_raises_value_error(tmp_path: Path) -> None:
    for damaged in (b'{"files": {"a": ', b"\xff\xfe{}", b""):
        path = tmp_path / "state.json"
        path.write_bytes(damaged)
        with pytest.raises(ValueError):
            read_json(path)
