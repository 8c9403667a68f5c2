"""What the clinician summary says, computed once for both the HTML and the PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from backcare.findings import Level
from backcare.interop.records import EpisodeRecord, FindingRecord
from backcare.knowledge.load import Knowledge
from backcare.triage import red_flag_ids

TOPICS = (
    ("location", "Where is the pain?"),
    ("feel", "What does it feel like?"),
    ("onset", "How did it start?"),
    ("duration", "How long has it lasted?"),
    ("spasm_length", "How long do the spasms last?"),
    ("frequency", "How often do spasms come?"),
    ("stiffness", "Any stiffness?"),
    ("numbness", "Tingling or numbness?"),
    ("weakness", "Weakness or poor coordination?"),
    ("bladder_bowel", "Bladder or bowel control?"),
    ("medicines", "Which medicines?"),
)
ANSWER_WORDS = {"present": "yes", "absent": "no", "unknown": "not sure"}


@dataclass(frozen=True, slots=True)
class Line:
    label: str
    answer: str
    words: str | None = None


@dataclass(frozen=True, slots=True)
class MedicineLine:
    name: str
    doses: int
    first: datetime
    last: datetime


@dataclass(frozen=True, slots=True)
class Summary:
    title: str
    person: str
    episode: int
    onset: date
    generated: date
    level: str
    first_level: str
    reasons: tuple[str, ...]
    rules: tuple[str, ...]
    escalation: str | None
    recovery: str
    topics: tuple[tuple[str, tuple[Line, ...]], ...]
    red_flags: tuple[Line, ...]
    not_asked: tuple[str, ...]
    entry_flags: tuple[str, ...]  # diary entries whose red-flag check was urgent
    medicines: tuple[MedicineLine, ...]
    questions: tuple[str, ...]
    entries: int
    chart_points: tuple[tuple[float, float], ...]  # (day, pain)
    band: tuple[tuple[float, float, float], ...]  # (day, fast, slow)
    max_day: int
    disclaimer: str


def build(record: EpisodeRecord, today: date, kb: Knowledge) -> Summary:
    by_topic: dict[str, list[Line]] = {}
    for f in record.findings:
        spec = kb.findings.get(f.id)
        if spec and spec.clinician_topic:
            by_topic.setdefault(spec.clinician_topic, []).append(_line(f, spec.label))
    flags = red_flag_ids(kb, above=Level.CONSULTATION)
    asked = {f.id: f for f in record.findings}
    _add_diary_answers(record, today, by_topic)
    ordered = sorted(
        (fid for fid in flags if kb.findings[fid].kind == "red_flag_symptom"),
        key=lambda i: kb.findings[i].label,
    )
    red_flags = tuple(_line(asked[fid], kb.findings[fid].label) for fid in ordered if fid in asked)
    not_asked = tuple(kb.findings[fid].label for fid in ordered if fid not in asked)
    meds: dict[str, list[datetime]] = {}
    for e in record.entries:
        for name, at in e.medicines:
            meds.setdefault(name.lower(), []).append(at)
    onset_dt = datetime(record.onset.year, record.onset.month, record.onset.day,
                        tzinfo=record.started_at.tzinfo)  # fmt: skip
    points = tuple(
        (round((e.recorded_at - onset_dt).total_seconds() / 86400, 2), float(e.pain))
        for e in record.entries
    )
    band, max_day = chart_window(points, record.recovery)
    from backcare.triage import DISCLAIMER

    return Summary(
        title="Back pain summary for your clinician",
        person=record.person,
        episode=record.id,
        onset=record.onset,
        generated=today,
        level=record.current_level,
        first_level=record.level,
        reasons=record.reasons,
        rules=tuple(rule for rule, _ in record.rules),
        escalation=record.escalation_reason,
        recovery=f"{record.recovery.severity}; expected {record.recovery.min_days}-"
                 f"{record.recovery.max_days} days from onset",
        topics=tuple((q, tuple(by_topic.get(t, ()))) for t, q in TOPICS),
        red_flags=red_flags,
        not_asked=not_asked,
        entry_flags=tuple(
            f"{e.recorded_at:%d %b}: {e.triage_level.replace('_', ' ')}"
            for e in record.entries
            if e.triage_level not in ("self_care", "consultation")
        ),
        medicines=tuple(
            MedicineLine(name, len(times), min(times), max(times))
            for name, times in sorted(meds.items())
        ),
        questions=record.clinician_questions,
        entries=len(record.entries),
        chart_points=points,
        band=band,
        max_day=max_day,
        disclaimer=DISCLAIMER,
    )  # fmt: skip


def _add_diary_answers(record: EpisodeRecord, today: date, by_topic: dict[str, list[Line]]) -> None:
    """Answer the clinician's questions from the diary where the assessment did not."""
    entries = record.entries
    days = (today - record.onset).days
    by_topic.setdefault("duration", []).append(Line("Days since onset", str(days)))
    stiffness = [e.stiffness for e in entries if e.stiffness is not None]
    if stiffness:
        by_topic.setdefault("stiffness", []).append(
            Line(
                "Stiffness in the diary (0-10)", f"{stiffness[0]} at first, {stiffness[-1]} lately"
            )
        )
    spasms = [e.spasms_per_day for e in entries if e.spasms_per_day is not None]
    if spasms:
        by_topic.setdefault("frequency", []).append(
            Line("Spasms a day in the diary", f"{spasms[0]} at first, {spasms[-1]} lately")
        )
    names = sorted({name.lower() for e in entries for name, _ in e.medicines})
    if names:
        by_topic.setdefault("medicines", []).append(Line("Logged in the diary", ", ".join(names)))
    if entries:
        by_topic.setdefault("feel", []).append(
            Line(
                "Pain in the diary (0-10)", f"{entries[0].pain} at first, {entries[-1].pain} lately"
            )
        )


def chart_window(
    points: tuple[tuple[float, float], ...], estimate: Any, today: float = 0.0
) -> tuple[tuple[tuple[float, float, float], ...], int]:
    """The expected band and the last day to draw: the time so far and a week ahead, at least
    two weeks, never past the end of the expected range unless the diary goes on longer."""
    last = max((d for d, _ in points), default=today)
    last = max(last, today)
    max_day = max(min(max(14, int(last) + 7), estimate.max_days), int(last) + 1)
    step = max(1, max_day // 40)
    band = tuple((float(d), *_ends(estimate.expected_pain(d))) for d in range(0, max_day + 1, step))
    return band, max_day


def _ends(expected: tuple[float, float, float]) -> tuple[float, float]:
    return expected[0], expected[2]


def _line(f: FindingRecord, label: str) -> Line:
    answer = f"{f.value:g}" if f.value is not None else ANSWER_WORDS.get(f.status, f.status)
    words = f.evidence if f.evidence and not f.evidence.startswith("answer:") else None
    return Line(label, answer, words)
