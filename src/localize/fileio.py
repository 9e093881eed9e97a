"""Atomic file writes: a reader or a killed process never sees half a file."""

from __future__ import annotations

import contextlib
import errno
import functools
import itertools
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from localize.statmemo import forget_stat


class DeferredOnce:
    """Work on keys (a directory to sync, a record to save) put off while a ``batch`` is open
    and done once per key when the outermost batch ends, however it ends."""

    def __init__(self, finish: Callable[[Any], None]) -> None:
        self.finish = finish
        self.pending: set[Any] | None = None

    def defer(self, key: Any) -> bool:
        """Note ``key`` for the batch's end: False when no batch is open (do it now)."""
        if self.pending is None:
            return False
        self.pending.add(key)
        return True

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        if self.pending is not None:  # already inside a batch: the outer one finishes
            yield
            return
        self.pending = set()
        try:
            yield
        finally:
            keys, self.pending = self.pending, None
            for key in sorted(keys):
                self.finish(key)


def atomic_write_bytes(path: Path, data: bytes, durable: bool = True) -> None:
    """Write via a temp file in the same directory, fsync it, then os.replace it over ``path``.

    ``durable=False`` skips both fsyncs for output that can be rebuilt (site pages): the
    replace is still atomic, so a reader never sees half a file, but a power cut may lose it.
    """
    path = Path(path)
    tmp = _write_temp(path, data, durable)
    try:
        os.replace(tmp, path)
        forget_stat(path)
    except BaseException as exc:
        _discard(tmp)
        _name_the_file(exc, path)
        raise
    if durable and not _dir_syncs.defer(path.parent):
        _fsync_dir(path.parent)


def write_all_if_changed(items: Iterable[tuple[Path, bytes]]) -> list[Path]:
    """Durably write every file whose content differs, with one filesystem sync for all of them.

    Why: one fsync per file costs a journal commit each (thousands of catalogs in one
    extract). See :class:`StagedWrites`, which this is for files known at once. Returns the
    paths written, in order.
    """
    with StagedWrites() as staged:
        for path, data in items:
            staged.stage(path, data)
        return staged.commit()


#: Up to this many staged files are fsynced one by one at ``commit``: ``syncfs`` also flushes
#: whatever else is dirty on the filesystem (the pages of a build a moment ago, other
#: programs' files), which made the one catalog an edited article writes cost 10-70 ms.
FEW_FILES = 16


class StagedWrites:
    """Files written beside their targets as temp files, replacing them all at ``commit``.

    Each staged file whose content differs is written to a temp file at once, so its bytes
    need not be held until the end; ``commit`` makes all of them durable with one ``syncfs``
    per filesystem (up to ``FEW_FILES`` files: an fsync each; where the platform has no
    ``syncfs``, each was fsynced as it was written), then replaces each
    target and syncs each directory once. Leaving the ``with`` block without committing (an
    error while staging, a full disk) removes every temp file and changes nothing.
    """

    def __init__(self) -> None:
        self.staged: list[tuple[str, Path]] = []
        self.created: list[Path] = []  # directories made for temp files, parents first
        self.committed = False
        self._present: set[Path] = set()

    def __enter__(self) -> StagedWrites:
        return self

    def __exit__(self, *exc_info: object) -> None:
        for tmp, _ in self.staged:
            if tmp:
                _discard(tmp)
        if not self.committed:
            for directory in reversed(self.created):  # left as found: no empty directory either
                with contextlib.suppress(OSError):
                    os.rmdir(directory)

    def stage(self, path: Path, data: bytes) -> bool:
        """Write ``data`` for ``path`` to a temp file, unless ``path`` holds it already; True if staged."""
        path = Path(path)
        if _same_content(path, data):
            return False
        if path.parent not in self._present:
            self.created += _missing_directories(path.parent)
            self._present.add(path.parent)
        self.staged.append((_write_temp(path, data, durable=_syncfs() is None), path))
        return True

    def commit(self) -> list[Path]:
        """Replace every staged target (durably); the paths written, in order."""
        staged = self.staged
        if staged and _syncfs() is not None:  # else each was fsynced as it was written
            if len(staged) > FEW_FILES:
                devices = {os.stat(directory).st_dev: directory for directory in {path.parent for _, path in staged}}
                for directory in devices.values():  # each filesystem written to (a symlinked locale may be on another)
                    _sync_filesystem(directory)
            else:  # a few files: not worth flushing what others left dirty
                for tmp, path in staged:
                    _fsync_file(tmp, path)
        for index, (tmp, path) in enumerate(staged):
            os.replace(tmp, path)
            forget_stat(path)
            staged[index] = ("", path)
            self.committed = True
        for directory in sorted({path.parent for _, path in staged}):
            if not _dir_syncs.defer(directory):  # inside batched_dir_sync: its end syncs them
                _fsync_dir(directory)
        return [path for _, path in staged]


