"""Wording blind batch 7 showed we missed, in our own phrasings: numbers spelt out, a past
that still counts while it is recent, figures of speech, hearsay and reassurance.

Each kind is checked both ways: the finding is read where it is meant, and the same words
used figuratively, about the past or as a reassurance are not."""

from __future__ import annotations

import pytest

from backcare.findings import Level, Status
from backcare.knowledge.load import load_knowledge
from backcare.text.extract import extract
from backcare.text.normalise import sentences, with_numerals
from backcare.text.numbers import days_ago
from backcare.text.triage import triage_text

KB = load_knowledge()


def _finding(text: str, finding: str):  # type: ignore[no-untyped-def]
    return extract(text, KB, use_semantic=False).findings.get(finding)


def _status(text: str, finding: str) -> Status | None:
    f = _finding(text, finding)
    return f.status if f is not None else None


def _level(text: str) -> Level:
    return triage_text(text, KB).disposition.level


# --- numbers spelt out --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("my grandad is eighty-one and slipped on the stairs", 81),
        ("Sixty seven and my back went when I lifted the log basket", 67),
        ("our lad, aged nine, hurt his back on the trampoline", 9),
        ("she's a twelve year old gymnast with a sore back", 12),
    ],
)
def test_an_age_in_words_is_read(text: str, age: int) -> None:
    f = _finding(text, "age")
    assert f is not None and f.value == age


def test_number_words_become_digits_but_small_counts_stay_words() -> None:
    s = with_numerals(sentences("seventy-three, one leg and two arms, forty")[0])
    assert s.text == "73 , one leg and two arms , 40"
    # the map back to the person's words still covers the whole number word
    assert s.original_span(0, 2) == (0, len("seventy-three"))


def test_a_spelt_out_age_over_seventy_with_a_sudden_start_is_seen_within_a_day() -> None:
    assert _level("Seventy-eight, and my back went when I lifted the shopping") is (
        Level.CONSULTATION_24H
    )


# --- a past that still counts while it is recent ------------------------------------------


def test_how_long_ago_is_read_from_the_sentence() -> None:
    assert days_ago("gave up injecting two months ago") == 60
    assert days_ago("off heroin for ten years now") == 3650
    assert days_ago("i used to inject") is None
    assert (days_ago("used to inject years ago") or 0) > 365


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("I used to inject speed but gave up two months ago, back aches", Status.PRESENT),
        ("I used to inject heroin but have been clean for ten years now", Status.ABSENT),
        ("I used to inject heroin, back aches", Status.UNKNOWN),
    ],
)
def test_injecting_counts_for_a_year_after_it_stopped(text: str, status: Status) -> None:
    assert _status(text, "iv_drug_use") is status


def test_recent_injecting_with_a_fever_is_an_emergency() -> None:
    text = "Stopped injecting three months ago. Back pain for a week and a temperature of 38.5"
    assert _level(text) is Level.EMERGENCY


def test_a_steroid_inhaler_is_not_long_term_steroid_tablets() -> None:
    assert _status("I take a steroid inhaler for my asthma", "long_term_steroids") in (
        None,
        Status.ABSENT,
    )
    assert _status("been taking steroid tablets for my lungs", "long_term_steroids") is (
        Status.PRESENT
    )


def test_long_term_steroid_tablets_with_new_back_pain_is_seen_within_a_day() -> None:
    # CLINICAL: immunosuppression (long-term steroids included) with new back pain
    assert _level("On steroid tablets for my arthritis for a year. New back ache.") is (
        Level.CONSULTATION_24H
    )


def test_an_age_is_now_even_beside_an_old_event() -> None:
    f = _finding("I'm 58 and had a stomach bleed five years ago", "age")
    assert f is not None and f.status is Status.PRESENT and f.value == 58


def test_a_time_that_belongs_to_another_illness_is_not_the_back_pains() -> None:
    f = _finding("On insulin for my diabetes for 10 years. Back pain since yesterday.",
                 "pain_duration_days")  # fmt: skip
    assert f is not None and f.value is not None and f.value <= 1


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Eight weeks and my back is no better", 56),
        ("been off work 4 weeks with my back", 28),
    ],
)
def test_more_ways_of_giving_a_duration(text: str, days: int) -> None:
    f = _finding(text, "pain_duration_days")
    assert f is not None and f.value == days


def test_a_red_flag_that_passed_still_counts() -> None:
    # review: "my legs went numb for an hour but it passed" must not read as the past
    assert _status(
        "my legs went numb and weak for an hour but it passed", "bilateral_leg_symptoms"
    ) in (
        Status.PRESENT,
        Status.UNKNOWN,
    )
    assert _status("I lost control of my bladder and it settled", "bladder_control_loss") is (
        Status.PRESENT
    )


