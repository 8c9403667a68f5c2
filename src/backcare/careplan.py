"""Findings + disposition + estimate -> CarePlan: what to do now, in the weeks after, and to
prevent the next episode, with medicine cautions triggered by the person's findings.

The plan never contradicts the triage: at emergency levels it holds only the urgent action;
at consultation_24h it adds comfort measures until the person is seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from backcare.conditions import MemoByFindings, Predicate, compile_conditions
from backcare.findings import Citation, FindingSet, Level
from backcare.knowledge.load import Knowledge
from backcare.knowledge.plain import citations
from backcare.recovery import RecoveryEstimate
from backcare.triage import Disposition

if TYPE_CHECKING:
    from backcare.knowledge.schema import PlanItem, Schedule, Treatment

MEDICINES = ("nsaid", "paracetamol", "muscle_relaxant")
SELF_CARE_PHASES = ("first_48h", "following_weeks", "prevention")
PHASE_TITLES = {
    "now": "Now",
    "first_48h": "The first 48 hours",
    "following_weeks": "The following weeks",
    "prevention": "Preventing the next episode",
}


@dataclass(frozen=True, slots=True)
class Sessions:
    """Timed sessions of an action: on days from_day..to_day after onset, per_day a day."""

    from_day: int
    to_day: int
    per_day: int
    minutes: int

    @classmethod
    def of(cls, s: Schedule | None) -> Sessions | None:
        return None if s is None else cls(s.from_day, s.to_day, s.per_day, s.minutes)


@dataclass(frozen=True, slots=True)
class PlanAction:
    """One thing to do, how to do it, when, and what to watch out for."""

    id: str
    title: str
    text: str
    how: tuple[str, ...] = ()
    timing: str | None = None
    every_minutes: int | None = None
    times_per_week: int | None = None
    cautions: tuple[str, ...] = ()
    guideline_note: str | None = None
    category: str = "self_care"
    sources: tuple[Citation, ...] = ()
    schedule: Sessions | None = None  # timed sessions, for the calendar


@dataclass(frozen=True, slots=True)
class PlanPhase:
    id: str
    title: str
    actions: tuple[PlanAction, ...]


@dataclass(frozen=True, slots=True)
class WarningSign:
    """Seek help at `level` if this appears."""

    level: Level
    sign: str


@dataclass(frozen=True, slots=True)
class CarePlan:
    level: Level
    phases: tuple[PlanPhase, ...]
    medicines: tuple[PlanAction, ...]
    restricted: tuple[PlanAction, ...]  # options the guidelines restrict or dispute
    warning_signs: tuple[WarningSign, ...]
    clinician_questions: tuple[str, ...]
    review_days: tuple[int, ...]
    sources: tuple[Citation, ...]

    def actions(self) -> tuple[PlanAction, ...]:
        """Every action in every phase, in order."""
        return tuple(a for p in self.phases for a in p.actions)


def build_plan(
    findings: FindingSet,
    disposition: Disposition,
    estimate: RecoveryEstimate,
    kb: Knowledge,
) -> CarePlan:
    """The personal care plan for these findings, consistent with the disposition."""
    static = kb.derived(_static)
    level = disposition.level
    shape = static.levels[level]
    phases: list[PlanPhase] = []
    if shape.urgent:
        urgent = PlanAction(
            f"level_{level}", disposition.title, disposition.action,
            category="urgent", sources=disposition.sources,
        )  # fmt: skip
        phases.append(PlanPhase("now", PHASE_TITLES["now"], (urgent,)))
    personal = static.memo.get(findings, lambda: _personal_parts(findings, static))
    for phase in shape.phases:
        phases.append(PlanPhase(phase, PHASE_TITLES[phase], personal.groups[phase]))
    medicines = personal.groups["medicines"] if shape.medicines else ()
    restricted = personal.groups["restricted"] if shape.medicines else ()
    return CarePlan(
        level=level,
        phases=tuple(phases),
        medicines=medicines,
        restricted=restricted,
        warning_signs=shape.warning_signs,
        clinician_questions=personal.questions,
        review_days=estimate.review_days if shape.medicines else (),
        sources=(*disposition.sources, *shape.sources),
    )


@dataclass(frozen=True, slots=True)
class _Personal:
    """The parts of a plan that depend on the findings: cautions and clinician questions."""

    groups: dict[str, tuple[PlanAction, ...]]
    questions: tuple[str, ...]


def _personal_parts(findings: FindingSet, static: _Static) -> _Personal:
    return _Personal(
        groups={name: _personalise(name, findings, static) for name in static.groups},
        questions=tuple(text for text, holds in static.questions if holds(findings)),
    )


@dataclass(frozen=True, slots=True)
class _LevelShape:
    """What a plan holds at one triage level."""

    urgent: bool  # lead with the level's action
    phases: tuple[str, ...]
    medicines: bool  # medicine guidance and review points (not at emergency levels)
    warning_signs: tuple[WarningSign, ...]
    sources: tuple[Citation, ...]


def _shape(level: Level, groups: dict[str, tuple[PlanAction, ...]], kb: Knowledge) -> _LevelShape:
    if level >= Level.EMERGENCY:
        phases: tuple[str, ...] = ()  # nothing that could delay getting help
    elif level is Level.CONSULTATION_24H:
        phases = ("first_48h",)  # comfort until seen; no new exercise programme
    else:
        phases = SELF_CARE_PHASES
    medicines = level < Level.EMERGENCY
    shown = [*phases, *(("medicines", "restricted") if medicines else ())]
    seen: dict[tuple[str, str], Citation] = {}
    for name in shown:
        for action in groups.get(name, ()):
            for c in action.sources:
                seen.setdefault((c.source, c.section), c)
    return _LevelShape(
        urgent=level > Level.SELF_CARE,
        phases=tuple(p for p in phases if groups.get(p)),
        medicines=medicines,
        warning_signs=_warning_signs(level, kb),
        sources=tuple(seen.values()),
    )


@dataclass(frozen=True, slots=True)
class _Static:
    """The parts of a plan that depend only on the knowledge base, built once."""

    groups: dict[str, tuple[PlanAction, ...]]  # a phase, "medicines" or "restricted"
    cautions: dict[str, tuple[tuple[str, Predicate], ...]]
    questions: tuple[tuple[str, Predicate], ...]
    # group (a phase, "medicines" or "restricted") -> positions of actions that carry cautions
    cautioned: dict[str, tuple[int, ...]]
    levels: dict[Level, _LevelShape]
    memo: MemoByFindings  # on every finding a caution or clinician question reads


def _static(kb: Knowledge) -> _Static:
    treatments = {t.id: _from_treatment(t) for t in kb.base.treatments}
    phases: dict[str, list[PlanAction]] = {}
    for t in kb.base.treatments:
        if not t.restricted and t.category != "otc_medicine":
            phases.setdefault(t.phase, []).append(treatments[t.id])
    for item in kb.base.plan_items:
        phases.setdefault(item.phase, []).append(_from_item(item))
    cautions: dict[str, list[tuple[str, Predicate]]] = {}
    for c in kb.base.cautions:
        predicate = compile_conditions(c.when)
        for tid in c.treatments:
            cautions.setdefault(tid, []).append((c.text, predicate))
    groups = {k: tuple(v) for k, v in phases.items()}
    groups["medicines"] = tuple(treatments[t] for t in MEDICINES)
    groups["restricted"] = tuple(treatments[t.id] for t in kb.base.treatments if t.restricted)
    return _Static(
        groups=groups,
        cautions={k: tuple(v) for k, v in cautions.items()},
        questions=tuple((q.text, compile_conditions(q.when)) for q in kb.base.clinician_questions),
        cautioned={
            name: tuple(i for i, a in enumerate(actions) if a.id in cautions)
            for name, actions in groups.items()
        },
        levels={level: _shape(level, groups, kb) for level in Level},
        memo=MemoByFindings(
            [
                *(c for x in kb.base.cautions for c in x.when),
                *(c for q in kb.base.clinician_questions for c in q.when),
            ]
        ),
    )


def _personalise(group: str, findings: FindingSet, static: _Static) -> tuple[PlanAction, ...]:
    """The actions with the cautions that these findings trigger attached."""
    actions = static.groups.get(group, ())
    out: list[PlanAction] | None = None
    for i in static.cautioned.get(group, ()):
        personal = _with_cautions(actions[i], findings, static)
        if personal is not actions[i]:
            out = out or list(actions)
            out[i] = personal
    return actions if out is None else tuple(out)


def _with_cautions(action: PlanAction, findings: FindingSet, static: _Static) -> PlanAction:
    candidates = static.cautions.get(action.id)
    if not candidates:
        return action
    cautions = tuple(text for text, holds in candidates if holds(findings))
    if not cautions:
        return action
    return PlanAction(
        action.id,
        action.title,
        action.text,
        action.how,
        action.timing,
        action.every_minutes,
        action.times_per_week,
        cautions,
        action.guideline_note,
        action.category,
        action.sources,
        action.schedule,
    )


def _from_treatment(t: Treatment) -> PlanAction:
    return PlanAction(
        id=t.id,
        title=t.name,
        text=t.summary,
        how=t.how,
        timing=t.timing,
        guideline_note=t.evidence,
        category=t.category,
        sources=citations([t]),
        schedule=Sessions.of(t.schedule),
    )


def _from_item(item: PlanItem) -> PlanAction:
    return PlanAction(
        id=item.id,
        title=item.title,
        text=item.text,
        every_minutes=item.every_minutes,
        times_per_week=item.times_per_week,
        sources=citations([item]),
    )


def warning_signs(level: Level, kb: Knowledge) -> tuple[WarningSign, ...]:
    """Signs that would make things more urgent than `level`, most urgent first."""
    return kb.derived(_static).levels[level].warning_signs


def _warning_signs(level: Level, kb: Knowledge) -> tuple[WarningSign, ...]:
    signs: dict[str, WarningSign] = {}
    for rule in sorted(kb.base.rules, key=lambda r: -r.level.rank):
        if rule.level <= level or len(rule.when) != 1 or rule.when[0].any is not None:
            continue
        cond = rule.when[0]
        if cond.min is not None or cond.max is not None:
            continue
        fid = cond.finding or ""
        if fid not in signs:
            signs[fid] = WarningSign(rule.level, kb.findings[fid].label)
    return tuple(signs.values())
