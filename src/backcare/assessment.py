"""One call from findings to the whole answer: disposition, recovery estimate and care plan."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from backcare.careplan import CarePlan, build_plan
from backcare.findings import FindingSet
from backcare.knowledge.load import Knowledge
from backcare.recovery import RecoveryEstimate, estimate
from backcare.triage import Disposition, triage


@dataclass(frozen=True, slots=True)
class Assessment:
    findings: FindingSet
    disposition: Disposition
    recovery: RecoveryEstimate
    plan: CarePlan


def assess(findings: FindingSet, kb: Knowledge, locale: str | None = None) -> Assessment:
    """Triage, estimate recovery and build the plan for one set of findings."""
    disposition = triage(findings, kb, locale)
    recovery = estimate(findings, kb)
    return Assessment(
        findings, disposition, recovery, build_plan(findings, disposition, recovery, kb)
    )


def findings_from(
    answers: Mapping[str, object] | None,
    text: str | None,
    kb: Knowledge,
    locale: str | None = None,
) -> FindingSet:
    """Findings from questionnaire answers or, failing those, from a free-text description."""
    if answers is not None:
        from backcare.questionnaire import parse_answers

        return parse_answers(answers, kb)
    from backcare.text.triage import triage_text

    return triage_text(text or "", kb, locale).extraction.findings
