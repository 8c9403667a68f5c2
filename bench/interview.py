"""Benchmark the triage interview.

    python -m bench.interview

Plays a truthful person through every public vignette (answers from its `present`/`values`,
pre-answers kept) and through every single red flag answered yes, and prints the screens per
path (median, largest; the target is at most 12) and the time of one interview step, warm,
text reading excluded and included (target < 5 ms a step; the first step of a new description
also reads it, semantic second opinion included).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

import yaml

from backcare import service, simulated
from backcare.interview import step
from backcare.knowledge.load import load_knowledge
from backcare.questionnaire import parse_answer
from backcare.text.extract import extract

ROOT = Path(__file__).resolve().parent.parent


def play(kb: Any, text: str | None, present: set[str], values: dict[str, Any]) -> int:
    try:
        return simulated.play(kb, text, present, values)[1]
    except RuntimeError:
        return simulated.MAX_SCREENS


def main() -> None:
    kb = load_knowledge()
    cases = yaml.safe_load((ROOT.parent / "shared/cases/triage.yaml").read_text())["cases"]
    paths = [play(kb, c["text"], set(c.get("present", [])), c.get("values", {})) for c in cases]
    flags = sorted({f for s in kb.base.screens for f in s.findings
                    if kb.findings[f].answer == "yes_no"})  # fmt: skip
    paths += [play(kb, None, {f}, {}) for f in flags]
    paths.append(play(kb, None, set(), {}))
    print(
        f"paths {len(paths)}: screens median {statistics.median(paths):g}, "
        f"largest {max(paths)} (all-no {paths[-1]})"
    )
    answers = {"chest_pain": False, "unable_to_move": False, "bladder_control_loss": False}
    parsed = {k: parse_answer(k, v, kb) for k, v in answers.items()}
    text = extract(cases[0]["text"], kb).findings
    rounds = 2000
    start = time.perf_counter()
    for _ in range(rounds):
        step(kb, parsed, text)
    core = (time.perf_counter() - start) / rounds * 1000
    state = service.InterviewState(cases[0]["text"], answers)
    start = time.perf_counter()
    for _ in range(rounds // 4):
        service.interview(state, kb)
    full = (time.perf_counter() - start) / (rounds // 4) * 1000
    start = time.perf_counter()
    for c in cases:
        service._READ_CACHE.clear()
        service.interview(service.InterviewState(c["text"], {}), kb)
    first = (time.perf_counter() - start) / len(cases) * 1000
    print(
        f"interview step, warm: {core:.2f} ms (engine), {full:.2f} ms (a later step: the "
        f"text is read once), {first:.1f} ms (the first step of a new description)"
    )


if __name__ == "__main__":
    main()
