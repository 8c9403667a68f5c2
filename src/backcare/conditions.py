"""Evaluate knowledge-base conditions against findings.

A condition holds when its finding counts (present, or uncertain: an uncertain finding is
treated as present) and, for a numeric bound, its value is within the bound. Conditions never
test absence, which is what makes triage monotone: more findings, never a lower level.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, TypeVar

from backcare.findings import FindingSet, Status

if TYPE_CHECKING:
    from backcare.knowledge.schema import Condition

T = TypeVar("T")


def holds(condition: Condition, findings: FindingSet) -> bool:
    """True when the condition is met by the findings (its compiled predicate, built once)."""
    return _compiled(condition)(findings)


@lru_cache(maxsize=4096)
def _compiled(condition: Condition) -> Predicate:
    return _compile(condition)


def supporting(conditions: Iterable[Condition], findings: FindingSet) -> tuple[str, ...]:
    """The finding ids that make the conditions hold, in order, without repeats."""
    out: list[str] = []
    for c in conditions:
        for fid in _supporting(c, findings):
            if fid not in out:
                out.append(fid)
    return tuple(out)


def _supporting(condition: Condition, findings: FindingSet) -> list[str]:
    if not holds(condition, findings):
        return []
    if condition.any is None:
        return [condition.finding or ""]
    return [fid for c in condition.any for fid in _supporting(c, findings)]


Predicate = Callable[[FindingSet], bool]


def compile_conditions(conditions: Iterable[Condition]) -> Predicate:
    """A fast predicate: True when every condition holds (`holds` on each), built once per item."""
    parts = [_compile(c) for c in conditions]
    if not parts:
        return _always
    if len(parts) == 1:
        return parts[0]
    return lambda fs: all(p(fs) for p in parts)


def _always(_: FindingSet) -> bool:
    return True


def _compile(condition: Condition) -> Predicate:
    if condition.any is not None:
        plain = [c.finding for c in condition.any if _is_plain(c)]
        members = [_compile(c) for c in condition.any if not _is_plain(c)]
        ids = frozenset(f for f in plain if f)
        if not members:
            return lambda fs: not ids.isdisjoint(fs.counting)
        return lambda fs: not ids.isdisjoint(fs.counting) or any(p(fs) for p in members)
    fid = condition.finding or ""
    low, high = condition.min, condition.max
    if low is None and high is None:
        return lambda fs: fid in fs.counting
    absent = Status.ABSENT

    def within(fs: FindingSet) -> bool:
        f = fs.by_id.get(fid)
        if f is None or f.status is absent or f.value is None:
            return False
        return (low is None or f.value >= low) and (high is None or f.value <= high)

    return within


def _is_plain(condition: Condition) -> bool:
    return condition.any is None and condition.min is None and condition.max is None


class MemoByFindings:
    """Memoize a pure function of findings on just the findings some conditions read.

    Two finding sets that agree on those findings (which count, and their values) give the
    same answer, so the answer is computed once. Bounded: the memo is cleared when full.
    """

    __slots__ = ("_memo", "_numeric", "_plain", "limit")

    def __init__(self, conditions: Iterable[Condition], limit: int = 4096) -> None:
        plain: set[str] = set()
        numeric: set[str] = set()
        stack = list(conditions)
        while stack:
            c = stack.pop()
            if c.any is not None:
                stack.extend(c.any)
            elif c.min is None and c.max is None:
                plain.add(c.finding or "")
            else:
                numeric.add(c.finding or "")
        self._plain = frozenset(plain)
        self._numeric = tuple(sorted(numeric))
        self._memo: dict[object, object] = {}
        self.limit = limit

    def get(self, findings: FindingSet, compute: Callable[[], T]) -> T:
        key = (
            self._plain & findings.counting,
            tuple(findings.value(n) for n in self._numeric),
        )
        if key in self._memo:
            return self._memo[key]  # type: ignore[return-value]
        value = compute()
        if len(self._memo) >= self.limit:
            self._memo.clear()
        self._memo[key] = value
        return value
