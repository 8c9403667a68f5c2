"""Triage: every rule fires at its level, and more findings never lower the level."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare.findings import Finding, FindingSet, Level, Status, present
from backcare.knowledge.load import Knowledge, load_knowledge
from backcare.knowledge.schema import Condition, Rule
from backcare.triage import red_flag_ids, triage

KB = load_knowledge()


def satisfying(conditions: tuple[Condition, ...], kb: Knowledge) -> list[Finding]:
    """The smallest findings that make the conditions hold (first member of each any)."""
    out: list[Finding] = []
    for c in conditions:
        while c.any is not None:
            c = c.any[0]
        spec = kb.findings[c.finding or ""]
        value = None
        if c.min is not None:
            value = c.min
        elif c.max is not None:
            value = c.max
        elif spec.value is not None:
            value = spec.value.max
        out.append(present(spec.id, value))
    return out


@pytest.mark.parametrize("rule", KB.base.rules, ids=lambda r: r.id)
def test_every_rule_fires_at_its_level(rule: Rule) -> None:
    d = triage(FindingSet(satisfying(rule.when, KB)), KB)
    assert rule.id in {r.id for r in d.fired}
    assert d.level >= rule.level
    fired = next(r for r in d.fired if r.id == rule.id)
    assert fired.sources and fired.reason


def test_no_findings_is_self_care() -> None:
    d = triage(FindingSet(), KB)
    assert d.level is Level.SELF_CARE
    assert d.reasons and not d.fired


def test_absent_red_flag_does_not_fire() -> None:
    d = triage(FindingSet([Finding("bladder_control_loss", Status.ABSENT)]), KB)
    assert d.level is Level.SELF_CARE


def test_uncertain_red_flag_counts_and_names_its_question() -> None:
    d = triage(FindingSet([Finding("saddle_numbness", Status.UNKNOWN)]), KB)
    assert d.level is Level.EMERGENCY
    assert [q.finding for q in d.questions] == ["saddle_numbness"]
    assert "wipe" in d.questions[0].question


@pytest.mark.parametrize(
    ("locale", "number"),
    [
        (None, "911"),
        ("en-US", "911"),
        ("en-GB", "999"),
        ("EU", "112"),
        ("de-DE", "112"),
        ("fr_FR", "112"),
        ("en-AU", "000"),
        ("xx-ZZ", "911"),
    ],
)
def test_emergency_number_follows_locale(locale: str | None, number: str) -> None:
    d = triage(FindingSet([present("chest_pain")]), KB, locale)
    assert d.emergency_number == number
    assert number in d.action and number in d.title
    assert d.do_not_drive


def test_fever_from_temperature_value() -> None:
    from backcare.questionnaire import parse_answers

    assert triage(parse_answers({"body_temperature": 38.4}, KB), KB).level is Level.CONSULTATION_24H
    assert triage(parse_answers({"body_temperature": 37.2}, KB), KB).level is Level.SELF_CARE


FINDING_IDS = sorted(KB.findings)


def _finding(fid: str, draw_value: float) -> Finding:
    spec = KB.findings[fid].value
    value = None
    if spec is not None:
        value = spec.min + (spec.max - spec.min) * draw_value
    return present(fid, value)


finding_sets = st.lists(
    st.tuples(st.sampled_from(FINDING_IDS), st.floats(0, 1)), max_size=8, unique_by=lambda t: t[0]
)


@settings(max_examples=400, deadline=None)
@given(base=finding_sets, extra=st.sampled_from(FINDING_IDS), where=st.floats(0, 1))
def test_adding_a_present_finding_never_lowers_the_level(
    base: list[tuple[str, float]], extra: str, where: float
) -> None:
    before = FindingSet(_finding(f, v) for f, v in base if f != extra)
    after = before.with_findings([_finding(extra, where)])
    assert triage(after, KB).level >= triage(before, KB).level


@settings(max_examples=300, deadline=None)
@given(base=finding_sets, target=st.sampled_from(FINDING_IDS))
def test_settling_towards_present_never_lowers_the_level(
    base: list[tuple[str, float]], target: str
) -> None:
    others = [_finding(f, v) for f, v in base if f != target]
    levels = [
        triage(FindingSet([*others, Finding(target, status)]), KB).level
        for status in (Status.ABSENT, Status.UNKNOWN, Status.PRESENT)
    ]
    assert levels == sorted(levels)


def test_red_flags_are_known() -> None:
    flags = red_flag_ids(KB)
    assert {"bladder_control_loss", "saddle_numbness", "chest_pain", "fever"} <= flags
    assert "cause_overuse" not in flags


# The findings added for the 2026-11-23 decisions, drawn more often than the uniform draw above
# would, together with the findings their rules combine them with.
NEW_2026_11_23 = sorted(
    {
        "blood_in_urine", "back_lump", "contraction_pain", "pregnancy_bleeding_or_fluid",
        "uncontrolled_pain", "basic_function_lost", "first_episode", "constant_rest_pain",
        "interscapular_pain", "coughing_blood", "low_body_temperature", "leg_giving_way",
        "cannot_walk", "breastfeeding", "kidney_risk_medicines", "body_temperature",
        "pregnancy", "minor_fall", "significant_trauma", "blood_thinners", "known_aneurysm",
        "sudden_onset", "severe_pain", "neuro_progressive", "age", "faintness", "sweating",
        "arm_or_jaw_pain", "middle_back", "iv_drug_use", "immunosuppressed", "osteoporosis",
    }
)  # fmt: skip
new_sets = st.lists(
    st.tuples(st.sampled_from(NEW_2026_11_23), st.floats(0, 1)),
    max_size=6,
    unique_by=lambda t: t[0],
)


@settings(max_examples=400, deadline=None)
@given(base=new_sets, extra=st.sampled_from(NEW_2026_11_23), where=st.floats(0, 1))
def test_new_findings_never_lower_the_level(
    base: list[tuple[str, float]], extra: str, where: float
) -> None:
    assert set(NEW_2026_11_23) <= set(FINDING_IDS)
    before = FindingSet(_finding(f, v) for f, v in base if f != extra)
    after = before.with_findings([_finding(extra, where)])
    assert triage(after, KB).level >= triage(before, KB).level
    levels = [
        triage(FindingSet([*before.values(), Finding(extra, status)]), KB).level
        for status in (Status.ABSENT, Status.UNKNOWN, Status.PRESENT)
    ]
    assert levels == sorted(levels)
