"""The guided assessment: answers, order, skipping and stopping early."""

from __future__ import annotations

import pytest

from backcare.errors import InputError
from backcare.findings import Status
from backcare.knowledge.load import Knowledge
from backcare.questionnaire import intake, parse_answer


def test_red_flags_are_asked_first(kb: Knowledge) -> None:
    order = [q.finding for q in intake(kb)]
    assert order[0] == "unable_to_move"
    assert order.index("bladder_control_loss") < order.index("pain_score")
    assert order.index("chest_pain") < order.index("saddle_numbness") < order.index("fever")


def test_clinicians_questions_are_all_asked(kb: Knowledge) -> None:
    topics = {kb.findings[q.finding].clinician_topic for q in intake(kb)}
    assert {
        "feel",
        "location",
        "bladder_bowel",
        "spasm_length",
        "frequency",
        "stiffness",
        "numbness",
        "weakness",
        "medicines",
    } <= topics


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("yes", Status.PRESENT),
        ("Y", Status.PRESENT),
        (True, Status.PRESENT),
        ("no", Status.ABSENT),
        (False, Status.ABSENT),
        ("?", Status.UNKNOWN),
        ("not sure", Status.UNKNOWN),
    ],
)
def test_yes_no_answers(kb: Knowledge, raw: object, status: Status) -> None:
    assert parse_answer("fever", raw, kb).status is status


@pytest.mark.parametrize(
    ("fid", "raw", "message"),
    [
        ("pain_score", 11, "out of range"),
        ("pain_score", "lots", "expected a number"),
        ("no_such_finding", "yes", "unknown finding"),
        ("fever", "perhaps later", "answer yes"),
    ],
)
def test_bad_answers_are_clear_errors(kb: Knowledge, fid: str, raw: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_answer(fid, raw, kb)
