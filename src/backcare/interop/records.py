"""A typed, read-only snapshot of one episode, as the exports read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from backcare.recovery import RecoveryEstimate


@dataclass(frozen=True, slots=True)
class FindingRecord:
    id: str
    label: str
    status: str  # present / absent / unknown
    value: float | None
    evidence: str | None


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
    level: str
    current_level: str
    escalation_reason: str | None
    findings: tuple[FindingRecord, ...]
    reasons: tuple[str, ...]
    rules: tuple[tuple[str, str], ...]  # (rule id, reason)
    recovery: RecoveryEstimate
    actions: tuple[PlanActionRecord, ...]
    clinician_questions: tuple[str, ...]
    entries: tuple[EntryRecord, ...]

    def finding(self, finding_id: str) -> FindingRecord | None:
        return next((f for f in self.findings if f.id == finding_id), None)


def _time(value: str | None) -> datetime:
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _sessions(raw: Any) -> tuple[int, int, int, int] | None:
    if not isinstance(raw, dict):
        return None  # plans stored before the schedule was part of them
    return (int(raw["from_day"]), int(raw["to_day"]), int(raw["per_day"]), int(raw["minutes"]))


def from_export(person: str, ep: dict[str, Any]) -> EpisodeRecord:
    """Build the snapshot from one episode of `repo.export_person` (the stored JSON)."""
    r = ep["recovery"]
    recovery = RecoveryEstimate(
        severity=str(r["severity"]), min_days=int(r["min_days"]), max_days=int(r["max_days"]),
        start_pain=float(r["start_pain"]), reasons=tuple(r.get("reasons", ())), courses=(),
        factors=(), review_days=tuple(r.get("review_days", ())), sources=(),
    )  # fmt: skip
    actions = tuple(
        PlanActionRecord(
            a["id"],
            phase["id"],
            a["title"],
            a["text"],
            a.get("timing"),
            a.get("every_minutes"),
            a.get("times_per_week"),
            _sessions(a.get("schedule")),
        )
        for phase in ep["plan"].get("phases", [])
        for a in phase["actions"]
    )
    entries = tuple(
        EntryRecord(
            id=e["id"],
            recorded_at=_time(e["recorded_at"]),
            pain=e["pain"],
            note=e["note"],
            stiffness=e["stiffness"],
            spasms_per_day=e["spasms_per_day"],
            activity_interference=e["activity_interference"],
            sleep_interference=e["sleep_interference"],
            symptoms=tuple(e["symptoms"]),
            medicines=tuple((m["name"], _time(m["taken_at"])) for m in e["medicines"]),
            therapy=tuple((t["kind"], t["minutes"]) for t in e["therapy"]),
            exercises=tuple(e["exercises"]),
            triage_level=e["triage_level"],
        )
        for e in ep["entries"]
    )
    return EpisodeRecord(
        id=ep["id"],
        person=person,
        onset=date.fromisoformat(ep["onset_date"]),
        started_at=_time(ep["started_at"]),
        level=ep["level"],
        current_level=ep["current_level"],
        escalation_reason=ep["escalation_reason"],
        findings=tuple(
            FindingRecord(f["id"], f["label"], f["status"], f["value"], f["evidence"])
            for f in ep["findings"]
        ),
        reasons=tuple(ep["disposition"].get("reasons", ())),
        rules=tuple((r["id"], r["reason"]) for r in ep["disposition"].get("rules", ())),
        recovery=recovery,
        actions=actions,
        clinician_questions=tuple(ep["plan"].get("clinician_questions", ())),
        entries=tuple(sorted(entries, key=lambda e: e.recorded_at)),
    )


def require_entries(record: EpisodeRecord, hint: str = "") -> EpisodeRecord:
    """The record, or an InputError when it has no diary entries (the summaries need some)."""
    if not record.entries:
        from backcare.errors import InputError

        raise InputError(f"episode {record.id} has no diary entries yet{hint}")
    return record


def load_episode(episode_id: int | None = None) -> EpisodeRecord:
    """The snapshot of an episode of the local person (the open one by default)."""
    from backcare.store import repo
    from backcare.store.db import sessions

    with sessions().begin() as session:
        person = repo.local_person(session)
        ep = repo.episode(session, person, episode_id) if episode_id else _latest(session, person)
        return from_export(person.name, repo.episode_dict(ep))


def _latest(session: Any, person: Any) -> Any:
    from backcare.errors import NotFoundError
    from backcare.store import repo

    found = repo.episodes(session, person)
    if not found:
        raise NotFoundError("there is no episode yet: start one with `backcare episode start`")
    open_ones = [e for e in found if e.closed_at is None]
    return (open_ones or found)[0]
