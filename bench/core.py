"""Benchmark the pure core and the CLI cold start.

    python -m bench.core

Prints assessments per second (triage + recovery estimate + care plan) on one core over a
mix of realistic finding sets, and the cold start of `backcare --help` and of
`backcare assess --answers FILE --json`. Targets: 20,000 assessments/s; cold start < 0.3 s.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from pathlib import Path

from backcare.assessment import assess
from backcare.findings import FindingSet, present
from backcare.knowledge.load import load_knowledge
from bench._timing import cold_start


def finding_sets(n: int, seed: int = 1) -> list[FindingSet]:
    """Typical inputs: a pain score, an age, a cause or two, sometimes a condition or flag."""
    kb = load_knowledge()
    rng = random.Random(seed)
    causes = [f.id for f in kb.base.findings if f.kind == "cause"]
    conditions = [f.id for f in kb.base.findings if f.kind in ("condition", "medicine")]
    symptoms = [f.id for f in kb.base.findings if f.kind in ("symptom", "red_flag_symptom")]
    out = []
    for _ in range(n):
        items = [present("pain_score", rng.randint(1, 10)), present("age", rng.randint(18, 90))]
        items += [present(c) for c in rng.sample(causes, rng.randint(0, 2))]
        items += [present(c) for c in rng.sample(conditions, rng.randint(0, 2))]
        items += [present(s) for s in rng.sample(symptoms, rng.choice([0, 0, 1, 2]))]
        out.append(FindingSet(items))
    return out


def main() -> None:
    kb = load_knowledge()
    sets = finding_sets(2000)
    for fs in sets[:200]:
        assess(fs, kb)  # warm the derived indexes
    rounds = 5
    start = time.perf_counter()
    for _ in range(rounds):
        for fs in sets:
            assess(fs, kb)
    elapsed = time.perf_counter() - start
    per_second = rounds * len(sets) / elapsed
    print(
        f"core: {per_second:,.0f} assessments/s "
        f"({elapsed / (rounds * len(sets)) * 1e6:.1f} us each)"
    )

    exe = str(Path(sys.executable).with_name("backcare"))
    median, best = cold_start([exe, "--help"])
    print(f"cold start `backcare --help`: median {median:.3f} s, best {best:.3f} s")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump({"answers": {"pain_score": 6, "cause_strain": "yes", "age": 44}}, fh)
    median, best = cold_start([exe, "assess", "--answers", fh.name, "--json"])
    print(
        "cold start `backcare assess --answers FILE --json`: "
        f"median {median:.3f} s, best {best:.3f} s"
    )
    Path(fh.name).unlink()


if __name__ == "__main__":
    main()