# --- figures of speech, hearsay and reassurance -------------------------------------------


@pytest.mark.parametrize(
    ("figurative", "literal", "finding"),
    [
        ("couldn't move for people at the market, back aches from the crowds",
         "I can't move for the pain and I'm on the bathroom floor", "unable_to_move"),
        ("my face fell when I heard the quote for the roof",
         "her face dropped on one side at lunch", "facial_droop"),
        ("I need to get this off my chest: I never stretch",
         "there's a tight band across my chest", "chest_pain"),
        ("on tenterhooks waiting for the exam results, back's stiff",
         "pins and needles in my foot since the weekend", "limb_tingling"),
        ("I feel like I've been hit by a bus after that shift",
         "I was hit by a bus on my bike this morning", "significant_trauma"),
        ("I'm a Cancer, born in July, so I worry a lot",
         "I had breast cancer eight years ago", "cancer_history"),
    ],
)  # fmt: skip
def test_a_figure_of_speech_is_not_the_finding(figurative: str, literal: str, finding: str) -> None:
    assert _status(figurative, finding) in (None, Status.ABSENT)
    assert _status(literal, finding) in (Status.PRESENT, Status.UNKNOWN)


def test_an_everyday_cause_rules_out_sweating_and_old_leaks() -> None:
    assert _status("sweating buckets after my spin class, back is tight", "sweating") is (
        Status.ABSENT
    )
    assert _status("sweating buckets and grey, back pain", "sweating") is Status.PRESENT
    assert _status(
        "leak a little when I cough, ever since having the twins", "bladder_control_loss"
    ) in (
        None,
        Status.ABSENT,
    )
    assert _status("I had an accident with my water last night, never happened before",
                   "bladder_control_loss") is Status.PRESENT  # fmt: skip


def test_zero_denies_and_not_on_purpose_does_not() -> None:
    assert _status("zero numbness in my legs", "limb_numbness") is Status.ABSENT
    assert _status("lost a stone and not on purpose", "unexplained_weight_loss") is (Status.PRESENT)
    assert _status("lost a stone on purpose", "unexplained_weight_loss") is Status.ABSENT


def test_hearsay_and_someone_elses_guess_are_not_reports() -> None:
    text = "I read that back pain can cause loss of bladder control, so I'm anxious"
    assert _status(text, "bladder_control_loss") in (None, Status.ABSENT)
    assert _status("my wife thinks it's cancer but she worries", "cancer_history") is (
        Status.ABSENT
    )


def test_a_reassurance_after_a_red_flag_does_not_deny_it() -> None:
    # review: "numbness in both legs and I can walk fine" is still numbness in both legs
    assert _status("numbness in both legs and I can walk fine", "bilateral_leg_symptoms") is (
        Status.PRESENT
    )
    assert _status("Bladder control? None.", "bladder_control_loss") in (
        Status.PRESENT,
        Status.UNKNOWN,
    )
    assert _status("Zero control over my bladder", "bladder_control_loss") in (
        Status.PRESENT,
        Status.UNKNOWN,
    )


def test_drink_explains_slurring_but_sounding_drunk_sober_does_not() -> None:
    assert _status("my words were slurred after too many pints last night", "slurred_speech") is (
        Status.ABSENT
    )
    assert _status("I sound drunk and I haven't had a drop", "slurred_speech") is Status.PRESENT


# --- lay wording for red flags ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("they're keeping an eye on a bulge in his main artery", "known_aneurysm"),
        ("this morning she didn't know who I was", "confusion"),
        ("he hasn't been able to pass water since lunch", "urinary_retention"),
        ("my pee looks like rosé wine", "blood_in_urine"),
        ("we were intimate and I felt nothing down below", "saddle_numbness"),
        ("been pinning test and tren for a year", "iv_drug_use"),
        ("my knee giving way is happening more and more often", "neuro_progressive"),
        ("lying on the lounge floor and I cannot get up at all", "unable_to_move"),
        ("it's the same whether I'm moving or resting", "constant_rest_pain"),
        ("she's started soiling herself", "bowel_control_loss"),
    ],
)
def test_lay_wording_is_read(text: str, finding: str) -> None:
    assert _status(text, finding) in (Status.PRESENT, Status.UNKNOWN)


# --- blind batch 8: answers, subjects and more lay wording --------------------------------


def test_a_short_question_takes_its_answer() -> None:
    text = "Legs? Fine. Bladder? Normal. Any numbness? No. Back? Wrecked."
    for finding in ("bladder_control_loss", "limb_numbness"):
        assert _status(text, finding) in (None, Status.ABSENT)
    assert _status("Bladder? Yes, I keep wetting myself.", "bladder_control_loss") is (
        Status.PRESENT
    )


