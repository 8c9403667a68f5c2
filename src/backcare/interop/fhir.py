"""An episode as a FHIR bundle (type collection), validated with fhir.resources.

Resources: Patient (a pseudonymous subject), the intake Questionnaire and the assessment's
QuestionnaireResponse, an Observation per finding (pain with LOINC 72514-3; others coded with
SNOMED CT where the knowledge base has a code, text otherwise) and per diary pain score, a
RiskAssessment carrying the disposition and the rules that fired, and a CarePlan.

fhir.resources 7+ (pydantic 2) ships R5 and R4B models only; backcare uses R4B, the R4
technical-correction release, and emits only elements that R4 (4.0.1) also defines.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from backcare.interop.records import EpisodeRecord
from backcare.knowledge.load import Knowledge
from backcare.questionnaire import intake

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
LEVELS = "https://backcare.example/fhir/CodeSystem/triage-level"
ANSWERS = "https://backcare.example/fhir/CodeSystem/answer"
QUESTIONNAIRE_URL = "https://backcare.example/fhir/Questionnaire/intake"
PAIN_CODE = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
YES_NO = [
    {"valueCoding": {"system": ANSWERS, "code": c, "display": d}}
    for c, d in (("yes", "Yes"), ("no", "No"), ("unknown", "Not sure"))
]
STATUS_ANSWER = {"present": "yes", "absent": "no", "unknown": "unknown"}


def questionnaire(kb: Knowledge) -> dict[str, Any]:
    """The intake questionnaire: every question with its linkId and answer type."""
    items = []
    for q in intake(kb):
        item: dict[str, Any] = {"linkId": q.finding, "text": q.text}
        spec = kb.findings[q.finding]
        if spec.snomed:
            item["code"] = [{"system": SNOMED, "code": spec.snomed.code,
                             "display": spec.snomed.display}]  # fmt: skip
        if q.answer == "number":
            item["type"] = "decimal"
        else:
            item["type"] = "choice"
            item["answerOption"] = YES_NO
        if spec.ask_if:
            item["enableWhen"] = [
                {"question": other, "operator": "=", "answerCoding": YES_NO[0]["valueCoding"]}
                for other in spec.ask_if
            ]
            item["enableBehavior"] = "any"
        items.append(item)
    return {
        "resourceType": "Questionnaire",
        "id": "backcare-intake",
        "url": QUESTIONNAIRE_URL,
        "status": "active",
        "title": "backcare back spasm intake",
        "item": items,
    }


def bundle(record: EpisodeRecord, kb: Knowledge) -> dict[str, Any]:
    """The episode as a validated FHIR bundle (JSON-ready dict)."""
    ids = _Ids()
    patient_ref = ids.ref("Patient")
    resources: list[dict[str, Any]] = [
        {
            "resourceType": "Patient",
            "id": ids.last,
            "active": True,
            "name": [{"text": record.person}],
        },
        questionnaire(kb),
    ]
    answered = [f for f in record.findings if f.id in kb.findings]
    resources.append(_response(record, answered, ids, patient_ref, kb))
    observations = [_observation(record, f, ids, patient_ref, kb) for f in answered]
    observations += [_pain(e.recorded_at, e.pain, ids, patient_ref, f"diary entry {e.id}")
                     for e in record.entries]  # fmt: skip
    resources += observations
    resources.append(_risk(record, ids, patient_ref, observations))
    resources.append(_careplan(record, ids, patient_ref))
    entries = [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources]
    data = {
        "resourceType": "Bundle",
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"backcare:episode:{record.id}")),
        "type": "collection",
        "timestamp": record.started_at.isoformat(),
        "entry": entries,
    }
    validate(data)
    return data


def validate(data: dict[str, Any]) -> None:
    """Validate a bundle with fhir.resources; its model validates each entry's resource by its
    resourceType too, so this one call covers every resource (raises on error)."""
    from fhir.resources.R4B import get_fhir_model_class

    get_fhir_model_class("Bundle").model_validate(data)


class _Ids:
    """Stable, readable resource ids within one bundle."""

    def __init__(self) -> None:
        self.last = ""

    def ref(self, kind: str) -> str:
        self.last = str(uuid.uuid4())
        return f"urn:uuid:{self.last}"


def _response(record: EpisodeRecord, answered: list[Any], ids: _Ids, patient: str,
              kb: Knowledge) -> dict[str, Any]:  # fmt: skip
    ids.ref("QuestionnaireResponse")
    items = []
    for f in answered:
        if kb.findings[f.id].answer == "number":
            if f.value is None:
                continue
            answer: dict[str, Any] = {"valueDecimal": f.value}
        else:
            answer = YES_NO[["yes", "no", "unknown"].index(STATUS_ANSWER[f.status])]
        items.append({"linkId": f.id, "text": kb.findings[f.id].question, "answer": [answer]})
    return {
        "resourceType": "QuestionnaireResponse", "id": ids.last, "status": "completed",
        "questionnaire": QUESTIONNAIRE_URL, "subject": {"reference": patient},
        "authored": record.started_at.isoformat(), "item": items,
    }  # fmt: skip


def _observation(record: EpisodeRecord, f: Any, ids: _Ids, patient: str,
                 kb: Knowledge) -> dict[str, Any]:  # fmt: skip
    if f.id == "pain_score" and f.value is not None:
        return _pain(record.started_at, f.value, ids, patient, "assessment")
    ids.ref("Observation")
    spec = kb.findings[f.id]
    code: dict[str, Any] = {"text": spec.label}
    if spec.snomed:
        code["coding"] = [{"system": SNOMED, "code": spec.snomed.code,
                           "display": spec.snomed.display}]  # fmt: skip
    obs: dict[str, Any] = {
        "resourceType": "Observation", "id": ids.last, "status": "final", "code": code,
        "subject": {"reference": patient}, "effectiveDateTime": record.started_at.isoformat(),
    }  # fmt: skip
    if f.value is not None and spec.value is not None:
        obs["valueQuantity"] = {"value": f.value, "unit": spec.value.unit}
    elif f.status == "unknown":
        obs["dataAbsentReason"] = {"text": "not sure"}
    else:
        obs["valueBoolean"] = f.status == "present"
    if f.evidence:
        obs["note"] = [{"text": f.evidence}]
    return obs


def _pain(at: datetime, value: float, ids: _Ids, patient: str, source: str) -> dict[str, Any]:
    ids.ref("Observation")
    return {
        "resourceType": "Observation", "id": ids.last, "status": "final",
        "category": [{"coding": [{"system":
            "http://terminology.hl7.org/CodeSystem/observation-category", "code": "survey"}]}],
        "code": {"coding": [PAIN_CODE], "text": "Pain now, 0-10"},
        "subject": {"reference": patient}, "effectiveDateTime": at.isoformat(),
        "valueInteger": round(value), "note": [{"text": f"from the {source}"}],
    }  # fmt: skip


def _risk(record: EpisodeRecord, ids: _Ids, patient: str,
          observations: list[dict[str, Any]]) -> dict[str, Any]:  # fmt: skip
    ids.ref("RiskAssessment")
    notes = [{"text": f"{rule}: {reason}"} for rule, reason in record.rules]
    if record.escalation_reason:
        notes.append({"text": f"raised to {record.current_level}: {record.escalation_reason}"})
    return {
        "resourceType": "RiskAssessment", "id": ids.last, "status": "final",
        "subject": {"reference": patient}, "occurrenceDateTime": record.started_at.isoformat(),
        "method": {"text": "backcare triage rules (shared/CLINICAL.md policy)"},
        "basis": [{"reference": f"urn:uuid:{o['id']}"} for o in observations],
        "prediction": [{
            "outcome": {"text": "urgency of care needed"},
            "qualitativeRisk": {"coding": [{"system": LEVELS, "code": record.current_level}],
                                "text": record.current_level.replace("_", " ")},
            "rationale": " ".join(record.reasons),
        }],
        "note": notes or [{"text": "no rule fired: self-care"}],
    }  # fmt: skip


def _careplan(record: EpisodeRecord, ids: _Ids, patient: str) -> dict[str, Any]:
    ids.ref("CarePlan")
    activities = []
    for a in record.actions:
        detail: dict[str, Any] = {
            "kind": "ServiceRequest" if a.phase == "now" else "Task",
            "code": {"text": a.title}, "status": "not-started", "description": a.text,
        }  # fmt: skip
        if a.every_minutes:
            detail["scheduledTiming"] = {"repeat": {"frequency": 1, "period": a.every_minutes,
                                                    "periodUnit": "min"}}  # fmt: skip
        elif a.times_per_week:
            detail["scheduledTiming"] = {"repeat": {"frequency": a.times_per_week, "period": 1,
                                                    "periodUnit": "wk"}}  # fmt: skip
        elif a.timing:
            detail["scheduledString"] = a.timing
        activities.append({"detail": detail})
    return {
        "resourceType": "CarePlan", "id": ids.last, "status": "active", "intent": "plan",
        "title": "backcare self-care plan", "subject": {"reference": patient},
        "period": {"start": record.onset.isoformat()},
        "description": f"Expected recovery {record.recovery.min_days}-"
                       f"{record.recovery.max_days} days.",
        "activity": activities,
    }  # fmt: skip
