"""The project lock: a second run is refused while one holds it; a killed holder releases it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from localize.errors import EXIT_BAD_INPUT, ProjectLockedError
from localize.lock import project_lock
from localize.project import Project

HOLDER = textwrap.dedent(
    """
    import sys, time
    from localize.lock import project_lock
    from localize.project import Project
    with project_lock(Project.open(sys.argv[1])):
        print("locked", flush=True)
        time.sleep(60)
    """
)


@pytest.fixture()
def project(tmp_path: Path) -> Project:
    (tmp_path / "localize.toml").write_text('source_locale = "en"\ntarget_locales = ["ja"]\n')
    return Project.open(tmp_path)


def start_holder(project: Project) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(project.root)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def test_lock_held_by_another_process_is_refused_then_released_on_kill(project: Project) -> None:
    holder = start_holder(project)
    try:
        with pytest.raises(ProjectLockedError) as caught, project_lock(project):
            pass
        assert caught.value.exit_code == EXIT_BAD_INPUT
        assert str(project.state_dir / "lock") in str(caught.value)
        assert "another localize run holds" in str(caught.value)
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    with project_lock(project):
        assert (project.state_dir / "lock").read_text().strip() == str(os.getpid())


def test_lock_is_released_when_the_block_ends_even_on_error(project: Project) -> None:
    with pytest.raises(RuntimeError), project_lock(project):
        raise RuntimeError("boom")
    with project_lock(project), pytest.raises(ProjectLockedError), project_lock(project):
        pass
