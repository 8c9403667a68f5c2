"""The vocabulary shared by every part of backcare: levels, findings and citations.

A Finding is one fact about the person (a symptom, a cause, a risk factor, a measure) with a
status. Questionnaire answers, free text and diary entries all become Findings; triage,
recovery and the care plan read nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    """Triage levels, least to most urgent. Comparison follows urgency."""

    SELF_CARE = "self_care"
    CONSULTATION = "consultation"
    CONSULTATION_24H = "consultation_24h"
    EMERGENCY = "emergency"
    EMERGENCY_AMBULANCE = "emergency_ambulance"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Level):
            return NotImplemented
        return self.rank >= other.rank


LEVELS: tuple[Level, ...] = tuple(Level)
_RANK = {level: i for i, level in enumerate(LEVELS)}


class Status(StrEnum):
    """Whether a finding holds. UNKNOWN means mentioned or asked but not settled."""

    PRESENT = "present"
    ABSENT = "absent"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a piece of content comes from: a source id and the section within it."""

    source: str
    section: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One fact about the person. `value` carries numbers (age, pain 0-10, days, degrees C)."""

    id: str
    status: Status = Status.PRESENT
    value: float | None = None
    evidence: str | None = None  # the words or answer that set it
    context: str | None = None  # why it is not present: negated, other person, past...

    @property
    def counts(self) -> bool:
        """True when the finding should be treated as present (uncertain counts as present)."""
        return self.status is not Status.ABSENT


class FindingSet(Mapping[str, Finding]):
    """An immutable set of findings keyed by id. Later findings for the same id merge safely:
    present beats unknown beats absent, so merging never hides a finding."""

    __slots__ = ("by_id", "counting")

    def __init__(self, findings: Iterable[Finding] = ()) -> None:
        items: dict[str, Finding] = {}
        for f in findings:
            old = items.get(f.id)
            items[f.id] = f if old is None else _merge(old, f)
        self.by_id: dict[str, Finding] = items  # read-only; for hot loops
        self.counting = frozenset(k for k, f in items.items() if f.status is not Status.ABSENT)

    def __getitem__(self, key: str) -> Finding:
        return self.by_id[key]

    def get(self, key: str, default: Finding | None = None) -> Finding | None:  # type: ignore[override]
        return self.by_id.get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self.by_id)

    def __len__(self) -> int:
        return len(self.by_id)

    def __repr__(self) -> str:
        return f"FindingSet({list(self.by_id.values())!r})"

    def counts(self, finding_id: str) -> bool:
        """True when the finding is present or uncertain."""
        f = self.by_id.get(finding_id)
        return f is not None and f.status is not Status.ABSENT

    def value(self, finding_id: str) -> float | None:
        """The numeric value of a finding that counts, or None."""
        f = self.by_id.get(finding_id)
        return f.value if f is not None and f.counts else None

    def with_findings(self, extra: Iterable[Finding]) -> FindingSet:
        """A new set with `extra` merged in."""
        return FindingSet([*self.by_id.values(), *extra])


_STATUS_ORDER = {Status.ABSENT: 0, Status.UNKNOWN: 1, Status.PRESENT: 2}


def _merge(old: Finding, new: Finding) -> Finding:
    """Keep the more alarming status; for numbers keep the larger value (the worse one)."""
    if _STATUS_ORDER[new.status] > _STATUS_ORDER[old.status]:
        winner = new
    elif _STATUS_ORDER[new.status] < _STATUS_ORDER[old.status]:
        winner = old
    else:
        winner = old
        if new.value is not None and (old.value is None or new.value > old.value):
            winner = new
    return winner


def present(finding_id: str, value: float | None = None, evidence: str | None = None) -> Finding:
    """Shorthand for a present finding."""
    return Finding(finding_id, Status.PRESENT, value, evidence)
