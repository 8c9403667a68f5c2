"""Benchmark the web app on loopback with wrk.

    python -m bench.web [--workers 2] [--seconds 10]

    python -m bench.web --writers 100 [--rounds 5] [--postgres URL] [--workers 1]

Prints requests/s and p50/p99 latency of POST /api/v1/triage at 1, 16 and 64 concurrent
connections, and the median render time of the main pages. Targets on this 2-core machine:
1,000+ requests/s for triage; p99 under 50 ms at 16 concurrent. Installs nothing: needs
Debian's wrk (`apt-get install wrk`).

With --writers N it instead fires N diary entries at once at POST /api/v1/episodes/1/entries
(issue 13's probe), `--rounds` times, on SQLite and, given --postgres, on that database too; it
prints the status codes, p50/p99/max latency, and checks that every entry was stored.
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
import urllib.error
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
    # anchored: a "+/- Stdev" column such as "66.50%" also contains "50%"
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    if "Non-2xx" in out:
        raise SystemExit(f"wrk saw error responses:\n{out}")
    return rate, p50, p99


def _serve(database_url: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "BACKCARE_DATABASE_URL": database_url}
    exe = str(Path(sys.executable).with_name("backcare"))
    server = subprocess.Popen([exe, "serve", "--port", str(port), "--workers", str(workers)],
                              env=env, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(url + "/", timeout=1).read()
            break
        except OSError:
            time.sleep(0.2)
    return server, url


def _post(url: str, body: dict[str, object]) -> tuple[int, float]:
    import json

    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})  # fmt: skip
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, (time.perf_counter() - start) * 1000


def writers(database_url: str, label: str, n: int, rounds: int, workers: int) -> None:
    """N parallel entry writes, `rounds` times: status codes, latency, every entry stored."""
    import json
    from collections import Counter
    from concurrent.futures import ThreadPoolExecutor

    server, url = _serve(database_url, workers)
    try:
        status, _ = _post(url + "/api/v1/episodes", {"text": "back spasm lifting a box"})
        assert status == 201, status
        episodes = json.loads(urllib.request.urlopen(url + "/api/v1/episodes").read())
        entries_url = f"{url}/api/v1/episodes/{episodes[0]['id']}/entries"
        codes: Counter[int] = Counter()
        times: list[float] = []
        start = time.perf_counter()
        body = {"pain": 4, "note": "stiff after sitting, better with heat"}
        with ThreadPoolExecutor(n) as pool:
            for _ in range(rounds):
                for code, ms in pool.map(lambda _: _post(entries_url, body), range(n)):
                    codes[code] += 1
                    times.append(ms)
        wall = time.perf_counter() - start
        one = json.loads(urllib.request.urlopen(entries_url.rsplit("/", 1)[0]).read())
        stored = len(one["entries"])
        times.sort()
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        print(f"{n} parallel entry writes x {rounds} on {label}, {workers} worker(s): "
              f"{dict(sorted(codes.items()))}, stored {stored}/{n * rounds}, "
              f"p50 {statistics.median(times):.0f} ms, p99 {p99:.0f} ms, max {times[-1]:.0f} ms, "
              f"{wall:.1f} s")  # fmt: skip
        if stored != n * rounds or set(codes) != {201}:
            raise SystemExit("entries were lost or refused")
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--writers", type=int, help="N parallel entry writes instead of wrk")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--postgres", help="URL of an empty PostgreSQL database to test too")
    args = parser.parse_args()
    if args.writers:
        tmp = tempfile.mkdtemp()
        writers(f"sqlite:///{tmp}/writers.db", "SQLite", args.writers, args.rounds, args.workers)
        if args.postgres:
            writers(args.postgres, "PostgreSQL", args.writers, args.rounds, args.workers)
        return
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