def test_a_spinal_procedure_counts_for_three_months() -> None:
    assert _status("had an epidural for my baby three weeks ago", "recent_spinal_procedure") is (
        Status.PRESENT
    )
    assert _status("I had a discectomy years ago", "recent_spinal_procedure") is Status.ABSENT
    assert _level("Had a laminectomy six weeks ago, now a temperature of 38.6") is (Level.EMERGENCY)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("my wife says my spine looks more crooked than it used to", "back_lump"),
        ("my son says I sound slurred on the phone", "slurred_speech"),
    ],
)
def test_someone_reporting_on_the_writer_leaves_the_writer_the_subject(
    text: str, finding: str
) -> None:
    assert _status(text, finding) in (Status.PRESENT, Status.UNKNOWN)


def test_a_relative_clause_stays_with_its_person() -> None:
    text = "worried I'll end up like my aunt, who lost control of her bladder. Mine is just stiff"
    assert _status(text, "bladder_control_loss") in (None, Status.ABSENT)


def test_a_subjectless_sentence_goes_on_from_the_writer() -> None:
    text = "Since my second child (she's 6 now) I leak when I cough. Back's sore from digging."
    f = _finding(text, "age")
    assert f is None or f.status is Status.ABSENT  # the child's age, not the writer's
    # ...but after a sentence about someone else it is theirs
    f = _finding("My dad is 81 and slipped yesterday. Back's killing. I'm worried.", "age")
    assert f is not None and f.status is Status.PRESENT and f.value == 81


def test_a_person_the_writer_lifts_is_not_the_subject() -> None:
    text = "Aged seventy-two. Lifted my granddaughter out of the bath and felt a sudden pain"
    assert _status(text, "sudden_onset") is Status.PRESENT


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("came off my horse at a fence this morning", "significant_trauma"),
        ("fell down about ten steps at the station", "significant_trauma"),
        ("had a mastectomy years ago, all clear", "cancer_history"),
        (
            "I can't get myself to the loo, I'm crawling on hands and knees",
            "basic_function_lost",
        ),
        ("haven't slept a wink in three nights", "basic_function_lost"),
        ("nothing touches the pain", "uncontrolled_pain"),
        ("I'm 22 weeks and leaking some clear fluid", "pregnancy_bleeding_or_fluid"),
        ("I'm 22 weeks and leaking some clear fluid", "pregnancy"),
        ("there's a hump forming at the top of my back", "back_lump"),
        ("both leg have the tingling", "bilateral_leg_symptoms"),
        ("it was 3 out of 10 yesterday, 6 today", "worsening"),
        ("it never changes with position", "constant_rest_pain"),
    ],
)
def test_more_lay_wording_is_read(text: str, finding: str) -> None:
    assert _status(text, finding) in (Status.PRESENT, Status.UNKNOWN)


def test_an_everyday_numbing_is_not_a_red_flag() -> None:
    text = "half my face is numb from the dentist's injection, back tweaked getting up"
    assert _status(text, "facial_droop") in (None, Status.ABSENT)
    assert _status("my frozen shoulder is stiff", "limb_numbness") in (None, Status.ABSENT)


def test_a_season_gives_a_duration_and_nae_denies() -> None:
    f = _finding("stiff every morning since last summer", "pain_duration_days")
    assert f is not None and f.value is not None and f.value >= 60
    assert _status("nae numbness in my legs", "limb_numbness") is Status.ABSENT


# --- blind batch 9: dialect, decimal commas, what embeddings cannot see -------------------


def test_dialect_words_are_read_as_standard_ones() -> None:
    text = "Ma back's went. Am lyin on the kitchen flair an cannae get up at aw."
    assert _status(text, "unable_to_move") in (Status.PRESENT, Status.UNKNOWN)


def test_a_decimal_comma_is_a_decimal_point() -> None:
    f = _finding("pain in the back since 3 days and I have 39,2 of temperature", "body_temperature")
    assert f is not None and f.value == pytest.approx(39.2)
    assert [s.text for s in sentences("3,4 days and 1,000 steps")] == [
        "3 , 4 days and 1 , 000 steps"
    ]


def test_an_inability_is_not_undone_by_an_earlier_nothing() -> None:
    text = "since my back went nothing happens down there, can't get an erection at all"
    assert _status(text, "sexual_dysfunction") is Status.PRESENT


