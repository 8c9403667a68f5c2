"""Benchmark free-text extraction and triage.

    python -m bench.text

Prints texts per second and ms per text, warm, over the public and our own vignettes, and
the cold start of `backcare triage --json -` on one text the patterns explain and on one that
needs the model (issue 11: < 0.6 s). Targets: < 5 ms a text warm.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import yaml

from backcare.knowledge.load import load_knowledge
from backcare.text.triage import triage_text
from bench._timing import cold_start

ROOT = Path(__file__).resolve().parent.parent
MODEL_TEXT = "my back hurts and something feels off when I go to the loo\n"


def texts() -> list[str]:
    out = []
    for path in (ROOT.parent / "shared/cases/triage.yaml", ROOT / "tests/cases/triage_own.yaml"):
        if path.is_file():
            out += [str(c["text"]) for c in yaml.safe_load(path.read_text())["cases"]]
    return out


def main() -> None:
    kb = load_knowledge()
    sample = texts()
    for t in sample:
        triage_text(t, kb)
    rounds = 10
    start = time.perf_counter()
    for _ in range(rounds):
        for t in sample:
            triage_text(t, kb)
    elapsed = time.perf_counter() - start
    n = rounds * len(sample)
    print(f"text triage: {n / elapsed:,.0f} texts/s, {elapsed / n * 1000:.2f} ms a text (warm)")
    exe = str(Path(sys.executable).with_name("backcare"))
    median, best = cold_start([exe, "triage", "--json", "-"], stdin=sample[0] + "\n")
    print(
        "cold start `backcare triage --json -` (one text the patterns explain): "
        f"median {median:.3f} s, best {best:.3f} s"
    )
    # A clause no pattern reads, so the semantic second opinion loads the model.
    median, best = cold_start([exe, "triage", "--json", "-"], runs=15, stdin=MODEL_TEXT)
    print(
        "cold start `backcare triage --json -` (one text that needs the model): "
        f"median {median:.3f} s, best {best:.3f} s"
    )


if __name__ == "__main__":
    main()
