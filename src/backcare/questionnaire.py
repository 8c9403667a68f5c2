"""Intake questions and answers -> Findings. Which questions to ask, and when, is the
interview's job (interview.py: grouped screens, most urgent first)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backcare.derive import with_implications
from backcare.errors import InputError
from backcare.findings import Finding, FindingSet, Status
from backcare.knowledge.load import Knowledge

if TYPE_CHECKING:
    from backcare.knowledge.schema import Finding as FindingDef

GROUP_ORDER = (
    "ambulance", "ambulance_detail", "emergency", "emergency_detail", "urgent", "urgent_detail",
    "routine", "about_pain", "about_you", "causes", "health", "medicines", "factors",
)  # fmt: skip
YES = {"yes", "y", "true", "1", "present", "yeah", "yep"}
NO = {"no", "n", "false", "0", "absent", "nope"}
UNSURE = {"unknown", "unsure", "not sure", "dont know", "don't know", "?", "maybe", "u"}


@dataclass(frozen=True, slots=True)
class Question:
    """One intake question."""

    finding: str
    text: str
    answer: str  # "yes_no" or "number"
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None


def intake(kb: Knowledge) -> tuple[Question, ...]:
    """Every intake question, in the order they are asked."""
    return kb.derived(_intake)


def _intake(kb: Knowledge) -> tuple[Question, ...]:
    order = {g: i for i, g in enumerate(GROUP_ORDER)}
    defs = [f for f in kb.base.findings if f.intake]
    defs.sort(key=lambda f: order.get(f.group, len(order)))
    return tuple(_question(f) for f in defs)


def _question(f: FindingDef) -> Question:
    spec = f.value
    return Question(
        finding=f.id,
        text=f.question,
        answer=f.answer,
        unit=spec.unit if spec else None,
        minimum=spec.min if spec else None,
        maximum=spec.max if spec else None,
    )


def parse_answer(finding_id: str, raw: object, kb: Knowledge) -> Finding:
    """Turn one raw answer (yes/no/not sure, true/false, or a number) into a Finding."""
    spec = kb.findings.get(finding_id)
    if spec is None:
        raise InputError(f"unknown finding id {finding_id!r} (see `backcare kb findings`)")
    evidence = f"answer: {raw}"
    if spec.answer == "number":
        return _number(spec, raw, evidence)
    if isinstance(raw, bool):
        return Finding(finding_id, Status.PRESENT if raw else Status.ABSENT, evidence=evidence)
    word = str(raw).strip().lower()
    if word in YES:
        return Finding(finding_id, Status.PRESENT, evidence=evidence)
    if word in NO:
        return Finding(finding_id, Status.ABSENT, evidence=evidence)
    if word in UNSURE or raw is None:
        return Finding(finding_id, Status.UNKNOWN, evidence=evidence)
    raise InputError(f"{finding_id}: answer yes, no or not sure (got {raw!r})")


def _number(spec: FindingDef, raw: object, evidence: str) -> Finding:
    assert spec.value is not None
    if raw is None or (isinstance(raw, str) and raw.strip().lower() in UNSURE):
        return Finding(spec.id, Status.UNKNOWN, evidence=evidence)
    if isinstance(raw, bool):
        raise InputError(f"{spec.id}: expected a number in {spec.value.unit}, got {raw!r}")
    try:
        value = float(str(raw).strip())
    except ValueError:
        raise InputError(
            f"{spec.id}: expected a number in {spec.value.unit}, got {raw!r}"
        ) from None
    if value != value or not spec.value.min <= value <= spec.value.max:
        unit = "" if spec.value.unit == "0-10" else f" {spec.value.unit}"
        raise InputError(
            f"{spec.id}: {raw!r} is out of range ({spec.value.min:g}-{spec.value.max:g}{unit})"
        )
    return Finding(spec.id, Status.PRESENT, value, evidence)


def parse_answers(answers: Mapping[str, object], kb: Knowledge) -> FindingSet:
    """Every answer in a mapping (finding id -> answer), with implied findings added."""
    return with_implications(FindingSet(parse_answer(k, v, kb) for k, v in answers.items()), kb)
