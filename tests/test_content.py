"""Clinical content: each correction of issue 15 and each 2026-11-23 policy decision has a test
that would have caught the error (CLINICAL.md wins over the articles)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from backcare.findings import FindingSet, Level, present
from backcare.knowledge.check import check, pregnancy_gaps
from backcare.knowledge.load import Knowledge, load_knowledge
from backcare.text.extract import extract
from backcare.text.triage import triage_text
from backcare.triage import triage

KB = load_knowledge()


def _caution_texts(kb: Knowledge, treatment: str, when: str | None = None) -> list[str]:
    return [
        c.text
        for c in kb.base.cautions
        if treatment in c.treatments
        and (when is None or any(when in cond.finding_ids() for cond in c.when))
    ]


def _all_texts(kb: Knowledge) -> list[tuple[str, str]]:
    """(item id, text) for every piece of prose shown to a person."""
    out: list[tuple[str, str]] = []
    out += [(t.id, " ".join((t.summary, *t.how, t.timing or ""))) for t in kb.base.treatments]
    out += [(c.id, c.text) for c in kb.base.cautions]
    out += [(e.id, e.text) for e in kb.base.education]
    out += [(m.id, m.warning or "") for m in kb.base.medicines]
    return out


# ---- 1. opioids: 3 days, not 14 ------------------------------------------------------------


def test_1_opioid_guard_is_three_days(kb: Knowledge) -> None:
    opioid = next(m for m in kb.base.medicines if m.id == "opioid")
    assert opioid.max_hours == 72
    assert "14" not in (opioid.warning or "")


# ---- 2. no driving on relaxants, the morning after included -------------------------------


def test_2_relaxant_text_never_suggests_driving_by_day(kb: Knowledge) -> None:
    loose = re.compile(r"when you will not (?:be )?driv|times when you will not drive")
    for item, text in _all_texts(kb):
        assert not loose.search(text.lower()), item
    for text in (
        kb.education["relaxant_answer"].text,
        " ".join(kb.treatments["muscle_relaxant"].how),
        *_caution_texts(kb, "muscle_relaxant", None),
    ):
        if "driv" in text:
            assert "morning after" in text, text
    assert any("drowsy" in t and "drive" in t for t in _caution_texts(kb, "opioid"))


# ---- 3. pregnancy: NSAIDs only if prescribed, never from 20 weeks; paracetamol first -------


def test_3_pregnancy_cautions(kb: Knowledge) -> None:
    nsaid = " ".join(_caution_texts(kb, "nsaid", "pregnancy"))
    assert "unless a doctor has prescribed" in nsaid and "never from 20 weeks" in nsaid
    assert "paracetamol" in nsaid.lower()
    for treatment in ("paracetamol", "muscle_relaxant", "opioid"):
        assert _caution_texts(kb, treatment, "pregnancy"), treatment
    assert "pregnancy" in kb.treatments["paracetamol"].summary


def test_3_and_9_kb_check_reports_a_missing_pregnancy_caution(kb: Knowledge) -> None:
    assert not pregnancy_gaps(kb.base)
    cautions = tuple(
        c for c in kb.base.cautions if c.id not in {"opioid_pregnancy", "exercise_pregnancy"}
    )
    gaps = pregnancy_gaps(kb.base.model_copy(update={"cautions": cautions}))
    assert any("opioid" in g for g in gaps)
    assert any("yoga_bhujangasana" in g for g in gaps)
    assert any("knee_to_chest" in g for g in gaps)


# ---- 4. labour -----------------------------------------------------------------------------


def test_4_labour_answer_sends_to_the_midwife(kb: Knowledge) -> None:
    text = kb.education["labour"].text
    assert not text.startswith("No")
    for word in ("waves", "bleeding", "leaking fluid", "fever", "midwife", "now"):
        assert word in text, word


# ---- 5. heart attack questions do not presuppose chest pain -------------------------------


def test_5_arm_or_jaw_question_stands_alone(kb: Knowledge) -> None:
    f = kb.findings["arm_or_jaw_pain"]
    assert "chest" not in f.question.lower()
    assert "interscapular_pain" in f.ask_if


# ---- 6. paracetamol: the label's maximum may be 3 g ----------------------------------------


def test_6_paracetamol_text_separates_label_and_4_g(kb: Knowledge) -> None:
    for item, text in _all_texts(kb):
        if re.search(r"\b4 g\b", text):
            assert "3 g" in text and "label" in text, item


# ---- 7. diary guards and blood thinners (see also tests/test_progress.py) ------------------


def test_7_blood_thinners_include_aspirin_and_ticagrelor() -> None:
    for text in ("I take low-dose aspirin", "I'm on ticagrelor", "aspirin 75 every day"):
        assert extract(text, KB).findings.counts("blood_thinners"), text
    assert not extract("I took an aspirin for the pain", KB).findings.counts("blood_thinners")
    assert "ticagrelor" in KB.findings["blood_thinners"].question


def test_7_nsaid_cautions_cover_kidney_medicines(kb: Knowledge) -> None:
    texts = " ".join(_caution_texts(kb, "nsaid", "kidney_risk_medicines"))
    for word in ("ACE inhibitors", "ARBs", "diuretics", "lithium"):
        assert word in texts, word
    found = extract("I take ramipril and furosemide", kb).findings
    assert found.counts("kidney_risk_medicines")


# ---- 8. heat labels --------------------------------------------------------------------------


def test_8_heat_label_cautions(kb: Knowledge) -> None:
    text = " ".join(_caution_texts(kb, "heat", None))
    for phrase in ("broken skin", "gel", "do not lie on", "take it off by themselves", "sleep"):
        assert phrase in text, phrase


# ---- 10. multiple sclerosis ----------------------------------------------------------------


def test_10_ms_answer_does_not_deny_spasms(kb: Knowledge) -> None:
    text = kb.education["ms"].text
    assert not text.startswith("No")
    assert "spasms" in text and "vision" in text and "GP" in text


# ---- 11. unable to move means not moving at all --------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I can't walk very far with this back spasm",
        "I can't stand up straight since my back went",
        "my back went and I can't walk properly",
    ],
)
def test_11_ordinary_lumbago_is_not_unable_to_move(text: str) -> None:
    assert not extract(text, KB).findings.counts("unable_to_move")
    assert triage_text(text, KB).disposition.level < Level.EMERGENCY


@pytest.mark.parametrize(
    "text",
    [
        "I'm stuck on the floor and can't move",
        "stuck on the toilet with my back",
        "I've fallen and I can't get up",
    ],
)
def test_11_stuck_is_unable_to_move(text: str) -> None:
    assert triage_text(text, KB).disposition.level is Level.EMERGENCY_AMBULANCE


def test_11_question_carries_the_definition(kb: Knowledge) -> None:
    q = kb.findings["unable_to_move"].question
    assert "at all" in q and "floor" in q and "toilet" in q


# ---- 12. warning signs and the night-pain split --------------------------------------------


def test_12_warning_signs_are_complete(kb: Knowledge) -> None:
    text = kb.education["warning_signs"].text
    for phrase in ("difficulty passing urine", "both legs", "problems with sex", "fainting"):
        assert phrase in text, phrase


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("the pain wakes me when I turn over in bed", "night_pain"),
        (
            "it's constant and doesn't ease even when I lie down, worse at night",
            "constant_rest_pain",
        ),
        ("no position is comfortable and it is constant", "constant_rest_pain"),
    ],
)
def test_12_night_pain_is_split(text: str, finding: str) -> None:
    found = extract(text, KB).findings
    assert found.counts(finding)
    other = {"night_pain", "constant_rest_pain"} - {finding}
    assert not any(found.counts(o) for o in other) or finding == "constant_rest_pain"


def test_review_dates_and_kb_check() -> None:
    report = check(today=date(2026, 11, 23))
    assert report.ok, report.errors
    assert all(d == date(2026, 11, 23) for d in KB.base.reviewed.values())


def test_changelog_names_every_issue_item() -> None:
    log = Path(__file__).resolve().parent.parent / "docs" / "content-changes.md"
    text = log.read_text()
    for n in range(1, 13):
        assert re.search(rf"^\s*{n}\. ", text, re.M), n


# ---- 2026-11-23 decisions: one row per new rule (finding set -> level) ---------------------

A = Level.EMERGENCY_AMBULANCE
E = Level.EMERGENCY
U = Level.CONSULTATION_24H
C = Level.CONSULTATION
S = Level.SELF_CARE

TABLE: list[tuple[str, dict[str, float | None], Level]] = [
    ("heart_attack_without_chest_pain", {"interscapular_pain": None, "sweating": None}, A),
    ("heart_attack_without_chest_pain", {"interscapular_pain": None, "faintness": None}, A),
    ("breathless_at_rest", {"breathlessness": None}, A),
    ("coughing_blood", {"coughing_blood": None}, A),
    ("sepsis_without_fever", {"confusion": None}, A),
    ("sepsis_without_fever", {"mottled_skin": None}, A),
    ("sepsis_without_fever", {"fast_breathing": None}, A),
    ("sepsis_without_fever", {"body_temperature": 35.5}, A),
    ("known_aneurysm_pain", {"known_aneurysm": None, "tearing_pain": None}, A),
    ("fainting", {"faintness": None}, E),
    ("known_aneurysm_new_pain", {"known_aneurysm": None}, E),
    (
        "blood_thinner_sudden_severe",
        {"blood_thinners": None, "sudden_onset": None, "severe_pain": None},
        E,
    ),
    ("blood_thinner_leg_signs", {"blood_thinners": None, "limb_numbness": None}, E),
    ("blood_thinner_leg_signs", {"blood_thinners": None, "leg_giving_way": None}, E),
    ("fall_cannot_walk", {"minor_fall": None, "cannot_walk": None}, E),
    ("minor_fall_nerve_signs", {"minor_fall": None, "limb_tingling": None}, E),
    ("leg_giving_way_worsening", {"leg_giving_way": None, "neuro_progressive": None}, E),
    ("fragile_bones_fall", {"minor_fall": None, "age": 66}, U),
    ("fragile_bones_fall", {"minor_fall": None, "long_term_steroids": None}, U),
    ("fragile_bones_sudden", {"sudden_onset": None, "age": 72}, U),
    ("blood_in_urine", {"blood_in_urine": None}, U),
    ("infection_risk", {"iv_drug_use": None}, U),
    ("infection_risk", {"immunosuppressed": None}, U),
    ("infection_risk", {"recent_spinal_procedure": None}, U),
    ("back_lump", {"back_lump": None}, U),
    ("pregnancy_warning_signs", {"pregnancy": None, "contraction_pain": None}, U),
    ("pregnancy_warning_signs", {"pregnancy": None, "dysuria": None}, U),
    ("pregnancy_bleeding_or_fluid", {"pregnancy_bleeding_or_fluid": None}, U),
    ("basic_function_lost", {"basic_function_lost": None}, U),
    ("constant_rest_pain", {"constant_rest_pain": None}, U),
    ("thoracic_constant_pain", {"middle_back": None, "constant_rest_pain": None}, U),
    ("leg_giving_way", {"leg_giving_way": None}, U),
    ("uncontrolled_pain", {"uncontrolled_pain": None}, C),
    ("under_16", {"age": 14}, C),
]

# Near misses: each stays below the level its neighbour in TABLE reaches.
NOT_ENOUGH: list[tuple[dict[str, float | None], Level]] = [
    ({"interscapular_pain": None}, S),
    ({"contraction_pain": None}, S),  # waves of spasm, not pregnant
    ({"first_episode": None, "age": 55}, S),  # a question to ask, not a level
    ({"cannot_walk": None}, S),  # no fall: asked about as weakness or pain instead
    ({"minor_fall": None, "age": 40}, S),
    ({"sudden_onset": None, "age": 69}, S),
    ({"minor_fall": None, "age": 64}, S),
    ({"age": 16}, S),
    ({"body_temperature": 36.5}, S),
]


def _set(spec: dict[str, float | None]) -> FindingSet:
    from backcare.derive import with_implications

    return with_implications(FindingSet(present(k, v) for k, v in spec.items()), KB)


@pytest.mark.parametrize(
    ("rule", "spec", "level"), TABLE, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(TABLE)]
)
def test_new_rule_table(rule: str, spec: dict[str, float | None], level: Level) -> None:
    d = triage(_set(spec), KB)
    assert rule in {r.id for r in d.fired}
    assert d.level is level


@pytest.mark.parametrize(("spec", "level"), NOT_ENOUGH)
def test_new_rules_need_all_their_parts(spec: dict[str, float | None], level: Level) -> None:
    assert triage(_set(spec), KB).level is level


def test_every_new_rule_is_in_the_table() -> None:
    new = {r for r, _, _ in TABLE}
    cited = {r.id for r in KB.base.rules if any("2026-11-23" in s.section for s in r.sources)}
    assert cited <= new, cited - new


# ---- the new rules are reachable through the text ------------------------------------------

TEXTS: list[tuple[str, Level]] = [
    ("pain between my shoulder blades and I'm in a cold sweat", A),
    ("my back hurts and I'm short of breath just sitting here", A),
    ("back pain and I coughed up blood this morning", A),
    ("back pain and my temperature is below 36", A),
    ("I passed out this morning, back is sore", E),
    ("I have an aortic aneurysm and my back started hurting", E),
    ("I'm on warfarin and my left leg went numb with my back pain", E),
    ("slipped on ice, now I can't walk and my back hurts", E),
    ("there's blood in my urine and pain in my side", U),
    ("I inject heroin and my back has started hurting", U),
    ("I noticed a new lump on my back near the spine", U),
    ("I'm 30 weeks pregnant and my back pain comes in waves", U),
    ("pregnant, back pain and my waters are leaking", U),
    ("my back is so bad I can't get out of bed", U),
    ("my right leg keeps giving way, lower back pain", U),
    ("my back is agony and the painkillers aren't helping at all", C),
]


@pytest.mark.parametrize(("text", "level"), TEXTS)
def test_new_rules_are_reachable_from_text(text: str, level: Level) -> None:
    assert triage_text(text, KB).disposition.level is level, text


def test_breastfeeding_is_a_medicine_question() -> None:
    # Like pregnancy: which pain relief is safe (no codeine, tramadol advised against) is a
    # question for a pharmacist or doctor (CLINICAL.md, consultation: a medicine question).
    d = triage(_set({"breastfeeding": None}), KB)
    assert d.level is Level.CONSULTATION and "medicine_question" in {r.id for r in d.fired}
