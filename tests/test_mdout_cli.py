"""The Markdown output through the command line: build --format/--layout, run --format, the
sample project's formats, settings errors (SPEC sections 5, 6 and 10)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workflow_support import copy_sample, run_cli, snapshot


@pytest.fixture()
def sample(tmp_path: Path) -> Path:
    return copy_sample(tmp_path / "project")


def set_markdown(project: Path, table: str, top: str = "") -> None:
    config = project / "localize.toml"
    text = config.read_text(encoding="utf-8")
    head, _, _ = text.partition("[markdown]")
    if top:  # replaces the sample's own line for that key
        key = top.split("=")[0].strip()
        head = "".join(line for line in head.splitlines(True) if not line.startswith(key + " "))
    config.write_text(top + head + "[markdown]\n" + table, encoding="utf-8")


def test_run_builds_both_formats_of_the_sample_and_a_second_run_rewrites_nothing(sample: Path) -> None:
    first = run_cli(sample, "run")
    assert first.code == 0, first.err
    assert (sample / "site/en/news/gemma-4-open-model/index.html").is_file()
    assert (sample / "site-md/content/en/news/gemma-4-open-model.md").is_file()
    assert "site-md" in first.out
    manifest = json.loads((sample / "site-md/manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == "markdown" and manifest["layout"] == "hugo"
    assert not any("XA" in p["locale"] or "XB" in p["locale"] for a in manifest["articles"] for p in a["pages"])
    before = snapshot(sample, "site", "site-md")
    assert run_cli(sample, "run").code == 0
    assert snapshot(sample, "site", "site-md") == before


def test_run_format_and_build_layout_choose_what_is_written(sample: Path) -> None:
    only_md = run_cli(sample, "run", "--format", "markdown", "--layout", "docusaurus")
    assert only_md.code == 0, only_md.err
    assert not (sample / "site").exists()
    assert (sample / "site-md/docs/news/gemma-4-open-model.md").is_file()
    assert (sample / "site-md/i18n/zh-CN/docusaurus-plugin-content-docs/current/news/gemma-4-open-model.md").is_file()
    out = sample / "starlight"
    built = run_cli(sample, "build", "--format", "markdown", "--layout", "starlight", "--out", str(out))
    assert built.code == 0, built.err
    assert (out / "src/content/docs/news/gemma-4-open-model.md").is_file()
    assert (out / "src/content/docs/ja/news/gemma-4-open-model.md").is_file()
    assert "starlight layout" in built.err


def test_out_with_both_formats_is_a_usage_error(sample: Path) -> None:
    result = run_cli(sample, "build", "--out", str(sample / "x"))
    assert result.code == 2
    assert "--format" in result.err


def test_bad_locale_names_exit_2_naming_the_locales(sample: Path) -> None:
    set_markdown(sample, 'layout = "mkdocs"\nlocale_names = { "en" = "en/../x", "ja" = "zh_TW" }\n')
    bad = run_cli(sample, "build", "--format", "markdown")
    assert bad.code == 2
    assert "en ('en/../x')" in bad.err and "locale_names" in bad.err
    set_markdown(sample, 'layout = "mkdocs"\nlocale_names = { "ja" = "zh_TW" }\n')
    clash = run_cli(sample, "build", "--format", "markdown")
    assert clash.code == 2
    assert "zh-Hant-TW and ja" in clash.err
    assert not (sample / "site-md").exists()


@pytest.mark.parametrize(("table", "top", "words"), [
    ('layout = "jekyll"\n', "", "layout 'jekyll'"),
    ('layout = "hugo"\nrewrite_link = true\n', "", "unknown setting [markdown] 'rewrite_link'"),
    ('layout = "hugo"\n', 'formats = ["pdf"]\n', "formats must be"),
    ('layout = "hugo"\n', 'front_matter_keys = "tags"\n', "front_matter_keys must be a list"),
    ('path_pattern = "/abs/{path}"\n', "", "path_pattern must be relative"),
])
def test_markdown_settings_errors_name_the_file_and_line(sample: Path, table: str, top: str, words: str) -> None:
    set_markdown(sample, table, top)
    result = run_cli(sample, "build", "--format", "markdown")
    assert result.code == 2
    assert "localize.toml:" in result.err and words in result.err


def test_a_path_pattern_places_files_for_other_generators(sample: Path) -> None:
    set_markdown(sample, 'path_pattern = "{lang}/posts/{slug}"\nlocale_names = { "zh-Hant-TW" = "tw" }\n')
    result = run_cli(sample, "build", "--format", "markdown")
    assert result.code == 0, result.err
    assert (sample / "site-md/tw/posts/news/gemma-4-open-model.md").is_file()
    assert (sample / "site-md/zh-CN/posts/guides/on-device-ai.md").is_file()


def test_front_matter_keys_under_qa_are_pointed_at_the_top_level(sample: Path) -> None:
    config = sample / "localize.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("[qa]\n", "[qa]\nfront_matter_keys = []\n"),
                      encoding="utf-8")
    result = run_cli(sample, "status")
    assert result.code == 2 and "top-level" in result.err


def test_the_markdown_output_is_written_whole_not_by_a_shard(sample: Path) -> None:
    refused = run_cli(sample, "build", "--shard", "1/2", "--format", "markdown")
    assert refused.code == 2 and "written whole" in refused.err
    shard = run_cli(sample, "run", "--shard", "1/2")
    assert shard.code == 0, shard.err
    assert not (sample / "site-md").exists()
    assert "build --finalize" in shard.err
