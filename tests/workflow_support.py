"""Shared helpers of the end-to-end workflow tests: the real CLI in a subprocess.

The workflow tests drive `localize` the way users and build systems do (a
child process, exit status, standard output and standard error), on temp
copies of the sample project or on the small projects in tests/data/workflow/.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data" / "workflow"
SAMPLE_PARTS = ("localize.toml", "content", "glossaries", "locales")


@dataclass(frozen=True)
class CliResult:
    """What a user sees of one command: status, standard output, standard error."""

    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


def localize_command() -> list[str]:
    """The installed console script next to this interpreter, else `python -m localize`."""
    script = Path(sys.executable).with_name("localize")
    return [str(script)] if script.exists() else [sys.executable, "-m", "localize"]


def run_cli(
    project: Path, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> CliResult:
    """Run `localize --project PROJECT ARGS...` and capture everything."""
    environment = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    environment.update(env or {})
    completed = subprocess.run(
        [*localize_command(), "--project", str(project), *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd or project,
        timeout=120,
    )
    return CliResult(completed.returncode, completed.stdout, completed.stderr)


def copy_sample(dest: Path) -> Path:
    """A temp copy of the repository's sample project."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in SAMPLE_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, dest / part)
        else:
            shutil.copy2(source, dest / part)
    return dest


def snapshot(root: Path, *parts: str) -> dict[str, tuple[str, int]]:
    """Every file under the given parts of ROOT: sha256 and mtime_ns, by relative path."""
    files: dict[str, tuple[str, int]] = {}
    for part in parts:
        base = root / part
        candidates = [base] if base.is_file() else sorted(base.rglob("*")) if base.exists() else []
        for path in candidates:
            if path.is_file():
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                files[str(path.relative_to(root))] = (digest, path.stat().st_mtime_ns)
    return files


def set_engine_url(project: Path, name: str, url: str) -> None:
    """Point the project's default engine at URL (e.g. a fake MT server)."""
    config = project / "localize.toml"
    text = config.read_text(encoding="utf-8")
    start = text.index("[engine]")
    end = text.find("\n[", start + 1)
    table = f'[engine]\nname = "{name}"\nurl = "{url}"\n'
    config.write_text(text[:start] + table + (text[end + 1 :] if end != -1 else ""), "utf-8")
