"""Plain JSON-ready dicts for the core's values (CLI --json, API, exports)."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from backcare.findings import Citation, Finding, FindingSet

if TYPE_CHECKING:  # types only: `triage --json` need not import the plan and recovery code
    from backcare.assessment import Assessment
    from backcare.careplan import CarePlan
    from backcare.interop.records import EpisodeRecord
    from backcare.interview import Screen
    from backcare.knowledge.load import Knowledge
    from backcare.recovery import RecoveryEstimate
    from backcare.service import InterviewOutcome
    from backcare.text.triage import TextTriage
    from backcare.triage import Disposition


def citation(c: Citation) -> dict[str, str]:
    return {"source": c.source, "section": c.section}


def finding(f: Finding, kb: Knowledge) -> dict[str, Any]:
    spec = kb.findings.get(f.id)
    return {
        "id": f.id,
        "label": spec.label if spec else f.id,
        "status": f.status.value,
        "value": f.value,
        "evidence": f.evidence,
        "context": f.context,
    }


def findings(fs: FindingSet, kb: Knowledge) -> list[dict[str, Any]]:
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


def assessment(a: Assessment, kb: Knowledge) -> dict[str, Any]:
    out = disposition(a.disposition)
    out["findings"] = findings(a.findings, kb)
    out["recovery"] = recovery(a.recovery)
    out["plan"] = plan(a.plan)
    return out


def text_triage(t: TextTriage, kb: Knowledge) -> dict[str, Any]:
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


def not_asked(t: TextTriage, kb: Knowledge) -> list[dict[str, str]]:
    """The red-flag screens a description leaves to ask: a text alone is provisional unless it
    settles an ambulance-level sign."""
    from backcare.interview import step

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


def episode(record: EpisodeRecord) -> dict[str, Any]:
    """One episode with its assessment, plan, entries and medicines (`backcare episode show`,
    `backcare export --json`, GET /api/v1/episodes/{id}), from its typed record."""
    return {
        "schema_version": record.schema_version,
        "id": record.id,
        "onset_date": record.onset.isoformat(),
        "started_at": record.started_at.isoformat(),
        "closed_at": None if record.closed_at is None else record.closed_at.isoformat(),
        "level": record.level,
        "current_level": record.current_level,
        "escalation_reason": record.escalation_reason,
        "findings": [
            {"id": f.id, "label": f.label, "status": f.status, "value": f.value,
             "evidence": f.evidence, "context": f.context}
            for f in record.findings
        ],
        "disposition": disposition(record.disposition),
        "recovery": {**recovery(record.recovery), "start_pain_known": record.start_pain_known},
        "plan": plan(record.plan),
        "entries": [
            {
                "id": e.id, "recorded_at": e.recorded_at.isoformat(), "pain": e.pain,
                "spasms_per_day": e.spasms_per_day, "stiffness": e.stiffness,
                "activity_interference": e.activity_interference,
                "sleep_interference": e.sleep_interference, "note": e.note,
                "symptoms": list(e.symptoms),
                "therapy": [{"kind": k, "minutes": m} for k, m in e.therapy],
                "exercises": list(e.exercises),
                "medicines": [{"name": n, "taken_at": at.isoformat()} for n, at in e.medicines],
                "triage_level": e.triage_level, "triage": e.triage,
            }
            for e in record.entries
        ],
    }  # fmt: skip
