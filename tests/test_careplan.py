"""Care plan: phases and timing, cautions from findings, and consistency with triage."""

from __future__ import annotations

from backcare.assessment import assess
from backcare.findings import FindingSet, Level, present
from backcare.knowledge.load import Knowledge


def plan_for(kb: Knowledge, *ids: str, **values: float):  # type: ignore[no-untyped-def]
    findings = FindingSet([*(present(i) for i in ids), *(present(k, v) for k, v in values.items())])
    return assess(findings, kb).plan


def test_self_care_plan_has_all_phases_with_timing(kb: Knowledge) -> None:
    plan = plan_for(kb, pain_score=4)
    assert [p.id for p in plan.phases] == ["first_48h", "following_weeks", "prevention"]
    actions = {a.id: a for a in plan.actions()}
    assert "20-30 minutes on" in (actions["ice"].timing or "")
    assert "20-30 minutes on" in (actions["heat"].timing or "")
    assert actions["sitting_breaks"].every_minutes == 30
    assert actions["exercise_routine"].times_per_week == 3
    assert "stay_active" in actions and "knee_to_chest" in actions
    assert all(a.sources for a in plan.actions())
    assert all(step for a in plan.actions() if a.category in ("stretch", "yoga") for step in a.how)


def test_muscle_relaxant_rules(kb: Knowledge) -> None:
    plan = plan_for(kb, pain_score=6)
    relaxant = next(m for m in plan.medicines if m.id == "muscle_relaxant")
    text = " ".join((*relaxant.how, *relaxant.cautions)).lower()
    assert "night" in text and "72 hours" in text and "drive" in text


def test_cautions_follow_findings(kb: Knowledge) -> None:
    plain = plan_for(kb, pain_score=5)
    nsaid = next(m for m in plain.medicines if m.id == "nsaid")
    assert not any("kidney" in c for c in nsaid.cautions)
    risky = plan_for(kb, "kidney_disease", "blood_thinners", "pregnancy", pain_score=5, age=70)
    nsaid = next(m for m in risky.medicines if m.id == "nsaid")
    joined = " ".join(nsaid.cautions)
    for word in ("kidney", "Blood thinners", "pregnancy", "Over 65"):
        assert word in joined, word
    relaxant = next(m for m in risky.medicines if m.id == "muscle_relaxant")
    assert any("Older adults" in c for c in relaxant.cautions)


def test_heat_caution_on_numb_skin(kb: Knowledge) -> None:
    plan = plan_for(kb, "poor_circulation", pain_score=3)
    heat = next(a for a in plan.actions() if a.id == "heat")
    assert any("numb" in c for c in heat.cautions)


def test_paracetamol_marked_unlikely_to_help(kb: Knowledge) -> None:
    plan = plan_for(kb, pain_score=5)
    para = next(m for m in plan.medicines if m.id == "paracetamol")
    assert "unlikely" in para.text and para.guideline_note


def test_restricted_options_carry_guideline_notes(kb: Knowledge) -> None:
    plan = plan_for(kb, pain_score=5)
    ids = {r.id for r in plan.restricted}
    assert {"opioid", "botox", "antidepressant"} <= ids
    assert all(r.guideline_note for r in plan.restricted)


def test_emergency_plan_holds_only_the_urgent_action(kb: Knowledge) -> None:
    plan = plan_for(kb, "saddle_numbness", pain_score=8)
    assert plan.level is Level.EMERGENCY
    assert [p.id for p in plan.phases] == ["now"]
    assert "emergency department" in plan.phases[0].actions[0].text
    assert not plan.medicines and not plan.restricted and not plan.review_days


def test_24h_plan_adds_comfort_only(kb: Knowledge) -> None:
    plan = plan_for(kb, "fever", pain_score=5)
    assert [p.id for p in plan.phases] == ["now", "first_48h"]
    assert "24 hours" in plan.phases[0].actions[0].text


def test_warning_signs_are_more_urgent_than_the_plan(kb: Knowledge) -> None:
    plan = plan_for(kb, "recurrent_spasms")
    assert plan.level is Level.CONSULTATION
    assert plan.warning_signs and all(s.level > Level.CONSULTATION for s in plan.warning_signs)
    assert any("bladder" in s.sign for s in plan.warning_signs)


def test_clinician_questions_follow_findings(kb: Knowledge) -> None:
    assert any("therapist" in q for q in plan_for(kb, "stress").clinician_questions)
    assert not any("therapist" in q for q in plan_for(kb).clinician_questions)