def test_one_sciatic_leg_is_not_both_legs_even_to_the_second_opinion() -> None:
    found = extract("Sciatica down my left leg for three weeks, the right is grand", KB).findings
    both = found.get("bilateral_leg_symptoms")
    assert both is None or both.status is Status.ABSENT
    found = extract("the sciatica now goes down the other leg as well", KB).findings
    assert found["bilateral_leg_symptoms"].status in (Status.PRESENT, Status.UNKNOWN)


def test_stress_that_keeps_setting_off_spasms_is_a_consultation() -> None:
    assert _level("Every time work gets stressful my back knots up in spasm") is (
        Level.CONSULTATION
    )
    assert _level("Upper back spasm after a stressful day, nothing else") is Level.SELF_CARE


def test_a_past_cancer_all_clear_still_counts_and_a_scare_does_not() -> None:
    assert _status("had breast cancer years ago, all clear since", "cancer_history") is (
        Status.PRESENT
    )
    assert _status("had a cancer scare but the biopsy came back benign", "cancer_history") is (
        Status.ABSENT
    )


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("tight band round my ribs and I'm sweating", "chest_pain"),
        ("his mouth went down on one side at tea", "facial_droop"),
        ("left arm & left leg went numb twenty minutes ago", "one_sided_symptoms"),
        ("twice I haven't made it to the loo for number twos", "bowel_control_loss"),
        ("felt like someone tore something inside my back", "tearing_pain"),
        ("he's still lying there and it hurts too much to move", "unable_to_move"),
        ("I wake every time I turn over because of my back", "night_pain"),
        ("on rivaroxaban and a sudden really bad pain in my back", "severe_pain"),
    ],
)
def test_batch_nine_lay_wording_is_read(text: str, finding: str) -> None:
    assert _status(text, finding) in (Status.PRESENT, Status.UNKNOWN)


def test_a_drink_dribbling_is_not_urine() -> None:
    assert _status("his tea dribbled out of his mouth", "urinary_retention") in (
        None,
        Status.ABSENT,
    )


# --- blind batch 10: the emergencies it read as self-care, and clinical wording ------------


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("a week after my hip op I get out of breath just sitting here", "breathlessness"),
        ("when I stand I go all swimmy and have to sit down before I drop", "faintness"),
        ("dad's been sat on the toilet since six and we can't shift him", "unable_to_move"),
        ("since the back pain my erection is not possible", "sexual_dysfunction"),
        ("her legs have gone a funny marbly colour", "mottled_skin"),
        ("an ache between the blades and I'm clammy", "interscapular_pain"),
        ("new perineal hypoaesthesia this morning", "saddle_numbness"),
        ("bilateral buttock paraesthesia since yesterday", "bilateral_leg_symptoms"),
        ("first it was once a week, now it's every day", "neuro_progressive"),
        ("thoracic pain, unremitting and unrelated to position", "constant_rest_pain"),
        ("it was 3/10 yesterday and 6/10 today", "worsening"),
    ],
)
def test_batch_ten_wording_is_read(text: str, finding: str) -> None:
    assert _status(text, finding) in (Status.PRESENT, Status.UNKNOWN)


def test_a_past_cancer_with_new_tingling_is_an_emergency() -> None:
    assert _level("breast cancer in 2018. New back ache and a tingly right calf") is (
        Level.EMERGENCY
    )


def test_weak_at_the_knees_over_a_crush_and_a_dark_yellow_wee_are_nothing() -> None:
    assert _level("my crush walked past and I went weak at the knees lol, back sore from PE") is (
        Level.SELF_CARE
    )
    found = extract("my wee is dark yellow because I don't drink enough, back aches", KB)
    blood = found.findings.get("blood_in_urine")
    assert blood is None or blood.status is Status.ABSENT


def test_being_told_by_a_doctor_is_a_report_but_reading_online_is_not() -> None:
    assert _status("I was told at my scan that my aorta is enlarged", "known_aneurysm") is (
        Status.PRESENT
    )
    assert _status(
        "I read online that an aortic aneurysm can cause back pain", "known_aneurysm"
    ) in (
        None,
        Status.ABSENT,
    )


def test_a_constricting_feeling_behind_the_breastbone_is_chest_pain() -> None:
    text = "a heavy, constricting feeling behind the breastbone going into my left jaw"
    assert _status(text, "chest_pain") is Status.PRESENT


