"""The project lock: one localize run at a time per project, or per shard (SPEC sections 5, 9, 11).

An OS lock (``fcntl.flock``) on ``.localize/lock``: the kernel releases it when
the holding process exits or is killed, so a crash never leaves a stale lock.
A run over the whole project holds it exclusively. A shard holds it shared
(so shards of one checkout run side by side, while a whole-project run waits
for none of them and is refused) plus its own ``.localize/shard-K-of-N/lock``
exclusively: the lock covers the shard's own articles, not the project.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from localize.errors import ProjectLockedError
from localize.project import Project
from localize.shard import Shard


@contextlib.contextmanager
def project_lock(project: Project, shard: Shard | None = None) -> Iterator[None]:
    """Hold the project's lock (shared with other shards when ``shard`` is given).

    ProjectLockedError (exit 2) when another run has it.
    """
    with contextlib.ExitStack() as stack:
        if shard is None:
            stack.enter_context(_flock(project.state_dir / "lock", fcntl.LOCK_EX))
        else:
            stack.enter_context(_flock(project.state_dir / "lock", fcntl.LOCK_SH))
            stack.enter_context(_flock(shard.state_dir(project.state_dir) / "lock", fcntl.LOCK_EX))
        yield


@contextlib.contextmanager
def _flock(path: Path, mode: int) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise ProjectLockedError(
                f"another localize run holds {path}; wait for it to finish"
            ) from exc
        if mode == fcntl.LOCK_EX:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
