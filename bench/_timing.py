"""Shared helpers for the benchmarks: cold-start timing of a command."""

from __future__ import annotations

import statistics
import subprocess
import time


def cold_start(cmd: list[str], runs: int = 7, stdin: str | None = None) -> tuple[float, float]:
    """Median and best wall time in seconds of a fresh process running `cmd`."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, input=stdin, capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)
