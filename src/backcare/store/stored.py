"""The stored form of an episode's assessment: typed and versioned, apart from the JSON the
CLI and the API show (serialize.py), so that renaming a key there cannot break the record of
every stored episode.

An episode row holds four JSON columns: `findings` (a list), `disposition`, `recovery` and
`plan` (objects, each carrying `schema_version`). They are written from the core's own
dataclasses and read back into them by pydantic, which checks every field on the way in: a
row that does not match this version is an error, never a silently empty field. A change to
the stored form bumps STORED_VERSION and adds an Alembic data migration that upgrades the rows
(0003 brought version 1, the presentation JSON, to version 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from backcare.assessment import Assessment
from backcare.careplan import CarePlan
from backcare.errors import BackcareError
from backcare.findings import Finding, Status
from backcare.knowledge.load import Knowledge
from backcare.recovery import RecoveryEstimate
from backcare.triage import Disposition

STORED_VERSION = 2


class StoredRecordError(BackcareError):
    """A stored episode does not match the stored form this version reads."""


@dataclass(frozen=True, slots=True)
class StoredFinding:
    """A finding as the assessment stored it, with its label at the time."""

    id: str
    label: str
    status: Status
    value: float | None = None
    evidence: str | None = None
    context: str | None = None


@dataclass(frozen=True, slots=True)
class StoredRecovery:
    estimate: RecoveryEstimate
    start_pain_known: bool  # False: the start pain is the default, not what the person said


@cache
def _adapter(kind: type) -> TypeAdapter[Any]:
    return TypeAdapter(kind)


def _dump(kind: type, value: object) -> dict[str, Any]:
    return {"schema_version": STORED_VERSION, **_adapter(kind).dump_python(value, mode="json")}


def assessment_columns(assessment: Assessment, kb: Knowledge) -> dict[str, Any]:
    """The episode's JSON columns for an assessment, in the current stored form."""
    findings = [
        StoredFinding(f.id, kb.findings[f.id].label if f.id in kb.findings else f.id, f.status,
                      f.value, f.evidence, f.context)
        for f in assessment.findings.values()
    ]  # fmt: skip
    return {
        "findings": _adapter(list[StoredFinding]).dump_python(findings, mode="json"),
        "disposition": _dump(Disposition, assessment.disposition),
        "recovery": {
            **_dump(RecoveryEstimate, assessment.recovery),
            "start_pain_known": assessment.findings.value("pain_score") is not None,
        },
        "plan": _dump(CarePlan, assessment.plan),
    }


def _load(kind: type, doc: object, what: str) -> Any:
    if not isinstance(doc, dict) or doc.get("schema_version") != STORED_VERSION:
        version = doc.get("schema_version") if isinstance(doc, dict) else None
        raise StoredRecordError(
            f"the stored {what} is in form {version or 1}, this version reads form "
            f"{STORED_VERSION} (the database migration did not run)"
        )
    try:
        return _adapter(kind).validate_python(doc)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise StoredRecordError(f"the stored {what} does not match form {STORED_VERSION}: "
                                f"{first['loc']}: {first['msg']}") from None  # fmt: skip


def findings(doc: object) -> tuple[StoredFinding, ...]:
    try:
        return tuple(_adapter(list[StoredFinding]).validate_python(doc))
    except ValidationError as exc:
        raise StoredRecordError(f"the stored findings do not match: {exc.errors()[0]}") from None


def disposition(doc: object) -> Disposition:
    return _load(Disposition, doc, "triage result")  # type: ignore[no-any-return]


def recovery(doc: object) -> StoredRecovery:
    estimate: RecoveryEstimate = _load(RecoveryEstimate, doc, "recovery estimate")
    known = doc.get("start_pain_known", True) if isinstance(doc, dict) else True
    return StoredRecovery(estimate, bool(known))


def plan(doc: object) -> CarePlan:
    return _load(CarePlan, doc, "care plan")  # type: ignore[no-any-return]


def finding(f: StoredFinding) -> Finding:
    return Finding(f.id, f.status, f.value, f.evidence, f.context)
