"""translate_project end to end: deep-translator's LibreTranslator over HTTP to a fake server.

Each test writes a small project (localize.toml plus PO files written with
polib), points the `libre` engine at a LibreServer on 127.0.0.1 and checks
what lands in the PO files, the cache and the server's request log.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

import polib
import pytest

from conftest import require_tool
from fakeservers.mt_servers import LibreServer
from localize.catalog.state import entry_state
from localize.errors import EngineError
from localize.failures import FailureLog
from localize.project import Project
from localize.translate import run as run_module
from localize.translate import translate_project
from localize.translate.progress import Progress

SENTENCES = [
    "Gemma 4 以 Apache 2.0 授權發布[3]。",
    "安裝方式是執行 `pip install gemma`[5]。",
    "詳細說明請見 https://example.com/gemma 網頁。",
    "這個模型可以在筆電上執行。",
    "它支援一百四十種語言[2][7]。",
]


def distinct_sentences(count: int, seed: str = "") -> list[str]:
    """Sentences too unlike each other for the TM's near matching (which would fill them)."""
    sentences = []
    for number in range(count):
        digest = hashlib.sha256(f"{seed}{number}".encode()).digest()
        sentences.append("".join(chr(0x4E00 + b * 37 % 20000) for b in digest[:12]) + "。")
    return sentences


def english(text: str, source: str, target: str) -> str:
    """The fake service's "translation": recognisable, and it keeps every token intact."""
    return f"EN: {text}"


def write_po(path: Path, msgids: Sequence[str], source_file: str = "content/a.md") -> None:
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": path.stem,
        "Language": "en",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    for line, msgid in enumerate(msgids, 1):
        po.append(polib.POEntry(msgid=msgid, msgstr="", occurrences=[(source_file, str(line))]))
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))


def make_project(
    root: Path, url: str, msgids: Sequence[str] = SENTENCES, **engine: object
) -> Project:
    settings = {"concurrency": 4, "timeout": 2.0, "retries": 4, "max_retry_after": 0.05, **engine}
    lines = ['source_locale = "zh-Hant-TW"', 'target_locales = ["en"]', "", "[engine]"]
    lines.append('name = "libre"')
    lines.append(f'url = "{url}"')
    lines += [f"{key} = {json.dumps(value)}" for key, value in settings.items()]
    root.mkdir(parents=True, exist_ok=True)
    (root / "localize.toml").write_text("\n".join(lines) + "\n", "utf-8")
    write_po(root / "locales/en/LC_MESSAGES/a.po", msgids)
    return Project.open(root)


def entries(project: Project, slug: str = "a") -> dict[str, polib.POEntry]:
    po = polib.pofile(str(project.root / f"locales/en/LC_MESSAGES/{slug}.po"))
    return {e.msgid: e for e in po if not e.obsolete}


