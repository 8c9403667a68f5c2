"""Findings -> RecoveryEstimate: an expected range in days, the expected pain curve, and why.

The range is the longer of the severity course and every cause course that applies, scaled by
the factors that speed or slow healing (knowledge/recovery.yaml). The pain curve is an
exponential fall from today's pain, reaching a fifth of it by the end of the range; the band
runs from the fast end (short range) to the slow end (long range). Its shape follows the
observed course of acute back pain (Costa 2012; Pengel 2003: most of the fall in month one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backcare.conditions import Predicate, compile_conditions
from backcare.findings import Citation, FindingSet
from backcare.knowledge.load import Knowledge
from backcare.knowledge.plain import citations

if TYPE_CHECKING:
    from backcare.knowledge.schema import RecoveryCourse, RecoveryFactor

RESIDUAL_AT_END = 0.2  # share of the starting pain left at the end of the expected range
DEFAULT_PAIN = 5.0
LATEST_REVIEW_DAY = 42  # CLINICAL.md: escalate by 6 weeks at the latest
REVIEW_DAYS = (7, 14, 28, LATEST_REVIEW_DAY)  # CLINICAL.md: review at 1-2, 4 and 6 weeks


@dataclass(frozen=True, slots=True)
class RecoveryEstimate:
    """Expected recovery range, the pain curve to compare a diary against, and the reasons."""

    severity: str
    min_days: int
    max_days: int
    start_pain: float
    reasons: tuple[str, ...]
    courses: tuple[str, ...]
    factors: tuple[str, ...]
    review_days: tuple[int, ...]
    sources: tuple[Citation, ...]

    @property
    def escalation_day(self) -> int:
        """The day by which no meaningful improvement means a consultation."""
        return min(self.max_days, LATEST_REVIEW_DAY)

    def expected_pain(self, day: float) -> tuple[float, float, float]:
        """(fast, typical, slow) expected pain 0-10 on `day` after onset."""
        return (
            self._pain(day, self.min_days),
            self._pain(day, (self.min_days + self.max_days) / 2),
            self._pain(day, self.max_days),
        )

    def _pain(self, day: float, horizon: float) -> float:
        rate = math.log(1 / RESIDUAL_AT_END) / max(horizon, 1.0)
        return round(self.start_pain * math.exp(-rate * max(day, 0.0)), 2)

    def curve(self, step: int = 1) -> tuple[tuple[int, float, float, float], ...]:
        """Points (day, fast, typical, slow) from onset to the end of the range."""
        return tuple((d, *self.expected_pain(d)) for d in range(0, self.max_days + 1, step))


@dataclass(frozen=True, slots=True)
class _RecoveryModel:
    """The recovery content arranged for quick lookup, built once per knowledge base."""

    severity: dict[str, RecoveryCourse]
    causes: tuple[tuple[str, RecoveryCourse], ...]
    factors: tuple[tuple[RecoveryFactor, Predicate], ...]

    @classmethod
    def build(cls, kb: Knowledge) -> _RecoveryModel:
        courses = kb.base.courses
        return cls(
            severity={c.label.lower(): c for c in courses if c.kind == "severity"},
            causes=tuple((c.finding, c) for c in courses if c.kind == "cause" and c.finding),
            factors=tuple((f, compile_conditions(f.when)) for f in kb.base.factors),
        )


def _sources(
    kb: Knowledge, courses: tuple[str, ...], factors: tuple[str, ...]
) -> tuple[Citation, ...]:
    by_id = {c.id: c for c in kb.base.courses}
    used = {f.id: f for f in kb.base.factors}
    return citations([*(by_id[c] for c in courses), *(used[f] for f in factors)])


def severity_of(findings: FindingSet) -> tuple[str, str]:
    """Severity (mild / moderate / severe) and the reason for it."""
    pain = findings.value("pain_score")
    function = findings.value("activity_interference")
    if findings.counts("unable_to_move") or findings.counts("severe_pain"):
        return "severe", "The pain is severe."
    worst = max((v for v in (pain, function) if v is not None), default=None)
    if worst is None:
        return "moderate", "No pain score was given, so a moderate spasm is assumed."
    if worst >= 7:
        return "severe", f"Pain or loss of function is high ({worst:g}/10)."
    if worst >= 4:
        return "moderate", f"Pain or loss of function is moderate ({worst:g}/10)."
    return "mild", f"Pain and loss of function are mild ({worst:g}/10)."


def estimate(findings: FindingSet, kb: Knowledge) -> RecoveryEstimate:
    """The recovery estimate for these findings."""
    model = kb.derived(_RecoveryModel.build)
    severity, why = severity_of(findings)
    courses = [model.severity[severity]]
    courses += [c for fid, c in model.causes if findings.counts(fid)]
    low = max(c.min_days for c in courses)
    high = max(c.max_days for c in courses)
    reasons = [why, *(c.text for c in courses)]
    multiplier = 1.0
    used: list[RecoveryFactor] = []
    for factor, applies in model.factors:
        if applies(findings):
            multiplier *= factor.multiplier
            used.append(factor)
            reasons.append(factor.text)
    multiplier = min(max(multiplier, 0.6), 2.0)
    min_days = max(1, round(low * multiplier))
    max_days = max(min_days + 1, round(high * multiplier))
    reviews = tuple(sorted({*REVIEW_DAYS, min(max_days, LATEST_REVIEW_DAY)}))
    start = findings.value("pain_score")
    sources = kb.derived(_sources, tuple(c.id for c in courses), tuple(f.id for f in used))
    return RecoveryEstimate(
        severity=severity,
        min_days=min_days,
        max_days=max_days,
        start_pain=float(start) if start is not None else DEFAULT_PAIN,
        reasons=tuple(reasons),
        courses=tuple(c.id for c in courses),
        factors=tuple(f.id for f in used),
        review_days=reviews,
        sources=sources,
    )
