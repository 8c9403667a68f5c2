"""Benchmark the numpy MiniLM sentence embeddings (`backcare.text.vectors`).

    python -m bench.embed

Prints, each from fresh processes so one figure does not warm the next:
- model load: importing numpy/tokenizers/safetensors and building the model (median of 3);
- warm encode of one clause at a time (median and p95) and in batches of 32, over the clauses
  of the triage vignettes (public and our own); target < 20 ms a clause;
- the knowledge base's matrix: built, and read back from the disk cache;
- peak RSS of a process that loads the model and encodes;
- whether `backcare --help` and `backcare triage` import numpy or tokenizers (`-X importtime`).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, resource, sys, time
def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out = {"rss_start_mb": rss_mb()}
t0 = time.perf_counter()
import numpy, safetensors.numpy, tokenizers
from backcare.text import vectors
t1 = time.perf_counter()
vectors._model()
t2 = time.perf_counter()
out.update(import_s=t1 - t0, load_s=t2 - t1, rss_loaded_mb=rss_mb())
if sys.argv[1] == "encode":
    clauses = json.loads(sys.stdin.read())
    vectors.encode(clauses[:8])  # warm-up
    single = []
    for c in clauses:
        s = time.perf_counter()
        vectors.encode([c])
        single.append((time.perf_counter() - s) * 1000)
    s = time.perf_counter()
    vectors.encode(clauses, batch_size=32)
    batch = time.perf_counter() - s
    from backcare.knowledge.load import load_knowledge
    from backcare.text.answer import documents
    from backcare.text.embed import _passage
    passages = [_passage(d) for d in documents(load_knowledge())]
    s = time.perf_counter()
    vectors.cached_matrix("bench-kb", passages)
    built = time.perf_counter() - s
    vectors._memo.clear()
    s = time.perf_counter()
    vectors.cached_matrix("bench-kb", passages)
    hit = time.perf_counter() - s
    single.sort()
    out.update(
        clauses=len(clauses), tokens_mean=sum(
            len(vectors._model().tokenizer.encode(c).ids) for c in clauses) / len(clauses),
        single_median_ms=statistics.median(single),
        single_p95_ms=single[int(0.95 * (len(single) - 1))],
        batch_ms_per_clause=batch * 1000 / len(clauses), batch_per_s=len(clauses) / batch,
        kb_docs=len(passages), kb_build_s=built, kb_cache_hit_ms=hit * 1000,
        rss_peak_mb=rss_mb(),
    )
print(json.dumps(out))
"""


def clauses() -> list[str]:
    """The clauses of the triage vignettes: what semantic red-flag matching would encode."""
    out: list[str] = []
    for path in (ROOT.parent / "shared/cases/triage.yaml", ROOT / "tests/cases/triage_own.yaml"):
        if path.is_file():
            for case in yaml.safe_load(path.read_text())["cases"]:
                out += [c.strip() for c in re.split(r"[.;!?,]|\bbut\b", str(case["text"]))]
    return [c for c in out if len(c.split()) >= 2]


def child(mode: str, stdin: str = "", env: dict[str, str] | None = None) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, "-c", "import statistics\n" + CHILD, mode],
        input=stdin, capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    result: dict[str, float] = json.loads(proc.stdout)
    return result


def heavy_imports(argv: list[str]) -> list[str]:
    """Which of numpy, tokenizers, safetensors, torch `backcare ARGV` imports (-X importtime)."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "backcare", *argv],
        capture_output=True, text=True,
    )  # fmt: skip
    names = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if "|" in line}
    return sorted(n for n in names if n in ("numpy", "tokenizers", "safetensors", "torch"))


def main() -> None:
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    loads = [child("load") for _ in range(3)]
    imp = statistics.median(r["import_s"] for r in loads)
    load = statistics.median(r["load_s"] for r in loads)
    print(
        f"model load (fresh process, median of 3): import numpy+tokenizers+safetensors "
        f"{imp:.2f} s, weights+tokenizer {load:.2f} s, RSS {loads[0]['rss_start_mb']:.0f} MB "
        f"at start -> {loads[0]['rss_loaded_mb']:.0f} MB loaded"
    )
    cs = clauses()
    with tempfile.TemporaryDirectory() as tmp:
        r = child("encode", json.dumps(cs), env={**os.environ, "XDG_CACHE_HOME": tmp})
    print(
        f"one clause at a time, warm: median {r['single_median_ms']:.1f} ms, "
        f"p95 {r['single_p95_ms']:.1f} ms ({int(r['clauses'])} clauses of the triage "
        f"vignettes, {r['tokens_mean']:.1f} tokens on average; target < 20 ms)"
    )
    print(
        f"batches of 32, warm: {r['batch_ms_per_clause']:.2f} ms a clause "
        f"({r['batch_per_s']:.0f} clauses/s)"
    )
    print(
        f"knowledge base ({int(r['kb_docs'])} documents): encoded in {r['kb_build_s']:.2f} s, "
        f"read back from the disk cache in {r['kb_cache_hit_ms']:.1f} ms"
    )
    print(f"peak RSS after loading and encoding all that: {r['rss_peak_mb']:.0f} MB")
    for argv in (["--help"], ["triage", "--json", "my back went into spasm lifting a box"]):
        found = heavy_imports(argv)
        print(f"`backcare {' '.join(argv[:2])}` imports: {', '.join(found) or 'none'} of "
              "numpy/tokenizers/safetensors/torch")  # fmt: skip


if __name__ == "__main__":
    main()
