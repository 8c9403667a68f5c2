"""The diary's actions, the one path every front end takes: start an episode, log one entry or
a batch, compute progress, export, forget.

Each function takes the caller's session, so the caller decides the transaction: the CLI and
the pages open one per action, the API has one per request (a batch is one transaction: every
entry is stored, or none). Front ends parse their input into the values here, call one
function and render what comes back; the JSON a result turns into is written once, here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from backcare.errors import InputError
from backcare.findings import Finding, FindingSet, Level
from backcare.knowledge.load import Knowledge

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from backcare.assessment import Assessment
    from backcare.diary import EntryInput
    from backcare.progress import Progress
    from backcare.recovery import RecoveryEstimate
    from backcare.store.models import Episode, Person

MAX_BATCH = 500


def today() -> date:
    """Today's date where the person is: the machine's local date. backcare serves one person
    on their own machine, so the CLI, the pages and the API all use it (progress, exports)."""
    return datetime.now().astimezone().date()


def _person(session: Session) -> Person:
    from backcare.store.repo import local_person

    return local_person(session)


# ---- episodes -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EpisodeSummary:
    """An episode as listed and as returned when it is started or closed."""

    id: int
    onset_date: date
    level: str
    current_level: str
    escalation_reason: str | None
    open: bool
    entries: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id, "onset_date": self.onset_date.isoformat(), "level": self.level,
            "current_level": self.current_level, "open": self.open,
            "escalation_reason": self.escalation_reason,
        }  # fmt: skip
        if self.entries is not None:
            out["entries"] = self.entries
        return out


def _summary(ep: Episode, with_entries: bool = False) -> EpisodeSummary:
    count = len(ep.entries) if with_entries else None
    return EpisodeSummary(ep.id, ep.onset_date, ep.level, ep.current_level, ep.escalation_reason,
                          ep.closed_at is None, count)  # fmt: skip


def assessment_from(
    kb: Knowledge,
    answers: Mapping[str, object] | None = None,
    text: str | None = None,
    locale: str | None = None,
    findings: FindingSet | None = None,
) -> Assessment:
    """The assessment an episode starts from: findings the interview settled (`findings`), or a
    description and answers merged as the interview merges them."""
    from backcare.assessment import assess
    from backcare.service.check import InterviewState, interview

    if findings is not None:
        return assess(findings, kb, locale)
    if answers is None and (text is None or not text.strip()):
        raise InputError("give answers or a description to start an episode from")
    outcome = interview(InterviewState(text, answers or {}, locale), kb)
    return assess(outcome.step.findings, kb, outcome.locale)


@dataclass(frozen=True, slots=True)
class Started:
    episode: EpisodeSummary
    assessment: Assessment


def start_episode(
    session: Session, kb: Knowledge, assessment: Assessment, onset: date | None = None,
    on: date | None = None,
) -> Started:  # fmt: skip
    """Open an episode from an assessment (onset: today unless given)."""
    from backcare.store import repo

    day = on or today()
    ep = repo.start_episode(session, _person(session), assessment, onset or day, day, kb)
    return Started(_summary(ep), assessment)


def list_episodes(session: Session) -> list[EpisodeSummary]:
    """The person's episodes, newest first."""
    from backcare.store import repo

    return [_summary(ep, with_entries=True) for ep in repo.episodes(session, _person(session))]


def close_episode(session: Session, episode_id: int | None = None) -> EpisodeSummary:
    from backcare.store import repo

    ep = repo.episode(session, _person(session), episode_id)
    repo.close_episode(session, ep)
    return _summary(ep)


def episode_json(session: Session, episode_id: int | None = None) -> dict[str, Any]:
    """One episode with its assessment, plan and entries, as JSON-ready data."""
    from backcare.store import repo

    return repo.episode_dict(repo.episode(session, _person(session), episode_id))


# ---- entries ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewEntry:
    """A diary entry as a front end hands it over, before validation. A medicine without a
    time was taken at the entry's time; `answers` answer a follow-up screen (finding -> raw)."""

    pain: int
    recorded_at: datetime | None = None
    note: str | None = None
    spasms_per_day: int | None = None
    stiffness: int | None = None
    activity_interference: int | None = None
    sleep_interference: int | None = None
    medicines: tuple[tuple[str, datetime | None], ...] = ()
    ice_minutes: int | None = None
    heat_minutes: int | None = None
    exercises: tuple[str, ...] = ()
    symptoms: tuple[str, ...] = ()
    answers: Mapping[str, object] = field(default_factory=dict)

    def entry(self, now: datetime) -> EntryInput:
        """The entry to validate and store, as of `now`."""
        from backcare.diary import Dose, EntryInput, TherapySession

        when = self.recorded_at or now
        therapy = [TherapySession("ice", self.ice_minutes)] if self.ice_minutes else []
        therapy += [TherapySession("heat", self.heat_minutes)] if self.heat_minutes else []
        return EntryInput(
            recorded_at=when, pain=self.pain, spasms_per_day=self.spasms_per_day,
            stiffness=self.stiffness, activity_interference=self.activity_interference,
            sleep_interference=self.sleep_interference, note=self.note,
            symptoms=self.symptoms, exercises=self.exercises, therapy=tuple(therapy),
            doses=tuple(Dose(name, at or when) for name, at in self.medicines),
        )  # fmt: skip

    def parsed_answers(self, kb: Knowledge) -> dict[str, Finding]:
        from backcare.questionnaire import parse_answer

        return {k: parse_answer(k, v, kb) for k, v in self.answers.items()}


