"""Findings implied by other findings' values (a temperature of 38 C or more -> fever)."""

from __future__ import annotations

from backcare.findings import Finding, FindingSet, Status
from backcare.knowledge.load import Knowledge


def with_implications(findings: FindingSet, kb: Knowledge) -> FindingSet:
    """Add findings implied by numbers, e.g. a temperature of 38 C or more -> fever."""
    extra = []
    for f in findings.values():
        if f.value is None or f.status is Status.ABSENT:
            continue
        for imp in kb.findings[f.id].implies:
            if (imp.min is None or f.value >= imp.min) and (imp.max is None or f.value <= imp.max):
                extra.append(Finding(imp.finding, Status.PRESENT, evidence=f.evidence))
    return findings.with_findings(extra) if extra else findings
