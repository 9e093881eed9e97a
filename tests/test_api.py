"""The library a build script imports: every stage callable from ``localize.api`` without the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from localize import api
from localize.errors import EXIT_NEEDS_ATTENTION

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def sample(tmp_path: Path) -> api.Project:
    """A copy of the sample project at the repository root, without generated catalogs."""
    for name in ("localize.toml", "content", "glossaries", "locales"):
        source = ROOT / name
        target = tmp_path / name
        shutil.copytree(source, target) if source.is_dir() else shutil.copy2(source, target)
    for generated in ("zh_Hans_CN", "en_XA", "ar_XB"):
        shutil.rmtree(tmp_path / "locales" / generated)
    return api.Project.open(tmp_path)


def test_the_readme_example_runs_every_stage(sample: api.Project) -> None:
    extracted = api.extract_project(sample)
    assert "2 article(s)" in str(extracted)
    report = api.translate_project(sample, progress=False)
    rows = {row["locale"]: row for row in report.to_json()["engines"]}
    assert rows["zh-Hans-CN"]["engine"] == "opencc" and rows["zh-Hans-CN"]["failed"] == 0
    assert rows["en-XA"]["engine"] == "pseudo"
    assert rows["en"]["engine"] == "memory"
    qa = api.check_project(sample)
    assert qa.errors == 0
    built = api.build_site(sample)
    manifest = json.loads((built.out / "manifest.json").read_text("utf-8"))
    locales = {page["locale"] for article in manifest["articles"] for page in article["pages"]}
    assert locales == {"zh-Hant-TW", "en", "ja", "zh-Hans-CN", "en-XA", "ar-XB"}
    status = api.project_status(sample)
    assert status["totals"]["zh-Hans-CN"]["missing"] == 0
    assert api.check_site(sample).errors == 0


def test_run_pipeline_builds_even_with_qa_errors_and_reports_exit_1(sample: api.Project) -> None:
    po = sample.root / "locales/en/LC_MESSAGES/news/gemma-4-open-model.po"
    text = po.read_text("utf-8")
    assert "Gemma 4 comes in four sizes" in text
    po.write_text(text.replace("parameters[1].", "parameters."), "utf-8")  # a lost citation marker
    outcome = api.run_pipeline(sample, progress=False, quiet=True)
    assert outcome.exit_code == EXIT_NEEDS_ATTENTION
    assert outcome.reports["check"].errors >= 1
    page = (sample.root / "site/en/news/gemma-4-open-model/index.html").read_text("utf-8")
    assert "Gemma 4 一共有四種尺寸" in page  # that sentence falls back to the source text
    assert "Site built in" in outcome.to_text()


def _tree(root: Path) -> dict[str, tuple[int, bytes]]:
    return {str(p.relative_to(root)): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != ".lock"}


def test_a_second_run_extracts_nothing_and_rewrites_nothing(sample: api.Project) -> None:
    first = api.run_pipeline(sample, progress=False, quiet=True)
    assert first.reports["translate"].to_json()["engines"]  # translate wrote catalogs after extract
    before = _tree(sample.root)
    again = api.run_pipeline(sample, progress=False, quiet=True)
    assert again.reports["extract"].skipped == again.reports["extract"].articles == 2
    assert _tree(sample.root) == before


def test_a_run_that_changes_nothing_never_imports_the_readers(sample: api.Project) -> None:
    """The sample config builds HTML and Markdown: with nothing changed neither reads an article,
    renders a page (Jinja2) or scores a fuzzy match (rapidfuzz)."""
    code = (
        "import sys\n"
        "from localize.cli import main\n"
        "try:\n"
        f"    main(['--quiet', '--project', {str(sample.root)!r}, 'run'])\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        "print(sorted(m for m in ('markdown_it', 'yaml', 'jinja2', 'rapidfuzz', 'localize.readers',"
        " 'localize.segmentation') if m in sys.modules))\n"
    )
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "markdown_it" in first.stdout.splitlines()[-1]  # the first run reads every article
    again = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert again.stdout.splitlines()[-1] == "[]"  # after the run's summary


def test_a_translators_edit_after_a_run_is_merged_by_the_next(sample: api.Project) -> None:
    api.run_pipeline(sample, progress=False, quiet=True)
    po = sample.root / "locales/ja/LC_MESSAGES/news/gemma-4-open-model.po"
    po.write_text(po.read_text("utf-8") + "\n", "utf-8")
    again = api.run_pipeline(sample, progress=False, quiet=True)
    assert again.reports["extract"].skipped == 1


def test_segment_file_uses_the_project_source_locale_or_a_guess(tmp_path: Path) -> None:
    article = tmp_path / "a.md"
    article.write_text("# 標題\n\n第一句。第二句！\n", "utf-8")
    segments = api.segment_file(article, None, tmp_path)
    assert [s.text for s in segments] == ["標題", "第一句。", "第二句！"]
    assert api.guess_language("これはテストです。").language == "ja"
    assert api.guess_language("Plain English.").language == "en"


def test_a_run_writes_the_digest_record_once_and_its_summary_is_the_status(
        sample: api.Project, monkeypatch: pytest.MonkeyPatch) -> None:
    from localize import fileio, stamps

    written: list[str] = []
    real = fileio.write_cache

    def counting(path: Path, version: str, files: dict) -> None:  # type: ignore[type-arg]
        written.append(path.name)
        real(path, version, files)

    monkeypatch.setattr(stamps, "write_cache", counting)
    outcome = api.run_pipeline(sample, progress=False, quiet=True)
    assert written.count(stamps.DIGESTS_NAME) == 1  # every stage asked; the run saved at its end
    record = json.loads((sample.state_dir / stamps.DIGESTS_NAME).read_text("utf-8"))["files"]
    catalog = sample.po_path("news/gemma-4-open-model", sample.settings.target_locales[0])
    assert str(catalog) in record
    assert outcome.status == api.project_status(sample)