# --- blind batch 11 -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("only a trickle comes out and I still feel full after", "urinary_retention"),
        ("wiping feels like wiping someone else's bottom, all rubbery", "saddle_numbness"),
        ("lifting the crate I felt a bolt of pain across my back", "sudden_onset"),
        ("she's weeing herself since the back went", "bladder_control_loss"),
        ("my left leg keeps falling down under me", "leg_giving_way"),
        ("down 10 lbs since summer without trying", "unexplained_weight_loss"),
        ("in remission from lymphoma for years", "cancer_history"),
        ("pain in the middle of the shoulders blades", "interscapular_pain"),
        ("the sweat is cold and I feel sick", "sweating"),
        ("thoracic pain, non-mechanical", "constant_rest_pain"),
        ("an ache in one buttock and down the back of my thigh", "radiating_leg_pain"),
    ],
)
def test_batch_eleven_wording_is_read(text: str, finding: str) -> None:
    assert _status(text, finding) in (Status.PRESENT, Status.UNKNOWN)


def test_one_leg_then_the_other_is_both_legs_across_a_long_sentence() -> None:
    text = (
        "My right leg gave way on Monday, annoying but fine, I managed, but since lunch "
        "the left one has started doing it too"
    )
    assert _status(text, "bilateral_leg_symptoms") is Status.PRESENT


def test_hasnt_gone_is_still_there() -> None:
    text = "coughed and felt a sudden sharp pain in my back that hasn't gone"
    assert _status(text, "sudden_onset") is Status.PRESENT


def test_a_blood_thinner_taken_now_for_an_old_clot_is_current() -> None:
    assert _status("I take apixaban for a clot I had two years ago", "blood_thinners") is (
        Status.PRESENT
    )
    assert _status(
        "I was on prednisolone tablets for a month three years ago", "long_term_steroids"
    ) is (Status.ABSENT)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("cabin fever after a week indoors, back sore from shovelling", "fever"),
        ("nearly wet myself laughing and my back twinged", "bladder_control_loss"),
        ("the deckchair collapsed under me, back sore", "faintness"),
        ("carried an oak chest up the stairs, back aches", "chest_pain"),
        ("sat cross-legged and my foot went numb, gone in a minute", "limb_numbness"),
    ],
)
def test_batch_eleven_traps_are_not_the_finding(text: str, finding: str) -> None:
    assert _status(text, finding) in (None, Status.ABSENT)


def test_a_carer_naming_weakness_describes_the_patient() -> None:
    # review: weakness was not a complaint word, so the dad's red flags read as someone else's
    assert _level("asking for my dad, he has cancer and his legs are weak") is Level.EMERGENCY


# --- wording from blind batch 13 (vignettes), in our own phrasings --------------------------


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("Dad's words keep coming out a little jumbled since lunch", "slurred_speech"),
        ("his right hand cannot make a fist any more", "limb_weakness"),
        ("my arm won't work properly since last night", "limb_weakness"),
        ("the numb patch has worked its way up into my thigh", "neuro_progressive"),
        ("sorry to be blunt, things down below haven't been working since the back went",
         "sexual_dysfunction"),
        ("I'm taking the codeine but it's hardly touching it", "uncontrolled_pain"),
        ("it is worst around 4am and even resting doesn't ease it", "constant_rest_pain"),
        ("it gets really bad in the small hours", "night_pain"),
        ("it takes me a good two hours to loosen up each morning", "morning_stiffness"),
        ("after a game of tennis it is much better", "eases_with_movement"),
        ("he's roasting one minute and freezing the next", "chills"),
        ("I sit on the loo and hardly anything comes", "urinary_retention"),
    ],
)  # fmt: skip
def test_batch_thirteen_wording_is_read(text: str, finding: str) -> None:
    assert _status(text, finding) in (Status.PRESENT, Status.UNKNOWN)


def test_a_leg_that_will_not_do_what_it_is_told_is_seen_within_a_day() -> None:
    assert _level("my left leg isn't doing what I tell it to") >= Level.CONSULTATION_24H


def test_legs_that_do_not_work_properly_are_both_legs_not_one() -> None:
    text = "since this morning my legs aren't working properly"
    assert _status(text, "bilateral_leg_weakness") in (Status.PRESENT, Status.UNKNOWN)
    assert _level(text) >= Level.EMERGENCY


def test_a_season_with_back_in_is_the_past() -> None:
    assert _status("had a kidney infection back in summer, all cleared", "dysuria") in (
        None,
        Status.ABSENT,
    )


def test_limbs_that_work_the_same_are_a_reassurance_but_not_the_same_is_a_sign() -> None:
    assert _status("my arms work the same as each other, just a stiff back", "limb_weakness") in (
        None,
        Status.ABSENT,
    )
    assert _status("my right arm does not work the same as the left", "limb_weakness") in (
        Status.PRESENT,
        Status.UNKNOWN,
    )


def test_since_before_christmas_is_a_duration() -> None:
    f = _finding("my back has hurt since just before christmas", "pain_duration_days")
    assert f is not None and f.value is not None and f.value >= 28


