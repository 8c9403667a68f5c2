"""Findings -> Disposition: the triage level, the rules that fired and what to do.

The policy is data (knowledge/rules.yaml): the most urgent rule that fires sets the level;
with none, the answer is self-care. Uncertain findings count as present, and the disposition
names the question that would settle each one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from backcare.conditions import Predicate, compile_conditions, supporting
from backcare.derive import with_implications
from backcare.findings import Citation, FindingSet, Level, Status
from backcare.knowledge.load import Knowledge
from backcare.knowledge.plain import citations

if TYPE_CHECKING:
    from backcare.knowledge.schema import Rule

DISCLAIMER = (
    "backcare gives general information and a triage level, not a diagnosis. "
    "If you are worried, or things change, contact a clinician."
)


@dataclass(frozen=True, slots=True)
class FiredRule:
    """A triage rule that matched, with the findings that made it match."""

    id: str
    level: Level
    reason: str
    findings: tuple[str, ...]
    uncertain: tuple[str, ...]  # findings it relied on that are not settled
    sources: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class SettlingQuestion:
    """A question whose answer would settle an uncertain red flag."""

    finding: str
    question: str
    level: Level  # the level that finding sets while it stays uncertain


@dataclass(frozen=True, slots=True)
class Disposition:
    """The triage answer: level, what to do, why, and how sure."""

    level: Level
    title: str
    action: str
    emergency_number: str
    do_not_drive: bool
    fired: tuple[FiredRule, ...]  # most urgent first
    questions: tuple[SettlingQuestion, ...]
    sources: tuple[Citation, ...]
    disclaimer: str = DISCLAIMER

    @property
    def reasons(self) -> tuple[str, ...]:
        """Plain-language reasons, most urgent first; self-care says why it is self-care."""
        if not self.fired:
            return ("No warning sign was found, so this can be looked after at home.",)
        return tuple(r.reason for r in self.fired)


def triage(findings: FindingSet, kb: Knowledge, locale: str | None = None) -> Disposition:
    """Apply every triage rule to the findings and return the disposition.

    Findings implied by numbers (a temperature of 38 C or more -> fever) are added first, so
    a safety rule never depends on which front end built the findings."""
    findings = with_implications(findings, kb)
    fired: list[FiredRule] = []
    compiled = kb.derived(_compile_rules)
    candidates: dict[str, tuple[Rule, Predicate]] = {}
    for fid in findings:
        for rule, predicate in compiled.get(fid, ()):
            candidates[rule.id] = (rule, predicate)
    for rule, predicate in candidates.values():
        if not predicate(findings):
            continue
        ids = supporting(rule.when, findings)
        fired.append(
            FiredRule(
                id=rule.id,
                level=rule.level,
                reason=rule.reason,
                findings=ids,
                uncertain=tuple(i for i in ids if findings.by_id[i].status is Status.UNKNOWN),
                sources=_rule_sources(kb, rule),
            )
        )
    fired.sort(key=lambda r: (-r.level.rank, r.id))
    level = fired[0].level if fired else Level.SELF_CARE
    advice = kb.levels[level.value]
    number = kb.emergency_number(locale)
    questions: dict[str, SettlingQuestion] = {}
    for fired_rule in fired:
        for fid in fired_rule.uncertain:
            if fid not in questions:
                spec = kb.findings[fid]
                questions[fid] = SettlingQuestion(fid, spec.question, fired_rule.level)
    return Disposition(
        level=level,
        title=advice.title.format(emergency_number=number),
        action=advice.action.format(emergency_number=number),
        emergency_number=number,
        do_not_drive=advice.do_not_drive,
        fired=tuple(fired),
        questions=tuple(questions.values()),
        sources=kb.derived(_level_sources, level),
    )


def _rule_sources(kb: Knowledge, rule: Rule) -> tuple[Citation, ...]:
    return kb.derived(_cite_rule, rule.id)


def _cite_rule(kb: Knowledge, rule_id: str) -> tuple[Citation, ...]:
    return citations([kb.rules[rule_id]])


def _level_sources(kb: Knowledge, level: Level) -> tuple[Citation, ...]:
    return citations([kb.levels[level.value]])


def _compile_rules(kb: Knowledge) -> dict[str, tuple[tuple[Rule, Predicate], ...]]:
    """Finding id -> (rule, predicate) for every rule that mentions the finding."""
    predicates = {r.id: compile_conditions(r.when) for r in kb.base.rules}
    return {
        fid: tuple((r, predicates[r.id]) for r in rules)
        for fid, rules in kb.rules_by_finding.items()
    }


def red_flag_ids(kb: Knowledge, above: Level = Level.CONSULTATION) -> frozenset[str]:
    """Findings that on their own or in combination raise the level above `above`."""
    out: set[str] = set()
    for rule in kb.base.rules:
        if rule.level > above:
            for cond in rule.when:
                out.update(cond.finding_ids())
    return frozenset(out)
