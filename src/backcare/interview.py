"""The triage interview: findings so far -> the next screen of grouped questions, or a result.

Pure: what a description said (its findings) and what the person has answered come in; the
next screen, or a complete result, goes out. The screens are data (knowledge/screens.yaml),
most urgent first. Safety rules (shared/CLINICAL.md):
- text pre-fills, it never finishes: a red flag the text read as absent is shown on its screen,
  already answered, for the person to confirm; only what the text states as present, or what
  the person answered, is settled;
- a result is complete only when every red-flag screen is settled, except that an emergency
  ends the questions once the life-threatening screens (and their follow-ups) are answered, and
  an ambulance-level answer ends them at once;
- an uncertain red flag counts as present (in the level shown meanwhile) and is asked about.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backcare.conditions import holds
from backcare.derive import with_implications
from backcare.findings import Finding, FindingSet, Level, Status
from backcare.knowledge.load import Knowledge
from backcare.triage import Disposition, triage

if TYPE_CHECKING:
    from backcare.knowledge.schema import Rule
    from backcare.knowledge.schema import Screen as ScreenDef

NOT_UNDERSTOOD = "unclear_description"  # the screens replace this text-only finding

Prefill = bool | float | str | None


@dataclass(frozen=True, slots=True)
class ScreenQuestion:
    """One question on a screen, with the answer already known (from the text or earlier)."""

    finding: str
    question: str
    answer_type: str  # "yes_no" or "number"
    minimum: float | None
    maximum: float | None
    unit: str | None
    prefilled: Prefill  # True / False / "unknown" / a number, or None when not known


@dataclass(frozen=True, slots=True)
class Screen:
    """A group of related questions shown together, and why they are asked."""

    id: str
    title: str
    why: str
    kind: str
    questions: tuple[ScreenQuestion, ...]


@dataclass(frozen=True, slots=True)
class InterviewStep:
    """Where the interview stands: the next screen, or a complete result."""

    complete: bool
    findings: FindingSet  # text and answers merged; answers win
    disposition: Disposition  # uncertain findings count as present
    screen: Screen | None
    unsettled: tuple[str, ...]  # red-flag screens not yet settled (ids)
    settled_level: Level  # the level from settled findings alone (answers, stated facts)


def merge(text: FindingSet | None, answers: Mapping[str, Finding]) -> FindingSet:
    """The person's own answers replace what the text said about the same finding."""
    kept = [f for f in (text or FindingSet()).values() if f.id not in answers]
    kept = [f for f in kept if f.id != NOT_UNDERSTOOD]
    return FindingSet([*kept, *answers.values()])


def step(
    kb: Knowledge,
    answers: Mapping[str, Finding],
    text: FindingSet | None = None,
    locale: str | None = None,
) -> InterviewStep:
    """The next screen to show, or the complete result, for a description and answers so far."""
    findings = with_implications(merge(text, answers), kb)
    # Settled: answered, stated as present by the text, or implied by one of those (38.5 C).
    stated = FindingSet(f for f in (text or FindingSet()).values() if f.status is Status.PRESENT)
    settled_findings = with_implications(merge(stated, answers), kb)
    settled = frozenset(settled_findings)
    settled_level = triage(settled_findings, kb).level
    disposition = triage(findings, kb, locale)
    unsettled: list[str] = []
    chosen: Screen | None = None
    chosen_spec: ScreenDef | None = None
    for spec in kb.base.screens:
        ids = _question_ids(kb, spec, findings, settled, settled_level)
        if all(fid in settled for fid in ids):
            continue  # nothing to ask (an empty follow-up), or every answer is in
        if spec.kind == "red_flag":
            unsettled.append(spec.id)
        if chosen is None:
            questions = tuple(_question(kb, fid, findings) for fid in ids)
            chosen = Screen(spec.id, spec.title, spec.why, spec.kind, questions)
            chosen_spec = spec
    if chosen_spec is not None and _stops_before(chosen_spec, settled_level):
        chosen = None
    return InterviewStep(
        complete=chosen is None,
        findings=findings,
        disposition=disposition,
        screen=chosen,
        unsettled=tuple(unsettled),
        settled_level=settled_level,
    )


def _stops_before(spec: ScreenDef, settled_level: Level) -> bool:
    """True when a settled answer is already urgent enough that this screen is not needed."""
    if settled_level is Level.EMERGENCY_AMBULANCE:
        return True
    return settled_level >= Level.EMERGENCY and not spec.life_threatening


