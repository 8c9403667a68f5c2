"""The semantic second opinion: a clause that reads like a red flag no pattern caught makes it
uncertain (asked, counted as present); it never speaks on a denial, someone else, the past or
a worry, and it leaves a clause the patterns already read as a red flag alone."""

from __future__ import annotations

import pytest

from backcare.findings import Status
from backcare.knowledge.load import load_knowledge
from backcare.text import semantic
from backcare.text.extract import extract
from backcare.text.normalise import sentences

KB = load_knowledge()


def semantic_findings(text: str) -> dict[str, Status]:
    e = extract(text, KB, use_semantic=True)
    return {m.finding: m.status for m in e.mentions if (m.context or "").startswith("reads like")}


def test_the_bank_is_complete_for_every_red_flag() -> None:
    red_flags = {f.id for f in KB.base.findings if f.kind == "red_flag_symptom"}
    assert semantic.bank_errors(set(KB.findings), red_flags) == []


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("it feels like I am sitting on a block of ice with no sensation", "saddle_numbness"),
        ("every time I stand my right knee folds and I nearly go over", "leg_giving_way"),
        ("my teeth keep chattering and I just cannot get warm", "chills"),
    ],
)
def test_a_phrasing_no_pattern_lists_is_asked_about(text: str, finding: str) -> None:
    found = extract(text, KB, use_semantic=True).findings
    assert finding in found and found[finding].status in (Status.UNKNOWN, Status.PRESENT)


@pytest.mark.parametrize(
    "text",
    [
        "I do not feel like I am sitting on a block of ice, feeling down there is normal",
        # someone else beside the writer's own complaint (alone, a carer's text is the brother's)
        "my brother has been sweating through the sheets and shaking with cold; my back is stiff",
        "last year my knee kept folding under me but that is long gone",
        "I am scared my knee will fold under me one day",
    ],
)
def test_no_opinion_on_a_denial_someone_else_the_past_or_a_worry(text: str) -> None:
    assert semantic_findings(text) == {}


def test_a_clause_already_read_as_a_red_flag_is_left_alone() -> None:
    assert semantic_findings("my left leg has gone numb since the spasm started") == {}


def test_a_clause_gets_one_opinion_a_reading_and_never_the_same_finding_twice() -> None:
    texts = [s.text for s in sentences("i feel weird all over and everything is a bit off")]
    ops = semantic.opinions(texts, set(semantic.load_bank().findings))
    per_clause: dict[tuple[int, int], list[str]] = {}
    for o in ops:
        per_clause.setdefault((o.sentence, o.start), []).append(o.finding)
    # two readings (the whole bank, the hand-written bank): one opinion each at most
    assert all(len(f) == len(set(f)) <= 2 for f in per_clause.values())


def test_it_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKCARE_SEMANTIC", "0")
    text = "it feels like I am sitting on a block of ice with no sensation"
    assert not any((m.context or "").startswith("reads like") for m in extract(text, KB).mentions)
