"""Build-system workflow through the CLI (SPEC sections 1, 5 and 8).

Deterministic output (a second `run` rewrites nothing), exit codes that mean
something, one JSON document on standard output for every `--json` command,
logs on standard error, `--quiet`, the manifest, and `check --site`.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from workflow_support import copy_sample, run_cli, snapshot

MACHINE_LOCALES = ("zh_Hans_CN", "en_XA", "ar_XB")
NEWS_PO = Path("locales/en/LC_MESSAGES/news/gemma-4-open-model.po")
NEWS_MD = "content/news/gemma-4-open-model.md"


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project with its machine catalogs removed, after one `run` that remade them."""
    project = copy_sample(tmp_path_factory.mktemp("build") / "project")
    for locale in MACHINE_LOCALES:
        shutil.rmtree(project / "locales" / locale)
    first = run_cli(project, "run")
    assert first.code == 0, first.err
    return project


@pytest.fixture()
def built(built_once: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(built_once, tmp_path / "project"))


def test_second_run_rewrites_nothing(built: Path) -> None:
    assert (built / "locales/en_XA/LC_MESSAGES/news/gemma-4-open-model.po").exists()
    before = snapshot(built, "locales", "site")
    again = run_cli(built, "run")
    assert again.code == 0, again.err
    assert snapshot(built, "locales", "site") == before


def test_json_commands_print_one_document_and_log_to_stderr(built: Path) -> None:
    for locale in MACHINE_LOCALES:  # so `translate --json` really works and logs progress
        shutil.rmtree(built / "locales" / locale)
    assert run_cli(built, "extract").code == 0
    commands = [
        ("translate", "--dry-run", "--json"),
        ("translate", "--json"),
        ("status", "--json"),
        ("check", "--json"),
        ("check", "--site", "--json"),
        ("segments", NEWS_MD, "--json"),
    ]
    logged = []
    for command in commands:
        result = run_cli(built, *command)
        assert result.code == 0, (command, result.err)
        document = json.loads(result.out)  # nothing but one JSON document
        assert isinstance(document, (dict, list)), command
        logged.append(bool(result.err_lines))
    assert logged[1], "translate logged no progress on stderr"
    again = json.loads(run_cli(built, "translate", "--json").out)
    assert again["dry_run"] is False
    assert sum(row["segments"] for row in again["engines"]) == 0


def test_dry_run_figures_equal_the_real_run(built: Path) -> None:
    for locale in MACHINE_LOCALES:
        shutil.rmtree(built / "locales" / locale)
    assert run_cli(built, "extract").code == 0
    dry = json.loads(run_cli(built, "translate", "--dry-run", "--json").out)
    real = json.loads(run_cli(built, "translate", "--json").out)
    assert dry["dry_run"] is True and real["dry_run"] is False
    keys = ("engine", "locale", "segments", "characters", "requests")
    assert [[r[k] for k in keys] for r in dry["engines"]] == [
        [r[k] for k in keys] for r in real["engines"]
    ]
    assert sum(r["segments"] for r in real["engines"]) > 0


def test_quiet_silences_logs_and_progress(built: Path) -> None:
    for locale in MACHINE_LOCALES:
        shutil.rmtree(built / "locales" / locale)
    shutil.rmtree(built / "site")
    result = run_cli(built, "--quiet", "run")
    assert result.code == 0
    assert result.err == ""
    assert (built / "locales/ar_XB/LC_MESSAGES/news/gemma-4-open-model.po").exists()


def test_manifest_describes_every_page(built: Path) -> None:
    site = built / "site"
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["base_url"] == "https://example.com/news"
    assert manifest["source_locale"] == "zh-Hant-TW"
    slugs = {article["slug"] for article in manifest["articles"]}
    assert slugs == {"news/gemma-4-open-model", "guides/on-device-ai"}
    for article in manifest["articles"]:
        assert (built / article["source"]).is_file()
        locales = {page["locale"] for page in article["pages"]}
        assert {"zh-Hant-TW", "en", "ja", "zh-Hans-CN", "en-XA", "ar-XB"} <= locales
        for page in article["pages"]:
            path = site / page["path"]
            assert hashlib.sha256(path.read_bytes()).hexdigest() == page["sha256"]
            assert page["url"].startswith("https://example.com/news/")
            assert page["url"].endswith(page["path"].removesuffix("index.html"))
            pseudo = page["locale"] in ("en-XA", "ar-XB")
            assert (page["hreflang"] is None) == pseudo
            done = page["completion"]
            assert done["reviewed"] + done["machine"] + done["missing"] == done["total"] > 0


def test_exit_codes(built: Path) -> None:
    assert run_cli(built, "check").code == 0
    assert run_cli(built, "status").code == 0
    missing = run_cli(built, "segments", "content/nope.md")
    assert missing.code == 2 and "nope.md" in missing.err and "Traceback" not in missing.err
    usage = run_cli(built, "translate", "--no-such-option")
    assert usage.code == 2


def test_qa_error_exits_1_and_run_still_builds_with_the_source_fallback(built: Path) -> None:
    po = built / NEWS_PO
    text = po.read_text(encoding="utf-8")
    broken = text.replace("that it is free.[1]\"", "that it is free.\"")
    assert broken != text
    po.write_text(broken, encoding="utf-8")
    check = run_cli(built, "check", "--json")
    assert check.code == 1
    findings = json.loads(check.out)["findings"]
    assert [(f["check"], f["locale"], f["slug"]) for f in findings] == [
        ("citations", "en", "news/gemma-4-open-model")
    ]
    result = run_cli(built, "run")
    assert result.code == 1
    page = (built / "site/en/news/gemma-4-open-model/index.html").read_text(encoding="utf-8")
    assert "重點不是單純免費。[1]" in page
    assert "that it is free." not in page


def test_check_site_passes_fresh_build_and_fails_a_broken_page(built: Path) -> None:
    fresh = run_cli(built, "check", "--site", "--json")
    assert fresh.code == 0, fresh.out
    assert json.loads(fresh.out)["errors"] == 0
    page = built / "site/en/news/gemma-4-open-model/index.html"
    html = page.read_text(encoding="utf-8")
    broken = re.sub(r'<link rel="alternate" hreflang="ja"[^>]*>', "", html, count=1)
    assert broken != html
    page.write_text(broken, encoding="utf-8")
    result = run_cli(built, "check", "--site", "--json")
    assert result.code == 1
    report = json.loads(result.out)
    assert report["errors"] > 0
    assert {f["check"] for f in report["findings"]} >= {"hreflang"}
    assert all(f["line"] == 0 for f in report["findings"])
    assert run_cli(built, "build").code == 0  # a rebuild repairs the page
    assert run_cli(built, "check", "--site").code == 0
