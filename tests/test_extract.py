"""Free-text triage: the vignettes, each context cue on both sides, odd input, monotonicity."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from backcare.findings import Level, Status
from backcare.knowledge.load import load_knowledge
from backcare.text.extract import extract
from backcare.text.triage import triage_text

from .conftest import ROOT, SHARED_CASES

KB = load_knowledge()


def _cases(path: Path) -> list[dict[str, object]]:
    if not path.is_file():
        return []
    return list(yaml.safe_load(path.read_text())["cases"])


PUBLIC = _cases(SHARED_CASES / "triage.yaml")
OWN = _cases(ROOT / "tests" / "cases" / "triage_own.yaml")


def _accepted(case: dict[str, object]) -> set[str]:
    return {str(case["expected"]), *map(str, case.get("acceptable", []))}  # type: ignore[call-overload]


@pytest.mark.parametrize("case", PUBLIC + OWN, ids=lambda c: str(c["id"]))
def test_vignette(case: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> None:
    # The patterns and the grammar alone: exact (or an accepted level) on every vignette.
    monkeypatch.setenv("BACKCARE_SEMANTIC", "0")
    got = triage_text(str(case["text"]), KB).disposition.level
    assert got.value in _accepted(case), f"{got.value} for: {case['text']}"


def test_the_semantic_opinion_only_adds_caution() -> None:
    """With the second opinion: never below an accepted level, never below the reading
    without it, and over-triage on at most 3% of the vignettes."""
    from backcare.findings import LEVELS

    over = 0
    for case in PUBLIC + OWN:
        text = str(case["text"])
        plain = triage_text(text, KB).disposition.level  # BACKCARE_SEMANTIC unset: on
        rank = LEVELS.index(plain)
        accepted = [LEVELS.index(Level(a)) for a in _accepted(case)]
        assert rank >= min(accepted), f"under-triage: {plain.value} for: {text}"
        over += rank > max(accepted)
    assert over <= 0.03 * len(PUBLIC + OWN), f"{over} over-triaged"


def status(text: str, finding: str) -> Status | None:
    f = extract(text, KB).findings.get(finding)
    return None if f is None else f.status


@pytest.mark.parametrize(
    ("present_text", "other_text", "finding"),
    [
        # negation
        ("I have numbness in my leg", "no numbness in my leg", "limb_numbness"),
        (
            "I have lost control of my bladder",
            "I don't have any trouble controlling my bladder",
            "bladder_control_loss",
        ),
        ("my legs are weak", "my legs are not weak", "bilateral_leg_weakness"),
        ("weakness in my arm", "no weakness in my arm", "limb_weakness"),
        ("I have a fever", "no fever", "fever"),
        ("bowels are not working, I soiled myself", "bowels fine", "bowel_control_loss"),
        # someone else
        ("I had cancer", "my dad had cancer", "cancer_history"),
        # beside the writer's own complaint (alone, a carer's "my son has a fever" is his)
        ("I have a fever", "my son has a fever and my back aches", "fever"),
        # past and resolved
        ("numbness in my foot", "numbness in my foot last year, gone now", "limb_numbness"),
        ("my leg is weak", "my leg used to be weak", "limb_weakness"),
        # hypothetical or worry
        (
            "I have lost bladder control",
            "afraid I might lose bladder control",
            "bladder_control_loss",
        ),
        ("my legs are numb", "what if my legs are numb tomorrow", "bilateral_leg_symptoms"),
        ("I have chest pain", "could this cause chest pain later", "chest_pain"),
    ],
)
def test_context_cue_both_sides(present_text: str, other_text: str, finding: str) -> None:
    assert status(present_text, finding) is Status.PRESENT
    # The words are read (the finding is there), and the context sets it aside.
    assert status(other_text, finding) is Status.ABSENT


def test_terminators_end_a_negation() -> None:
    assert status("no fever but my legs are weak", "bilateral_leg_weakness") is Status.PRESENT
    assert status("no fever, my legs have gone weak", "bilateral_leg_weakness") is Status.PRESENT
    assert status("no numbness, tingling or weakness", "limb_weakness") is Status.ABSENT


def test_doubt_is_unknown_and_asks() -> None:
    t = triage_text("I think I have some numbness around my bottom", KB)
    assert t.extraction.findings["saddle_numbness"].status is Status.UNKNOWN
    assert t.disposition.level >= Level.EMERGENCY
    assert any(q.finding == "saddle_numbness" for q in t.disposition.questions)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("my bum might be numb", "saddle_numbness"),
        ("my leg may be weaker than before", "limb_weakness"),
        ("I think my legs are giving way", "bilateral_leg_weakness"),
    ],
)
def test_doubt_inside_the_words_makes_a_finding_uncertain(text: str, finding: str) -> None:
    assert status(text, finding) is Status.UNKNOWN


def test_history_survives_past_tense() -> None:
    assert status("I had breast cancer ten years ago", "cancer_history") is Status.PRESENT


@pytest.mark.parametrize(
    ("text", "finding", "value"),
    [
        ("temperature of 38.6", "body_temperature", 38.6),
        ("fever of 39", "body_temperature", 39.0),
        ("temp is 101 F", "body_temperature", 38.3),
        ("pain 7/10", "pain_score", 7.0),
        ("the pain is 8 out of 10", "pain_score", 8.0),
        ("I'm 67", "age", 67.0),
        ("a 45 year old man", "age", 45.0),
        ("for 7 weeks", "pain_duration_days", 49.0),
        ("since yesterday", "pain_duration_days", 1.0),
        ("for two weeks", "pain_duration_days", 14.0),
        ("every few weeks for 6 months", "pain_duration_days", 180.0),
        ("fell 3 metres", "fall_height_m", 3.0),
        ("fell about 10 feet", "fall_height_m", 3.05),
    ],
)
def test_numbers(text: str, finding: str, value: float) -> None:
    f = extract(text, KB).findings[finding]
    assert f.value == pytest.approx(value, abs=0.1)


def test_words_point_back_to_the_original_text() -> None:
    text = "Back is bad. I CAN'T feel my bum when I wipe!"
    m = next(m for m in extract(text, KB).mentions if m.finding == "saddle_numbness")
    assert text[m.start : m.end] == m.words
    assert m.words.startswith("CAN'T feel my bum")


def test_typos_and_missing_apostrophes() -> None:
    assert status("i cant feel my bladdder", "bladder_control_loss") is not None
    assert status("lost controll of my bladdder", "bladder_control_loss") is Status.PRESENT
    assert status("fell off a ladder", "bladder_control_loss") is None


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_input_is_a_clear_error(text: str) -> None:
    from backcare.errors import InputError

    with pytest.raises(InputError, match="empty"):
        triage_text(text, KB)


@pytest.mark.parametrize(
    "text",
    [
        "\x00\x01\x02\xff binary",
        "a" * 100_000,
        "Mi espalda me duele mucho",
        "背中が痛い",
        "🙂🙂🙂",
        ".,;!?",
    ],
)
def test_input_that_cannot_be_read_is_never_self_care(text: str) -> None:
    t = triage_text(text, KB)
    assert not t.extraction.understood
    assert t.disposition.level is Level.CONSULTATION
    assert "not_understood" in {r.id for r in t.disposition.fired}


def test_not_understood_is_never_self_care() -> None:
    t = triage_text("Me duele la espalda y no siento las piernas", KB)
    assert not t.extraction.understood
    assert t.disposition.level is Level.CONSULTATION
    assert any("could not understand" in r for r in t.disposition.reasons)


RED_FLAG_SENTENCES = [
    ("I have lost control of my bladder.", Level.EMERGENCY),
    ("I can't feel my bum when I wipe.", Level.EMERGENCY),
    ("Both my legs have gone weak.", Level.EMERGENCY),
    ("I have chest pain.", Level.EMERGENCY_AMBULANCE),
    ("I have a fever of 39.", Level.CONSULTATION_24H),
    ("My left leg is numb.", Level.CONSULTATION_24H),
]


def test_adding_red_flag_words_never_lowers_the_level() -> None:
    """Every vignette, with every red-flag sentence before and after it (exhaustive)."""
    leaks = []
    for case in PUBLIC + OWN:
        text = str(case["text"])
        original = triage_text(text, KB).disposition.level
        for sentence, level in RED_FLAG_SENTENCES:
            for combined in (f"{sentence} {text}", f"{text} {sentence}"):
                after = triage_text(combined, KB).disposition.level
                if after < original or after < level:
                    leaks.append(f"{case['id']}: {after.value} for {combined!r}")
    assert not leaks, leaks[:10]


# Batch-3 kinds of context (own phrasings): the past and resolved, someone else, a question,
# a figure of speech, and their safe sides.
NOT_NOW = (Status.ABSENT, None)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("Four yrs ago my left foot went numb from a disc, completely better since. "
         "Now my back aches after gardening", "limb_numbness"),
        ("I had a fever back in 2021 with a chest infection, all cleared up. "
         "Back twinged lifting a crate", "fever"),
        ("in february I had a kidney infection, the gp sorted it. my back is stiff from "
         "decorating", "dysuria"),
        ("the summer before last my foot was numb for a month, the physio fixed it, "
         "now just a stiff back", "limb_numbness"),
        ("my leg was tingling for a while a couple of years ago, recovered fully. pulled my "
         "back at the gym", "limb_numbness"),
    ],
)  # fmt: skip
def test_a_finding_resolved_or_dated_before_this_episode_is_past(text: str, finding: str) -> None:
    assert status(text, finding) in NOT_NOW


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("since march my left leg has been numb and my back aches", "limb_numbness"),
        ("my feet are numb, the fever cleared up", "bilateral_leg_symptoms"),
        ("had a fever in march, antibiotics sorted it, but now my legs are numb",
         "bilateral_leg_symptoms"),
    ],
)  # fmt: skip
def test_a_date_or_a_recovery_does_not_reach_a_finding_now(text: str, finding: str) -> None:
    assert status(text, finding) in (Status.PRESENT, Status.UNKNOWN)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("my youngest has a high temperature and ive strained my back lifting him", "fever"),
        ("a lad at work lost control of his bladder when his disc went, my back is just sore",
         "bladder_control_loss"),
        ("husband has prostate cancer and ive hurt my back helping him up", "cancer_history"),
        ("lung cancer runs in my family, an uncle and my gran. I pulled my back", "cancer_history"),
        ("my toddler has had a fever all week, now my back has gone from carrying her", "fever"),
        ("my colleague is 6 months pregnant, my back is sore from moving desks", "pregnancy"),
    ],
)  # fmt: skip
def test_a_child_a_workmate_or_family_is_someone_else(text: str, finding: str) -> None:
    assert status(text, finding) in NOT_NOW


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("what would happen if the nerve gets squashed and I cant hold my wee? my back is "
         "only stiff", "bladder_control_loss"),
        ("is it likely that its cancer? my back aches after a long drive", "cancer_history"),
    ],
)  # fmt: skip
def test_a_question_is_not_a_report(text: str, finding: str) -> None:
    assert status(text, finding) in NOT_NOW


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("I'm numb to it by now, it's my fifth spasm this year", "limb_numbness"),
        ("my legs went to jelly with nerves before the interview, then my back seized",
         "bilateral_leg_weakness"),
        ("I was dying for a wee on the drive home and then my back locked up",
         "bladder_control_loss"),
    ],
)  # fmt: skip
def test_a_figure_of_speech_is_not_a_symptom(text: str, finding: str) -> None:
    assert status(text, finding) in NOT_NOW


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("it feels like someone elses bum when I wipe, its numb", "saddle_numbness"),
        ("my legs went to jelly and I cant stand up", "bilateral_leg_weakness"),
        ("I dont know where the numbness in my foot came from", "limb_numbness"),
    ],
)  # fmt: skip
def test_similes_and_idioms_keep_real_symptoms(text: str, finding: str) -> None:
    assert status(text, finding) in (Status.PRESENT, Status.UNKNOWN)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("no bladder problems, back hurts", "bladder_control_loss"),
        ("I can feel my legs fine, back hurts", "bilateral_leg_symptoms"),
        ("no trouble peeing, just a stiff back", "urinary_retention"),
        ("nothing going down my legs, just a sore back", "radiating_leg_pain"),
    ],
)  # fmt: skip
def test_denials_stay_denials(text: str, finding: str) -> None:
    assert status(text, finding) in NOT_NOW


def test_a_figure_of_speech_beats_a_doubt() -> None:
    assert status("I nearly fainted at the bill for the osteopath, back still tight",
                  "faintness") in NOT_NOW  # fmt: skip


def test_weight_lost_on_purpose_is_not_unexplained() -> None:
    text = "down 8 kilos since new year from dieting, and my back seized at the gym"
    assert status(text, "unexplained_weight_loss") in NOT_NOW


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("my erection doesnt come since the back went", "sexual_dysfunction"),
        ("she doesnt know who I am since this morning, her back has hurt for days", "confusion"),
        ("my legs dont work properly since this morning", "bilateral_leg_weakness"),
    ],
)
def test_a_negated_normal_function_still_gets_a_second_opinion(text: str, finding: str) -> None:
    from backcare.text.semantic import available

    if not available():
        pytest.skip("the semantic model is not installed")
    found = extract(text, KB, use_semantic=True).findings
    assert finding in found and found[finding].status in (Status.PRESENT, Status.UNKNOWN)


@pytest.mark.parametrize(
    "text",
    ["no bladder problems, back hurts from lifting", "I can feel my legs fine, back hurts",
     "no trouble peeing, back sore", "the pain doesnt come down my leg, back hurts"],
)  # fmt: skip
def test_a_denial_still_gets_no_second_opinion(text: str) -> None:
    e = extract(text, KB, use_semantic=True)
    assert not [m for m in e.mentions if (m.context or "").startswith("reads like")]


@pytest.mark.parametrize(
    "text",
    [
        "mum is 80 with a bad back, tonight shes got a temperature and seems muddled about the day",
        "gran has had backache for days, now shes feverish and doesnt know where she is",
    ],
)
def test_the_other_half_of_a_clause_with_a_red_flag_gets_a_second_opinion(text: str) -> None:
    from backcare.text.semantic import available

    if not available():
        pytest.skip("the semantic model is not installed")
    found = extract(text, KB, use_semantic=True).findings
    # Read by the second opinion (unknown), or by a pattern since one was added (present).
    assert "confusion" in found and found["confusion"].status in (Status.UNKNOWN, Status.PRESENT)


def test_the_other_half_of_someone_elses_clause_gets_none() -> None:
    text = "my friend had a fever and didnt know where she was, my back is sore"
    e = extract(text, KB, use_semantic=True)
    assert not [m for m in e.mentions if (m.context or "").startswith("reads like")]


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("the strength in my legs has just gone, back is agony", "bilateral_leg_weakness"),
        ("the sensation in my bum has gone since the back went", "saddle_numbness"),
    ],
)
def test_a_lost_function_is_not_a_resolved_symptom(text: str, finding: str) -> None:
    from backcare.text.semantic import available

    if not available():
        pytest.skip("the semantic model is not installed")
    found = extract(text, KB, use_semantic=True).findings
    assert finding in found and found[finding].status is Status.UNKNOWN


def test_a_symptom_that_has_gone_is_still_over() -> None:
    e = extract("the burning sensation has gone, back still stiff", KB, use_semantic=True)
    assert not [m for m in e.mentions if m.status is not Status.ABSENT and m.finding != "stiffness"]
