"""Benchmark the web app on loopback with wrk.

    python -m bench.web [--workers 2] [--seconds 10]

Prints requests/s and p50/p99 latency of POST /api/v1/triage at 1, 16 and 64 concurrent
connections, and the median render time of the main pages. Targets on this 2-core machine:
1,000+ requests/s for triage; p99 under 50 ms at 16 concurrent. Installs nothing: needs
Debian's wrk (`apt-get install wrk`).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local texts = {
  '{"text": "my lower back went into spasm lifting a box, no numbness"}',
  '{"text": "I cannot feel my bum when I wipe and my back hurts"}',
  '{"text": "back spasms keep coming back every month or so"}',
  '{"text": "sore back after gardening, pain 5/10, bladder fine"}',
}
local i = 0
request = function()
  i = i + 1
  return wrk.format(nil, "/api/v1/triage", nil, texts[(i % #texts) + 1])
end
"""


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(url: str, connections: int, seconds: int, script: str) -> tuple[float, float, float]:
    out = subprocess.run(
        ["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s",
         "--latency", "-s", script, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    if "Non-2xx" in out:
        raise SystemExit(f"wrk saw error responses:\n{out}")
    return rate, p50, p99


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("bench.web needs wrk: apt-get install wrk")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    tmp = tempfile.mkdtemp()
    env = {**os.environ, "BACKCARE_DATABASE_URL": f"sqlite:///{tmp}/web.db"}
    exe = str(Path(sys.executable).with_name("backcare"))
    server = subprocess.Popen([exe, "serve", "--port", str(port), "--workers", str(args.workers)],
                              env=env, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        script = Path(tmp) / "triage.lua"
        script.write_text(LUA)
        wrk(url, 4, 2, str(script))  # warm every worker
        for connections in (1, 16, 64):
            rate, p50, p99 = wrk(url, connections, args.seconds, str(script))
            print(f"POST /api/v1/triage, {connections:>2} connections, {args.workers} workers: "
                  f"{rate:,.0f} req/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms")  # fmt: skip
        for path in ("/", "/check", "/ask?q=ice+or+heat", "/diary", "/sources"):
            times = []
            for _ in range(30):
                start = time.perf_counter()
                urllib.request.urlopen(url + path, timeout=5).read()
                times.append((time.perf_counter() - start) * 1000)
            print(f"GET {path}: {statistics.median(times):.1f} ms median")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
