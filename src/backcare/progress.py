"""Diary entries -> progress: actual pain against the expected course, and when to escalate.

Pure: everything comes in as arguments, including `today`. Statuses: recovered, improving
(better than the typical course), as_expected (within the band), slower (above the slow edge
of the band), worse (up 2 points or 30% on the start). Escalation to `consultation` when there
is no meaningful improvement by the end of the expected range or day 42 at the latest, when
pain gets worse from day 3 (a rise on days 0-2 is the normal course of a strain and is met with
reassurance), or when this is the third episode in a year (CLINICAL.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from statistics import median

from backcare.findings import Citation, Level
from backcare.knowledge.load import Knowledge
from backcare.knowledge.plain import citations
from backcare.recovery import RecoveryEstimate

MEANINGFUL_POINTS = 2.0  # Ostelo 2008: 2 points or 30% on a 0-10 scale
MEANINGFUL_SHARE = 0.30
RECENT = timedelta(hours=36)  # "latest" is the median of entries in the last day and a half
EPISODES_FOR_RECURRENCE = 3  # this one and two more in the past year: "keep coming back"
BAND_MARGIN = 1.0  # a point above the slow edge of the band before "slower" is said
WORSE_FROM_DAY = 3  # CLINICAL.md 2026-11-23: on days 0-2 a rise is the normal course; reassure


@dataclass(frozen=True, slots=True)
class PainPoint:
    at: datetime  # time-zone aware
    pain: float


@dataclass(frozen=True, slots=True)
class Dose:
    """A medicine taken: logged with a diary entry, read back by the medicine guards."""

    name: str
    taken_at: datetime


@dataclass(frozen=True, slots=True)
class MedicineWarning:
    medicine: str  # the class id, e.g. muscle_relaxant
    text: str
    sources: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Progress:
    status: str  # no_entries, recovered, improving, as_expected, slower, worse
    message: str
    day: int  # days since onset, today
    baseline: float | None
    latest: float | None
    change: float | None  # baseline - latest: positive is better
    change_share: float | None
    meaningful: bool
    expected: tuple[float, float, float]  # (fast, typical, slow) for today
    escalation: Level | None
    escalation_reasons: tuple[str, ...]
    medicine_warnings: tuple[MedicineWarning, ...]
    episodes_this_year: int
    points: tuple[tuple[float, float], ...]  # (day since onset, pain)
    sources: tuple[Citation, ...]


def assess_progress(
    estimate: RecoveryEstimate,
    onset: date,
    points: Sequence[PainPoint],
    today: date,
    *,
    start_pain_known: bool = True,
    episodes_this_year: int = 1,
    doses: Sequence[Dose] = (),
    kb: Knowledge,
) -> Progress:
    """How recovery is going, compared with the expected course."""
    day = max(0, (today - onset).days)
    ordered = sorted(points, key=lambda p: p.at)
    start = datetime(onset.year, onset.month, onset.day, tzinfo=UTC)
    series = tuple((round((p.at - start).total_seconds() / 86400, 3), p.pain) for p in ordered)
    expected = estimate.expected_pain(day)
    warnings = medicine_warnings(doses, kb)
    used: list[str] = []
    escalation: list[str] = []
    if episodes_this_year >= EPISODES_FOR_RECURRENCE:
        escalation.append(_say(kb, "escalate_recurrent", used, episodes=episodes_this_year))
    if not ordered:
        return _result(kb, "no_entries", used, day, None, None, expected, escalation, warnings,
                       episodes_this_year, series)  # fmt: skip
    baseline = estimate.start_pain if start_pain_known else ordered[0].pain
    last = ordered[-1].at
    latest = float(median(p.pain for p in ordered if last - p.at < RECENT))
    status = _status(baseline, latest, estimate.expected_pain(series[-1][0]))
    message = status
    if status == "worse" and day < WORSE_FROM_DAY:
        message = "worse_early"
    elif status == "worse":
        escalation.append(_say(kb, "escalate_worse", used))
    elif (
        status != "recovered"
        and day >= estimate.escalation_day
        and not _meaningful(baseline, latest)
    ):
        escalation.append(_say(kb, "escalate_stalled", used, day=day))
    return _result(kb, status, used, day, baseline, latest, expected, escalation, warnings,
                   episodes_this_year, series, estimate.escalation_day, message)  # fmt: skip


def _status(baseline: float, latest: float, expected: tuple[float, float, float]) -> str:
    _fast, typical, slow = expected
    if latest <= 0:
        return "recovered"
    if latest - baseline >= MEANINGFUL_POINTS or (
        baseline > 0 and (latest - baseline) / baseline >= MEANINGFUL_SHARE
    ):
        return "worse"
    if latest < typical:
        return "improving"
    if latest <= slow + BAND_MARGIN:
        return "as_expected"
    return "slower"


def _meaningful(baseline: float, latest: float) -> bool:
    drop = baseline - latest
    return drop >= MEANINGFUL_POINTS or (baseline > 0 and drop / baseline >= MEANINGFUL_SHARE)


def _say(kb: Knowledge, key: str, used: list[str], **values: object) -> str:
    used.append(key)
    return kb.messages[key].text.format(**values)


def _result(
    kb: Knowledge,
    status: str,
    used: list[str],
    day: int,
    baseline: float | None,
    latest: float | None,
    expected: tuple[float, float, float],
    escalation: list[str],
    warnings: tuple[MedicineWarning, ...],
    episodes: int,
    series: tuple[tuple[float, float], ...],
    escalation_day: int = 42,
    message_key: str | None = None,
) -> Progress:
    message = _say(kb, message_key or status, used, escalation_day=escalation_day)
    change = None if baseline is None or latest is None else round(baseline - latest, 2)
    share = None if change is None or not baseline else round(change / baseline, 3)
    meaningful = baseline is not None and latest is not None and _meaningful(baseline, latest)
    return Progress(
        status=status,
        message=message,
        day=day,
        baseline=baseline,
        latest=latest,
        change=change,
        change_share=share,
        meaningful=meaningful,
        expected=expected,
        escalation=Level.CONSULTATION if escalation else None,
        escalation_reasons=tuple(escalation),
        medicine_warnings=warnings,
        episodes_this_year=episodes,
        points=series,
        sources=citations([kb.messages[k] for k in used]),
    )


def medicine_warnings(doses: Sequence[Dose], kb: Knowledge) -> tuple[MedicineWarning, ...]:
    """Warnings for medicines logged for longer than allowed, or overlapping products."""
    out: list[MedicineWarning] = []
    for cls in kb.base.medicines:
        pattern = _names(cls.id, cls.names, kb)
        hits = [d for d in doses if pattern.search(d.name.lower())]
        if not hits:
            continue
        times = sorted(d.taken_at for d in hits)
        too_long = cls.max_hours is not None and (
            (times[-1] - times[0]).total_seconds() / 3600 > cls.max_hours
        )
        per_day: dict[date, set[str]] = {}
        for d in hits:
            per_day.setdefault(d.taken_at.date(), set()).add(_product(d.name))
        too_many = cls.max_products_per_day is not None and any(
            len(products) > cls.max_products_per_day for products in per_day.values()
        )
        if (too_long or too_many) and cls.warning:
            out.append(MedicineWarning(cls.id, cls.warning, citations([cls])))
    return (*out, *same_day_conflicts(doses, kb))


def same_day_conflicts(doses: Sequence[Dose], kb: Knowledge) -> tuple[MedicineWarning, ...]:
    """Warnings for medicines that must not be taken on the same day (`not_with`): two NSAIDs,
    an NSAID and aspirin, an opioid with a muscle relaxant or a benzodiazepine. Two doses clash
    only when they are different products, so one combination product never clashes with
    itself. One warning per class, named after it and the classes it clashed with
    (`opioid+benzodiazepine`; a class clashing only with itself is named alone)."""
    by_class: dict[str, dict[date, set[str]]] = {}
    for cls in kb.base.medicines:
        pattern = _names(cls.id, cls.names, kb)
        for d in doses:
            if pattern.search(d.name.lower()):
                day = by_class.setdefault(cls.id, {}).setdefault(d.taken_at.date(), set())
                day.add(_product(d.name))
    out: list[MedicineWarning] = []
    said: set[frozenset[str]] = set()
    for cls in kb.base.medicines:
        mine = by_class.get(cls.id, {})
        clashing = [
            other
            for other in cls.not_with
            if frozenset((cls.id, other)) not in said
            and any(
                _clash(mine[day], by_class[other][day])
                for day in mine.keys() & by_class.get(other, {}).keys()
            )
        ]
        if clashing and cls.conflict_warning:
            said.update(frozenset((cls.id, other)) for other in clashing)
            name = "+".join([cls.id, *(o for o in clashing if o != cls.id)])
            out.append(MedicineWarning(name, cls.conflict_warning, citations([cls])))
    return tuple(out)


def _clash(mine: set[str], theirs: set[str]) -> bool:
    """Two different products, one from each side (the same side twice for a class itself)."""
    return any(a != b for a in mine for b in theirs)


def _names(class_id: str, names: tuple[str, ...], kb: Knowledge) -> re.Pattern[str]:
    return kb.derived(_names_pattern, class_id, names)


def _names_pattern(_: Knowledge, class_id: str, names: tuple[str, ...]) -> re.Pattern[str]:
    """The medicine class's names as one pattern (`class_id` is part of the cache key)."""
    words = sorted((re.escape(n.lower()) for n in names), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(words) + r")\b")


def _product(name: str) -> str:
    """A product's identity for the duplicate check: its name without doses or punctuation."""
    words = [w for w in re.findall(r"[a-z]+", name.lower()) if w not in _DOSE_WORDS]
    return " ".join(words) or name.lower()


# Units and forms are not part of a product's identity: "ibuprofen 200mg" is "ibuprofen".
_DOSE_WORDS = frozenset(
    "mg g mcg ml x tablet tablets tab tabs capsule capsules caps pill pills dose doses".split()
)
