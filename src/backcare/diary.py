"""Diary entries: their validation, and the red-flag check every entry goes through.

Pure: the caller passes `now`. The note and each new symptom are read exactly like a typed
description (text/extract.py); a symptom may also be a finding id such as `saddle_numbness`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from backcare.derive import with_implications
from backcare.errors import InputError
from backcare.findings import Finding, FindingSet, present
from backcare.interview import Screen, follow_up, merge
from backcare.knowledge.load import Knowledge
from backcare.progress import Dose
from backcare.text.extract import Mention, extract
from backcare.triage import Disposition, triage

__all__ = ["Dose", "EntryCheck", "EntryInput", "FollowUpNeeded", "TherapySession"]

CLOCK_SKEW = timedelta(minutes=5)  # a phone a little ahead of the server is not "the future"
MAX_NOTE = 5000
MAX_DOSE_AGE = timedelta(days=30)  # without an episode: how far back a dose may be logged


@dataclass(frozen=True, slots=True)
class TherapySession:
    kind: Literal["ice", "heat"]
    minutes: int


@dataclass(frozen=True, slots=True)
class EntryInput:
    """What a person logs. Scores are 0-10."""

    recorded_at: datetime
    pain: int
    spasms_per_day: int | None = None
    stiffness: int | None = None
    activity_interference: int | None = None
    sleep_interference: int | None = None
    note: str | None = None
    symptoms: tuple[str, ...] = ()
    doses: tuple[Dose, ...] = ()
    therapy: tuple[TherapySession, ...] = field(default=())
    exercises: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EntryCheck:
    """The red-flag check of one entry."""

    findings: FindingSet
    mentions: tuple[Mention, ...]
    disposition: Disposition
    follow_up: Screen | None = None  # what the note leaves to ask before the entry is saved


class FollowUpNeeded(InputError):
    """A note mentions a possible red flag without the detail that sets its level: the
    person answers the follow-up screen, then the entry is sent again with the answers."""

    def __init__(self, screen: Screen) -> None:
        questions = "; ".join(q.question for q in screen.questions)
        super().__init__(f"the note needs a detail before it is saved: {questions}")
        self.screen = screen


def validate_entry(entry: EntryInput, now: datetime, onset: date | None = None) -> None:
    """Raise InputError naming the first problem; nothing is written for an invalid entry."""
    if entry.recorded_at.tzinfo is None:
        raise InputError("the entry time needs a time zone")
    if entry.recorded_at > now + CLOCK_SKEW:
        raise InputError(f"the entry time {entry.recorded_at:%Y-%m-%d %H:%M} is in the future")
    if onset is not None and entry.recorded_at.date() < onset - timedelta(days=1):
        raise InputError(f"the entry time is before the episode started ({onset})")
    _score("pain", entry.pain)
    for name in ("stiffness", "activity_interference", "sleep_interference"):
        value = getattr(entry, name)
        if value is not None:
            _score(name.replace("_", " "), value)
    if entry.spasms_per_day is not None and not 0 <= entry.spasms_per_day <= 500:
        raise InputError(f"spasms per day must be 0-500 (got {entry.spasms_per_day})")
    if entry.note is not None and len(entry.note) > MAX_NOTE:
        raise InputError(f"the note is longer than {MAX_NOTE} characters")
    earliest = (
        datetime.combine(onset - timedelta(days=1), time.min, tzinfo=UTC)
        if onset is not None
        else entry.recorded_at - MAX_DOSE_AGE
    )
    for dose in entry.doses:
        if not dose.name.strip() or len(dose.name) > 120:
            raise InputError("a medicine needs a name of 1-120 characters")
        if dose.taken_at.tzinfo is None:
            raise InputError(f"{dose.name}: the time taken needs a time zone")
        if dose.taken_at > now + CLOCK_SKEW:
            raise InputError(f"{dose.name}: the time taken is in the future")
        if dose.taken_at < earliest:
            raise InputError(
                f"{dose.name}: the time taken ({dose.taken_at:%Y-%m-%d}) is before this episode"
            )
    for session in entry.therapy:
        if session.kind not in ("ice", "heat") or not 1 <= session.minutes <= 240:
            raise InputError("an ice or heat session needs 1-240 minutes")


# Bidirectional controls (embeddings, overrides, isolates, marks) can make stored text display
# as something other than what it says ("Trojan source"); they are never needed in a diary.
BIDI_CONTROLS = dict.fromkeys(
    map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)


def strip_bidi(text: str) -> str:
    """`text` without bidirectional control characters."""
    return text.translate(BIDI_CONTROLS)


def cleaned(entry: EntryInput) -> EntryInput:
    """The entry with bidi controls removed from every piece of text it carries."""
    return replace(
        entry,
        note=None if entry.note is None else strip_bidi(entry.note),
        symptoms=tuple(strip_bidi(s) for s in entry.symptoms),
        exercises=tuple(strip_bidi(e) for e in entry.exercises),
        doses=tuple(replace(d, name=strip_bidi(d.name)) for d in entry.doses),
    )


def _score(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise InputError(f"{name} must be a whole number from 0 to 10 (got {value!r})")


def check_entry(
    entry: EntryInput,
    kb: Knowledge,
    locale: str | None = None,
    answers: Mapping[str, Finding] | None = None,
) -> EntryCheck:
    """Run the same red-flag check as a typed description over the note and new symptoms.
    `answers` settle what the note left open (they replace the note's reading)."""
    answers = answers or {}
    mentions: list[Mention] = []
    found: list[Finding] = [present("pain_score", float(entry.pain), f"pain {entry.pain}/10")]
    for text in (entry.note, *entry.symptoms):
        if not text or not text.strip():
            continue
        if text.strip() in kb.findings:
            found.append(present(text.strip(), evidence=f"symptom: {text.strip()}"))
            continue
        extraction = extract(text, kb)
        mentions.extend(extraction.mentions)
        found.extend(extraction.findings.values())
    findings = with_implications(merge(FindingSet(found), answers), kb)
    return EntryCheck(findings, tuple(mentions), triage(findings, kb, locale),
                      follow_up(kb, findings, answers))  # fmt: skip
