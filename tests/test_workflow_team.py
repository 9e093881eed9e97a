"""Localization-team workflow through the CLI against a fake LibreTranslate (SPEC 1, 5, 7).

Placeables and glossary terms survive, machine entries are marked, the dry
run predicts the real run, nothing is paid for twice, a refusing server
stops the run with exit 2 and a run resumes once it is fixed, `--max-chars`
is a hard cap, and the project lock keeps a second run out.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest

from fakeservers.mt_servers import LibreServer
from workflow_support import copy_sample, run_cli, set_engine_url, snapshot

TARGETS = 'target_locales = ["en", "ja"]'
CITATION = re.compile(r"\[\d+\]")


def _team_project(root: Path, url: str) -> Path:
    """The sample articles and glossary, no catalogs yet, en and ja through libre at URL."""
    project = copy_sample(root)
    for child in (project / "locales").iterdir():
        if child.name != "templates":
            shutil.rmtree(child)
    config = project / "localize.toml"
    text = re.sub(r"target_locales\s*=.*", TARGETS, config.read_text(encoding="utf-8"))
    config.write_text(text.split('[engines."zh-Hans-CN"]')[0], encoding="utf-8")
    set_engine_url(project, "libre", url)
    return project


@pytest.fixture()
def libre() -> Iterator[LibreServer]:
    with LibreServer() as server:
        yield server


def _sent_chars(server: LibreServer) -> int:
    return sum(len(text) for text in server.requests)


def _po(project: Path, locale: str) -> list[polib.POEntry]:
    folder = project / "locales" / locale / "LC_MESSAGES"
    return [e for path in sorted(folder.rglob("*.po")) for e in polib.pofile(str(path))]


def test_libre_keeps_placeables_and_terms_and_dry_run_predicts_the_run(
    tmp_path: Path, libre: LibreServer
) -> None:
    project = _team_project(tmp_path / "p", libre.url)
    assert run_cli(project, "extract").code == 0
    dry = run_cli(project, "translate", "--dry-run", "--json")
    assert dry.code == 0, dry.err
    assert libre.requests == []  # a dry run sends nothing
    real = run_cli(project, "translate", "--json")
    assert real.code == 0, real.err
    dry_rows, real_rows = json.loads(dry.out)["engines"], json.loads(real.out)["engines"]
    keys = ("engine", "locale", "segments", "characters", "requests")
    assert [[r[k] for k in keys] for r in dry_rows] == [[r[k] for k in keys] for r in real_rows]
    assert sum(r["characters"] for r in real_rows) == _sent_chars(libre) > 0
    for entry in _po(project, "en"):
        assert entry.msgstr and entry.fuzzy
        assert "machine translation: libre" in entry.tcomment
        assert CITATION.findall(entry.msgstr) == CITATION.findall(entry.msgid)
        for keep in ("Gemma 4", "Apache 2.0", "Android AICore", "`pip install gemma-tools`"):
            assert entry.msgid.count(keep) == entry.msgstr.count(keep), entry.msgid
        if "開放模型" in entry.msgid:
            assert "open model" in entry.msgstr
    sent = len(libre.requests)
    again = run_cli(project, "translate", "--json")
    assert again.code == 0
    assert len(libre.requests) == sent  # nothing sent twice
    assert sum(r["characters"] for r in json.loads(again.out)["engines"]) == 0


def test_refusing_server_exits_2_in_one_line_and_the_fixed_run_resumes(tmp_path: Path) -> None:
    with LibreServer(api_key="right-key") as server:
        project = _team_project(tmp_path / "p", server.url)
        assert run_cli(project, "extract").code == 0
        before = snapshot(project, "locales")
        refused = run_cli(project, "--quiet", "translate")
        assert refused.code == 2
        assert len(refused.err_lines) == 1, refused.err
        assert "libre" in refused.err and "Traceback" not in refused.err
        assert snapshot(project, "locales") == before
        fixed = run_cli(project, "translate", env={"LIBRE_API_KEY": "right-key"})
        assert fixed.code == 0, fixed.err  # entries refused for the wrong key are not "failed"
    totals = json.loads(run_cli(project, "status", "--json").out)["totals"]
    for locale in ("en", "ja"):
        assert totals[locale]["missing"] == 0 and totals[locale]["failed"] == 0


def test_max_chars_is_a_hard_cap_and_the_run_resumes_without_paying_twice(
    tmp_path: Path, libre: LibreServer
) -> None:
    project = _team_project(tmp_path / "p", libre.url)
    assert run_cli(project, "extract").code == 0
    planned = json.loads(run_cli(project, "translate", "--dry-run", "--json").out)
    total = sum(r["characters"] for r in planned["engines"])
    capped = run_cli(project, "translate", "--max-chars", "500", "--json")
    assert capped.code == 1
    assert 0 < _sent_chars(libre) <= 500
    assert sum(r["characters"] for r in json.loads(capped.out)["engines"]) == _sent_chars(libre)
    rest = run_cli(project, "translate")
    assert rest.code == 0, rest.err
    assert _sent_chars(libre) == total  # the capped part was not sent again
    totals = json.loads(run_cli(project, "status", "--json").out)["totals"]
    assert totals["en"]["missing"] == totals["ja"]["missing"] == 0


def test_second_run_while_locked_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    project = copy_sample(tmp_path / "p")
    (project / "content/news/gemma-4-open-model.md").write_text(
        (project / "content/news/gemma-4-open-model.md").read_text("utf-8") + "\n新的一段。\n",
        encoding="utf-8",
    )
    lock_path = project / ".localize" / "lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    before = snapshot(project, "locales")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another run holds the project
        result = run_cli(project, "extract")
        assert result.code == 2
        assert len(result.err_lines) == 1 and "lock" in result.err
        assert snapshot(project, "locales") == before
    finally:
        os.close(fd)
    assert run_cli(project, "extract").code == 0
    assert snapshot(project, "locales") != before
