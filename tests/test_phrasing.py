"""Red flags said the way people say them: the lay vocabulary added after blind batch 3.

Phrasings here are our own, written for each kind of wording the blind batch showed we missed
(a relative's age, confusion described by what the person does, coordination, sexual function,
pressing on the spine, night sweats, pain that rest does not change...). Each is checked both
ways: the finding is read, and the same words denied or about someone else are not."""

from __future__ import annotations

import pytest

from backcare.findings import Level, Status
from backcare.knowledge.load import load_knowledge
from backcare.text.extract import extract
from backcare.text.triage import triage_text

KB = load_knowledge()


def _status(text: str, finding: str) -> Status | None:
    f = extract(text, KB, use_semantic=False).findings.get(finding)
    return f.status if f is not None else None


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("my gran keeps asking me who I am and her back is killing her", "confusion"),
        ("he doesn't recognise me this morning, back pain for a week", "confusion"),
        ("dad keeps calling me by the wrong name since his back went", "confusion"),
        ("she's talking gibberish on the phone and has a bad back", "slurred_speech"),
        ("my husband sounds drunk but hasn't touched a drop, his back is sore", "slurred_speech"),
        ("since this morning I can't walk in a straight line, back aches", "balance_loss"),
        ("I keep banging into the walls in the hallway", "balance_loss"),
        ("my left hand won't do what I tell it to", "balance_loss"),
        ("erections don't happen any more since the back pain started", "sexual_dysfunction"),
        ("making love just feels numb since my back went", "sexual_dysfunction"),
        ("when I press on the knobbly bits of my spine it really hurts", "spinal_tenderness"),
        ("soaked the sheets every night this week and my back is agony", "chills"),
        ("the pain never lets up, lower back", "constant_rest_pain"),
        ("resting or walking about makes no difference to it", "constant_rest_pain"),
        ("it aches day and night without a break", "constant_rest_pain"),
        ("nights are the worst with my back", "night_pain"),
        ("it keeps me awake, my back", "night_pain"),
        ("I sat down really hard on a garden chair and my back hurts", "minor_fall"),
        ("she landed heavily on her bottom on the kitchen floor", "minor_fall"),
        ("32 weeks and my back tightens up and then eases off", "contraction_pain"),
        (
            "there was some bright red blood on the tissue and I'm 20 weeks",
            "pregnancy_bleeding_or_fluid",
        ),
        ("the tingling goes a bit further every day", "neuro_progressive"),
        ("the worst pain I have ever felt, low back", "severe_pain"),
        ("it felt like something tore inside my back", "tearing_pain"),
        ("I'm still injecting, and my back is sore", "iv_drug_use"),
        ("bent to pick up the baby and felt my back go", "sudden_onset"),
        ("I'd like to talk to someone about the stress that sets my back off", "wants_treatment"),
        ("the pain is at the level of my bra strap", "middle_back"),
        ("pain under my ribs at the back on the right", "flank_pain"),
        ("the top of my foot: I don't feel it when I touch it", "limb_numbness"),
        ("mum said she was about to pass out, her back has been bad all week", "faintness"),
        ("whenever I get up my vision goes black for a second", "faintness"),
        ("my nan has gone deathly pale and her back is agony", "mottled_skin"),
        ("both knees keep folding under me since the back went", "bilateral_leg_weakness"),
        ("there's a bad pain in her belly as well as her back", "abdominal_pain"),
    ],
)
def test_lay_wording_is_read(text: str, finding: str) -> None:
    assert _status(text, finding) in (Status.PRESENT, Status.UNKNOWN), text


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("I inject insulin twice a day; the back went lifting a crate", "iv_drug_use"),
        ("this is the first time in my life I've had a bad back", "recurrent_spasms"),
        (
            "pressed along my spine and the bones don't hurt at all, just the muscle",
            "spinal_tenderness",
        ),
        ("on the left side of my lower back, a dull ache", "flank_pain"),
    ],
)
def test_look_alike_wording_is_not_read(text: str, finding: str) -> None:
    assert _status(text, finding) in (None, Status.ABSENT), text


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("My dad, 78, fell off a ladder and his back hurts badly", 78),
        ("my nan is 91 and her back went when she bent over", 91),
        ("Grandad (84) has had back ache since Sunday", 84),
        ("my son is 14 and hurt his back at rugby", 14),
    ],
)
def test_a_carers_text_gives_the_patients_age(text: str, age: int) -> None:
    f = extract(text, KB, use_semantic=False).findings.get("age")
    assert f is not None and f.status is Status.PRESENT and f.value == age