# --- wording from blind batch 12, in our own phrasings --------------------------------------


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("my knee keeps buckling, more and more often since Monday", "neuro_progressive"),
        ("yesterday I did pee in my pants and did not notice", "bladder_control_loss"),
        ("she could not hold her motions this morning", "bowel_control_loss"),
        ("it all came out without any warning", "bowel_control_loss"),
        ("33 weeks along and clear fluid keeps trickling out of me", "pregnancy_bleeding_or_fluid"),
        ("I lie in bed shivering with cold all night", "chills"),
        ("honestly I can't cope with it any more", "uncontrolled_pain"),
        ("the co-codamol is doing absolutely nothing", "uncontrolled_pain"),
        ("he injects most days, last did it on Sunday", "iv_drug_use"),
        ("our truck flipped on the gravel road", "significant_trauma"),
        ("we rolled the quad bike on the hill", "significant_trauma"),
        ("heavy pressure behind my breastbone", "chest_pain"),
        ("patient is pale and diaphoretic", "sweating"),
        ("the ache spreads up into my left trap", "arm_or_jaw_pain"),
    ],
)  # fmt: skip
def test_batch_twelve_wording_is_read(text: str, finding: str) -> None:
    assert _status(text, finding) in (Status.PRESENT, Status.UNKNOWN)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("frozen with fear before my exam and my back is tight", "unable_to_move"),
        ("been dead on my feet all week with the new baby, back aches", "bilateral_leg_symptoms"),
        ("both my legs feel as strong as ever, only the back twinges", "bilateral_leg_weakness"),
        ("dripping with sweat from mowing the lawn, back a bit stiff", "sweating"),
        ("my hands went tingly in the cold but warmed up in the car", "limb_tingling"),
        ("a bit faint after giving blood, back sore from the chair", "blood_in_urine"),
    ],
)
def test_batch_twelve_traps_are_not_the_finding(text: str, finding: str) -> None:
    assert _status(text, finding) in (None, Status.ABSENT)


def test_a_reassurance_beside_an_age_does_not_take_the_age_back() -> None:
    f = _finding("I'm 76 and fit as a fiddle, hurt my back lifting a pot", "age")
    assert f is not None and f.status is Status.PRESENT and f.value == 76


def test_a_bare_kin_word_with_its_s_names_another_person() -> None:
    # the apostrophe of "dad's" is gone in normalised text; the s is the verb
    assert _status("Dad's on chemo; my back aches from helping him up", "cancer_history") in (
        None,
        Status.ABSENT,
    )


def test_a_fall_is_a_carers_complaint_so_the_parent_is_the_patient() -> None:
    assert _level("my grandad has had a fall and can't get up") is Level.EMERGENCY_AMBULANCE


def test_a_complaint_and_the_writer_in_one_clause_is_the_writers_own() -> None:
    text = "back is agony and ive been shivering with a temp of 38.6, my sister is out"
    assert _level(text) >= Level.CONSULTATION_24H
    assert _status(text, "body_temperature") is Status.PRESENT


# --- spelt-out decimals and hundreds, and injecting given up lately --------------------------


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("thirty nine point one", "39.1"),
        ("she was a hundred and two this morning", "she was 102 this morning"),
        ("one hundred and three point five", "103.5"),
        ("nineteen point 4", "19.4"),
        ("hundred and one dalmatians", "hundred and one dalmatians"),  # no "a": left alone
        ("one leg and two arms", "one leg and two arms"),
    ],
)
def test_spelt_out_decimals_and_hundreds_become_digits(text: str, digits: str) -> None:
    s = with_numerals(sentences(text)[0])
    assert s.text == digits
    assert s.original_span(0, len(s.text)) == (0, len(text))


def test_a_fever_in_spelt_out_fahrenheit_is_read_in_celsius() -> None:
    f = _finding("his temperature is a hundred and two, back really sore", "body_temperature")
    assert f is not None and f.value is not None and 38.8 <= f.value <= 39.0


def test_injecting_given_up_lately_is_asked_and_long_ago_is_not() -> None:
    assert _status("I came off injecting a fortnight ago, back aches", "iv_drug_use") in (
        Status.PRESENT,
        Status.UNKNOWN,
    )
    assert _status("gave up injecting twenty years ago, back aches", "iv_drug_use") in (
        None,
        Status.ABSENT,
    )


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("the ache has built up over the past month", 30),
        ("it all started on Saturday when I moved the fridge", 4),
        ("the spasm came on yesterday", 1),
    ],
)
def test_when_it_started_is_a_duration(text: str, days: int) -> None:
    f = _finding(text, "pain_duration_days")
    assert f is not None and f.value == days


