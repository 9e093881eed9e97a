"""The project lock: one localize run at a time per project (SPEC sections 5, 9).

An OS lock (``fcntl.flock``) on ``.localize/lock``: the kernel releases it when
the holding process exits or is killed, so a crash never leaves a stale lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator

from localize.errors import ProjectLockedError
from localize.project import Project


@contextlib.contextmanager
def project_lock(project: Project) -> Iterator[None]:
    """Hold ``.localize/lock`` exclusively; ProjectLockedError (exit 2) when another run has it."""
    path = project.state_dir / "lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ProjectLockedError(
                f"another localize run holds {path}; wait for it to finish"
            ) from exc
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