def test_a_relatives_age_beside_my_own_complaint_is_not_mine() -> None:
    f = extract("My mum is 80 and I hurt my back lifting her", KB, use_semantic=False)
    age = f.findings.get("age")
    assert age is None or age.status is not Status.PRESENT


def test_an_older_relative_after_a_sudden_strain_is_seen_within_a_day() -> None:
    text = "my grandad is 82 and felt something go in his back lifting a bag of logs"
    assert triage_text(text, KB).disposition.level >= Level.CONSULTATION_24H


def test_a_double_negative_is_emphasis_not_a_denial() -> None:
    # "doesn't help, no position helps": the second negation is the finding's own wording.
    text = "lying down doesn't help, no position helps and it is worst at night"
    assert _status(text, "constant_rest_pain") is Status.PRESENT


def test_a_negation_running_into_the_words_still_denies() -> None:
    assert _status("my legs dont feel weak at all", "limb_weakness") in (None, Status.ABSENT)
    assert _status("I cant feel my bum when I wipe", "saddle_numbness") is Status.PRESENT


def test_the_subject_of_a_reassurance_is_inside_its_scope() -> None:
    # "my waterworks are" opens a new clause, but it is the clause the reassurance is about.
    assert _status("my waterworks are quite normal", "bladder_control_loss") is Status.ABSENT
    # A new subject between the words and the reassurance still ends it.
    text = "both my legs have gone weak and my bladder is fine"
    assert _status(text, "bilateral_leg_weakness") is Status.PRESENT


def test_another_person_acting_on_my_body_is_still_about_me() -> None:
    # The other person is the one who presses; the spine is the writer's.
    text = "my wife pressed on my spine and it really hurt, I fell down the stairs yesterday"
    assert _status(text, "spinal_tenderness") is Status.PRESENT
    assert _status(
        "my wife has a sore spine, but my back spasm is what I ask about", "spinal_tenderness"
    ) in (
        None,
        Status.ABSENT,
    )


@pytest.mark.parametrize(
    "question",
    ["ice or heat?", "do i have sciatica?", "whats the difference between a spasm and sciatica",
     "can u tell me if its a trapped nerve", "when do I need surgery"],
)  # fmt: skip
def test_a_question_gets_no_second_opinion(question: str) -> None:
    from backcare.text.semantic import available

    if not available():
        pytest.skip("the semantic model is not installed")
    e = extract(question, KB, use_semantic=True)
    assert not [m for m in e.mentions if (m.context or "").startswith("reads like")]
    assert triage_text(question, KB).disposition.level < Level.CONSULTATION_24H


