"""Kill test (SPEC section 9): SIGKILL ``localize extract`` and ``localize translate --engine memory``
at random moments; every catalog stays valid gettext and the next run starts and completes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import require_tool
from localize.catalog.pofile import load_po, save_po

KILLS = 24
WORDS = ["model", "phone", "cloud", "open", "weights", "license", "team", "data", "runs", "fast", "small", "device", "offline", "server"]


def write_project(root: Path, articles: int = 80, sentences: int = 30) -> None:
    (root / "localize.toml").write_text(
        'source_locale = "en"\ntarget_locales = ["ja", "fr"]\n[engine]\nname = "memory"\n',
        encoding="utf-8",
    )
    rng = random.Random(7)
    shared = [f"Shared sentence number {n} about the {rng.choice(WORDS)}." for n in range(20)]
    (root / "content").mkdir()
    for number in range(articles):
        lines = [f"# Article {number}", ""]
        for index in range(sentences):
            if rng.random() < 0.4:
                lines.append(rng.choice(shared))
            else:
                words = " ".join(rng.choice(WORDS) for _ in range(8))
                lines.append(f"The {words} in part {number}-{index}.")
            lines.append("")
        (root / "content" / f"article-{number}.md").write_text("\n".join(lines), encoding="utf-8")


def localize(root: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "localize", "--project", str(root), "--quiet", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def finish(root: Path, *args: str) -> float:
    started = time.monotonic()
    process = localize(root, *args)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()
    return time.monotonic() - started


def catalogs(root: Path) -> list[Path]:
    return sorted(p for p in (root / "locales").rglob("*") if p.suffix in (".po", ".pot"))


def review_first_article(root: Path) -> None:
    for path in (root / "locales").glob("*/LC_MESSAGES/article-0.po"):
        po = load_po(path)
        for entry in po:
            entry.msgstr = "[reviewed] " + entry.msgid
        save_po(po, path)


def edit_sources(root: Path, rng: random.Random) -> None:
    for path in rng.sample(sorted((root / "content").glob("*.md")), 5):
        text = path.read_text("utf-8")
        path.write_text(text.replace(" in part ", rng.choice([" within part ", " in part "]), 3), encoding="utf-8")


def add_glossary_term(root: Path, number: int) -> None:
    folder = root / "glossaries"
    folder.mkdir(exist_ok=True)
    (folder / "terms.csv").write_text(f"en,ja,fr,translate\nsmall device {number},小型,petit,yes\n", "utf-8")


RUNS = {"extract": ["extract"], "translate": ["translate", "--engine", "memory"]}


@pytest.mark.slow
def test_sigkill_at_random_moments_leaves_valid_catalogs(tmp_path: Path) -> None:
    msgfmt = require_tool("msgfmt")
    write_project(tmp_path)
    durations = {"extract": finish(tmp_path, "extract")}
    review_first_article(tmp_path)
    durations["translate"] = finish(tmp_path, "translate", "--engine", "memory")
    rng = random.Random(int(os.environ.get("KILL_SEED", "11")))
    killed = attempt = 0
    while killed < KILLS and attempt < KILLS * 3:
        name = "extract" if attempt % 2 == 0 else "translate"
        if name == "extract":
            edit_sources(tmp_path, rng)
            add_glossary_term(tmp_path, attempt)  # a new glossary: every article is merged again
        started = time.monotonic()
        process = localize(tmp_path, *RUNS[name])
        time.sleep(rng.uniform(0.1, 0.9) * durations[name])
        process.send_signal(signal.SIGKILL)
        if process.wait(timeout=60) == -signal.SIGKILL:
            killed += 1
        else:
            durations[name] = time.monotonic() - started
        attempt += 1
        for path in catalogs(tmp_path):
            load_po(path)  # raises InputError (file, line) if a kill left half a file
    assert killed >= KILLS, f"only {killed} of {attempt} runs were killed before they finished"
    finish(tmp_path, "extract")
    finish(tmp_path, "translate", "--engine", "memory")
    for path in catalogs(tmp_path):
        result = subprocess.run([msgfmt, "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, f"{path}: {result.stderr}"
    shared = [e for e in load_po(tmp_path / "locales/ja/LC_MESSAGES/article-1.po") if e.msgstr]
    assert shared, "the memory pass filled nothing after the kills"
