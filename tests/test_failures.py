"""The failure log in .localize/: what failed stays recorded until a translation is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from localize.errors import InputError
from localize.failures import FailureLog
from localize.locales import parse_locale

JA = parse_locale("ja")


def test_records_survive_a_save_and_load_and_clear_removes_them(tmp_path: Path) -> None:
    log = FailureLog.load(tmp_path, JA)
    log.record("news/a", "第一句。", "lost citation '[3]'")
    log.record("news/a", "第二句。", "engine failed: 503")
    log.save()
    again = FailureLog.load(tmp_path, JA)
    assert again.reason("news/a", "第一句。") == "lost citation '[3]'"
    again.clear("news/a", "第一句。")
    again.clear("news/a", "第二句。")
    again.save()
    assert FailureLog.load(tmp_path, JA).records == {}


def test_a_corrupt_log_is_an_input_error_not_silently_dropped(tmp_path: Path) -> None:
    path = tmp_path / "failures" / "ja.json"
    path.parent.mkdir()
    path.write_text('{"news/a": {"第一句。": "503"', "utf-8")
    with pytest.raises(InputError) as err:
        FailureLog.load(tmp_path, JA)
    assert err.value.file.endswith("ja.json")
    assert path.read_text("utf-8").startswith('{"news/a"')  # nothing overwritten
