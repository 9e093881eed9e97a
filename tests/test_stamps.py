"""Digests kept by stamp: a file is read again only when its mtime, size or inode moved."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from localize import stamps
from localize.stamps import StampedDigests, blake2_digest, project_digests, save_project_digests


class Counting:
    """A digest function that counts the files it was given."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, data: bytes) -> str:
        self.calls += 1
        return blake2_digest(data)


def _settled_file(path: Path, data: bytes) -> Path:
    """``path`` holding ``data``, its mtime a minute back: long enough ago that a change would move it."""
    path.write_bytes(data)
    old = time.time_ns() - 60_000_000_000
    os.utime(path, ns=(old, old))
    return path


def test_an_unchanged_file_is_read_once_across_runs(tmp_path: Path) -> None:
    page = _settled_file(tmp_path / "a.po", b"msgid \"x\"\n")
    first = Counting()
    digests = StampedDigests(digest=first)
    assert digests(page) == blake2_digest(page.read_bytes())
    later = Counting()
    again = StampedDigests(json.loads(json.dumps(digests.to_json())), later)
    assert again(page) == blake2_digest(page.read_bytes())
    assert (first.calls, later.calls) == (1, 0)


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    page = _settled_file(tmp_path / "a.po", b"msgstr \"one\"\n")
    digests = StampedDigests()
    digests(page)
    page.write_bytes(b"msgstr \"two\"\n")  # same size, in place: the mtime moves
    again = StampedDigests(digests.to_json())
    assert again(page) == blake2_digest(b"msgstr \"two\"\n")


def test_a_file_digested_right_after_a_change_is_checked_again(tmp_path: Path) -> None:
    page = tmp_path / "a.po"
    page.write_bytes(b"one")
    digests = StampedDigests()
    digests(page)  # modified within RACY_NS: an edit in the same clock tick would keep the stamp
    stat = page.stat()
    page.write_bytes(b"two")
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # that edit, stamp unchanged
    assert StampedDigests(digests.to_json())(page) == blake2_digest(b"two")


def test_a_file_this_process_wrote_is_trusted_without_reading(tmp_path: Path) -> None:
    page = tmp_path / "index.html"
    page.write_bytes(b"<p>hi</p>")
    counting = Counting()
    digests = StampedDigests(digest=counting)
    digests.remember(page, b"<p>hi</p>")
    later = Counting()
    assert StampedDigests(digests.to_json(), later)(page) == blake2_digest(b"<p>hi</p>")
    assert later.calls == 0


def test_within_a_stat_memo_a_trusted_digest_holds_until_this_process_writes_the_file(tmp_path: Path) -> None:
    from localize.statmemo import stat_memo

    page = _settled_file(tmp_path / "a.po", b"one")
    counting = Counting()
    digests = StampedDigests(digest=counting)
    with stat_memo():
        assert digests(page) == digests(page) == blake2_digest(b"one")
        assert counting.calls == 1
        page.write_bytes(b"two")  # unseen by the memo, as by any reader in this run
        digests.remember(page, b"two")  # but this process says what it wrote
        assert digests(page) == blake2_digest(b"two")
    assert digests(page) == blake2_digest(b"two")  # outside the memo: by the file's stamp


def test_a_missing_file_has_no_digest_and_its_record_is_dropped(tmp_path: Path) -> None:
    page = tmp_path / "a.po"
    page.write_bytes(b"x")
    digests = StampedDigests()
    digests(page)
    page.unlink()
    assert StampedDigests(digests.to_json())(page) == ""
    assert StampedDigests(digests.to_json()).to_json() == {}


def test_records_that_only_settled_are_not_rewritten(tmp_path: Path) -> None:
    page = tmp_path / "a.po"
    page.write_bytes(b"x")
    digests = StampedDigests()
    digests(page)  # racy: not trusted yet
    saved = digests.to_json()
    assert saved[os.fspath(page)][4] is False
    time.sleep(stamps.RACY_NS / 1e9 * 2)
    later = StampedDigests(saved)
    later(page)
    assert later.used[os.fspath(page)][4] is True  # read again, and settled now
    assert later.to_json() == saved  # same stamps and digests: the file stays as it was


def test_the_project_record_survives_the_process_and_ignores_other_versions(tmp_path: Path,
                                                                             monkeypatch) -> None:  # type: ignore[no-untyped-def]
    state = tmp_path / ".localize"
    state.mkdir()
    page = _settled_file(tmp_path / "a.po", b"x")
    project_digests(state)(page)
    save_project_digests(state)
    saved = json.loads((state / stamps.DIGESTS_NAME).read_text("utf-8"))
    assert list(saved["files"]) == [os.fspath(page)]
    monkeypatch.setattr(stamps, "_projects", {})
    assert project_digests(state).previous == saved["files"]
    monkeypatch.setattr(stamps, "_projects", {})
    monkeypatch.setattr(stamps, "__version__", "0.0.0-other")
    assert project_digests(state).previous == {}
