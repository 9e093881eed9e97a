"""Atomic file writes: a reader or a killed process never sees half a file."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

_deferred: set[Path] | None = None  # directories to fsync when the current batch ends


def atomic_write_bytes(path: Path, data: bytes, durable: bool = True) -> None:
    """Write via a temp file in the same directory, fsync it, then os.replace it over ``path``.

    ``durable=False`` skips both fsyncs for output that can be rebuilt (site pages): the
    replace is still atomic, so a reader never sees half a file, but a power cut may lose it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _target_mode(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)  # mkstemp makes 0600: keep what readers rely on
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if exc.filename is None:  # a full disk fails the write, which names no file: name it
            raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc
        raise
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if durable and _deferred is not None:
        _deferred.add(path.parent)
    elif durable:
        _fsync_dir(path.parent)


@contextlib.contextmanager
def batched_dir_sync() -> Iterator[None]:
    """Sync each directory written to once, when the block ends, instead of after every file.

    Every file is still fsynced before it replaces the old one, so a crash leaves either the
    old or the new catalog, never half of one; only the renames of the block share a sync.
    """
    global _deferred
    if _deferred is not None:  # already inside a batch: the outer one syncs
        yield
        return
    _deferred = set()
    try:
        yield
    finally:
        directories, _deferred = _deferred, None
        for directory in sorted(directories):
            _fsync_dir(directory)


def write_if_changed(path: Path, data: bytes, durable: bool = True) -> bool:
    """Write only when the content differs, so a no-op run rewrites nothing; True if written."""
    path = Path(path)
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    atomic_write_bytes(path, data, durable)
    return True


def _target_mode(path: Path) -> int:
    """The replaced file's permissions, or what a plain ``open`` would give a new file."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