# --- batch 15 (vignettes): whose words, and what the second opinion may read ----------------


def test_a_relative_who_died_is_not_the_patient() -> None:
    text = "my gran passed away with bone cancer, so this back ache frightens me"
    assert _status(text, "cancer_history") in (None, Status.ABSENT)
    # a living relative still is, even when another one has died
    assert _level("grandad passed away in spring and now nan has fallen and can't get up") is (
        Level.EMERGENCY_AMBULANCE
    )


def test_both_after_two_people_does_not_end_whose_words_they_are() -> None:
    text = "my dad and my uncle both had bowel cancer; my back is stiff from digging"
    assert _status(text, "cancer_history") in (None, Status.ABSENT)


def test_an_in_law_is_another_person() -> None:
    text = "my sister-in-law has cauda equina; my own back just aches"
    assert _level(text) is Level.SELF_CARE


def test_getting_thinner_is_asked_about() -> None:
    assert _status("my back aches and I'm looking skinnier", "unexplained_weight_loss") is (
        Status.UNKNOWN
    )


def test_a_duration_right_after_the_complaint_is_read() -> None:
    f = _finding("Backache six weeks now and no better", "pain_duration_days")
    assert f is not None and f.value == 42
    assert _finding("back pain at 30 weeks pregnant", "pain_duration_days") is None


def test_the_second_opinion_skips_a_greeting_and_gym_weights() -> None:
    from backcare.text.semantic import available

    if not available():
        pytest.skip("the semantic model is not installed")
    greeting = extract("Physio student here. My lower back is sore after a long shift", KB)
    assert "confusion" not in greeting.findings
    gym = extract("lifted far too much weight at the gym, back tight since", KB)
    assert "unexplained_weight_loss" not in gym.findings


# --- wording from blind batch 14, in our own phrasings --------------------------------------


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("there was blood in my hanky after I coughed", "coughing_blood"),
        ("the ache never changes whatever I do", "constant_rest_pain"),
        ("he goes to the toilet and nothing comes out", "urinary_retention"),
        ("she's having trouble trying to pass urine", "urinary_retention"),
        ("the bottom of her tummy is swollen", "urinary_retention"),
        ("I can't always tell if I'm peeing or not", "urinary_sensation_loss"),
        ("my husband touched my inner thigh and I couldn't feel it", "saddle_numbness"),
        ("the tingling was in my calf, now it goes right down to my heel", "neuro_progressive"),
    ],
)
def test_batch_fourteen_wording_is_read(text: str, finding: str) -> None:
    assert _status(text, finding) in (Status.PRESENT, Status.UNKNOWN)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("the children have all had high temperatures; I hurt my back lifting them", "fever"),
        ("my dad's just been told he has prostate cancer, my back is sore from the car",
         "cancer_history"),
        ("I've lost all feeling for my job, and the desk chair wrecks my back", "limb_numbness"),
        ("what does cauda equina actually mean? my back is just stiff", "saddle_numbness"),
        ("my foot had pins and needles, they wore off in a minute", "limb_tingling"),
        ("a steroid injection in my spine two years and a half ago, back stiff now",
         "recent_spinal_procedure"),
    ],
)  # fmt: skip
def test_batch_fourteen_traps_are_not_the_finding(text: str, finding: str) -> None:
    assert _status(text, finding) in (None, Status.ABSENT)


def test_a_dialect_no_denies() -> None:
    assert _status("back cramp from di heat, nuh fever", "fever") in (None, Status.ABSENT)


def test_a_common_word_is_not_spell_corrected_into_a_finding_word() -> None:
    # "wore" had been corrected to "worse"
    assert _status("my leg went numb, it wore off within a minute", "limb_numbness") in (
        None,
        Status.ABSENT,
    )


def test_months_of_a_complaint_is_a_duration() -> None:
    f = _finding("four months of a sore back every morning", "pain_duration_days")
    assert f is not None and f.value == 120


