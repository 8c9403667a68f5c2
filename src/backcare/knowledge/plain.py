"""The knowledge base as plain, read-only Python objects, for use at run time.

The pydantic models in `schema.py` validate the YAML files; once validated, nothing reads the
content through pydantic again. Importing pydantic and building the schema's classes took
about 0.15 s of every cold start, so `Knowledge.build` turns the validated models into the
mirror classes here (same names, same attributes, same methods) and the disk cache pickles
those. A process that starts from the cache never imports pydantic.

The mirrors are frozen and compare by value, like the frozen models they stand for.
`tests/test_plain.py` checks that every model has a mirror and that the mirror has every
method the model defines.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Self

from backcare.findings import Citation


class Node:
    """One validated item: its fields are attributes; frozen; equal by type and value."""

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.__dict__ == self.__dict__

    def __hash__(self) -> int:
        return hash((type(self).__name__, *self.__dict__.items()))

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Self:
        """A copy with some fields changed, as pydantic's `model_copy(update=...)` gives."""
        unknown = set(update or {}) - set(self.__dict__)
        if unknown:
            raise AttributeError(f"{type(self).__name__} has no field {sorted(unknown)[0]!r}")
        copy = object.__new__(type(self))
        copy.__dict__.update({**self.__dict__, **(update or {})})
        return copy

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items())
        return f"{type(self).__name__}({fields})"


class Condition(Node):
    finding: str | None
    any: tuple[Condition, ...] | None

    def finding_ids(self) -> tuple[str, ...]:
        if self.finding is not None:
            return (self.finding,)
        return tuple(i for c in self.any or () for i in c.finding_ids())


# One mirror per model of `schema.py`, defined at module level so that pickle finds them.
class SourceRef(Node): ...


class Source(Node): ...


class ValueSpec(Node): ...


class Implication(Node): ...


class Code(Node): ...


class Finding(Node): ...


class Rule(Node): ...


class LevelAdvice(Node): ...


class Locale(Node): ...


class Schedule(Node): ...


class Treatment(Node): ...


class Caution(Node): ...


class RecoveryCourse(Node): ...


class RecoveryFactor(Node): ...


class PlanItem(Node): ...


class ClinicianQuestion(Node): ...


class EducationItem(Node): ...


class MedicineClass(Node): ...


class Message(Node): ...


class ContextCue(Node): ...


class ContentFile(Node): ...


class Spelling(Node): ...


class Screen(Node): ...


class KnowledgeBase(Node): ...


class GrammarCombo(Node): ...


class Grammar(Node): ...


# every mirror, by the name of the model it stands for
CLASSES: dict[str, type[Node]] = {c.__name__: c for c in Node.__subclasses__()}


def mirror(value: Any) -> Any:
    """A validated model (and everything inside it) as mirror objects; other values as they are."""
    fields = getattr(type(value), "model_fields", None)
    if fields is not None:
        node = object.__new__(CLASSES[type(value).__name__])
        node.__dict__.update({name: mirror(getattr(value, name)) for name in fields})
        return node
    if isinstance(value, tuple):
        return tuple(mirror(v) for v in value)
    if isinstance(value, dict):
        return {k: mirror(v) for k, v in value.items()}
    return value


def citations(items: Iterable[Any]) -> tuple[Citation, ...]:
    """The distinct citations of some items (anything with `sources`), in order."""
    seen: dict[tuple[str, str], Citation] = {}
    for item in items:
        for ref in item.sources:
            seen.setdefault((ref.id, ref.section), Citation(ref.id, ref.section))
    return tuple(seen.values())
