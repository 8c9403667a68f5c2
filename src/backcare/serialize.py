"""Plain JSON-ready dicts for the core's values (CLI --json, API, exports)."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from backcare.assessment import Assessment
from backcare.careplan import CarePlan
from backcare.findings import Citation, Finding, FindingSet
from backcare.knowledge.load import Knowledge, load_knowledge
from backcare.recovery import RecoveryEstimate
from backcare.triage import Disposition

if TYPE_CHECKING:
    from backcare.interview import Screen
    from backcare.service import InterviewOutcome
    from backcare.text.triage import TextTriage


def citation(c: Citation) -> dict[str, str]:
    return {"source": c.source, "section": c.section}


def finding(f: Finding, kb: Knowledge | None = None) -> dict[str, Any]:
    kb = kb or load_knowledge()
    spec = kb.findings.get(f.id)
    return {
        "id": f.id,
        "label": spec.label if spec else f.id,
        "status": f.status.value,
        "value": f.value,
        "evidence": f.evidence,
        "context": f.context,
    }


def findings(fs: FindingSet, kb: Knowledge | None = None) -> list[dict[str, Any]]:
    return [finding(f, kb) for f in fs.values()]


def disposition(d: Disposition) -> dict[str, Any]:
    return {
        "disposition": d.level.value,
        "title": d.title,
        "action": d.action,
        "emergency_number": d.emergency_number,
        "do_not_drive": d.do_not_drive,
        "reasons": list(d.reasons),
        "rules": [
            {
                "id": r.id,
                "level": r.level.value,
                "reason": r.reason,
                "findings": list(r.findings),
                "uncertain": list(r.uncertain),
                "sources": [citation(c) for c in r.sources],
            }
            for r in d.fired
        ],
        "questions": [
            {"finding": q.finding, "question": q.question, "level": q.level.value}
            for q in d.questions
        ],
        "sources": [citation(c) for c in d.sources],
        "disclaimer": d.disclaimer,
    }


def recovery(e: RecoveryEstimate) -> dict[str, Any]:
    return {
        "severity": e.severity,
        "min_days": e.min_days,
        "max_days": e.max_days,
        "start_pain": e.start_pain,
        "review_days": list(e.review_days),
        "escalation_day": e.escalation_day,
        "reasons": list(e.reasons),
        "curve": [
            {"day": d, "fast": fast, "typical": typ, "slow": slow}
            for d, fast, typ, slow in e.curve(step=max(1, e.max_days // 20))
        ],
        "sources": [citation(c) for c in e.sources],
    }


def plan(p: CarePlan) -> dict[str, Any]:
    out = asdict(p)
    out["level"] = p.level.value
    for sign in out["warning_signs"]:
        sign["level"] = str(sign["level"])
    return out


def assessment(a: Assessment, kb: Knowledge | None = None) -> dict[str, Any]:
    out = disposition(a.disposition)
    out["findings"] = findings(a.findings, kb)
    out["recovery"] = recovery(a.recovery)
    out["plan"] = plan(a.plan)
    return out


def text_triage(t: TextTriage, kb: Knowledge | None = None) -> dict[str, Any]:
    """The JSON line `backcare triage --json` writes for one text."""
    out = disposition(t.disposition)
    out["understood"] = t.extraction.understood
    out["findings"] = findings(t.extraction.findings, kb)
    out["mentions"] = [
        {
            "finding": m.finding,
            "status": m.status.value,
            "words": m.words,
            "start": m.start,
            "end": m.end,
            "value": m.value,
            "context": m.context,
        }
        for m in t.extraction.mentions
    ]
    pending = not_asked(t, kb)
    out["complete"] = not pending
    out["not_asked"] = pending
    return out


def not_asked(t: TextTriage, kb: Knowledge | None = None) -> list[dict[str, str]]:
    """The red-flag screens a description leaves to ask: a text alone is provisional unless it
    settles an ambulance-level sign."""
    from backcare.interview import step

    kb = kb or load_knowledge()
    s = step(kb, {}, t.extraction.findings)
    if s.complete:
        return []
    titles = {sc.id: sc.title for sc in kb.base.screens}
    return [{"id": i, "title": titles[i]} for i in s.unsettled]


def interview(outcome: InterviewOutcome, kb: Knowledge) -> dict[str, Any]:
    """The JSON of one interview step (`backcare interview --json`, POST /api/v1/interview)."""
    s = outcome.step
    level = disposition(s.disposition)
    level["level"] = level.pop("disposition")
    out: dict[str, Any] = {
        "complete": s.complete,
        "disposition": level,
        "screen": None if s.screen is None else screen(s.screen),
        "unsettled_screens": list(s.unsettled),
        "understood": outcome.understood,
        "findings": findings(s.findings, kb),
    }
    if s.complete:
        from backcare.assessment import assess

        result = assess(s.findings, kb, outcome.locale)
        out["recovery"] = recovery(result.recovery)
        out["plan"] = plan(result.plan)
    return out


def screen(sc: Screen) -> dict[str, Any]:
    return {
        "id": sc.id,
        "title": sc.title,
        "why": sc.why,
        "kind": sc.kind,
        "questions": [
            {
                "finding": q.finding,
                "question": q.question,
                "answer_type": q.answer_type,
                "min": q.minimum,
                "max": q.maximum,
                "unit": q.unit,
                "prefilled": q.prefilled,
            }
            for q in sc.questions
        ],
    }
