"""Progress on standard error: a rich bar per locale on a terminal, plain lines otherwise.

Standard output carries only results (the summary table or the JSON), so
everything here goes to stderr, and nothing at all with ``--quiet``.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any, TextIO


class Progress:
    """The interface the run reports to; this base class shows nothing."""

    def start(self, label: str, total: int) -> None:
        """A new locale begins with ``total`` texts to send."""

    def advance(self, count: int) -> None:
        """``count`` more texts were answered (or given up on)."""

    def finish(self, summary: str) -> None:
        """The locale is done; ``summary`` is one line."""

    def close(self) -> None:
        """Tear down whatever display is live."""


class LineProgress(Progress):
    """Plain log lines for logs and CI: start, every ~10 % or 5 s, and the end."""

    def __init__(self, stream: TextIO, interval: float = 5.0):
        self.stream = stream
        self.interval = interval
        self._lock = threading.Lock()
        self._label = ""
        self._total = 0
        self._done = 0
        self._next_share = 0.1
        self._last = 0.0

    def _write(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()

    def start(self, label: str, total: int) -> None:
        with self._lock:
            self._label, self._total, self._done = label, total, 0
            self._next_share, self._last = 0.1, time.monotonic()
            self._write(f"{label}: {total} text(s) to translate")

    def advance(self, count: int) -> None:
        with self._lock:
            self._done = min(self._done + count, self._total)  # never "297/295 (101%)"
            share = self._done / self._total if self._total else 1.0
            now = time.monotonic()
            if share >= self._next_share or now - self._last >= self.interval:
                while self._next_share <= share:
                    self._next_share += 0.1
                self._last = now
                self._write(f"{self._label}: {self._done}/{self._total} ({share:.0%})")

    def finish(self, summary: str) -> None:
        with self._lock:
            self._write(f"{self._label}: {summary}")


class RichProgress(Progress):
    """One rich progress bar per locale on a terminal."""

    def __init__(self, stream: TextIO):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
        from rich.progress import Progress as RichBar

        self._bar: Any = RichBar(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(file=stream),
            transient=False,
        )
        self._task: Any = None
        self._bar.start()

    def start(self, label: str, total: int) -> None:
        from rich.markup import escape

        self._task = self._bar.add_task(escape(label), total=max(total, 0))

    def advance(self, count: int) -> None:
        if self._task is not None:
            task = self._bar.tasks[-1]
            self._bar.update(self._task, completed=min(task.completed + count, task.total or 0))

    def finish(self, summary: str) -> None:
        from rich.markup import escape

        if self._task is not None:
            task = self._bar.tasks[-1]
            description = f"{task.description} {escape(summary)}"
            self._bar.update(self._task, completed=task.total, description=description)

    def close(self) -> None:
        self._bar.stop()


def make_progress(show: bool, quiet: bool, stream: TextIO | None = None) -> Progress:
    """The right display for this run: nothing, a bar on a TTY, or log lines."""
    if quiet or not show:
        return Progress()
    stream = stream or sys.stderr
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        return RichProgress(stream)
    return LineProgress(stream)
