"""Repository functions: episodes and entries in, progress and exports out.

Each write is one transaction: an entry, its medicines and any escalation of its episode are
committed together or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session, selectinload

from backcare import serialize
from backcare.assessment import Assessment
from backcare.diary import (
    EntryCheck,
    EntryInput,
    FollowUpNeeded,
    check_entry,
    cleaned,
    validate_entry,
)
from backcare.errors import InputError, NotFoundError
from backcare.findings import Finding, Level
from backcare.interop.records import EntryRecord, EpisodeRecord, FindingRecord
from backcare.knowledge.load import Knowledge
from backcare.progress import Dose, PainPoint, Progress, assess_progress
from backcare.recovery import RecoveryEstimate
from backcare.store import stored
from backcare.store.models import Entry, Episode, MedicineDose, Person

LOCAL_PERSON = "me"


@dataclass(frozen=True, slots=True)
class Logged:
    """The result of logging an entry: what was stored and whether the episode was raised."""

    entry_id: int
    check: EntryCheck
    raised_to: Level | None
    reason: str | None


def local_person(session: Session, name: str = LOCAL_PERSON) -> Person:
    """The person a single-user install writes as; created on first use."""
    person = session.scalars(select(Person).where(Person.name == name).order_by(Person.id)).first()
    if person is None:
        person = Person(name=name, created_at=_now())
        session.add(person)
        session.flush()
    return person


def start_episode(
    session: Session, person: Person, assessment: Assessment, onset: date, today: date,
    kb: Knowledge,
) -> Episode:  # fmt: skip
    """Open an episode from an assessment."""
    if onset > today:
        raise InputError(f"the onset date {onset} is in the future")
    if onset < today - timedelta(days=3650):
        raise InputError(f"the onset date {onset} is more than ten years ago")
    episode = Episode(
        person_id=person.id,
        onset_date=onset,
        started_at=_now(),
        level=assessment.disposition.level.value,
        current_level=assessment.disposition.level.value,
        **stored.assessment_columns(assessment, kb),
    )
    session.add(episode)
    session.flush()
    return episode


def episodes(session: Session, person: Person) -> list[Episode]:
    return list(
        session.scalars(
            select(Episode).where(Episode.person_id == person.id).order_by(Episode.id.desc())
        )
    )


def episode(session: Session, person: Person, episode_id: int | None = None) -> Episode:
    """An episode by id, or the most recent open one."""
    query = select(Episode).where(Episode.person_id == person.id)
    if episode_id is not None:
        found = session.scalars(query.where(Episode.id == episode_id)).first()
        if found is None:
            raise NotFoundError(f"there is no episode {episode_id} (see `backcare episode list`)")
        return found
    found = session.scalars(
        query.where(Episode.closed_at.is_(None)).order_by(Episode.id.desc())
    ).first()
    if found is None:
        raise NotFoundError("there is no open episode: start one with `backcare episode start`")
    return found


def close_episode(session: Session, ep: Episode) -> None:
    if ep.closed_at is not None:
        raise InputError(f"episode {ep.id} is already closed")
    ep.closed_at = _now()


def add_entry(
    session: Session, person: Person, ep: Episode, entry: EntryInput, now: datetime,
    kb: Knowledge, locale: str | None = None,
    answers: Mapping[str, Finding] | None = None,
) -> Logged:  # fmt: skip
    """Validate, red-flag-check and store one entry; raise the episode's level at once if needed.
    A note that leaves a red flag open raises FollowUpNeeded and writes nothing."""
    if ep.closed_at is not None:
        raise InputError(f"episode {ep.id} is closed; start a new one to keep logging")
    entry = cleaned(entry)
    validate_entry(entry, now, ep.onset_date)
    check = check_entry(entry, kb, locale, answers)
    if check.follow_up is not None:
        raise FollowUpNeeded(check.follow_up)
    # A Core insert: a third of the cost of the ORM unit of work, on the path every entry takes.
    entry_id = session.scalars(
        insert(Entry).returning(Entry.id),
        [{
            "episode_id": ep.id, "person_id": person.id, "recorded_at": entry.recorded_at,
            "created_at": now, "pain": entry.pain, "spasms_per_day": entry.spasms_per_day,
            "stiffness": entry.stiffness, "activity_interference": entry.activity_interference,
            "sleep_interference": entry.sleep_interference, "note": entry.note,
            "symptoms": list(entry.symptoms),
            "therapy": [{"kind": t.kind, "minutes": t.minutes} for t in entry.therapy],
            "exercises": list(entry.exercises),
            "triage_level": check.disposition.level.value,
            "triage": {
                **serialize.disposition(check.disposition),
                "findings": serialize.findings(check.findings, kb),
            },
        }],
    ).one()  # fmt: skip
    if entry.doses:
        session.execute(
            insert(MedicineDose),
            [
                {"entry_id": entry_id, "person_id": person.id, "name": d.name.strip(),
                 "taken_at": d.taken_at}
                for d in entry.doses
            ],
        )  # fmt: skip
    raised_to = None
    reason = None
    level = check.disposition.level
    if level >= Level.CONSULTATION_24H and raise_level(
        ep, level, "; ".join(check.disposition.reasons), entry.recorded_at.date()
    ):
        raised_to, reason = level, "; ".join(check.disposition.reasons)
    session.flush()
    session.expire(ep, ["entries"])  # the Core insert bypassed the loaded list, if any
    # The course so far may call for a review too (worse, stalled, third episode this year).
    progress(session, person, ep, entry.recorded_at.date(), kb)
    return Logged(entry_id, check, raised_to, reason)


def raise_level(ep: Episode, level: Level, reason: str, on: date) -> bool:
    """The one path that raises an episode's level, whatever found the reason (a red flag in
    an entry, or progress at read or at write): saved with its reason and date, so every
    screen and export tells the same story. Never lowers; True when it raised."""
    if level <= Level(ep.current_level):
        return False
    ep.current_level = level.value
    said = f"{on:%Y-%m-%d}: {reason}"
    ep.escalation_reason = said if not ep.escalation_reason else f"{ep.escalation_reason}; {said}"
    return True


def estimate_of(ep: Episode) -> RecoveryEstimate:
    """The recovery estimate stored with an episode (courses, factors and sources included)."""
    return stored.recovery(ep.recovery).estimate


def progress(session: Session, person: Person, ep: Episode, today: date, kb: Knowledge) -> Progress:
    """Progress of an episode as of `today`, with recurrence and medicine guards."""
    rows = session.execute(
        select(Entry.recorded_at, Entry.pain).where(Entry.episode_id == ep.id)
    ).all()
    doses = session.execute(
        select(MedicineDose.name, MedicineDose.taken_at)
        .join(Entry, MedicineDose.entry_id == Entry.id)
        .where(Entry.episode_id == ep.id)
    ).all()
    year_ago = ep.onset_date - timedelta(days=365)
    count = session.scalar(
        select(func.count(Episode.id)).where(
            Episode.person_id == person.id,
            Episode.onset_date > year_ago,
            Episode.onset_date <= ep.onset_date,
        )
    )
    result = assess_progress(
        estimate_of(ep),
        ep.onset_date,
        [PainPoint(_aware(at), pain) for at, pain in rows],
        today,
        start_pain_known=stored.recovery(ep.recovery).start_pain_known,
        episodes_this_year=int(count or 1),
        doses=[Dose(name, _aware(at)) for name, at in doses],
        kb=kb,
    )
    if result.escalation is not None:
        raise_level(ep, result.escalation, " ".join(result.escalation_reasons), today)
    return result


def export_person(session: Session, person: Person) -> dict[str, Any]:
    """Everything stored about a person, as JSON-ready data (each episode from its record)."""
    eps = session.scalars(
        select(Episode)
        .where(Episode.person_id == person.id)
        .options(selectinload(Episode.entries).selectinload(Entry.doses))
        .order_by(Episode.id)
    ).all()
    return {
        "person": {"id": person.id, "name": person.name, "created_at": _iso(person.created_at)},
        "episodes": [serialize.episode(record(ep, person.name)) for ep in eps],
        "exported_at": _iso(_now()),
    }


def episode_dict(ep: Episode) -> dict[str, Any]:
    """One episode with its entries and medicines, as JSON-ready data."""
    return serialize.episode(record(ep, ep.person.name))


def record(ep: Episode, person: str) -> EpisodeRecord:
    """The typed record of an episode, from its rows: what every export reads."""
    found = stored.recovery(ep.recovery)
    entries = (
        EntryRecord(
            id=e.id, recorded_at=_aware(e.recorded_at), pain=e.pain, note=e.note,
            stiffness=e.stiffness, spasms_per_day=e.spasms_per_day,
            activity_interference=e.activity_interference,
            sleep_interference=e.sleep_interference, symptoms=tuple(e.symptoms),
            medicines=tuple((d.name, _aware(d.taken_at)) for d in e.doses),
            therapy=tuple((str(t["kind"]), int(t["minutes"])) for t in e.therapy),
            exercises=tuple(e.exercises), triage_level=e.triage_level, triage=e.triage,
        )
        for e in ep.entries
    )  # fmt: skip
    return EpisodeRecord(
        id=ep.id,
        person=person,
        onset=ep.onset_date,
        started_at=_aware(ep.started_at),
        closed_at=None if ep.closed_at is None else _aware(ep.closed_at),
        level=ep.level,
        current_level=ep.current_level,
        escalation_reason=ep.escalation_reason,
        findings=tuple(
            FindingRecord(f.id, f.label, f.status.value, f.value, f.evidence, f.context)
            for f in stored.findings(ep.findings)
        ),
        disposition=stored.disposition(ep.disposition),
        recovery=found.estimate,
        start_pain_known=found.start_pain_known,
        plan=stored.plan(ep.plan),
        entries=tuple(sorted(entries, key=lambda e: e.recorded_at)),
    )


def record_of(session: Session, person: Person, episode_id: int | None = None) -> EpisodeRecord:
    """The record of an episode by id; without one, the open episode, else the latest."""
    if episode_id is None:
        found = episodes(session, person)
        if not found:
            raise NotFoundError("there is no episode yet: start one with `backcare episode start`")
        ep = next((e for e in found if e.closed_at is None), found[0])
    else:
        ep = episode(session, person, episode_id)
    return record(ep, person.name)


def forget_person(session: Session, person: Person) -> int:
    """Delete everything stored about a person; returns how many episodes went."""
    count = session.scalar(select(func.count(Episode.id)).where(Episode.person_id == person.id))
    for table in (MedicineDose, Entry, Episode):
        session.execute(delete(table).where(table.person_id == person.id))
    session.execute(delete(Person).where(Person.id == person.id))
    return int(count or 0)


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(at: datetime) -> datetime:
    """SQLite hands back naive datetimes; every time backcare stores is UTC."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _iso(at: datetime | None) -> str | None:
    return None if at is None else _aware(at).isoformat()
