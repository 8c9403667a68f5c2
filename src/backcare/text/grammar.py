"""Body part x sensation: red flags recognised whatever the word order.

A clause that names a body part (the saddle area, both legs, the bladder...) and, within a few
words either side, what is happening to it (numb, leaking, weak, cannot go...) states the
finding the knowledge base pairs them with (knowledge/grammar.yaml). A negation between the
two makes it absent; the extractor then applies the context cues to the whole span, exactly as
for a pattern. A sensation with no body part at all in its clause is "unplaced": every finding
it could be is uncertain, so the interview asks about each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backcare import rx

if TYPE_CHECKING:
    from backcare.knowledge.schema import Grammar

# Words between a part and its sensation that change what the pair means ("my leg is not
# weak", "my leg used to be weak", "if my legs went numb"): the same words the patterns'
# gap macro refuses to cross.
GAP_CONTEXT = (
    ("negated", rx.compile(
        r"\b(?:not|no|never|nor|without|isnt|arent|wasnt|werent|dont|doesnt|didnt|hasnt"
        r"|havent|hadnt|aint|none|cant|cannot|wont)\b")),
    ("historical", rx.compile(r"\b(?:used to|before|previously|once)\b")),
    ("hypothetical", rx.compile(r"\b(?:if|whether)\b")),
    ("uncertain", rx.compile(r"\b(?:might|could|may|maybe|probably|possibly|perhaps|think)\b")),
)  # fmt: skip
CLAUSE_BREAK = rx.compile(
    r" , | but | however | although | though | except | apart from | aside from | other than "
)


@dataclass(frozen=True, slots=True)
class Hit:
    """A part and a sensation that together state one or more findings."""

    findings: tuple[str, ...]
    unknown: bool  # the place or the function is vague: asked about, counted as present
    start: int
    end: int
    gap_context: str | None  # negated / historical / hypothetical / uncertain: the words between


@dataclass(frozen=True, slots=True)
class CompiledGrammar:
    window: int
    parts: dict[str, re.Pattern[str]]
    senses: dict[str, re.Pattern[str]]
    combos: tuple[tuple[frozenset[str], frozenset[str], tuple[str, ...], bool], ...]


def compile_grammar(grammar: Grammar) -> CompiledGrammar:
    def alternation(patterns: tuple[str, ...]) -> re.Pattern[str]:
        return rx.compile(r"\b(?:" + "|".join(patterns) + r")\b")

    return CompiledGrammar(
        window=grammar.window,
        parts={name: alternation(p) for name, p in grammar.parts.items() if p},
        senses={name: alternation(p) for name, p in grammar.senses.items() if p},
        combos=tuple(
            (frozenset(c.parts), frozenset(c.senses), c.findings, c.status == "unknown")
            for c in grammar.combos
        ),
    )


def hits(text: str, g: CompiledGrammar) -> list[Hit]:
    """Every part x sensation pairing in one normalised sentence."""
    out: list[Hit] = []
    start = 0
    for brk in [*CLAUSE_BREAK.finditer(text), None]:
        end = brk.start() if brk else len(text)
        out.extend(_clause_hits(text, start, end, g))
        start = brk.end() if brk else end
    return out


def _clause_hits(text: str, lo: int, hi: int, g: CompiledGrammar) -> list[Hit]:
    clause = text[lo:hi]
    parts = [(name, m.start() + lo, m.end() + lo) for name, p in g.parts.items()
             for m in p.finditer(clause)]  # fmt: skip
    senses = [(name, m.start() + lo, m.end() + lo) for name, p in g.senses.items()
              for m in p.finditer(clause)]  # fmt: skip
    if not senses:
        return []
    out: list[Hit] = []
    for part_names, sense_names, findings, unknown in g.combos:
        if "none" in part_names and not parts:
            for sense, s_start, s_end in senses:
                if sense in sense_names:
                    out.append(Hit(findings, True, s_start, s_end, None))
            continue
        for part, p_start, p_end in parts:
            if part not in part_names:
                continue
            for sense, s_start, s_end in senses:
                if sense not in sense_names or _overlap((p_start, p_end), (s_start, s_end)):
                    continue
                gap_from, gap_to = (p_end, s_start) if p_end <= s_start else (s_end, p_start)
                gap = text[gap_from:gap_to]
                if len(gap.split()) > g.window:
                    continue
                out.append(Hit(findings, unknown, min(p_start, s_start), max(p_end, s_end),
                               _gap_context(gap)))  # fmt: skip
    return out


def _gap_context(gap: str) -> str | None:
    return next((kind for kind, pattern in GAP_CONTEXT if pattern.search(gap)), None)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]
