"""Measuring a process tree for the benchmarks: wall time, peak memory, CPU time and the
kernel's share of it, and what a no-op run must leave as it was."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path


def _tree_rss_kb(pid: int) -> int:
    """Memory of ``pid`` and all its descendants, from /proc, summed.

    Each process counts its proportional set size (PSS: a page shared by k processes counts
    1/k in each), so ``--jobs`` workers forked from the parent are not charged for the
    pages they share with it; RSS where PSS is not available.
    """
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(stat[1]), []).append(int(entry))
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += _process_kb(current)
        stack.extend(children.get(current, []))
    return total


def _process_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except (OSError, IndexError, ValueError):
        return 0


@dataclass
class Measured:
    wall: float
    rss_mb: float
    stages: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds per stage, workers included
    kernel: dict[str, float] = field(default_factory=dict)  # of those, the system (kernel) seconds
    process_cpu: tuple[float, float] = (0.0, 0.0)  # the whole process tree's CPU seconds, and the kernel's
    returncode: int = 0
    spread: str = ""  # for the median of several runs: how many, and their range

    def cpu_note(self) -> str:
        """How busy the cores were in the stages, and the least wall time that CPU allows."""
        if not self.cpu:
            return ""
        from localize.parallel import default_jobs

        cores = default_jobs()  # the cores this process may use, as --jobs counts them
        busy, wall = sum(self.cpu.values()), sum(self.stages.values())
        # the kernel's share is mostly making files and directories: it varies with the filesystem
        kernel = f" ({sum(self.kernel.values()):.1f} s of it in the kernel)" if self.kernel else ""
        return (f"CPU {busy:.1f} s{kernel} in {wall:.1f} s of stages ({busy / wall:.2f} of {cores} cores; "
                f"{busy / cores:.1f} s at best)")

    def process_cpu_note(self) -> str:
        """The whole run's CPU time (a peer's steps added up) and the kernel's share of it."""
        return f"CPU {self.process_cpu[0]:.1f} s ({self.process_cpu[1]:.1f} s of it in the kernel)"


def measure(argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None,
            stdout: int | None = subprocess.DEVNULL) -> Measured:
    """Run argv; wall time and peak memory (max of the sampled tree sum and the kernel's maxrss)."""
    cpu_before = children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=stdout, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.05):
            peak = max(peak, _tree_rss_kb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    usage_peak = _child_maxrss_kb()
    cpu_after = children_cpu()
    result = Measured(wall, max(peak, usage_peak) / 1024, returncode=process.returncode,
                      process_cpu=(cpu_after[0] - cpu_before[0], cpu_after[1] - cpu_before[1]))
    if out:
        report = json.loads(out.decode().strip().splitlines()[-1])
        result.stages, result.cpu, result.kernel = report["stages"], report["cpu"], report.get("kernel", {})
    if process.returncode not in (0, 1):
        sys.stderr.write(err.decode(errors="replace")[-2000:])
    return result


def measure_steps(steps: list[tuple[str, list[str]]], cwd: Path | None = None) -> Measured:
    """Run each (label, argv) in turn, as one tool's work: each step's wall time as its stage,
    their wall and CPU times added up, and the most memory any step took."""
    stages: dict[str, float] = {}
    rss = total = cpu = kernel = 0.0
    for label, argv in steps:
        step = measure(argv, cwd=cwd)
        stages[label], rss, total = step.wall, max(rss, step.rss_mb), total + step.wall
        cpu, kernel = cpu + step.process_cpu[0], kernel + step.process_cpu[1]
    return Measured(total, rss, stages, process_cpu=(cpu, kernel))


_last_children_maxrss = 0


def _child_maxrss_kb() -> int:
    """The largest single process so far (getrusage keeps a running maximum): 0 when not new."""
    import resource

    global _last_children_maxrss
    now = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    grew, _last_children_maxrss = now > _last_children_maxrss, max(now, _last_children_maxrss)
    return now if grew else 0


def snapshot(root: Path) -> dict[str, tuple[int, str]]:
    """mtime and content hash of every file under the project (what a no-op must not touch).

    Left out: ``.localize/lock``, where every run writes its pid (the project lock, by design).
    """
    files = {}
    for path in root.rglob("*"):
        if path.is_file() and path.relative_to(root).as_posix() != ".localize/lock":
            files[str(path.relative_to(root))] = (path.stat().st_mtime_ns,
                                                  hashlib.sha256(path.read_bytes()).hexdigest())
    return files


def children_cpu() -> tuple[float, float]:
    """CPU seconds of the children this process has waited for (their own children included),
    and the kernel's part."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime, usage.ru_stime


def file_creation_us(count: int = 300) -> float:
    """Microseconds to create (and close) one empty file under the work directory.

    A machine's filesystem can make this vary twentyfold between directories (18 us
    to 700 us were seen on one machine), which moves every tool's figures here."""
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        started = time.perf_counter()
        for number in range(count):
            os.close(os.open(os.path.join(tmp, f"f{number}"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        return (time.perf_counter() - started) / count * 1e6