def _question_ids(
    kb: Knowledge,
    spec: ScreenDef,
    findings: FindingSet,
    settled: frozenset[str],
    settled_level: Level,
) -> tuple[str, ...]:
    if spec.follow_up is None:
        return spec.findings
    return tuple(_follow_ups(kb, spec.follow_up, findings, settled, settled_level))


def _follow_ups(
    kb: Knowledge,
    at_least: Level,
    findings: FindingSet,
    settled: frozenset[str],
    settled_level: Level,
) -> list[str]:
    """What would complete a half-met rule at `at_least` or above and above the settled level,
    plus any red flag the text left uncertain that no fixed screen asks about."""
    on_screens = kb.derived(_on_screens)
    # A finding a fixed screen asks is left to that screen, unless only an ambulance-level
    # rule needs it: after an emergency, the fixed screens further on are never shown.
    left_to_screens = on_screens if at_least < Level.EMERGENCY_AMBULANCE else frozenset()
    out: dict[str, None] = {}
    for rule in kb.base.rules:
        if rule.level < at_least or rule.level <= settled_level:
            continue
        for fid in _missing(rule, findings):
            if fid not in settled and fid not in left_to_screens:
                out.setdefault(fid, None)
    for f in findings.values():
        if f.status is Status.UNKNOWN and f.id not in settled and f.id not in on_screens:
            rules = kb.rules_by_finding.get(f.id, ())
            if any(r.level >= at_least and r.level > settled_level for r in rules):
                out.setdefault(f.id, None)
    return list(out)


def _on_screens(kb: Knowledge) -> frozenset[str]:
    """Every finding a fixed screen asks."""
    return frozenset(fid for s in kb.base.screens for fid in s.findings)


def _missing(rule: Rule, findings: FindingSet) -> list[str]:
    """The findings still needed for a rule of which at least one condition already holds."""
    met = [holds(c, findings) for c in rule.when]
    if not any(met) or all(met):
        return []
    return [fid for c, ok in zip(rule.when, met, strict=True) if not ok for fid in c.finding_ids()]


def _question(kb: Knowledge, finding_id: str, findings: FindingSet) -> ScreenQuestion:
    spec = kb.findings[finding_id]
    value = spec.value
    return ScreenQuestion(
        finding=finding_id,
        question=spec.question,
        answer_type=spec.answer,
        minimum=value.min if value else None,
        maximum=value.max if value else None,
        unit=value.unit if value else None,
        prefilled=_prefill(findings.get(finding_id), number=spec.answer == "number"),
    )


def _prefill(f: Finding | None, number: bool = False) -> Prefill:
    if f is None:
        return None
    if number and (f.status is Status.ABSENT or (f.status is Status.PRESENT and f.value is None)):
        return None  # a number question is pre-filled only with a number the person gave
    if f.status is Status.ABSENT:
        # Only a denial pre-fills "no". Words about someone else, the past, a worry or a
        # figure of speech say nothing about the person now: the question is asked afresh
        # (a carer's text misread as someone else's must never pre-answer a red flag "no").
        return False if f.context in (None, "negated") else None
    if f.status is Status.UNKNOWN:
        return "unknown" if f.evidence and f.evidence.startswith("answer:") else None
    return f.value if f.value is not None else True


FOLLOW_UP_TITLE = "About what you wrote"
FOLLOW_UP_WHY = (
    "Your note mentions something that could be a warning sign, but not the detail that "
    "decides how urgent it is. Please answer before it is saved."
)


def follow_up(kb: Knowledge, findings: FindingSet, answers: Mapping[str, Finding]) -> Screen | None:
    """The questions a diary note leaves open: every red flag it mentions without settling
    ("numbness", "trouble with the toilet") that could make it more urgent than what it does
    settle, most urgent first; None when there are none (a settled emergency never waits)."""
    settled = FindingSet(f for f in findings.values() if f.status is not Status.UNKNOWN)
    settled_level = triage(settled, kb).level
    waiting: dict[str, Level] = {}
    for f in findings.values():
        if f.status is not Status.UNKNOWN or f.id in answers:
            continue
        rules = kb.rules_by_finding.get(f.id, ())
        level = max((r.level for r in rules), default=Level.SELF_CARE)
        if level > max(settled_level, Level.SELF_CARE):
            waiting[f.id] = level
    if not waiting:
        return None
    ordered = sorted(waiting, key=lambda fid: -waiting[fid].rank)
    questions = tuple(_question(kb, fid, findings) for fid in ordered)
    return Screen("follow_up", FOLLOW_UP_TITLE, FOLLOW_UP_WHY, "red_flag", questions)
