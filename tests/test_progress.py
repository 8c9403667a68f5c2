"""Progress against the expected course, escalation, recurrence and medicine guards (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from backcare.findings import Level
from backcare.knowledge.load import Knowledge
from backcare.progress import (
    Dose,
    PainPoint,
    assess_progress,
    medicine_warnings,
    same_day_conflicts,
)
from backcare.recovery import RecoveryEstimate

ONSET = date(2026, 11, 1)


def est(min_days: int = 7, max_days: int = 35, start: float = 7.0) -> RecoveryEstimate:
    return RecoveryEstimate("moderate", min_days, max_days, start, (), (), (), (7, 14, 28), ())


def pts(*pairs: tuple[int, float]) -> list[PainPoint]:
    return [
        PainPoint(datetime(2026, 11, 1, 9, tzinfo=UTC) + timedelta(days=d), p) for d, p in pairs
    ]


def at(day: int) -> date:
    return ONSET + timedelta(days=day)


def test_no_entries(kb: Knowledge) -> None:
    p = assess_progress(est(), ONSET, [], at(2), kb=kb)
    assert p.status == "no_entries" and p.escalation is None and p.message


def test_recovered(kb: Knowledge) -> None:
    p = assess_progress(est(), ONSET, pts((0, 7), (5, 2), (9, 0)), at(9), kb=kb)
    assert p.status == "recovered" and p.escalation is None


def test_improving_and_as_expected(kb: Knowledge) -> None:
    fast = assess_progress(est(), ONSET, pts((0, 7), (3, 3)), at(3), kb=kb)
    assert fast.status == "improving" and fast.meaningful
    typical = est().expected_pain(6)[1]
    steady = assess_progress(est(), ONSET, pts((0, 7), (6, round(typical + 0.5))), at(6), kb=kb)
    assert steady.status == "as_expected"


def test_slower_than_expected(kb: Knowledge) -> None:
    p = assess_progress(est(), ONSET, pts((0, 7), (14, 7)), at(14), kb=kb)
    assert p.status == "slower" and p.escalation is None
    assert p.latest == 7 and not p.meaningful


def test_worse_escalates_from_day_3(kb: Knowledge) -> None:
    p = assess_progress(est(start=5), ONSET, pts((0, 5), (3, 8)), at(3), kb=kb)
    assert p.status == "worse" and p.escalation is Level.CONSULTATION
    assert any("worse" in r for r in p.escalation_reasons)


def test_worse_on_days_0_to_2_reassures(kb: Knowledge) -> None:
    """CLINICAL.md 2026-11-23: 'getting worse' counts from day 3; before that, reassure."""
    p = assess_progress(est(start=5), ONSET, pts((0, 5), (2, 8)), at(2), kb=kb)
    assert p.status == "worse" and p.escalation is None
    assert "first two days" in p.message and "day 3" in p.message


def test_stalled_by_end_of_range_escalates(kb: Knowledge) -> None:
    e = est(3, 10)
    stalled = assess_progress(e, ONSET, pts((0, 7), (10, 6)), at(10), kb=kb)
    assert stalled.escalation is Level.CONSULTATION
    assert "day 10" in stalled.escalation_reasons[0]
    better = assess_progress(e, ONSET, pts((0, 7), (10, 4)), at(10), kb=kb)
    assert better.escalation is None


def test_six_weeks_is_the_latest_review(kb: Knowledge) -> None:
    e = est(21, 90, start=6)
    assert e.escalation_day == 42
    p = assess_progress(e, ONSET, pts((0, 6), (42, 5)), at(42), kb=kb)
    assert p.escalation is Level.CONSULTATION
    early = assess_progress(e, ONSET, pts((0, 6), (30, 5)), at(30), kb=kb)
    assert early.escalation is None


@pytest.mark.parametrize("change", [2.0, 2.1])
def test_meaningful_is_two_points_or_thirty_percent(kb: Knowledge, change: float) -> None:
    e = est(3, 10, start=8)
    p = assess_progress(e, ONSET, pts((0, 8), (10, 8 - change)), at(10), kb=kb)
    assert p.meaningful and p.escalation is None
    low = assess_progress(est(3, 10, start=3), ONSET, pts((0, 3), (10, 2)), at(10), kb=kb)
    assert low.meaningful  # 1 point of 3 is 33%


def test_recurrence(kb: Knowledge) -> None:
    p = assess_progress(est(), ONSET, pts((0, 6)), at(1), episodes_this_year=3, kb=kb)
    assert p.escalation is Level.CONSULTATION and "3" in p.escalation_reasons[0]
    assert assess_progress(est(), ONSET, pts((0, 6)), at(1), episodes_this_year=2,
                           kb=kb).escalation is None  # fmt: skip


def doses(name: str, *hours: float) -> list[Dose]:
    base = datetime(2026, 11, 1, 8, tzinfo=UTC)
    return [Dose(name, base + timedelta(hours=h)) for h in hours]


def test_relaxant_over_72_hours_warns(kb: Knowledge) -> None:
    assert not medicine_warnings(doses("cyclobenzaprine 10mg", 0, 24, 48, 72), kb)
    warned = medicine_warnings(doses("Cyclobenzaprine", 0, 24, 48, 73), kb)
    assert [w.medicine for w in warned] == ["muscle_relaxant"]
    assert "72 hours" in warned[0].text and warned[0].sources


def test_opioid_over_3_days_warns(kb: Knowledge) -> None:
    """Issue 15.1: the OTC codeine label and the guidelines say 3 days, not the article's 14."""
    assert not medicine_warnings(doses("codeine", 0, 24, 48, 72), kb)
    warned = medicine_warnings(doses("codeine", 0, 24, 48, 73), kb)
    assert [w.medicine for w in warned] == ["opioid"]
    assert "3 days" in warned[0].text and "14" not in warned[0].text