def test_a_report_inside_a_question_is_still_read() -> None:
    text = "is it normal that my bum has gone numb since the spasm?"
    assert _status(text, "saddle_numbness") in (Status.PRESENT, Status.UNKNOWN)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        # an everyday cause nearby rules the finding out
        ("drenched in sweat after my spin class and my back twinged", "sweating"),
        ("I inject my insulin at breakfast and my back is sore", "iv_drug_use"),
        ("my pee went reddish after a big bowl of beetroot soup", "blood_in_urine"),
        ("a basal cell carcinoma was removed from my ear last year", "cancer_history"),
        ("my foot tingled from kneeling on it too long at church", "limb_tingling"),
        # a figure of speech
        ("the parking fine nearly gave me a heart attack, back is stiff", "chest_pain"),
        ("I was paralysed with fear on the ladder, then my back went", "bilateral_leg_weakness"),
        ("the view from the top took my breath away, back sore from the climb", "breathlessness"),
        ("being a Cancer I worry about everyone, back aches from lifting", "cancer_history"),
        # the past, or nothing new
        (
            "in my thirties I came off a motorbike, today my back is stiff from gardening",
            "significant_trauma",
        ),
        ("had a fever with flu in the spring, long gone now", "fever"),
        ("I leak a little when I laugh, same as it has been for years", "bladder_control_loss"),
        # someone else
        ("the baby has a temperature so I was up all night and my back aches", "fever"),
        (
            "looking after my wife during her chemo and my backs sore from lifting her",
            "cancer_history",
        ),
        # a worry about what could come, over a long sentence
        (
            "what if in a few weeks this gets so much worse that you end up unable to hold your"
            " bladder",
            "bladder_control_loss",
        ),
        ("will this end up paralysing me, my back is so sore", "bilateral_leg_weakness"),
        # a word that only starts like a finding's
        ("the numbers on the scale went up, back sore", "limb_numbness"),
        ("I almost fell on the ice but caught the railing", "minor_fall"),
        ("stiff in the mornings but once I am moving it loosens up", "constant_rest_pain"),
    ],
)
def test_words_around_a_finding_can_rule_it_out(text: str, finding: str) -> None:
    assert _status(text, finding) in (None, Status.ABSENT), text


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("sweating and clammy with back pain, I feel awful", "sweating"),
        ("I inject heroin and my back is agony", "iv_drug_use"),
        ("my wee is a pinky colour and my side hurts", "blood_in_urine"),
        ("I had breast cancer, all clear now", "cancer_history"),
        ("my left arm and my left leg have gone weak", "one_sided_symptoms"),
        ("mum hurt her back and has been lying on the floor for hours", "unable_to_move"),
        ("my back went and I cannot get myself up off the bathroom floor", "unable_to_move"),
        ("fell down a whole flight of stairs at work", "significant_trauma"),
        ("I lose 5 kilo without trying", "unexplained_weight_loss"),
        ("kidney transplant ten years ago, back pain since tuesday", "immunosuppressed"),
        ("it doesnt change whether I sit or lie down", "constant_rest_pain"),
        ("4th time since the new year my back has gone", "recurrent_spasms"),
        ("it gets worse every day", "worsening"),
        ("it was a 3 this morning and now its a 6", "worsening"),
        ("the painkillers dont touch it", "uncontrolled_pain"),
        ("could I be referred to a physio?", "wants_treatment"),
        ("the skin between my legs feels like its sleeping", "saddle_numbness"),
        ("when I pass urine it stings", "dysuria"),
        ("my knee folds by itself on the stairs", "leg_giving_way"),
        ("is there anybody I could talk to about the stress", "wants_treatment"),
        ("once I get going it eases off", "eases_with_movement"),
        # the emergencies a held-out batch showed read as self-care, in our own words
        ("a heavy ache behind my breastbone since lunch", "chest_pain"),
        ("it started in my back, now its moved round, under the sternum", "chest_pain"),
        ("something ripped inside my back while I was sitting down", "tearing_pain"),
        ("it felt as if somebody had unzipped my spine", "tearing_pain"),
        ("the wee comes out on its own now", "bladder_control_loss"),
        ("fell off the stepladder clearing the gutter", "significant_trauma"),
        ("shooting up again these last weeks, needles from a mate", "iv_drug_use"),
        ("I felt as if I was going to pass out in the shop", "faintness"),
        ("everything went muffled and far away for a moment", "faintness"),
        ("he hasnt passed any water since this morning", "urinary_retention"),
    ],
)
def test_lay_wording_from_batch_five_kinds_is_read(text: str, finding: str) -> None:
    assert _status(text, finding) is Status.PRESENT, text


def test_a_falling_score_is_not_worsening() -> None:
    assert _status("it was a 7 on monday and now its a 4", "worsening") is None


def test_a_possessive_s_before_a_number_is_an_age_only_at_a_clause_end() -> None:
    f = extract("my sons 12 and hurt his back at football", KB, use_semantic=False)
    age = f.findings.get("age")
    assert age is not None and age.value == 12
    f = extract("my sons 2 dogs pulled me over", KB, use_semantic=False)
    assert f.findings.get("age") is None


def test_not_knowing_it_happened_counts_as_losing_control() -> None:
    # "I dont know" also reads as doubt: uncertain counts as present and is asked about.
    status = _status("poo comes out and I dont know until later", "bowel_control_loss")
    assert status in (Status.PRESENT, Status.UNKNOWN)
    assert triage_text("poo comes out and I dont know until later", KB).disposition.level >= (
        Level.EMERGENCY
    )


def test_a_rising_score_sets_worsening_without_a_number() -> None:
    # worsening is a yes/no answer: the rise decides it, the interview gets no number for it
    f = extract("it was a 3 this morning and now its a 6", KB, use_semantic=False)
    worse = f.findings.get("worsening")
    assert worse is not None and worse.status is Status.PRESENT and worse.value is None


def test_what_someone_was_doing_is_not_a_denial() -> None:
    text = "sat reading, nothing strenuous, and out of nowhere a sudden pain shot up my back"
    assert _status(text, "sudden_onset") is Status.PRESENT
