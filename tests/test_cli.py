"""The command line: SPEC section 5's global options, init, and exit codes for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from localize import __version__

ROOT = Path(__file__).resolve().parents[1]


def localize(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command in a subprocess, as a user or a build system would."""
    return subprocess.run(
        [sys.executable, "-m", "localize", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})},
    )


def test_version() -> None:
    result = localize("--version")
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_init_creates_the_project_layout(tmp_path: Path) -> None:
    result = localize("init", str(tmp_path / "p"), "--source", "zh_TW", "--target", "en", "--target", "ja")
    assert result.returncode == 0, result.stderr
    project = tmp_path / "p"
    for sub in ("content", "glossaries", "locales/templates"):
        assert (project / sub).is_dir()
    text = (project / "localize.toml").read_text("utf-8")
    assert 'source_locale  = "zh-Hant-TW"' in text
    assert 'target_locales = ["en", "ja"]' in text


def test_init_twice_exits_2_naming_the_file(tmp_path: Path) -> None:
    assert localize("init", str(tmp_path), "--source", "en").returncode == 0
    result = localize("init", str(tmp_path), "--source", "en")
    assert result.returncode == 2
    assert "localize.toml" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_locale_exits_2_with_suggestion(tmp_path: Path) -> None:
    result = localize("init", str(tmp_path), "--source", "zh_TWW")
    assert result.returncode == 2
    assert "zh-Hant-TW" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "localize.toml").exists()


def test_bad_usage_exits_2() -> None:
    result = localize("translate", "--no-such-option")
    assert result.returncode == 2


def test_missing_config_exits_2(tmp_path: Path) -> None:
    result = localize("--project", str(tmp_path), "status")
    assert result.returncode == 2
    assert "localize.toml" in result.stderr


def test_malformed_config_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "localize.toml").write_text('source_locale = "en"\npublish = 3\n', encoding="utf-8")
    result = localize("--project", str(tmp_path), "status")
    assert result.returncode == 2
    assert "localize.toml:2:" in result.stderr


def test_segments_json_on_the_sample_article() -> None:
    result = localize("--project", str(ROOT), "segments", "content/news/gemma-4-open-model.md", "--json", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    segments = json.loads(result.stdout)
    assert segments[0]["kind"] == "title"
    assert segments[0]["block"] == 0 and segments[0]["line"] == 2
    assert {"id", "block", "kind", "line", "text"} <= set(segments[0])
    texts = [s["text"] for s in segments]
    assert "Google 在 2026 年 4 月把 Gemma 4 推向開放模型生態,重點不是單純免費。[1]" in texts
    assert len(texts) >= 25


@pytest.mark.parametrize(
    ("content", "suffix", "words"),
    [
        (b"\xff\xfe bad", ".md", "UTF-8"),
        (b"# ok\n\x00\n", ".md", "NUL"),
        (b"", ".md", "empty"),
        (b"---\ntitle: [unclosed\n---\n# x\n", ".md", "YAML"),
        (b"<html><body><script>x()</script></body></html>", ".html", "text"),
        (b"---\nslug: ../../etc\n---\n# x\n", ".md", "slug"),
    ],
)
def test_segments_bad_input_exits_2_naming_the_file(tmp_path: Path, content: bytes, suffix: str, words: str) -> None:
    path = tmp_path / f"article{suffix}"
    path.write_bytes(content)
    result = localize("segments", str(path), "--locale", "en", cwd=tmp_path)
    assert result.returncode == 2
    assert "article" in result.stderr
    assert words.lower() in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_segments_missing_file_exits_2(tmp_path: Path) -> None:
    result = localize("segments", "nope.md", cwd=tmp_path)
    assert result.returncode == 2
    assert "nope.md" in result.stderr
