"""Questions about one's own recovery, answered from the diary against the expected course."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from backcare.findings import Finding, FindingSet, Status
from backcare.knowledge.load import load_knowledge
from backcare.progress import PainPoint, assess_progress
from backcare.recovery import estimate
from backcare.text.mycourse import about_my_course, course_answer

KB = load_knowledge()
ONSET = date(2026, 11, 1)


@pytest.mark.parametrize(
    "question",
    [
        "is it normal it still hurts after 2 weeks?",
        "am I recovering as I should?",
        "my back still hurts after 10 days, is that normal",
        "when will my back get better",
        "how am I doing?",
        "should it still be this sore on day 9? im worried",
    ],
)
def test_questions_about_my_own_course(question: str) -> None:
    assert about_my_course(question)


@pytest.mark.parametrize(
    "question",
    [
        "how long does a back spasm last",
        "can I take ibuprofen with a back spasm",
        "is it normal to get back spasms in pregnancy",
        "what stretches help a stiff back",
    ],
)
def test_general_questions_stay_general(question: str) -> None:
    assert not about_my_course(question)


def _answer(pairs: list[tuple[int, float]], today: int) -> tuple[str, tuple[object, ...]]:
    est = estimate(FindingSet([Finding("pain_score", Status.PRESENT, 7.0)]), KB)
    points = [
        PainPoint(datetime(2026, 11, 1, 9, tzinfo=UTC) + timedelta(days=d), p) for d, p in pairs
    ]
    progress = assess_progress(est, ONSET, points, ONSET + timedelta(days=today), kb=KB)
    a = course_answer("is it normal it still hurts?", progress, est, "self_care")
    assert a.answered and a.sources and a.items == ("my_course",)
    assert f"today is day {today}" in a.text
    return a.text, a.sources


def test_a_stalled_recovery_says_so_and_says_what_to_do() -> None:
    text, _ = _answer([(0, 7), (10, 7), (20, 7), (30, 7)], 30)
    assert "higher than expected" in text or "no meaningful improvement" in text
    assert "consultation" in text or "GP" in text or "physiotherapist" in text


def test_a_recovery_on_course_is_reassuring() -> None:
    text, sources = _answer([(0, 7), (3, 5), (6, 3)], 6)
    assert "from 7 to 3" in text
    assert "higher than expected" not in text
    assert any(c.source != "backcare-policy" for c in sources)  # the course's own evidence


def test_no_entries_yet_asks_for_them() -> None:
    text, _ = _answer([], 3)
    assert "No diary entries yet" in text
