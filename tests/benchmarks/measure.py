"""Measuring a command in a fresh process: wall time, CPU, peak memory, and what else ran.

The machine may be shared, so every measurement also reports the CPU time that processes other
than the measured ones used meanwhile (from /proc/stat): a ratio taken while that was high says
more about the neighbours than about newsgraph.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Run:
    wall: float  # seconds, measured around the command by its wrapper
    cpu: float  # user + system seconds of every process of the command
    max_rss: int  # bytes: the peak of the command's largest process (getrusage)
    peak_rss: int  # bytes: the peak of the sum over its processes (sampled every 20 ms)
    foreign_cpu: float  # CPU seconds that other processes on the machine used meanwhile
    steal: float  # CPU seconds the hypervisor took from this machine meanwhile
    stdout: str

    def as_json(self) -> dict[str, float]:
        return {
            "wall_s": round(self.wall, 3),
            "cpu_s": round(self.cpu, 3),
            "max_rss_mb": round(self.max_rss / 2**20, 1),
            "peak_rss_mb": round(self.peak_rss / 2**20, 1),
            "foreign_cpu_s": round(self.foreign_cpu, 2),
            "steal_s": round(self.steal, 2),
        }


# Samples between two listings of the measured process tree (memory is sampled every 20 ms).
TREE_EVERY = 10


def _busy() -> tuple[float, float]:
    times = psutil.cpu_times()
    busy = times.user + times.nice + times.system + times.irq + times.softirq
    return busy, times.steal


def children_rss(process: psutil.Process) -> int:
    """Resident memory of every process under `process`, in bytes."""
    return _rss(process.children(recursive=True))


def _rss(processes: list[psutil.Process]) -> int:
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            pass  # gone since it was listed
    return total


def run(command: list[str], env: dict[str, str] | None = None, timeout: float = 600.0) -> Run:
    """Run `command` under rusage.py and measure it; raises CalledProcessError if it fails."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "rusage.json"
        me = psutil.Process()
        mine_before = sum(me.cpu_times()[:2])
        busy_before, steal_before = _busy()
        process = subprocess.Popen(
            [sys.executable, str(HERE / "rusage.py"), str(report), *command],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        peak = [0]
        stop = threading.Event()

        def sample() -> None:
            # Listing a process tree scans all of /proc (about 1 ms), which at every sample
            # would take 5% of a core from the run being measured; the tree is listed again
            # every TREE_EVERY samples, and only the known processes are read in between.
            watched = psutil.Process(process.pid)
            tree: list[psutil.Process] = []
            samples = 0
            while not stop.is_set():
                try:
                    if samples % TREE_EVERY == 0:
                        tree = watched.children(recursive=True)
                    peak[0] = max(peak[0], _rss(tree))
                except psutil.Error:
                    return
                samples += 1
                stop.wait(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        finally:
            stop.set()
            sampler.join()
        busy_after, steal_after = _busy()
        mine = sum(me.cpu_times()[:2]) - mine_before
        if process.returncode != 0:
            raise subprocess.CalledProcessError(process.returncode, command, stdout, stderr)
        usage = json.loads(report.read_text(encoding="utf-8"))
    foreign = busy_after - busy_before - usage["cpu"] - mine
    return Run(
        wall=usage["wall"],
        cpu=usage["cpu"],
        max_rss=usage["max_rss"],
        peak_rss=peak[0],
        foreign_cpu=max(0.0, foreign),
        steal=steal_after - steal_before,
        stdout=stdout,
    )


def clean_env(**overrides: str) -> dict[str, str]:
    """The environment without NEWSGRAPH_* settings, so every run uses the same defaults."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSGRAPH_")}
    env.update(overrides)
    return env


# Seconds the whole session may spend waiting for other processes to quieten down, so that a
# busy machine slows `make bench` down by at most this much (its figures then show the
# foreign CPU time they were measured with).
QUIET_BUDGET = [90.0]


def wait_for_quiet(limit: float = 0.25, seconds: float = 20.0) -> float:
    """Wait (up to `seconds`, within the session's budget) until other processes use under
    `limit` CPUs; returns the CPUs they used in the last second."""
    deadline = time.monotonic() + min(seconds, QUIET_BUDGET[0])
    started = time.monotonic()
    try:
        while True:
            busy_before, _ = _busy()
            time.sleep(0.5)
            busy_after, _ = _busy()
            load = (busy_after - busy_before) / 0.5
            if load < limit or time.monotonic() > deadline:
                return load
    finally:
        QUIET_BUDGET[0] = max(0.0, QUIET_BUDGET[0] - (time.monotonic() - started))
