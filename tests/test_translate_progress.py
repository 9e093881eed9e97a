"""The progress display counts entries, so it ends at total/total and never passes it (issue 11).

Repairs (an answer that fails verification is sent again in another token style),
texts sent in several pieces and identical texts sent once are all counted per entry.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from fakeservers.mt_servers import LibreServer
from localize.translate import run as run_module
from localize.translate import translate_project
from localize.translate.progress import LineProgress, Progress
from test_translate_run import SENTENCES, distinct_sentences, entries, make_project


class Recorder(Progress):
    """Every call the run makes, as (done, total) after each advance."""

    def __init__(self) -> None:
        self.total = 0
        self.done = 0
        self.seen: list[tuple[int, int]] = []
        self.starts = 0

    def start(self, label: str, total: int) -> None:
        self.total, self.done, self.starts = total, 0, self.starts + 1

    def advance(self, count: int) -> None:
        self.done += count
        self.seen.append((self.done, self.total))


def drop_word_tokens(text: str, source: str, target: str) -> str:
    """An engine that loses ZX0Q-style tokens: every entry with a placeable needs a repair."""
    return "EN: " + re.sub(r"ZX\d+Q", "", text)


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, msgids, translate_fn) -> Recorder:
    recorder = Recorder()
    monkeypatch.setattr(run_module, "make_progress", lambda show, quiet: recorder)
    with LibreServer(translate_fn) as fake:
        project = make_project(tmp_path, fake.url, msgids)
        report = translate_project(project)
    assert report.engines[0].failed == 0
    assert all(e.msgstr for e in entries(project).values())
    return recorder


def test_repairs_do_not_push_progress_past_the_total(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = _run(tmp_path, monkeypatch, SENTENCES, drop_word_tokens)
    assert recorder.starts == 1 and recorder.total == len(SENTENCES)
    assert all(done <= total for done, total in recorder.seen), recorder.seen
    assert recorder.seen[-1] == (len(SENTENCES), len(SENTENCES))


def test_identical_texts_sent_once_still_reach_the_total(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two entries whose masked texts are equal (only their citation differs) share one request."""
    msgids = ["這個模型很小[1]。", "這個模型很小[2]。", *distinct_sentences(3)]
    recorder = _run(tmp_path, monkeypatch, msgids, lambda t, s, g: f"EN: {t}")
    assert all(done <= total for done, total in recorder.seen), recorder.seen
    assert recorder.seen[-1] == (len(msgids), len(msgids))


def test_line_progress_never_prints_more_than_the_total() -> None:
    stream = io.StringIO()
    progress = LineProgress(stream, interval=0)
    progress.start("en [libre]", 3)
    for _ in range(5):
        progress.advance(1)
    lines = stream.getvalue().splitlines()
    assert lines[-1] == "en [libre]: 3/3 (100%)"
    for line in lines[1:]:
        done, total, percent = map(int, re.findall(r"(\d+)/(\d+) \((\d+)%\)", line)[0])
        assert done <= total and percent <= 100, line
