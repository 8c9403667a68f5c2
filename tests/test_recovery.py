"""Recovery estimate: ranges from severity and cause, factors, and the expected curve."""

from __future__ import annotations

from backcare.findings import FindingSet, present
from backcare.knowledge.load import Knowledge
from backcare.recovery import estimate, severity_of


def fs(*items: tuple[str, float | None]) -> FindingSet:
    return FindingSet(present(i, v) for i, v in items)


def test_severity_from_pain_and_function() -> None:
    assert severity_of(fs(("pain_score", 2)))[0] == "mild"
    assert severity_of(fs(("pain_score", 5)))[0] == "moderate"
    assert severity_of(fs(("pain_score", 3), ("activity_interference", 8)))[0] == "severe"
    assert severity_of(fs(("unable_to_move", None)))[0] == "severe"
    assert severity_of(FindingSet())[0] == "moderate"


def test_overuse_mild_is_days(kb: Knowledge) -> None:
    e = estimate(fs(("pain_score", 2), ("cause_overuse", None)), kb)
    assert e.max_days <= 14
    assert "severity_mild" in e.courses and "cause_overuse" in e.courses


def test_strain_takes_three_to_six_weeks(kb: Knowledge) -> None:
    e = estimate(fs(("pain_score", 3), ("cause_strain", None)), kb)
    assert (e.min_days, e.max_days) == (21, 42)
    assert any("three to six weeks" in r for r in e.reasons)


def test_underlying_problem_takes_months(kb: Knowledge) -> None:
    e = estimate(fs(("pain_score", 8), ("cause_underlying", None)), kb)
    assert e.max_days >= 90


def test_factors_speed_and_slow(kb: Knowledge) -> None:
    base = estimate(fs(("pain_score", 5)), kb)
    fit = estimate(fs(("pain_score", 5), ("fit_and_active", None), ("doing_self_care", None)), kb)
    older = estimate(fs(("pain_score", 5), ("age", 72), ("recurrent_spasms", None)), kb)
    assert fit.max_days < base.max_days < older.max_days
    assert "factor_older" in older.factors and "factor_past_episodes" in older.factors


def test_curve_falls_and_band_is_ordered(kb: Knowledge) -> None:
    e = estimate(fs(("pain_score", 8)), kb)
    points = e.curve()
    assert points[0][1:] == (8.0, 8.0, 8.0)
    for day, fast, typical, slow in points[1:]:
        assert fast <= typical <= slow <= 8.0, day
    assert [p[2] for p in points] == sorted((p[2] for p in points), reverse=True)
    assert e.expected_pain(e.max_days)[2] <= 8 * 0.21


def test_review_points_and_escalation_day(kb: Knowledge) -> None:
    short = estimate(fs(("pain_score", 2), ("cause_overuse", None)), kb)
    long = estimate(fs(("pain_score", 9), ("cause_underlying", None)), kb)
    assert short.escalation_day == short.max_days
    assert long.escalation_day == 42
    assert 42 in long.review_days and short.max_days in short.review_days
    assert e_sources(long)


def e_sources(e: object) -> bool:
    return bool(getattr(e, "sources", ()))
