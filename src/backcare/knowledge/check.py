"""`backcare kb check`: find what would make the knowledge base unsafe to ship.

Errors: invalid YAML or schema, an id that points nowhere, an item that cites no source, a
finding no question asks about, a rule no finding can reach, a content file whose review date is
more than three years old, a medicine or a lying-down exercise with no pregnancy caution.
Warnings: sources whose publisher's own review is that old (their facts stand only where the
guidelines in CLINICAL.md agree).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from backcare.findings import Level
from backcare.knowledge.load import (
    FILES,
    KNOWLEDGE_DIR,
    KnowledgeError,
    cited_items,
    parse,
    read_texts,
    reference_errors,
)
from backcare.knowledge.schema import KnowledgeBase

MEDICINES = ("otc_medicine", "prescription_medicine")
MOVEMENT = ("exercise", "stretch", "yoga")
LYING = re.compile(r"\b(?:lie|lying|lies)\b(?: \w+){0,2} (?:back|front|face down|stomach|belly)\b")

MAX_AGE_DAYS = 3 * 365


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def check(directory: Path = KNOWLEDGE_DIR, today: date | None = None) -> Report:
    """Check the knowledge base in `directory` as of `today`."""
    today = today or date.today()
    report = Report()
    try:
        base = parse(read_texts(directory), check_references=False)
    except KnowledgeError as exc:
        report.errors.append(str(exc))
        return report
    report.errors.extend(reference_errors(base))
    for kind, items in cited_items(base):
        report.counts[kind] = len(items)
        for item in items:
            if not item.sources:
                report.errors.append(f"{kind} {item.id}: cites no source")
    for f in base.findings:
        if f.intake and not f.question.strip().endswith("?"):
            report.errors.append(f"finding {f.id}: its question is not a question")
    for name in FILES:
        reviewed = base.reviewed.get(name)
        if reviewed is None:
            report.errors.append(f"{name}.yaml: no `reviewed` date")
        elif (today - reviewed).days > MAX_AGE_DAYS:
            report.errors.append(f"{name}.yaml: last reviewed {reviewed}, over three years ago")
    for src in base.sources:
        if src.kind == "article" and src.reviewed and (today - src.reviewed).days > MAX_AGE_DAYS:
            report.warnings.append(
                f"source {src.id}: publisher's review {src.reviewed} is over three years old; "
                "its facts are used only where current guidance agrees"
            )
    report.errors.extend(pregnancy_gaps(base))
    report.errors.extend(unreachable_rules(base))
    if directory == KNOWLEDGE_DIR:
        from backcare.text.semantic import bank_errors

        red_flags = {f.id for f in base.findings if f.kind == "red_flag_symptom"}
        report.errors.extend(bank_errors({f.id for f in base.findings}, red_flags))
    used = {c for r in base.rules for cond in r.when for c in cond.finding_ids()}
    for f in base.findings:
        if f.kind == "red_flag_symptom" and f.id not in used:
            report.errors.append(f"finding {f.id}: marked as a red flag but no rule uses it")
    return report


def pregnancy_gaps(base: KnowledgeBase) -> list[str]:
    """Treatments whose pregnancy advice is missing (issue 15, items 3 and 9).

    A medicine with a label caution needs a caution for pregnancy; an exercise done lying on
    the back or front needs the caution about lying flat after 16 weeks.
    """
    covered = {
        t
        for c in base.cautions
        if any("pregnancy" in cond.finding_ids() for cond in c.when)
        for t in c.treatments
    }
    labelled = {t for c in base.cautions if not c.when for t in c.treatments}
    errors = []
    for t in base.treatments:
        if t.id in covered:
            continue
        if t.category in MEDICINES and t.id in labelled:
            errors.append(
                f"treatment {t.id}: a medicine with a label caution but none for pregnancy"
            )
        text = " ".join((t.summary, *t.how)).lower()
        if t.category in MOVEMENT and LYING.search(text):
            errors.append(f"treatment {t.id}: done lying down but no pregnancy caution")
    return errors


def unreachable_rules(base: KnowledgeBase) -> list[str]:
    """Every rule above `consultation` must be reachable through the interview: one of its
    findings on a fixed screen, or asked as a follow-up of a rule that is (the interview asks
    what completes a half-met rule), and likewise every red-flag symptom."""
    urgent = [r for r in base.rules if r.level > Level.CONSULTATION]
    reachable = {fid for sc in base.screens for fid in sc.findings}
    grew = True
    while grew:
        grew = False
        for rule in urgent:
            ids = {fid for c in rule.when for fid in c.finding_ids()}
            if ids & reachable and not ids <= reachable:
                reachable |= ids
                grew = True
    errors = [
        f"rule {r.id}: none of its findings is asked in the interview"
        for r in urgent
        if not {fid for c in r.when for fid in c.finding_ids()} & reachable
    ]
    errors += [
        f"finding {f.id}: a red flag that the interview never asks about"
        for f in base.findings
        if f.kind == "red_flag_symptom" and f.id not in reachable
    ]
    return errors