@pytest.mark.parametrize(
    "product",
    ["Nurofen Plus", "Solpadeine Plus", "Solpadeine Max", "Migraleve", "Tylenol with Codeine",
     "co-codamol 30/500", "Tylenol #3"],
)  # fmt: skip
def test_codeine_combinations_count_as_opioids(kb: Knowledge, product: str) -> None:
    """Issue 15.7: codeine combinations are opioids for the 3-day guard."""
    warned = medicine_warnings(doses(product, 0, 24 * 4), kb)
    assert "opioid" in {w.medicine for w in warned}


def test_two_nsaids_on_one_day_warn(kb: Knowledge) -> None:
    """Issue 15.7: never two NSAIDs together; the same product twice is not a clash."""
    clash = medicine_warnings(doses("ibuprofen 200mg", 0) + doses("naproxen", 4), kb)
    assert [w.medicine for w in clash] == ["nsaid"]
    assert "two different anti-inflammatories" in clash[0].text and clash[0].sources
    assert not medicine_warnings(doses("ibuprofen 200mg", 0, 6) + doses("Ibuprofen", 12), kb)
    next_day = doses("ibuprofen", 0) + doses("naproxen", 24)
    assert not medicine_warnings(next_day, kb)


def test_nsaid_with_aspirin_on_one_day_warns(kb: Knowledge) -> None:
    warned = medicine_warnings(doses("ibuprofen", 0) + doses("aspirin 75mg", 2), kb)
    assert [w.medicine for w in warned] == ["nsaid+aspirin"]
    assert not medicine_warnings(doses("aspirin 75mg", 0, 24, 48), kb)


@pytest.mark.parametrize("sedative", ["diazepam", "cyclobenzaprine", "lorazepam", "methocarbamol"])
def test_opioid_with_relaxant_or_benzodiazepine_warns(kb: Knowledge, sedative: str) -> None:
    """Issue 15.7: FDA boxed warning; one warning per pair even when a dose fits two classes."""
    warned = medicine_warnings(doses("co-codamol", 0) + doses(sedative, 10), kb)
    pairs = [w.medicine for w in warned if "+" in w.medicine]
    assert len(pairs) == 1 and pairs[0].startswith("opioid+")  # one warning, however many pairs
    assert "breathing" in warned[-1].text


def test_conflicts_are_pure_and_need_both(kb: Knowledge) -> None:
    assert not same_day_conflicts(doses("tramadol", 0, 6), kb)
    assert not same_day_conflicts(doses("diazepam", 0, 6), kb)
    assert same_day_conflicts(doses("tramadol", 0) + doses("valium", 1), kb)


def test_two_paracetamol_products_on_one_day_warn(kb: Knowledge) -> None:
    same = doses("paracetamol", 0) + doses("Lemsip", 6)
    assert [w.medicine for w in medicine_warnings(same, kb)] == ["paracetamol"]
    repeat = doses("paracetamol", 0, 6, 12)
    assert not medicine_warnings(repeat, kb)


def test_co_codamol_counts_as_opioid_and_paracetamol(kb: Knowledge) -> None:
    logged = doses("co-codamol", *(24 * d for d in range(16))) + doses("paracetamol", 2)
    assert {w.medicine for w in medicine_warnings(logged, kb)} == {"opioid", "paracetamol"}


def test_unknown_medicine_is_ignored(kb: Knowledge) -> None:
    assert not medicine_warnings(doses("vitamin D", 0, 24 * 30), kb)