def run(project: Project, **kwargs: object) -> object:
    return translate_project(project, progress=False, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def server() -> Iterator[LibreServer]:
    with LibreServer(english) as fake:
        yield fake


def test_translations_land_as_fuzzy_machine_entries_with_placeables(
    tmp_path: Path, server: LibreServer
) -> None:
    project = make_project(tmp_path, server.url)
    report = run(project)
    found = entries(project)
    for msgid in SENTENCES:
        entry = found[msgid]
        assert entry_state(entry) == "machine"
        assert "fuzzy" in entry.flags
        assert "machine translation: libre" in entry.tcomment
        assert entry.msgstr.startswith("EN: ")
    assert "[3]" in found[SENTENCES[0]].msgstr and "Apache 2.0" in found[SENTENCES[0]].msgstr
    assert "`pip install gemma`" in found[SENTENCES[1]].msgstr
    assert "https://example.com/gemma" in found[SENTENCES[2]].msgstr
    assert "[2][7]" in found[SENTENCES[4]].msgstr
    assert report.exit_code == 0
    row = report.engines[0]
    assert (row.engine, row.locale, row.segments, row.failed) == ("libre", "en", 5, 0)
    assert row.characters == server.counters["chars"] > 0
    assert row.requests == server.counters["requests"]


def test_written_catalog_is_valid_gettext(tmp_path: Path, server: LibreServer) -> None:
    require_tool("msgfmt")
    project = make_project(tmp_path, server.url)
    run(project)
    po_path = project.root / "locales/en/LC_MESSAGES/a.po"
    result = subprocess.run(
        ["msgfmt", "-c", "-o", "/dev/null", str(po_path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_faults_are_survived(tmp_path: Path) -> None:
    faults = {1: "429", 2: "503", 3: "reset", 4: "malformed", 5: "hang", 6: "500", 7: "empty"}
    with LibreServer(english, faults=faults, retry_after="3600", hang_seconds=1.0) as fake:
        project = make_project(tmp_path, fake.url, concurrency=2, timeout=0.3, retries=6)
        report = run(project)
    found = entries(project)
    assert all(entry_state(found[m]) == "machine" for m in SENTENCES)
    assert report.exit_code == 0
    assert report.engines[0].retries == len(faults)
    assert report.elapsed_s < 10  # Retry-After: 3600 was capped by max_retry_after


def test_sixteen_workers_never_mix_results(tmp_path: Path) -> None:
    msgids = distinct_sentences(200)
    with LibreServer(english, latency=0.01) as fake:
        project = make_project(tmp_path, fake.url, msgids, concurrency=16)
        run(project)
        assert fake.max_in_flight > 4
    found = entries(project)
    for msgid in msgids:
        assert found[msgid].msgstr == f"EN: {msgid}"


class InterruptAfter(Progress):
    """Raises KeyboardInterrupt in the main thread, as Ctrl-C would, after ``count`` answers."""

    def __init__(self, count: int):
        self.count = count
        self.seen = 0

    def advance(self, count: int) -> None:
        self.seen += count
        if self.seen >= self.count:
            raise KeyboardInterrupt


def test_interrupted_run_keeps_what_finished_and_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    msgids = distinct_sentences(60)
    with LibreServer(english, latency=0.02) as fake:
        project = make_project(tmp_path, fake.url, msgids, concurrency=4)
        monkeypatch.setattr(run_module, "make_progress", lambda show, quiet: InterruptAfter(10))
        with pytest.raises(KeyboardInterrupt):
            run(project)
        first = fake.answered
        assert 10 <= len(first) < 60
        done = {m for m, e in entries(project).items() if e.msgstr}
        assert len(done) >= 10  # saved before re-raising
        monkeypatch.undo()
        fake.reset_logs()
        report = run(project)
        second = fake.requests
    assert not set(first) & set(second)  # nothing answered before was sent again
    assert len(first) + len(second) == 60
    assert all(e.msgstr == f"EN: {m}" for m, e in entries(project).items())
    assert report.engines[0].cache_hits == 60 - len(done) - len(second)


def test_second_unchanged_run_sends_nothing(tmp_path: Path, server: LibreServer) -> None:
    project = make_project(tmp_path, server.url)
    run(project)
    server.reset_logs()
    report = run(project)
    assert server.requests == []
    assert report.characters == 0 and report.engines[0].requests == 0


def test_deleted_catalogs_are_refilled_from_the_cache(tmp_path: Path, server: LibreServer) -> None:
    project = make_project(tmp_path, server.url)
    run(project)
    server.reset_logs()
    write_po(project.root / "locales/en/LC_MESSAGES/a.po", SENTENCES)  # catalogs lost
    report = run(project)
    assert server.requests == []
    assert report.engines[0].cache_hits == len(SENTENCES)
    assert all(entry_state(e) == "machine" for e in entries(project).values())


def test_identical_texts_are_sent_once_across_files(tmp_path: Path, server: LibreServer) -> None:
    project = make_project(tmp_path, server.url)
    write_po(project.root / "locales/en/LC_MESSAGES/news/b.po", SENTENCES[:3], "content/news/b.md")
    run(project)
    assert len(server.requests) == len(set(server.requests)) == len(SENTENCES)
    assert entries(project, "news/b")[SENTENCES[0]].msgstr == entries(project)[SENTENCES[0]].msgstr


def test_max_chars_caps_what_is_sent_and_the_rest_resumes(tmp_path: Path) -> None:
    msgids = distinct_sentences(20)
    with LibreServer(english) as fake:
        project = make_project(tmp_path, fake.url, msgids, concurrency=1)
        dry = run(project, dry_run=True)
        per_text = dry.engines[0].characters // 20
        report = run(project, max_chars=per_text * 7 + 3)
        assert report.exit_code == 1
        assert report.characters <= per_text * 7 + 3
        assert report.engines[0].segments == 7
        filled = [m for m, e in entries(project).items() if e.msgstr]
        assert len(filled) == 7
        first = fake.requests
        fake.reset_logs()
        rest = run(project)
        assert rest.exit_code == 0
        assert not set(first) & set(fake.requests) and len(fake.requests) == 13


def test_dry_run_sends_nothing_and_predicts_the_real_run(tmp_path: Path) -> None:
    with LibreServer(english) as fake:
        project = make_project(tmp_path, fake.url, price_per_million_chars=20.0)
        run(project, locales=None)
        write_po(
            project.root / "locales/en/LC_MESSAGES/b.po",
            [*SENTENCES[:2], "全新的一句。", "另一句。"],
        )
        fake.reset_logs()
        dry = run(project, dry_run=True)
        assert fake.requests == []
        assert not (project.state_dir / "failures").exists()
        real = run(project)
    d, r = dry.engines[0], real.engines[0]
    assert (
        (d.segments, d.characters, d.requests)
        == (r.segments, r.characters, r.requests)
        == (2, r.characters, 2)
    )
    assert d.tm_hits == 2 and r.tm_hits == 2  # SENTENCES[:2] are exact TM matches from a.po
    assert d.estimated_cost == pytest.approx(r.characters * 20.0 / 1e6)
    assert dry.to_json()["dry_run"] is True
    assert set(dry.to_json()["engines"][0]) == {
        "engine",
        "locale",
        "segments",
        "characters",
        "cache_hits",
        "tm_hits",
        "requests",
        "retries",
        "failed",
        "estimated_cost",
        "model",
        "input_tokens",
        "output_tokens",
    }
    assert dry.to_json()["engines"][0]["model"] is None  # model and tokens are the llm engine's
    assert dry.to_json()["engines"][0]["input_tokens"] == 0


def test_engine_refusing_every_request_is_an_engine_error(tmp_path: Path) -> None:
    with LibreServer(english, api_key="secret") as fake:
        project = make_project(tmp_path, fake.url, distinct_sentences(40), concurrency=2)
        with pytest.raises(EngineError, match="refused every request.*credentials"):
            run(project)
        assert len(fake.requests) < 10  # it stopped instead of sending all 40
    assert all(not e.msgstr for e in entries(project).values())


def test_failed_entries_are_recorded_and_retried_only_on_request(tmp_path: Path) -> None:
    def always_500(number: int, texts: Sequence[str]) -> str | None:
        return "500" if any("筆電" in t for t in texts) else None

    with LibreServer(english, fault_when=always_500) as fake:
        project = make_project(tmp_path, fake.url, retries=1)
        report = run(project)
        assert report.exit_code == 1 and report.engines[0].failed == 1
        failed = SENTENCES[3]
        assert not entries(project)[failed].msgstr
        reason = FailureLog.load(project.state_dir, project.settings.target_locales[0]).reason(
            "a", failed
        )
        assert reason and "500" in reason
        fake.reset_logs()
        again = run(project)
        assert fake.requests == [] and again.exit_code == 0
        fake.fault_when = None
        retried = run(project, retry_failed=True)
    assert retried.exit_code == 0 and entries(project)[failed].msgstr
    log = FailureLog.load(project.state_dir, project.settings.target_locales[0])
    assert log.reason("a", failed) is None


def test_unverifiable_answers_fail_but_stay_in_the_cache(tmp_path: Path) -> None:
    def drop_tokens(text: str, source: str, target: str) -> str:
        return "a broken answer [9]" if "授權" in text else f"EN: {text}"

    with LibreServer(drop_tokens) as fake:
        project = make_project(tmp_path, fake.url)
        report = run(project)
        sent_first = list(fake.requests)
        fake.reset_logs()
        again = run(project, retry_failed=True)
        assert fake.requests == []  # every masked text already has an answer, verified or not
    assert report.engines[0].failed == 1 and again.engines[0].failed == 1
    assert "verification failed" in report.engines[0].failures[0].reason
    assert not entries(project)[SENTENCES[0]].msgstr
    assert len(sent_first) > len(SENTENCES)  # the repair ladder asked again, masked otherwise


def test_stale_entries_are_refreshed_only_on_request(tmp_path: Path, server: LibreServer) -> None:
    project = make_project(tmp_path, server.url)
    path = project.root / "locales/en/LC_MESSAGES/a.po"
    po = polib.pofile(str(path), wrapwidth=0)
    stale = po.find(SENTENCES[3])
    stale.msgstr, stale.previous_msgid, stale.flags = "An old translation.", "舊的句子。", ["fuzzy"]
    po.save(str(path))
    run(project)
    assert entries(project)[SENTENCES[3]].msgstr == "An old translation."
    run(project, refresh_stale=True)
    entry = entries(project)[SENTENCES[3]]
    assert entry.msgstr == f"EN: {SENTENCES[3]}"
    assert entry_state(entry) == "machine" and not entry.previous_msgid
    assert "previous translation: An old translation." in entry.tcomment


def test_memory_engine_runs_the_tm_pass_only(tmp_path: Path, server: LibreServer) -> None:
    project = make_project(tmp_path, server.url)
    run(project)
    write_po(project.root / "locales/en/LC_MESSAGES/b.po", [SENTENCES[0], "沒有記憶的句子。"])
    server.reset_logs()
    report = run(project, engine_override="memory")
    assert server.requests == []
    assert report.engines[0].engine == "memory" and report.engines[0].tm_hits == 1
    b = entries(project, "b")
    assert b[SENTENCES[0]].msgstr == f"EN: {SENTENCES[0]}" and not b["沒有記憶的句子。"].msgstr


def test_progress_lines_on_plain_stderr_and_nothing_when_quiet(
    tmp_path: Path, server: LibreServer, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(tmp_path, server.url, distinct_sentences(10))
    translate_project(project, quiet=True)
    assert capsys.readouterr().err == ""
    write_po(project.root / "locales/en/LC_MESSAGES/b.po", distinct_sentences(10, "b"))
    report = translate_project(project)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "en [libre]: 10 text(s) to translate" in captured.err
    assert "10/10 (100%)" in captured.err
    assert "libre" in report.to_text() and "segments" in report.to_text()


def test_pseudo_locale_uses_the_pseudo_engine_offline(tmp_path: Path, server: LibreServer) -> None:
    project = make_project(tmp_path, server.url)
    toml = project.config_path.read_text("utf-8").replace('["en"]', '["en", "en-XA"]')
    project.config_path.write_text(toml, "utf-8")
    write_po(project.root / "locales/en_XA/LC_MESSAGES/a.po", SENTENCES)
    project = Project.open(project.root)
    report = run(project)
    rows = {row.locale: row for row in report.engines}
    assert rows["en-XA"].engine == "pseudo" and rows["en"].engine == "libre"
    assert len(server.requests) == len(SENTENCES)  # only en went over HTTP
    po = polib.pofile(str(project.root / "locales/en_XA/LC_MESSAGES/a.po"))
    for entry in po:
        assert "machine translation: pseudo" in entry.tcomment
        assert entry.msgstr and entry.msgstr != entry.msgid
    assert "[3]" in po.find(SENTENCES[0]).msgstr


def test_progress_is_a_rich_bar_on_a_terminal() -> None:
    import io

    from localize.translate.progress import LineProgress, RichProgress, make_progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    bar = make_progress(True, False, terminal)
    assert isinstance(bar, RichProgress)
    bar.start("ja [libre]", 4)
    bar.advance(4)
    bar.finish("4 translated")
    bar.close()
    assert "ja [libre]" in terminal.getvalue()
    assert isinstance(make_progress(True, False, io.StringIO()), LineProgress)
    assert type(make_progress(True, True, terminal)).__name__ == "Progress"


def test_sigint_exits_130_after_saving_and_the_next_run_resumes(tmp_path: Path) -> None:
    import os
    import signal
    import sys
    import time

    msgids = distinct_sentences(80)
    with LibreServer(english, latency=0.05) as fake:
        project = make_project(tmp_path, fake.url, msgids, concurrency=2)
        command = [sys.executable, "-m", "localize", "--project", str(project.root), "translate"]
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        deadline = time.monotonic() + 30
        while len(fake.answered) < 10 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.01)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
        assert process.returncode == 130, err.decode()
        answered_first = set(fake.answered)
        saved = {m for m, e in entries(project).items() if e.msgstr}
        assert 10 <= len(saved) < 80
        fake.reset_logs()
        report = run(project)
        assert not answered_first & set(fake.requests)
    assert report.exit_code == 0
    assert all(e.msgstr == f"EN: {m}" for m, e in entries(project).items())
