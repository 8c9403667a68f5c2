"""Pydantic models for the knowledge base. The YAML files are validated against these at load.

Every item carries `sources` (id + section) so that each rule and each piece of advice can be
traced to the article or guideline it rests on.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from backcare.findings import Level

ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class Model(BaseModel):
    # defer_build: the validators are built on first validation, which a start from the pickled
    # knowledge base never needs (building them took 40 ms of every cold start).
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class SourceRef(Model):
    id: str
    section: str = Field(min_length=1)


class Cited(Model):
    """Base for every content item: an id, our own words, and where the facts come from."""

    id: str = Field(pattern=ID_PATTERN)
    sources: tuple[SourceRef, ...] = ()
    evidence: str | None = None  # guideline note, e.g. "NICE NG59 advises against ..."


class Source(Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    kind: Literal["article", "guideline", "study", "label"]
    publisher: str
    title: str
    reviewed: date | None = None  # the publisher's own review or publication date
    url: str | None = None
    note: str | None = None


class ValueSpec(Model):
    unit: str
    min: float
    max: float


class Implication(Model):
    """A numeric finding that implies another, e.g. a temperature of 38 C or more -> fever."""

    finding: str
    min: float | None = None
    max: float | None = None


ContextKind = Literal["negated", "other", "historical", "hypothetical", "uncertain", "figurative"]


class Code(Model):
    code: str = Field(pattern=r"^[0-9]{6,18}$")
    display: str


class Finding(Cited):
    label: str
    snomed: Code | None = None  # SNOMED CT concept, where one fits
    kind: Literal[
        "symptom",
        "red_flag_symptom",
        "cause",
        "history",
        "condition",
        "medicine",
        "measure",
        "circumstance",
        "request",
    ]
    question: str = Field(min_length=5)
    answer: Literal["yes_no", "number"] = "yes_no"
    value: ValueSpec | None = None
    group: str = "general"
    ask_if: tuple[str, ...] = ()  # ask only when one of these counts (skip when moot)
    intake: bool = True  # part of the guided assessment
    clinician_topic: str | None = None  # which of a clinician's intake questions it answers
    patterns: tuple[str, ...] = ()  # regexes over normalised text (lower case, no apostrophes)
    value_patterns: tuple[str, ...] = ()  # regexes with a (?P<num>...) group and optional unit
    # Vaguer words: the finding is mentioned but not clearly stated, so it is uncertain (asked
    # about, and counted as present) unless a context cue says otherwise.
    mentions: tuple[str, ...] = ()
    ignore_context: tuple[ContextKind, ...] = ()
    # Words near a mention that rule the finding out: an everyday cause ("sweating buckets in
    # hot yoga", "I inject insulin") or a detail that contradicts it ("my right leg" for both
    # legs). Searched in the words around the mention, within its sentence.
    ruled_out_by: tuple[str, ...] = ()
    # A past that still counts while it is recent ("injecting drugs: now or within 12 months"):
    # a past mention whose sentence dates it within this many days stays present, an older
    # date makes it absent, and no date leaves it uncertain (asked about).
    recent_days: int | None = Field(default=None, gt=0)
    # Words a clause needs before the semantic second opinion may suggest this finding: what
    # defines it that a sentence embedding cannot see ("both" legs, not one).
    semantic_requires: tuple[str, ...] = ()
    implies: tuple[Implication, ...] = ()

    @model_validator(mode="after")
    def _numbers_have_a_range(self) -> Finding:
        if self.answer == "number" and self.value is None:
            raise ValueError(f"finding {self.id}: a number answer needs `value`")
        for pattern in (
            *self.patterns,
            *self.value_patterns,
            *self.mentions,
            *self.ruled_out_by,
            *self.semantic_requires,
        ):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"finding {self.id}: bad pattern {pattern!r}: {exc}") from exc
        return self


class Condition(Model):
    """Either one finding (optionally with a numeric bound) or any one of several conditions."""

    finding: str | None = None
    min: float | None = None
    max: float | None = None
    any: tuple[Condition, ...] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Condition:
        if (self.finding is None) == (self.any is None):
            raise ValueError("a condition names either `finding` or `any`, not both")
        if self.any is not None and (self.min is not None or self.max is not None):
            raise ValueError("`min`/`max` belong on a finding condition")
        return self

    def finding_ids(self) -> tuple[str, ...]:
        if self.finding is not None:
            return (self.finding,)
        return tuple(i for c in self.any or () for i in c.finding_ids())


def _condition(value: object) -> object:
    """Allow `when: [finding_a, {any: [b, c]}]`: a bare string names a finding."""
    if isinstance(value, str):
        return {"finding": value}
    if isinstance(value, dict) and "any" in value:
        return {**value, "any": [_condition(v) for v in value["any"]]}
    return value


def _conditions(value: object) -> object:
    return [_condition(v) for v in value] if isinstance(value, list) else value


Conditions = Annotated[tuple[Condition, ...], BeforeValidator(_conditions)]


class Rule(Cited):
    level: Level
    when: Annotated[Conditions, Field(min_length=1)]
    reason: str  # plain words, shown to the person


class LevelAdvice(Cited):
    level: Level
    title: str
    action: str  # may contain {emergency_number}
    do_not_drive: bool = False


class Locale(Model):
    code: str
    emergency_number: str
    non_urgent: str | None = None  # e.g. NHS 111


class Schedule(Model):
    """Sessions of a self-care treatment: days after onset (inclusive), sessions a day, minutes."""

    from_day: int = Field(ge=0)
    to_day: int = Field(ge=0)
    per_day: int = Field(ge=1, le=6)
    minutes: int = Field(ge=1, le=120)


class Treatment(Cited):
    name: str
    category: Literal[
        "self_care",
        "otc_medicine",
        "prescription_medicine",
        "injection",
        "therapy",
        "exercise",
        "stretch",
        "yoga",
        "breathing",
        "surgery",
    ]
    summary: str
    how: tuple[str, ...] = ()
    timing: str | None = None
    schedule: Schedule | None = None  # timed sessions, for the calendar
    restricted: bool = False  # current guidelines restrict or dispute it; `evidence` says why
    phase: Literal["first_48h", "following_weeks", "prevention", "clinician"] = "clinician"
    keywords: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _restriction_explained(self) -> Treatment:
        if self.restricted and not self.evidence:
            raise ValueError(f"treatment {self.id}: restricted but no `evidence` says why")
        return self


class Caution(Cited):
    treatments: tuple[str, ...] = Field(min_length=1)
    when: Conditions = ()  # empty: always shown with the treatment
    text: str


class RecoveryCourse(Cited):
    kind: Literal["severity", "cause"]
    label: str
    min_days: int = Field(ge=0)
    max_days: int = Field(ge=1)
    finding: str | None = None  # for causes: the finding that selects this course
    text: str


class RecoveryFactor(Cited):
    when: Annotated[Conditions, Field(min_length=1)]
    multiplier: float = Field(gt=0.2, lt=5)
    text: str


class PlanItem(Cited):
    """A prevention or self-care action with its timing."""

    phase: Literal["first_48h", "following_weeks", "prevention"]
    title: str
    text: str
    every_minutes: int | None = None
    times_per_week: int | None = None


class ClinicianQuestion(Cited):
    text: str
    when: Conditions = ()


class EducationItem(Cited):
    topic: str
    title: str
    text: str
    questions: tuple[str, ...] = ()  # ways people ask for this item
    keywords: tuple[str, ...] = ()


class MedicineClass(Cited):
    """A kind of medicine the diary recognises, and the guard that warns about it."""

    label: str
    names: tuple[str, ...] = Field(min_length=1)
    max_hours: float | None = None  # warn when logged over a longer span than this
    max_products_per_day: int | None = None  # warn when more distinct products in one day
    warning: str | None = None  # said when max_hours or max_products_per_day is passed
    # Classes that must not be logged on the same day as this one; naming the class itself
    # means two different products of it (two NSAIDs). Said once per pair: conflict_warning.
    not_with: tuple[str, ...] = ()
    conflict_warning: str | None = None

    @model_validator(mode="after")
    def _guards_say_something(self) -> MedicineClass:
        limited = self.max_hours is not None or self.max_products_per_day is not None
        if limited and not self.warning:
            raise ValueError(f"medicine class {self.id}: a limit needs a `warning`")
        if self.not_with and not self.conflict_warning:
            raise ValueError(f"medicine class {self.id}: `not_with` needs a `conflict_warning`")
        return self


class Message(Cited):
    text: str


class ContextCue(Model):
    kind: ContextKind | Literal["terminator", "pseudo"]
    direction: Literal["forward", "backward", "both"] = "forward"
    patterns: tuple[str, ...] = Field(min_length=1)
    ends: tuple[ContextKind, ...] = ()  # for terminators: which scopes they end (all if empty)
    # How far a cue reaches: its own clause, or over commas to the edge of the sentence
    # ("numb foot 3 years ago, fully recovered"; "what if this turns into the thing where you
    # cant control your bladder"); terminators still end it.
    reach: Literal["self", "clause", "sentence"] = "clause"  # self: only words it overlaps
    # For terminators: the kinds of cue that a terminator right after the cue does not end, as
    # it opens the cue's own clause ("4 years ago my foot went numb": the subject belongs to
    # the date; "I dont both my legs are weak" is two clauses run together).
    opens_after: tuple[ContextKind, ...] = ()
    note: str | None = None


class ContentFile(Model):
    """The common header of every YAML file: who reviewed it and when."""

    reviewed: date
    reviewer: str = "backcare clinical content team"


class Spelling(Model):
    """Typo correction: words worth correcting towards, and real words never to correct."""

    targets: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    # Dialect and text-speak words read as their standard form ("cannae" -> "cant").
    aliases: dict[str, str] = Field(default_factory=dict)


class Screen(Cited):
    """A group of related interview questions shown together, with why they are asked."""

    kind: Literal["red_flag", "detail"]
    title: str
    why: str
    findings: tuple[str, ...] = ()
    life_threatening: bool = False  # an emergency still waits for these screens' answers
    # A follow-up screen asks what would complete a half-met rule at this level or above.
    follow_up: Level | None = None

    @model_validator(mode="after")
    def _fixed_or_follow_up(self) -> Screen:
        if (self.follow_up is None) == (not self.findings):
            raise ValueError(f"screen {self.id}: give either `findings` or `follow_up`")
        return self


class KnowledgeBase(Model):
    reviewed: dict[str, date]
    sources: tuple[Source, ...]
    findings: tuple[Finding, ...]
    rules: tuple[Rule, ...]
    levels: tuple[LevelAdvice, ...]
    locales: tuple[Locale, ...]
    treatments: tuple[Treatment, ...]
    cautions: tuple[Caution, ...]
    courses: tuple[RecoveryCourse, ...]
    factors: tuple[RecoveryFactor, ...]
    plan_items: tuple[PlanItem, ...]
    clinician_questions: tuple[ClinicianQuestion, ...]
    education: tuple[EducationItem, ...]
    cues: tuple[ContextCue, ...]
    medicines: tuple[MedicineClass, ...] = ()
    messages: tuple[Message, ...] = ()
    spelling: Spelling = Spelling()
    synonyms: tuple[tuple[str, ...], ...] = ()
    domain: tuple[str, ...] = ()
    screens: tuple[Screen, ...] = ()
    grammar: Grammar | None = None


class GrammarCombo(Model):
    """A body part (or `none`) with a sensation or function, and the findings it means."""

    parts: tuple[str, ...] = Field(min_length=1)
    senses: tuple[str, ...] = Field(min_length=1)
    findings: tuple[str, ...] = Field(min_length=1)
    status: Literal["present", "unknown"] = "present"


class Grammar(Cited):
    """Body part x sensation: red flags recognised in any word order (knowledge/grammar.yaml)."""

    id: str = "grammar"
    window: int = Field(default=10, ge=1, le=30)
    parts: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    senses: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    combos: tuple[GrammarCombo, ...] = ()

    @model_validator(mode="after")
    def _names_exist(self) -> Grammar:
        for combo in self.combos:
            for part in combo.parts:
                if part != "none" and part not in self.parts:
                    raise ValueError(f"grammar: unknown part {part!r}")
            for sense in combo.senses:
                if sense not in self.senses:
                    raise ValueError(f"grammar: unknown sense {sense!r}")
        for pattern in (*(p for v in self.parts.values() for p in v),
                        *(p for v in self.senses.values() for p in v)):  # fmt: skip
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"grammar: bad pattern {pattern!r}: {exc}") from exc
        return self


KnowledgeBase.model_rebuild()
