"""Whose back pain: a carer's text describes the patient; another person beside the writer's
own complaint is "someone else" (CLINICAL.md, context words)."""

from __future__ import annotations

import pytest

from backcare.findings import Level
from backcare.knowledge.load import load_knowledge
from backcare.text.normalise import sentences
from backcare.text.subject import about_someone_else
from backcare.text.triage import triage_text

KB = load_knowledge()


def about_other(text: str) -> bool:
    return about_someone_else([s.text for s in sentences(text)])


@pytest.mark.parametrize(
    ("text", "other"),
    [
        ("my dad, 78, fell off a ladder and now his back hurts badly", True),
        ("My son (15) pulled something at rugby, he can't sit up", True),
        ("my husband has a small aneurysm and hes complaining his back hurts", True),
        ("My father had a spinal tumour but I'm fine apart from a back spasm", False),
        ("My husband's back has gone; mine's only a bit stiff from helping him", False),
        ("I hurt my back lifting my daughter", False),
        ("im worried about my dad because his back hurts", True),
        ("back spasm since Monday", False),  # nobody else named
        ("my grandad (80) collapsed in the kitchen, hes had backache since the weekend", True),
        ("Mum keeled over at the shops, shes had back pain all week", True),
        ("our youngest fell off the trampoline and his back hurts", True),
        ("my little girl has a fever, my back hurts from carrying her", False),
        ("hubby is 70, his backache came on suddenly this morning", True),
    ],
)
def test_who_the_patient_is(text: str, other: bool) -> None:
    assert about_other(text) is other


def test_a_carers_text_counts() -> None:
    d = triage_text("my dad, 78, fell off a ladder and now his back hurts badly", KB).disposition
    assert d.level >= Level.EMERGENCY


def test_someone_elses_history_beside_my_complaint_does_not() -> None:
    text = "My father had a spinal tumour but I'm fine apart from a back spasm after tennis"
    assert triage_text(text, KB).disposition.level is Level.SELF_CARE


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("my grandad (80) collapsed in the kitchen this morning, hes had backache a few days",
         "faintness"),
        ("Mum is 81, shes had backache for days and tonight she fainted in the bathroom",
         "faintness"),
    ],
)  # fmt: skip
def test_a_carers_event_counts_when_the_writer_has_no_complaint(text: str, finding: str) -> None:
    from backcare.findings import Status
    from backcare.text.extract import extract

    f = extract(text, KB).findings.get(finding)
    assert f is not None and f.status in (Status.PRESENT, Status.UNKNOWN)
