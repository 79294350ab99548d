"""Wall time and peak memory of a command's whole process tree, sampled from /proc, and the largest
size a file it writes reached (the warehouse file with its write-ahead log)."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Measured:
    seconds: float
    peak_bytes: int
    output: str
    returncode: int
    peak_file_bytes: int = 0  # the watched file and its .wal at their largest (0: none watched)


def file_size(path: Path) -> int:
    """A DuckDB file's size on disk with its write-ahead log (0 when neither exists)."""
    total = 0
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            total += p.stat().st_size
        except OSError:  # not there (yet), or removed between two samples
            continue
    return total


def tree_rss(root: int) -> int:
    """Resident memory of root and all its descendants, in bytes."""
    parents: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            statm = (entry / "statm").read_text().split()
        except OSError:
            continue
        pid = int(entry.name)
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        parents.setdefault(ppid, []).append(pid)
        rss[pid] = int(statm[1]) * PAGE
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(parents.get(pid, []))
    return total


def run(
    cmd: list[str],
    env: dict | None = None,
    cwd: Path | None = None,
    interval: float = 0.1,
    echo: bool = True,
    also: list[int] | None = None,
    peak_file: Path | None = None,
    watch: Path | None = None,
) -> Measured:
    """Run cmd, streaming its output (when echo), sampling its tree's memory every interval seconds.
    also: more process trees counted with it (a cluster's daemons, whose executors do the work).
    peak_file: the peak so far is written there every few seconds, so a run that is killed leaves it.
    watch: a file whose largest size (with its .wal) is sampled at the same interval."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak, largest = [0], [0]
    done = threading.Event()

    def sample():
        written = time.perf_counter()
        while not done.is_set():
            peak[0] = max(peak[0], sum(tree_rss(pid) for pid in [proc.pid, *(also or [])]))
            if watch:
                largest[0] = max(largest[0], file_size(watch))
            if peak_file and time.perf_counter() - written > 5:
                peak_file.write_text(str(peak[0]))
                written = time.perf_counter()
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if echo:
            print("    " + line.rstrip(), flush=True)
    proc.wait()
    done.set()
    sampler.join()
    if peak_file:
        peak_file.write_text(str(peak[0]))
    if watch:
        largest[0] = max(largest[0], file_size(watch))
    return Measured(time.perf_counter() - start, peak[0], "".join(lines), proc.returncode, largest[0])


def gib(n: int) -> str:
    return f"{n / 2**30:.2f} GiB"


class TreePeak:
    """The peak resident memory of a process tree (this process by default) while the block runs."""

    def __init__(self, root: int | None = None, interval: float = 0.2):
        self.root, self.interval, self.peak = root or os.getpid(), interval, 0
        self._done = threading.Event()

    def __enter__(self) -> TreePeak:
        def sample():
            while not self._done.is_set():
                self.peak = max(self.peak, tree_rss(self.root))
                self._done.wait(self.interval)

        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()