# --- the second review of the fourth session: each of these read lower than at its start ---


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("no fever, both ankles are numb", Level.EMERGENCY),
        ("I had a disc operation years ago, both bum cheeks have gone numb", Level.EMERGENCY),
        ("my back is agony. my feet, they are both numb", Level.EMERGENCY),
        ("back pain and my bum has had no feeling for the last day", Level.EMERGENCY),
        ("i fell off the ladder and was frozen with fear, cant move my legs",
         Level.EMERGENCY_AMBULANCE),
        ("my back hurts and i have lost control of my bladder what does this mean",
         Level.EMERGENCY),
        ("my legs are weak and tingly while my hands feel strong", Level.EMERGENCY),
        ("both legs are numb and arms work just the same", Level.EMERGENCY),
        ("my legs have nothing in them and keep giving way", Level.EMERGENCY),
        ("back pain and i cant feel nothing in my legs", Level.EMERGENCY),
        ("my back is agony and i cant feel nothing in my bum", Level.EMERGENCY),
        ("did my back in spring cleaning and wet myself", Level.EMERGENCY),
        ("hurt my back in summer heat, numb bum and cant pee", Level.EMERGENCY),
        ("my dad passed out and his back hurts", Level.EMERGENCY),
        ("my dad just passed a kidney stone, now he has a fever and back pain",
         Level.CONSULTATION_24H),
        ("my mum nearly died from sepsis last year. she has a fever and her back is killing her",
         Level.CONSULTATION_24H),
        ("back pain question if i may. my dad, 80, fell down the stairs and cant feel his legs",
         Level.EMERGENCY_AMBULANCE),
        ("i need advice after a fall. my dad fell off a ladder and his back hurts",
         Level.EMERGENCY),
        ("i am worried about a fever. my mum injects heroin and her back hurts", Level.EMERGENCY),
    ],
)  # fmt: skip
def test_what_the_fourth_sessions_review_found_reads_at_its_level(text: str, level: Level) -> None:
    assert _level(text) >= level


# --- wording from blind batch 16, in our own phrasings --------------------------------------


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("I can't hold on to a mug with my left hand any more", "limb_weakness"),
        ("a tight band round my ribs, nothing changes it", "constant_rest_pain"),
        ("my bladder feels like it's about to burst", "urinary_retention"),
        ("he can't seem to empty at all", "urinary_retention"),
        ("honestly nothing's happening down below since my back went", "sexual_dysfunction"),
        ("the numbness is spreading further up my leg", "neuro_progressive"),
        ("my left side has gone heavy, arm and leg", "one_sided_symptoms"),
        ("the pain hit all at once", "sudden_onset"),
        ("I've got the shivers", "chills"),
        ("a shearing pain between my shoulders", "tearing_pain"),
        ("weeing feels like passing glass", "dysuria"),
        ("a colleague said the left side of my face has dropped", "one_sided_symptoms"),
    ],
)
def test_batch_sixteen_wording_is_read(text: str, finding: str) -> None:
    assert _status(text, finding) in (Status.PRESENT, Status.UNKNOWN)


def test_a_person_whose_own_words_hold_the_finding_is_that_person() -> None:
    text = "my back aches from lifting; my brother's got a temperature from a cold"
    assert _status(text, "fever") in (None, Status.ABSENT)


def test_not_making_it_to_the_toilet_is_no_denial_of_what_follows() -> None:
    text = "didn't make it in time, my bowels went without warning"
    assert _status(text, "bowel_control_loss") is Status.PRESENT


def test_a_comparison_with_the_summer_is_not_the_past() -> None:
    text = "his spine is more bent than it was in the spring and it hurts"
    assert _status(text, "back_lump") in (Status.PRESENT, Status.UNKNOWN)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("my one leg keeps giving way", Level.CONSULTATION_24H),
        ("my back hurts and my one leg is weak", Level.CONSULTATION_24H),
        ("I woke up and my one arm and leg were numb and my back hurts", Level.EMERGENCY_AMBULANCE),
        ("im 14 years old 20 minutes ago my back started hurting after football",
         Level.CONSULTATION),
    ],
)  # fmt: skip
def test_what_the_last_review_found_reads_at_its_level(text: str, level: Level) -> None:
    assert _level(text) >= level


@pytest.mark.parametrize(
    "text",
    [
        "been shearing sheep all week and my lower back is sore",
        "I have been dissecting spreadsheets all day at my desk and my back aches",
        "I cant empty the dishwasher because of my back",
        "the tap keeps leaking and I strained my back under the sink",
        "I feel hot with the heat pad on my back",
    ],
)
def test_everyday_words_near_the_new_patterns_stay_self_care(text: str) -> None:
    assert _level(text) is Level.SELF_CARE


def test_a_carers_text_about_any_warning_sign_makes_that_person_the_patient() -> None:
    assert _level("my wife's face is drooping") is Level.EMERGENCY_AMBULANCE
    assert _level("my husband's words are slurred") is Level.EMERGENCY_AMBULANCE


def test_a_mouth_is_not_spell_corrected_into_months() -> None:
    text = "my mate reckons my mouth's drooping on one side"
    assert _status(text, "facial_droop") is Status.PRESENT


def test_coming_over_faint_is_faintness() -> None:
    assert _status("I came over all faint at the sink", "faintness") is Status.PRESENT
