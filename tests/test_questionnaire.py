"""The guided assessment: answers, order, skipping and stopping early."""

from __future__ import annotations

import pytest

from backcare.errors import InputError
from backcare.findings import Finding, FindingSet, Status
from backcare.knowledge.load import Knowledge
from backcare.questionnaire import intake, next_question, parse_answer, parse_answers


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


def test_detail_questions_are_skipped_when_moot(kb: Knowledge) -> None:
    asked = _walk(kb, {"fever": "no", "pregnancy": "no"})
    assert "contraction_pain" not in asked and "pregnancy_bleeding_or_fluid" not in asked
    asked = _walk(kb, {"pregnancy": "yes"})
    assert "contraction_pain" in asked and "pregnancy_bleeding_or_fluid" in asked


def test_sepsis_and_infection_risks_are_asked_without_fever(kb: Knowledge) -> None:
    """CLINICAL.md 2026-11-23: sepsis signs without fever, and injecting drugs, weak immunity or a
    recent spinal procedure with new back pain, set a level on their own, so they are asked."""
    asked = _walk(kb, {"fever": "no", "chills": "no"})
    for fid in ("confusion", "mottled_skin", "fast_breathing", "iv_drug_use", "immunosuppressed",
                "recent_spinal_procedure", "known_aneurysm", "interscapular_pain",
                "coughing_blood", "blood_in_urine", "back_lump", "leg_giving_way"):  # fmt: skip
        assert fid in asked, fid


def test_stops_at_once_for_an_ambulance(kb: Knowledge) -> None:
    findings = FindingSet([Finding("unable_to_move", Status.PRESENT)])
    assert next_question(findings, kb) is None


def test_emergency_asks_only_what_could_raise_it(kb: Knowledge) -> None:
    asked = _walk(kb, {"bladder_control_loss": "yes"})
    assert "pain_score" not in asked and "cause_overuse" not in asked
    assert "significant_trauma" not in asked or "limb_numbness" in asked


def _walk(kb: Knowledge, script: dict[str, str]) -> list[str]:
    """Answer the questionnaire: scripted answers, 'no' to everything else."""
    findings = parse_answers({}, kb)
    asked = []
    while (q := next_question(findings, kb)) is not None:
        asked.append(q.finding)
        raw: object = script.get(q.finding, "no")
        if q.answer == "number":
            raw = 30 if q.finding == "age" else (q.minimum or 0)
        findings = findings.with_findings([parse_answer(q.finding, raw, kb)])
        assert len(asked) < 200
    return asked
