"""Body part x sensation: a red flag is read whatever the word order, and the words between the
part and the sensation (a negation, the past, an 'if') change what the pair means."""

from __future__ import annotations

import pytest

from backcare.findings import Status
from backcare.knowledge.load import load_knowledge
from backcare.text.extract import extract

KB = load_knowledge()


def status(text: str, finding: str) -> Status | None:
    f = extract(text, KB).findings.get(finding)
    return None if f is None else f.status


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("numb all round my backside since this morning", "saddle_numbness"),
        ("my backside, it has gone totally numb", "saddle_numbness"),
        ("the skin between my legs feels dead", "saddle_numbness"),
        ("wiping feels like nothing, numb", "saddle_numbness"),
        ("pins and needles in both feet and calves", "bilateral_leg_symptoms"),
        ("both my knees keep buckling under me", "bilateral_leg_weakness"),
        ("my wee just comes out without me knowing", "bladder_control_loss"),
        ("only a trickle when I try to wee", "urinary_retention"),
        ("I wet myself this afternoon", "bladder_control_loss"),
        ("the right side of my body went weak", "one_sided_symptoms"),
        ("my mouth is drooping on one side", "facial_droop"),
    ],
)
def test_part_and_sensation_in_any_order(text: str, finding: str) -> None:
    assert status(text, finding) in (Status.PRESENT, Status.UNKNOWN)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("my feet are not numb", "bilateral_leg_symptoms"),
        ("my legs used to be weak", "bilateral_leg_weakness"),
        ("if my legs went numb I would panic", "bilateral_leg_symptoms"),
        ("no numbness anywhere", "saddle_numbness"),
        ("pain on the left side of my lower back", "one_sided_symptoms"),
        ("I was in a car accident last month", "bladder_control_loss"),
    ],
)
def test_words_between_or_around_change_the_meaning(text: str, finding: str) -> None:
    assert status(text, finding) in (Status.ABSENT, None)


def test_a_sensation_with_no_place_is_asked_about() -> None:
    found = extract("a bit of numbness today", KB).findings
    assert found["saddle_numbness"].status is Status.UNKNOWN  # asked, never guessed