@dataclass(frozen=True, slots=True)
class EntryLogged:
    """What logging one entry did: the entry stored, its red-flag check, any raise."""

    entry: int
    episode: int
    pain: int
    level: Level
    raised_to: Level | None
    reasons: tuple[str, ...]
    title: str
    action: str
    disposition: Any  # the entry's triage.Disposition, for rendering

    def to_json(self) -> dict[str, Any]:
        """The "entry logged" result, the same for `backcare log --json` and the API."""
        return {
            "entry": self.entry, "episode": self.episode, "triage": self.level.value,
            "raised_to": self.raised_to.value if self.raised_to else None,
            "reasons": list(self.reasons), "title": self.title, "action": self.action,
        }  # fmt: skip


def log_entry(
    session: Session, kb: Knowledge, new: NewEntry, episode_id: int | None = None,
    locale: str | None = None, now: datetime | None = None,
) -> EntryLogged:  # fmt: skip
    """Validate, red-flag-check and store one entry in an episode (the open one by default).
    A note that leaves a red flag open raises diary.FollowUpNeeded and writes nothing."""
    return log_entries(session, kb, [new], episode_id, locale, now)[0]


def log_entries(
    session: Session, kb: Knowledge, batch: Sequence[NewEntry], episode_id: int | None = None,
    locale: str | None = None, now: datetime | None = None,
) -> list[EntryLogged]:  # fmt: skip
    """Store many entries in the caller's one transaction, in time order: every entry is
    checked like a single one, and the first that is invalid or needs a follow-up stops the
    batch with an error naming it (the caller's transaction then writes nothing)."""
    from backcare.diary import FollowUpNeeded
    from backcare.service.check import resolve_locale
    from backcare.store import repo

    if not batch:
        raise InputError("a batch needs at least one entry")
    if len(batch) > MAX_BATCH:
        raise InputError(f"a batch holds at most {MAX_BATCH} entries")
    now = now or datetime.now(UTC)
    loc = resolve_locale(locale)
    person = _person(session)
    ep = repo.episode(session, person, episode_id)
    prepared = [(i, new, new.entry(now)) for i, new in enumerate(batch)]
    prepared.sort(key=lambda t: t[2].recorded_at)  # progress is checked as the days went
    out: list[tuple[int, EntryLogged]] = []
    for i, new, entry in prepared:
        try:
            answers = new.parsed_answers(kb)
            logged = repo.add_entry(session, person, ep, entry, now, kb, loc, answers)
        except FollowUpNeeded as exc:
            if len(batch) > 1:
                exc.args = (f"entry {i + 1}: {exc}",)
            raise
        except InputError as exc:
            raise InputError(f"entry {i + 1}: {exc}" if len(batch) > 1 else str(exc)) from None
        d = logged.check.disposition
        out.append((i, EntryLogged(
            logged.entry_id, ep.id, entry.pain, d.level, logged.raised_to,
            tuple(d.reasons) if d.fired else (), d.title, d.action, d,
        )))  # fmt: skip
    return [logged for _, logged in sorted(out, key=lambda t: t[0])]


# ---- progress -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProgressView:
    """Progress of an episode with what the screens show beside it."""

    episode: int
    result: Progress
    estimate: RecoveryEstimate
    level: str
    reason: str | None

    def to_json(self) -> dict[str, Any]:
        """The progress JSON, the same for `backcare progress --json` and the API."""
        data = asdict(self.result)
        data["escalation"] = self.result.escalation.value if self.result.escalation else None
        data["episode_level"] = self.level
        data["escalation_reason"] = self.reason
        return json.loads(json.dumps(data, default=str))  # type: ignore[no-any-return]


def progress(
    session: Session, kb: Knowledge, episode_id: int | None = None, on: date | None = None
) -> ProgressView:
    """Pain so far against the expected course; an escalation it finds is saved."""
    from backcare.store import repo

    person = _person(session)
    ep = repo.episode(session, person, episode_id)
    result = repo.progress(session, person, ep, on or today(), kb)
    return ProgressView(ep.id, result, repo.estimate_of(ep), ep.current_level,
                        ep.escalation_reason)  # fmt: skip


def forget(session: Session) -> int:
    """Delete everything stored about the person; how many episodes went."""
    from backcare.store import repo

    return repo.forget_person(session, _person(session))
