"""The episode record: one typed, versioned, read-only snapshot of an episode, built from its
rows (store/repo.py `record`), and the only thing the exports read (FHIR, the clinician's
summary, the calendar, the JSON export). It carries the assessment's own typed values
(disposition, recovery estimate with its courses, factors and sources, care plan), never the
JSON the screens show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from backcare.careplan import CarePlan
from backcare.recovery import RecoveryEstimate
from backcare.triage import Disposition

RECORD_VERSION = 2  # the shape of EpisodeRecord; bumped with any change to its fields


@dataclass(frozen=True, slots=True)
class FindingRecord:
    id: str
    label: str
    status: str  # present / absent / unknown
    value: float | None
    evidence: str | None
    context: str | None = None


@dataclass(frozen=True, slots=True)
class EntryRecord:
    id: int
    recorded_at: datetime
    pain: int
    note: str | None
    stiffness: int | None
    spasms_per_day: int | None
    activity_interference: int | None
    sleep_interference: int | None
    symptoms: tuple[str, ...]
    medicines: tuple[tuple[str, datetime], ...]
    therapy: tuple[tuple[str, int], ...]
    exercises: tuple[str, ...]
    triage_level: str
    triage: dict[str, Any] | None = None  # the entry's stored red-flag check, passed through


@dataclass(frozen=True, slots=True)
class PlanActionRecord:
    id: str
    phase: str
    title: str
    text: str
    timing: str | None
    every_minutes: int | None
    times_per_week: int | None
    sessions: tuple[int, int, int, int] | None = None  # from_day, to_day, per_day, minutes


@dataclass(frozen=True, slots=True)
class EpisodeRecord:
    id: int
    person: str
    onset: date
    started_at: datetime
    closed_at: datetime | None
    level: str  # the assessment's
    current_level: str  # raised by red flags in entries and by progress, never lowered
    escalation_reason: str | None
    findings: tuple[FindingRecord, ...]
    disposition: Disposition
    recovery: RecoveryEstimate
    start_pain_known: bool
    plan: CarePlan
    entries: tuple[EntryRecord, ...]  # in time order
    schema_version: int = RECORD_VERSION

    @property
    def reasons(self) -> tuple[str, ...]:
        return self.disposition.reasons

    @property
    def rules(self) -> tuple[tuple[str, str], ...]:
        """(rule id, reason) for every rule that fired, most urgent first."""
        return tuple((r.id, r.reason) for r in self.disposition.fired)

    @property
    def actions(self) -> tuple[PlanActionRecord, ...]:
        return tuple(
            PlanActionRecord(
                a.id, phase.id, a.title, a.text, a.timing, a.every_minutes, a.times_per_week,
                None if a.schedule is None else (a.schedule.from_day, a.schedule.to_day,
                                                 a.schedule.per_day, a.schedule.minutes),
            )
            for phase in self.plan.phases
            for a in phase.actions
        )  # fmt: skip

    @property
    def clinician_questions(self) -> tuple[str, ...]:
        return self.plan.clinician_questions

    def finding(self, finding_id: str) -> FindingRecord | None:
        return next((f for f in self.findings if f.id == finding_id), None)


def require_entries(record: EpisodeRecord, hint: str = "") -> EpisodeRecord:
    """The record, or an InputError when it has no diary entries (the summaries need some)."""
    if not record.entries:
        from backcare.errors import InputError

        raise InputError(f"episode {record.id} has no diary entries yet{hint}")
    return record
