"""A simulated person for the interview: answers every screen truthfully from what they have.

The tests (tests/test_interview.py) and the benchmark (bench/interview.py) play the same
person, so a path the benchmark counts is the path the tests check.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backcare.findings import Finding
from backcare.interview import InterviewStep, step
from backcare.knowledge.load import Knowledge
from backcare.questionnaire import parse_answer

EVERYDAY: dict[str, float] = {"pain_score": 5, "age": 40, "pain_duration_days": 3}
MAX_SCREENS = 40


def play(
    kb: Knowledge,
    text: str | None,
    present: set[str],
    values: Mapping[str, float] | None = None,
    seen: dict[str, Any] | None = None,
) -> tuple[InterviewStep, int]:
    """A truthful person: yes to what is in `present`, no otherwise, numbers from `values`
    (else an everyday value, else the lowest); keeps what the description pre-filled. Returns
    the last step and the screens shown; `seen` collects each question's pre-filled value."""
    from backcare.text.extract import extract

    findings = extract(text, kb).findings if text else None
    answers: dict[str, Finding] = {}
    values = values or {}
    for shown in range(MAX_SCREENS):
        s = step(kb, answers, findings)
        if s.complete or s.screen is None:
            return s, shown
        for q in s.screen.questions:
            if seen is not None:
                seen[q.finding] = q.prefilled
            if q.prefilled is not None:
                raw: Any = q.prefilled
            elif q.answer_type == "number":
                raw = values.get(q.finding, EVERYDAY.get(q.finding, q.minimum))
            else:
                raw = q.finding in present
            answers[q.finding] = parse_answer(q.finding, raw, kb)
    raise RuntimeError(f"the interview did not finish in {MAX_SCREENS} screens")