class ScratchFile:
    """Blobs appended to one unnamed temporary file in ``directory``, read back by offset;
    it vanishes with the processes that hold it. Written only by the process that made it
    (a forked worker's write would land where that process writes next): workers inherit the
    descriptor and read with ``pread``. An OSError or a short write (a full disk) ends the
    writing: ``append`` returns None from then on and callers do without.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.owner = os.getpid()
        self.file: IO[bytes] | None = None
        self.end = 0
        self.broken = not hasattr(os, "pwrite")  # Windows: no positioned I/O

    def writable(self) -> bool:
        return not self.broken and os.getpid() == self.owner

    def append(self, data: bytes) -> int | None:
        """Where ``data`` starts in the file, or None when it could not be written."""
        if not self.writable():
            return None
        try:
            if self.file is None:
                self.directory.mkdir(parents=True, exist_ok=True)
                self.file = tempfile.TemporaryFile(dir=self.directory)  # noqa: SIM115 (closed by close())
            written = os.pwrite(self.file.fileno(), data, self.end)
        except OSError:
            written = -1
        if written != len(data):
            self.broken = True
            return None
        offset, self.end = self.end, self.end + written
        return offset

    def read(self, offset: int, length: int) -> bytes | None:
        """The ``length`` bytes ``append`` put at ``offset``; None when they cannot be read."""
        if self.file is None:
            return None
        try:
            data = os.pread(self.file.fileno(), length, offset)
        except OSError:
            return None
        return data if len(data) == length else None

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


def _missing_directories(directory: Path) -> list[Path]:
    """``directory`` and those of its parents that do not exist yet, outermost first."""
    missing: list[Path] = []
    while not directory.is_dir() and directory != directory.parent:
        missing.append(directory)
        directory = directory.parent
    return missing[::-1]


def _write_temp(path: Path, data: bytes, durable: bool) -> str:
    """``data`` in a new temp file beside ``path``, with the mode ``path`` has (or would get).

    Plain ``os`` calls, not ``mkstemp`` and a file object: a cold run writes thousands of
    files, and these skip a ``mkdir``, two ``umask`` calls, an ``fstat``, an ``ioctl`` and a
    ``fchmod`` for each (a new file is created with the mode a plain ``open`` gives it).
    """
    try:
        mode: int | None = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = None
    fd, tmp = _create_temp(path)
    try:
        try:
            if mode is not None:
                os.fchmod(fd, mode)  # replacing a file: keep what its readers rely on
            _write_all(fd, data)
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException as exc:
        _discard(tmp)
        _name_the_file(exc, path)
        raise
    return tmp


_temp_numbers = itertools.count()
#: The files this module writes or compares: not inherited by a child process, binary on Windows.
_OPEN_FLAGS = getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_TEMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _OPEN_FLAGS


def _create_temp(path: Path) -> tuple[int, str]:
    """A new file ``.<name>.<pid>.<n>.tmp`` beside ``path`` (made with its directories if
    missing), opened for writing; O_EXCL, so never one that another process made."""
    directory = os.path.dirname(path)
    for _ in range(1000):
        tmp = os.path.join(directory, f".{path.name}.{os.getpid()}.{next(_temp_numbers)}.tmp")
        try:
            return os.open(tmp, _TEMP_FLAGS, 0o666), tmp
        except FileExistsError:  # left by a killed process whose pid came round again
            continue
        except FileNotFoundError:
            os.makedirs(directory, exist_ok=True)  # an error names the directory it could not make
        except OSError as exc:  # a read-only directory: name the file being written, not the temp
            raise type(exc)(exc.errno, exc.strerror, str(path)) from exc
    raise FileExistsError(errno.EEXIST, "no free temp file name", str(path))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _fsync_file(tmp: str, path: Path) -> None:
    """fsync a temp file written without it; OSError naming ``path`` when the write failed."""
    try:
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        _name_the_file(exc, path)
        raise


def _discard(tmp: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)


def _name_the_file(exc: BaseException, path: Path) -> None:
    """A full disk fails the write, which names no file: name it (raised from the caller)."""
    if isinstance(exc, OSError) and exc.filename is None:
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc


def batched_dir_sync() -> contextlib.AbstractContextManager[None]:
    """Sync each directory written to once, when the block ends, instead of after every file.

    Every file is still fsynced before it replaces the old one, so a crash leaves either the
    old or the new catalog, never half of one; only the renames of the block share a sync.
    """
    return _dir_syncs.batch()


def write_if_changed(path: Path, data: bytes, durable: bool = True) -> bool:
    """Write only when the content differs, so a no-op run rewrites nothing; True if written."""
    path = Path(path)
    if _same_content(path, data):
        return False
    atomic_write_bytes(path, data, durable)
    return True


def remove_file(path: Path) -> None:
    """Remove ``path`` if it exists (and forget its stat)."""
    Path(path).unlink(missing_ok=True)
    forget_stat(path)


def read_cache(path: Path, version: str) -> dict[str, Any] | None:
    """The ``files`` of a cache written by :func:`write_cache` with ``version``; None when the
    file is missing, unreadable or of another version (a cache miss, never an error)."""
    with contextlib.suppress(OSError, ValueError, UnicodeDecodeError):
        data = read_json(path)
        if isinstance(data, dict) and data.get("version") == version and isinstance(data.get("files"), dict):
            return data["files"]
    return None


def write_cache(path: Path, version: str, files: dict[str, Any]) -> None:
    """Keep ``files`` for :func:`read_cache`, rewriting the file only when it changed; nothing
    when there is no state directory yet, and never an error (a read-only checkout still runs)."""
    if not path.parent.is_dir():
        return
    data = json_bytes({"version": version, "files": dict(sorted(files.items()))})
    with contextlib.suppress(OSError):
        write_if_changed(path, data + b"\n", durable=False)


def json_bytes(data: Any, sort_keys: bool = False, indent: bool = False) -> bytes:
    """``json.dumps(data, ensure_ascii=False)`` as UTF-8: compact, or indented by two spaces
    with ``indent``, byte for byte. orjson writes it (the standard encoder is pure Python
    when indenting, and several times slower when not); what orjson refuses (an integer
    beyond 64 bits, a lone surrogate) goes to ``json``, which raises on the latter as before."""
    option = (orjson.OPT_SORT_KEYS if sort_keys else 0) | (orjson.OPT_INDENT_2 if indent else 0)
    try:
        return orjson.dumps(data, option=option)
    except TypeError:  # orjson.JSONEncodeError
        text = json.dumps(data, ensure_ascii=False, sort_keys=sort_keys, indent=2 if indent else None,
                          separators=(",", ": ") if indent else (",", ":"))
        return text.encode("utf-8")


def read_json(path: Path) -> Any:
    """``json.loads`` of a file ``json_bytes`` wrote (the state files every run reads): orjson
    reads it two to three times faster. What orjson refuses goes to ``json``, so ``ValueError``
    means a damaged file as before. (An integer beyond 64 bits, which no state file holds,
    would come back as the nearest float: a cache key or stamp that then matches nothing.)"""
    data = Path(path).read_bytes()
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data.decode("utf-8"))


def _same_content(path: Path, data: bytes) -> bool:
    """Whether ``path`` holds exactly ``data`` (read with ``os`` calls: no file object)."""
    try:
        fd = os.open(path, os.O_RDONLY | _OPEN_FLAGS)
    except FileNotFoundError:
        return False
    try:
        wanted, chunks = len(data) + 1, []
        while wanted > 0:
            chunk = os.read(fd, wanted)
            if not chunk:
                break
            chunks.append(chunk)
            wanted -= len(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks) == data


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


_dir_syncs = DeferredOnce(_fsync_dir)  # directories to fsync when the current batch ends


@functools.cache
def _syncfs() -> Callable[[int], int] | None:
    """libc's ``syncfs`` (Linux): flushes one filesystem and, unlike ``sync``, reports errors."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes  # here, not at the top: every command's start-up would pay for it

        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int]
    return function  # type: ignore[no-any-return]


def _sync_filesystem(directory: Path) -> None:
    """syncfs on the filesystem holding ``directory``; OSError naming it when a write failed."""
    syncfs = _syncfs()
    assert syncfs is not None
    fd = os.open(directory, os.O_RDONLY)
    try:
        if syncfs(fd) != 0:
            import ctypes

            error = ctypes.get_errno()
            raise OSError(error, os.strerror(error), str(directory))
    finally:
        os.close(fd)
