"""Caps for what no one means to translate in one piece (issue 12, point 2; SPEC section 9).

``max_segment_chars`` and ``max_article_bytes`` in localize.toml (generous
defaults): beyond them ``extract`` and ``build`` exit 2 naming the file (and
the sentence's line), writing nothing.
"""

from __future__ import annotations

from pathlib import Path

from localize.config import DEFAULT_MAX_ARTICLE_BYTES, DEFAULT_MAX_SEGMENT_CHARS, parse_settings
from workflow_support import run_cli, snapshot


def _project(tmp_path: Path, caps: str = "") -> Path:
    project = tmp_path / "p"
    assert run_cli(tmp_path, "init", str(project), "--source", "en", "--target", "fr").code == 0
    config = project / "localize.toml"
    config.write_text(caps + config.read_text("utf-8"), "utf-8")
    (project / "content" / "ok.md").write_text("# Fine\n\nA short sentence.\n", "utf-8")
    return project


def test_the_defaults_are_generous_and_documented() -> None:
    settings = parse_settings({"source_locale": "en"}, Path("."))
    assert settings.max_segment_chars == DEFAULT_MAX_SEGMENT_CHARS == 20_000
    assert settings.max_article_bytes == DEFAULT_MAX_ARTICLE_BYTES == 10_000_000
    docs = (Path(__file__).resolve().parents[1] / "docs" / "hardening.md").read_text("utf-8")
    assert "max_segment_chars" in docs and "max_article_bytes" in docs


def test_a_sentence_over_max_segment_chars_is_exit_2_with_file_and_line(tmp_path: Path) -> None:
    project = _project(tmp_path, "max_segment_chars = 500\n")
    (project / "content" / "long.md").write_text(
        "# Title\n\nShort one.\n\n" + "word " * 200 + "\n", "utf-8"
    )
    before = snapshot(project, "locales")
    for command in ("extract", "build"):
        result = run_cli(project, command)
        assert result.code == 2, (command, result.err)
        assert "content/long.md:5:" in result.err and "max_segment_chars" in result.err
        assert "Traceback" not in result.err
    assert snapshot(project, "locales") == before


def test_an_article_over_max_article_bytes_is_exit_2_naming_it(tmp_path: Path) -> None:
    project = _project(tmp_path, "max_article_bytes = 100000\n")
    (project / "content" / "huge.md").write_text("# Huge\n\n" + "Sentence. " * 20_000, "utf-8")
    for command in ("extract", "build"):
        result = run_cli(project, command)
        assert result.code == 2, (command, result.err)
        assert "content/huge.md" in result.err and "max_article_bytes" in result.err


def test_a_10_mb_line_without_a_sentence_end_is_refused_at_once(tmp_path: Path) -> None:
    """The red team's 10 MB line never finished (4.4 GB); with the default caps it is exit 2."""
    project = _project(tmp_path)
    (project / "content" / "line.md").write_text("# Line\n\n" + "a" * 10_000_000 + "\n", "utf-8")
    result = run_cli(project, "extract")
    assert result.code == 2 and "content/line.md" in result.err


def test_a_cap_must_be_a_positive_whole_number(tmp_path: Path) -> None:
    project = _project(tmp_path, "max_segment_chars = 0\n")
    result = run_cli(project, "extract")
    assert result.code == 2 and "localize.toml:1:" in result.err
