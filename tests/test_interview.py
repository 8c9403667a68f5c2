"""The triage interview: screens in order of urgency, text pre-fills but never finishes, every
red flag answered "yes" reaches its level, and no path needs more than 12 screens."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare import simulated
from backcare.findings import Finding, Level, Status
from backcare.interview import InterviewStep, step
from backcare.knowledge.load import load_knowledge
from backcare.text.extract import extract
from backcare.triage import triage

from .conftest import SHARED_CASES

KB = load_knowledge()
MAX_SCREENS = 12
ON_SCREENS = sorted({f for s in KB.base.screens for f in s.findings})
VIGNETTES = yaml.safe_load((SHARED_CASES / "triage.yaml").read_text())["cases"]


def play(
    text: str | None,
    present: set[str],
    values: dict[str, float] | None = None,
    seen: dict[str, Any] | None = None,
) -> tuple[InterviewStep, int]:
    return simulated.play(KB, text, present, values, seen)


def single_rule_level(finding_id: str) -> Level:
    """The most urgent level a finding sets on its own (self-care when no rule uses it alone)."""
    levels = [
        r.level
        for r in KB.base.rules
        if len(r.when) == 1 and r.when[0].finding == finding_id and r.when[0].min is None
        and r.when[0].max is None
    ]  # fmt: skip
    return max(levels, default=Level.SELF_CARE)


def test_all_no_takes_at_most_12_screens_and_is_self_care() -> None:
    s, screens = play(None, set())
    assert s.complete and screens <= MAX_SCREENS
    assert s.disposition.level is Level.SELF_CARE
    assert not s.unsettled


def test_description_opens_the_assessment_but_does_not_close_it() -> None:
    text = "my back went into spasm lifting the shopping yesterday"
    s = step(KB, {}, extract(text, KB).findings)
    assert not s.complete
    assert s.screen is not None and s.screen.id == "danger_heart"


def test_red_flag_read_as_absent_is_shown_for_confirmation() -> None:
    seen: dict[str, Any] = {}
    play("back spasm since Monday, no problems with my bladder", set(), seen=seen)
    assert seen["bladder_control_loss"] is False  # shown, pre-answered, not skipped


def test_an_ambulance_sign_in_the_text_ends_at_once() -> None:
    s = step(KB, {}, extract("crushing chest pain going into my back", KB).findings)
    assert s.complete and s.disposition.level is Level.EMERGENCY_AMBULANCE


def test_an_emergency_still_asks_the_life_threatening_screens() -> None:
    text = "I have wet myself without noticing since my back went"
    s = step(KB, {}, extract(text, KB).findings)
    assert s.disposition.level >= Level.EMERGENCY
    assert not s.complete and s.screen is not None
    assert s.screen.id == "danger_heart"


def test_uncertain_text_is_asked_not_assumed() -> None:
    s = step(KB, {}, extract("I think I cant feel my bum properly", KB).findings)
    assert s.disposition.level >= Level.EMERGENCY  # counts as present meanwhile
    s, _ = play("I think I cant feel my bum properly", set())
    assert s.disposition.level is Level.SELF_CARE  # the person said no when asked


def test_not_understood_text_goes_to_the_screens() -> None:
    s, screens = play("Ich habe Rückenschmerzen seit gestern", set())
    assert screens >= 8 and s.disposition.level is Level.SELF_CARE


@pytest.mark.parametrize("finding_id", ON_SCREENS)
def test_yes_on_its_screen_gives_at_least_its_level(finding_id: str) -> None:
    spec = KB.findings[finding_id]
    if spec.answer != "yes_no":
        pytest.skip("a number question")
    s, screens = play(None, {finding_id})
    assert s.complete and screens <= MAX_SCREENS
    assert s.disposition.level >= single_rule_level(finding_id)


@pytest.mark.parametrize("case", VIGNETTES, ids=lambda c: c["id"])
def test_public_vignettes_reach_an_accepted_level(case: dict[str, Any]) -> None:
    s, screens = play(case["text"], set(case.get("present", [])), case.get("values"))
    accepted = [Level(case["expected"]), *(Level(a) for a in case.get("acceptable", []))]
    assert s.disposition.level >= min(accepted)
    assert screens <= MAX_SCREENS


@pytest.mark.parametrize("case", VIGNETTES, ids=lambda c: c["id"])
def test_a_description_alone_is_complete_only_for_a_settled_ambulance_sign(
    case: dict[str, Any],
) -> None:
    findings = extract(case["text"], KB).findings
    s = step(KB, {}, findings)
    if s.complete:
        settled = [f for f in findings.values() if f.status is Status.PRESENT]
        assert triage(KB_set(settled), KB).level is Level.EMERGENCY_AMBULANCE


def KB_set(findings: list[Finding]) -> Any:
    from backcare.findings import FindingSet

    return FindingSet(findings)


@settings(max_examples=150, deadline=None)
@given(
    st.sets(st.sampled_from([f for f in ON_SCREENS if KB.findings[f].answer == "yes_no"])),
    st.data(),
)
def test_any_path_ends_within_12_screens_with_red_flags_settled(
    present: set[str], data: st.DataObject
) -> None:
    values = {
        "pain_score": data.draw(st.integers(0, 10)),
        "age": data.draw(st.integers(1, 100)),
        "pain_duration_days": data.draw(st.integers(0, 400)),
    }
    s, screens = play(None, present, values)
    assert s.complete and screens <= MAX_SCREENS
    if s.unsettled:  # only an emergency may stop before every red-flag screen is settled
        assert s.disposition.level >= Level.EMERGENCY
    assert s.disposition.level >= max(
        (single_rule_level(f) for f in present), default=Level.SELF_CARE
    )


def test_pregnancy_brings_its_follow_up_questions() -> None:
    seen: dict[str, Any] = {}
    play(None, set(), seen=seen)
    assert "contraction_pain" not in seen and "pregnancy_bleeding_or_fluid" not in seen
    seen = {}
    s, _ = play(None, {"pregnancy", "pregnancy_bleeding_or_fluid"}, seen=seen)
    assert "contraction_pain" in seen and "pregnancy_bleeding_or_fluid" in seen
    assert s.disposition.level >= Level.CONSULTATION_24H


def test_signs_that_set_a_level_without_fever_are_always_asked() -> None:
    """CLINICAL.md 2026-11-23: sepsis signs without fever, infection risks without fever,
    heart-attack signs without chest pain and the other new red flags are asked of everyone."""
    seen: dict[str, Any] = {}
    play(None, set(), seen=seen)
    for fid in ("confusion", "mottled_skin", "fast_breathing", "low_body_temperature",
                "iv_drug_use", "immunosuppressed", "recent_spinal_procedure", "known_aneurysm",
                "interscapular_pain", "coughing_blood", "blood_in_urine", "back_lump",
                "leg_giving_way", "constant_rest_pain", "uncontrolled_pain"):  # fmt: skip
        assert fid in seen, fid


def test_a_minor_fall_asks_whether_they_can_walk() -> None:
    seen: dict[str, Any] = {}
    s, _ = play(None, {"minor_fall", "cannot_walk"}, seen=seen)
    assert "cannot_walk" in seen and s.disposition.level >= Level.EMERGENCY


def test_words_about_someone_else_never_pre_answer_a_red_flag_no() -> None:
    # A carer's text misread as someone else's, or a worry, leaves the question open: only a
    # denial pre-fills "no".
    from backcare.findings import Finding, Status
    from backcare.interview import _prefill

    assert _prefill(Finding("minor_fall", Status.ABSENT, None, "slipped", "negated")) is False
    for context in ("about someone else", "in the past", "a worry or a question, not a report"):
        assert _prefill(Finding("minor_fall", Status.ABSENT, None, "slipped", context)) is None
