"""Free text -> Findings, each present, absent or unknown, with the words that set it.

Vocabulary (patterns, vaguer mentions, number patterns) lives with each finding in the knowledge
base; context cues (negation, someone else, the past, a worry, doubt) live in vocabulary.yaml.
The context step follows the ConText algorithm: a cue governs the findings inside its scope,
which runs forward (or backward) from the cue to the end of the clause or the next terminator.

Safety: doubt wins over every other cue (an uncertain red flag is asked about and counts as
present), and merging mentions keeps the most alarming status.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from backcare import rx
from backcare.derive import with_implications
from backcare.findings import Finding, FindingSet, Level, Status
from backcare.knowledge.load import Knowledge
from backcare.text.grammar import CompiledGrammar, compile_grammar, hits
from backcare.text.normalise import Sentence, sentences, with_numerals
from backcare.text.numbers import days_ago, parse_number, to_unit
from backcare.text.subject import MY_BODY, PERSON, about_someone_else

if TYPE_CHECKING:
    from backcare.knowledge.schema import ContextCue
    from backcare.text.semantic import Opinion

SCOPE_TOKENS = 10  # a cue never reaches further than this many words
ENGLISH_SHARE = 0.4  # share of known words below which a text is "not understood"
CONTEXT_ORDER = ("negated", "other", "historical", "hypothetical", "figurative")
# Kinds that make a mention not a report of the patient's symptom now.
NOT_A_REPORT = frozenset(CONTEXT_ORDER)
CONTEXT_WORDS = {
    "negated": "negated",
    "other": "about someone else",
    "historical": "in the past",
    "hypothetical": "a worry or a question, not a report",
    "uncertain": "not certain",
    "figurative": "a figure of speech",
    "ruled_out": "ruled out by the words around it",
    "recent": "in the past, but recent enough to count",
    "undated": "in the past, and when is not said",
}
# Words that make a finding of a lost function ("cant get an erection", "couldnt stand up"): an
# earlier negation does not undo it.
_INABILITY = rx.compile(
    r"\b(?:cant|cannot|can not|couldnt|could not|unable|not able|wont|wouldnt|doesnt|didnt)\b"
)
# The writer's own body named inside a finding's words: "a colleague said the left side of my
# face droops" is about the writer, whoever noticed it.
_MY_PART = rx.compile(
    r"\bmy (?:\w+ )?(?:face|mouth|eyes?|cheeks?|arms?|hands?|fingers?|feet|foot|toes|knees?"
    r"|thighs?|chest|head|speech|words|bladder|bowels?|tummy|stomach|groin|privates)\b"
)
RULED_OUT_WORDS = 8  # how many words either side of a mention its ruling-out words may sit


@dataclass(frozen=True, slots=True)
class Mention:
    """One place in the text that set a finding."""

    finding: str
    status: Status
    words: str  # the person's own words
    start: int  # offsets in the original text
    end: int
    value: float | None = None
    context: str | None = None


@dataclass(frozen=True, slots=True)
class Extraction:
    findings: FindingSet
    mentions: tuple[Mention, ...]
    understood: bool  # False when the text has no recognisable words (empty, binary, not English)


@dataclass(frozen=True, slots=True)
class _Cue:
    kind: str
    direction: str
    ends: frozenset[str]
    pattern: re.Pattern[str]
    reach: str = "clause"
    opens_after: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class _FindingPatterns:
    id: str
    strong: tuple[re.Pattern[str], ...]
    vague: tuple[re.Pattern[str], ...]
    values: tuple[re.Pattern[str], ...]
    ignore: frozenset[str]
    ruled_out_by: tuple[re.Pattern[str], ...] = ()
    numeric: bool = True  # a number answer; a yes/no finding's value patterns only set it
    implies: frozenset[str] = frozenset()  # the findings its value can imply (38.4 -> fever)
    recent_days: int | None = None  # a past this recent still counts (injecting drugs: 365)

    def ruled_out(self, s: str, start: int, end: int) -> bool:
        """Whether words around s[start:end] rule this finding out."""
        if not self.ruled_out_by:
            return False
        window = s[_before_words(s, start, RULED_OUT_WORDS) : _after_words(s, end, RULED_OUT_WORDS)]
        return any(p.search(window) for p in self.ruled_out_by)


@dataclass(frozen=True, slots=True)
class _Compiled:
    findings: tuple[_FindingPatterns, ...]
    cues: tuple[_Cue, ...]
    terminators: tuple[_Cue, ...]
    pseudo: tuple[re.Pattern[str], ...]
    spelling: dict[str, str]  # typo -> correction, built from the targets
    known_words: frozenset[str]
    grammar: CompiledGrammar | None = None
    by_id: dict[str, _FindingPatterns] | None = None
    urgent: frozenset[str] = frozenset()  # findings of rules at consultation_24h or above


def _compile(kb: Knowledge) -> _Compiled:
    flags = re.IGNORECASE
    fps = []
    words: set[str] = set()
    for f in kb.base.findings:
        fps.append(
            _FindingPatterns(
                id=f.id,
                strong=tuple(rx.compile(p, flags) for p in f.patterns),
                vague=tuple(rx.compile(p, flags) for p in f.mentions),
                values=tuple(rx.compile(p, flags) for p in f.value_patterns),
                ignore=frozenset(f.ignore_context),
                ruled_out_by=tuple(rx.compile(p, flags) for p in f.ruled_out_by),
                numeric=f.answer == "number",
                implies=frozenset(i.finding for i in f.implies),
                recent_days=f.recent_days,
            )
        )
        for p in (*f.patterns, *f.mentions):
            words.update(re.findall(r"[a-z]{3,}", p))
    cues: list[_Cue] = []
    terminators: list[_Cue] = []
    pseudo: list[re.Pattern[str]] = []
    for cue in kb.base.cues:
        compiled = [rx.compile(p, flags) for p in cue.patterns]
        if cue.kind == "pseudo":
            pseudo.extend(compiled)
            continue
        for pattern in compiled:
            item = _cue(cue, pattern)
            (terminators if cue.kind == "terminator" else cues).append(item)
    keep = set(kb.base.spelling.keep)
    targets = set(kb.base.spelling.targets)
    spelling: dict[str, str] = {}
    for target in sorted(targets):
        for typo in _edits(target):
            if typo not in keep and typo not in targets and typo not in words:
                spelling.setdefault(typo, target)
    spelling.update(kb.base.spelling.aliases)
    return _Compiled(
        findings=tuple(fps),
        cues=tuple(cues),
        terminators=tuple(terminators),
        pseudo=tuple(pseudo),
        spelling=spelling,
        known_words=frozenset(words | targets | keep | _COMMON | _grammar_words(kb)),
        grammar=compile_grammar(kb.base.grammar) if kb.base.grammar else None,
        by_id={fp.id: fp for fp in fps},
        urgent=_urgent_findings(kb),
    )


def _grammar_words(kb: Knowledge) -> set[str]:
    g = kb.base.grammar
    if g is None:
        return set()
    patterns = [p for table in (g.parts, g.senses) for v in table.values() for p in v]
    return {w for p in patterns for w in re.findall(r"[a-z]{3,}", p)}


def _cue(cue: ContextCue, pattern: re.Pattern[str]) -> _Cue:
    ends = frozenset(cue.ends) if cue.ends else frozenset(CONTEXT_WORDS)
    return _Cue(cue.kind, cue.direction, ends, pattern, cue.reach, frozenset(cue.opens_after))


def _edits(word: str) -> set[str]:
    """Every string one edit from `word` (for words of five letters or more)."""
    if len(word) < 5:
        return set()
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in letters}
    inserts = {a + c + b for a, b in splits for c in letters}
    return (deletes | swaps | replaces | inserts) - {word}


def extract(text: str, kb: Knowledge, use_semantic: bool | None = None) -> Extraction:
    """Find every finding the text states, denies, doubts or attributes to someone else.

    With the semantic second opinion (on by default when the model is installed;
    BACKCARE_SEMANTIC=0 turns it off), a clause that reads like a red flag no pattern caught
    makes that finding uncertain: asked about, counted as present meanwhile."""
    compiled = kb.derived(_compile)
    mentions: list[Mention] = []
    recognised = 0
    total = 0
    fixed_sentences = _answered(
        [with_numerals(_correct(s, compiled)) for s in sentences(text)], text
    )
    # A carer's text is about the patient: its person words do not mean "someone else".
    patient_is_other = about_someone_else([s.text for s in fixed_sentences])
    for fixed in fixed_sentences:
        tokens = fixed.text.split()
        total += len(tokens)
        recognised += sum(1 for t in tokens if t in compiled.known_words)
        mentions.extend(_sentence_mentions(fixed, text, compiled, patient_is_other))
    if semantic_enabled() if use_semantic is None else use_semantic:
        mentions.extend(
            _semantic_mentions(fixed_sentences, text, compiled, patient_is_other, mentions, kb)
        )
    findings = with_implications(
        FindingSet(Finding(m.finding, m.status, m.value, m.words, m.context) for m in mentions),
        kb,
    )
    understood = bool(mentions) or (total > 0 and recognised / total >= ENGLISH_SHARE)
    return Extraction(findings, tuple(mentions), understood)


_ANSWER = rx.compile(
    r"(?:(?:absolutely|totally|perfectly|completely|all) )?"
    r"(?:no|nope|none|nothing|normal|fine|ok|okay|good|all good|clear|same|never|not really"
    r"|negative|nah|nae|yes|yep|yeah|a bit|sometimes)\b"
)
_DENYING = rx.compile(
    r"(?:(?:absolutely|totally|definitely|certainly) )?"
    r"(?:no|nope|none|nothing|never|not really|negative|nah|nae)\b"
)


# "Bladder control? None." names a function: a bare "no" to it is a loss, not a denial
_FUNCTION = rx.compile(r"\b(?:control|feeling|sensation|strength|power|grip|able|can|cant)\b")


def _answered(found: list[Sentence], text: str) -> list[Sentence]:
    """Join a short question to its answer: "Bladder? Normal." reads as "bladder normal", so
    the answer denies or confirms the word it answers instead of leaving it on its own."""
    out: list[Sentence] = []
    i = 0
    while i < len(found):
        here = found[i]
        after = here.origin[-1] + 1 if here.origin else 0
        asked = text[after : after + 2].lstrip().startswith("?")
        if (
            asked
            and i + 1 < len(found)
            and len(here.text.split()) <= 3
            and _ANSWER.fullmatch(found[i + 1].text)
            and not (_DENYING.fullmatch(found[i + 1].text) and _FUNCTION.search(here.text))
        ):
            nxt = found[i + 1]
            if _DENYING.match(nxt.text):  # "numbness? no." reads "no numbness"
                first, second = nxt, here
            else:  # "bladder? normal." reads "bladder normal"
                first, second = here, nxt
            joined = (*first.origin, second.origin[0], *second.origin)
            out.append(Sentence(f"{first.text} {second.text}", joined))
            i += 2
            continue
        out.append(here)
        i += 1
    return out


def _correct(sentence: Sentence, compiled: _Compiled) -> Sentence:
    """Replace likely typos of important words, keeping the map to the original text."""
    if not compiled.spelling:
        return sentence
    out: list[str] = []
    origin: list[int] = []
    changed = False
    for m in re.finditer(r"\S+", sentence.text):
        word = m.group(0)
        fixed = word
        if word.isalpha() and word not in compiled.known_words:
            fixed = compiled.spelling.get(word, word)
        if out:
            out.append(" ")
            origin.append(sentence.origin[m.start() - 1])
        changed = changed or fixed != word
        out.append(fixed)
        span = sentence.origin[m.start() : m.end()]
        origin.extend(span[i] if i < len(span) else span[-1] for i in range(len(fixed)))
    if not changed:
        return sentence
    return Sentence("".join(out), tuple(origin))


def semantic_enabled() -> bool:
    """The semantic second opinion runs unless BACKCARE_SEMANTIC=0 or the model is missing."""
    import os

    if os.environ.get("BACKCARE_SEMANTIC", "1").strip() in ("0", "off", "false", "no"):
        return False
    from backcare.text.semantic import available

    return available()


def _semantic_mentions(
    fixed: list[Sentence],
    original: str,
    c: _Compiled,
    patient_is_other: bool,
    found: list[Mention],
    kb: Knowledge,
) -> list[Mention]:
    """Uncertain findings for clauses that read like a red flag that nothing else read."""
    from backcare.text import semantic

    allowed = set(semantic.load_bank().findings) & set(kb.findings)
    # A clause the patterns already read as a red flag is explained: the second opinion is for
    # clauses whose warning sign nothing read.
    relevant = c.urgent
    explained: set[tuple[int, int, int]] = set()
    for i, sentence in enumerate(fixed):
        for a, b in semantic.clauses(sentence.text):
            oa, ob = sentence.original_span(a, b)
            if any(m.finding in relevant and m.start < ob and oa < m.end for m in found):
                explained.add((i, a, b))
    requires = kb.derived(_semantic_requires)
    ops = semantic.opinions([s.text for s in fixed], allowed, skip=explained, requires=requires)
    ops.extend(_second_parts(fixed, explained, found, relevant, allowed, requires))
    out: list[Mention] = []
    for op in ops:
        sentence = fixed[op.sentence]
        cues, terms = _cues(sentence.text, c, patient_is_other)
        inside = {cue.kind for cue, a, b in cues if a < op.end and op.start < b}
        kinds = inside | _context(op.start, op.end, sentence.text, cues, terms)
        if kinds & NOT_A_REPORT:
            continue  # no opinion on a denial, someone else, the past, a worry or an idiom
        if c.by_id is not None and c.by_id[op.finding].ruled_out(sentence.text, op.start, op.end):
            continue  # "I inject insulin": an everyday cause rules the likeness out
        a, b = sentence.original_span(op.start, op.end)
        if _asks(sentence.text[op.start : op.end], original, sentence):
            continue  # "ice or heat?", "do i have sciatica?": a question, not a report
        if any(m.finding == op.finding and m.start < b and a < m.end for m in found):
            continue  # the patterns already read these words, whatever they said
        if c.by_id is not None and any(
            m.value is not None and op.finding in c.by_id[m.finding].implies
            and m.start < b and a < m.end for m in found
        ):  # fmt: skip
            continue  # "I checked and its 36.8": the number read decides, not a likeness
        out.append(Mention(op.finding, Status.UNKNOWN, original[a:b], a, b, None,
                           f"reads like “{op.example}”"))  # fmt: skip
    return out


def _semantic_requires(kb: Knowledge) -> dict[str, re.Pattern[str]]:
    """Per finding, the words a clause needs before the second opinion may suggest it."""
    return {
        f.id: rx.compile("|".join(f"(?:{p})" for p in f.semantic_requires), re.IGNORECASE)
        for f in kb.base.findings
        if f.semantic_requires
    }


def _urgent_findings(kb: Knowledge) -> frozenset[str]:
    """Findings some rule at consultation_24h or above uses: computed once per knowledge base."""
    return frozenset(
        fid for fid, rules in kb.rules_by_finding.items()
        if any(r.level >= Level.CONSULTATION_24H for r in rules)
    )  # fmt: skip


_SUBJECT = rx.compile(r"\b(?:i|im|ive|she|shes|he|hes|they|theyre|we)\b")
_QUESTION = rx.compile(
    r"(?:do|does|did|can|could|should|would|will|is|are|am|what|whats|when|how|hows|why"
    r"|which|where|who|whos|u|ur)\b"
)
_REPORT = rx.compile(r"(?:i|im|ive|my|me|she|shes|he|hes|her|his|they|theyre|we|our)\b")


def _asks(clause: str, original: str, sentence: Sentence) -> bool:
    """Whether a clause is a question rather than a report: it opens with a question word, or
    its sentence ends with "?" and the clause names nobody's body or experience. The second
    opinion gives no view on questions; the patterns still read what a question states ("is it
    normal that my bum is numb?" reads the numbness)."""
    words = clause.strip()
    if _QUESTION.match(words):
        return True
    _, b = sentence.original_span(0, len(sentence.text))
    asked = original[b : b + 3].lstrip().startswith("?") or original[:b].rstrip().endswith("?")
    return asked and not _REPORT.match(words)


def _second_parts(
    fixed: list[Sentence],
    explained: set[tuple[int, int, int]],
    found: list[Mention],
    relevant: frozenset[str],
    allowed: set[str],
    requires: dict[str, re.Pattern[str]],
) -> list[Opinion]:
    """Opinions on the other half of an explained clause joined by "and": "shes burning up and
    doesnt know what day it is" has a fever read, and a confusion nothing read. The half is
    read with the clause's subject ("she doesnt know..."), and never about a red flag the
    patterns read in that clause."""
    from dataclasses import replace

    from backcare.text import semantic

    texts: list[str] = []
    where: list[tuple[int, int, int]] = []
    excluded: list[set[str]] = []
    for i, a, b in sorted(explained):
        sentence = fixed[i]
        inside = _reads(sentence, a, b, found, relevant)
        if any(m.status is Status.ABSENT for m in inside):
            continue  # a denial, someone else or the past: the whole clause is theirs
        clause = sentence.text[a:b]
        subject = _SUBJECT.search(clause.split(" and ")[0])
        start, before = a, False
        for part in [*re.finditer(r" and ", clause), None]:
            end = a + part.start() if part else b
            here = bool(_reads(sentence, start, end, found, relevant))
            # Anything the patterns read in the half explains it ("and pain in my side").
            unread = not _reads(sentence, start, end, found, None)
            half = sentence.text[start:end]
            # The half after an "and" whose first half read a red flag, itself unread.
            if before and unread and len(half.split()) >= 3:
                prefix = "" if subject is None or _SUBJECT.match(half) else subject.group(0)
                texts.append(f"{prefix} {half}".strip())
                where.append((i, start, end))
                excluded.append({m.finding for m in inside})
            start, before = (a + part.end() if part else b), here
    out: list[Opinion] = []
    for j, text in enumerate(texts):
        for op in semantic.opinions([text], allowed - excluded[j], requires=requires):
            i, start, end = where[j]
            out.append(replace(op, sentence=i, start=start, end=end))
    return out


def _reads(
    sentence: Sentence, start: int, end: int, found: list[Mention], relevant: frozenset[str] | None
) -> list[Mention]:
    """The mentions (of a relevant finding, or any) within normalised characters start..end."""
    oa, ob = sentence.original_span(start, end)
    return [
        m for m in found
        if (relevant is None or m.finding in relevant) and m.start < ob and oa < m.end
    ]  # fmt: skip


def _cues(
    s: str, c: _Compiled, patient_is_other: bool
) -> tuple[list[tuple[_Cue, int, int]], list[tuple[_Cue, int, int]]]:
    """The context cues and scope terminators in a normalised sentence."""
    pseudo = [m.span() for p in c.pseudo for m in p.finditer(s)]
    # In a carer's text the person named is the patient, not "someone else".
    person = [m.span() for m in PERSON.finditer(s)] if patient_is_other else []
    cues = [
        (cue, m.start(), m.end())
        for cue in c.cues
        for m in cue.pattern.finditer(s)
        if not _overlaps(m.span(), pseudo)
        and not (cue.kind == "other" and _overlaps(m.span(), person))
    ]
    terms = [
        (t, m.start(), m.end())
        for t in c.terminators
        for m in t.pattern.finditer(s)
        if not any(_overlaps(m.span(), [(a, b)]) for _, a, b in cues)
    ]
    return cues, terms


def _sentence_mentions(
    sentence: Sentence, original: str, c: _Compiled, patient_is_other: bool = False
) -> list[Mention]:
    s = sentence.text
    cues, terms = _cues(s, c, patient_is_other)
    out: list[Mention] = []
    strong: list[tuple[int, int, str]] = []  # words a clear statement read, and of what
    for fp in c.findings:
        for pattern in fp.strong:
            for m in pattern.finditer(s):
                strong.append((*m.span(), fp.id))
                out.append(_mention(fp, m, Status.PRESENT, None, sentence, original, cues, terms))
    for fp in c.findings:
        # A clearer statement of this finding, or of another red flag, already covers these
        # words; a clear everyday reading ("my arm wont work" as "I can't work") does not hide
        # a vague red flag in them.
        covering = [(a, b) for a, b, f in strong if f == fp.id or f in c.urgent]
        for pattern in fp.vague:
            for m in pattern.finditer(s):
                if _overlaps(m.span(), covering):
                    continue
                out.append(_mention(fp, m, Status.UNKNOWN, None, sentence, original, cues, terms))
        for pattern in fp.values:
            for m in pattern.finditer(s):
                value = _value(fp.id, m)
                if value is not None:
                    # A group named `at` marks the words that carry the value ("my dad , 78"
                    # -> "78"): the person word before it stays a cue, so in a writer's own
                    # complaint a relative's age reads as someone else's.
                    at = m.span("at") if "at" in m.re.groupindex and m.group("at") else m
                    kept = value if fp.numeric else None  # "was a 4, now a 7": worse, no number
                    out.append(
                        _mention(fp, at, Status.PRESENT, kept, sentence, original, cues, terms)
                    )
    if c.grammar is not None and c.by_id is not None:
        for hit in hits(s, c.grammar):
            for fid in hit.findings:
                if hit.gap_context is not None and hit.gap_context != "uncertain":
                    a, b = sentence.original_span(hit.start, hit.end)
                    out.append(Mention(fid, Status.ABSENT, original[a:b], a, b, None,
                                       CONTEXT_WORDS[hit.gap_context]))  # fmt: skip
                    continue
                status = Status.UNKNOWN if hit.unknown or hit.gap_context else Status.PRESENT
                span = (hit.start, hit.end)
                out.append(_mention(c.by_id[fid], span, status, None, sentence, original, cues,
                                    terms))  # fmt: skip
    return out


def _value(finding_id: str, m: re.Match[str]) -> float | None:
    groups = m.groupdict()
    if "was" in groups and "now" in groups:
        # A score then and now ("it was a 4 on tuesday, its a 7 today"): the rise, if it rose.
        was, now = parse_number(groups["was"]), parse_number(groups["now"])
        return now - was if was is not None and now is not None and now > was else None
    number = parse_number(groups.get("num"))
    unit = groups.get("unit")
    if number is None and unit is None:
        return None
    return to_unit(finding_id, number, unit)


def _mention(
    fp: _FindingPatterns,
    m: re.Match[str] | tuple[int, int],
    status: Status,
    value: float | None,
    sentence: Sentence,
    original: str,
    cues: list[tuple[_Cue, int, int]],
    terms: list[tuple[_Cue, int, int]],
) -> Mention:
    start, end = m if isinstance(m, tuple) else m.span()
    kinds = _context(start, end, sentence.text, cues, terms) - fp.ignore
    if "other" in kinds and (
        MY_BODY.search(sentence.text[start:end]) or _MY_PART.search(sentence.text[start:end])
    ):
        # "my partner pressed along my spine and I yelped": the other person acts, but the
        # body the finding is about is the writer's own.
        kinds.discard("other")
    context = None
    if status is not Status.ABSENT and fp.ruled_out(sentence.text, start, end):
        kinds.add("ruled_out")  # "sweating buckets in hot yoga": an everyday cause
    if "ruled_out" in kinds:
        status, context = Status.ABSENT, CONTEXT_WORDS["ruled_out"]
    elif "figurative" in kinds:  # "I nearly fainted at the price": neither a doubt nor a report
        status, context = Status.ABSENT, CONTEXT_WORDS["figurative"]
    elif "uncertain" in kinds:
        status, context = Status.UNKNOWN, CONTEXT_WORDS["uncertain"]
    elif kinds == {"historical"} and fp.recent_days is not None:
        # "stopped injecting four months ago" still counts; "clean for six years" does not
        text = sentence.text
        lo, hi = text.rfind(" , ", 0, start), text.find(" , ", end)
        ago = days_ago(text[lo + 1 if lo >= 0 else 0 : hi if hi >= 0 else len(text)])
        if ago is None:
            status, context = Status.UNKNOWN, CONTEXT_WORDS["undated"]
        elif ago <= fp.recent_days:
            context = CONTEXT_WORDS["recent"]
        else:
            status, context = Status.ABSENT, CONTEXT_WORDS["historical"]
    else:
        for kind in CONTEXT_ORDER:
            if kind in kinds:
                status, context = Status.ABSENT, CONTEXT_WORDS[kind]
                break
    a, b = sentence.original_span(start, end)
    return Mention(fp.id, status, original[a:b], a, b, value, context)


def _context(
    start: int,
    end: int,
    s: str,
    cues: list[tuple[_Cue, int, int]],
    terms: list[tuple[_Cue, int, int]],
) -> set[str]:
    """The kinds of cue whose scope covers the match start..end."""
    kinds: set[str] = set()
    own_negation = False
    for cue, c_start, c_end in cues:
        if c_start < end and start < c_end:
            # A negation inside the matched words is part of the finding ("cant feel my bum");
            # doubt, a worry or a figure of speech inside them ("bum might be numb", "numb to
            # it by now") still colours it.
            if cue.kind in ("uncertain", "hypothetical", "figurative"):
                kinds.add(cue.kind)
            if cue.kind == "other" and c_start < start:
                kinds.add("other")  # "hes got a temperature": the person's words run into it
            if cue.kind == "negated" and c_start < start:
                # "legs dont feel weak": the cue runs into the match. A backward cue that
                # starts before it ("no problem with toilet") is not the finding's own wording.
                if cue.direction != "backward":
                    kinds.add("negated")
            elif cue.kind == "negated":
                own_negation = True
            continue
        if cue.reach == "self":
            continue  # it colours only the words it overlaps ("my hands feel strong")
        if cue.direction in ("forward", "both") and c_end <= start:
            limit = _scope_end(c_end, s, cue.kind, terms, cue.reach)
            if start < limit:
                kinds.add(cue.kind)
        if cue.direction in ("backward", "both") and c_start >= end:
            limit = _scope_start(c_start, s, cue.kind, terms, cue.reach, end)
            if start >= limit:
                kinds.add(cue.kind)
    if _INABILITY.search(s[start:end]):
        own_negation = True  # "nothing happens, cant get an erection": the words deny a function
    if own_negation:
        # A finding worded as a negation ("no position helps", "it doesnt ease") is not undone
        # by an earlier one: in lay text a double negative is emphasis ("lying down doesnt
        # help, no position helps"), and reading it as a denial would pre-fill a red flag "no".
        kinds.discard("negated")
    return kinds


def _scope_end(
    position: int, s: str, kind: str, terms: list[tuple[_Cue, int, int]], reach: str = "clause"
) -> int:
    end = len(s)
    for t, t_start, _ in terms:
        if kind in t.opens_after and not s[position:t_start].strip():
            continue  # the cue heads this clause: "years ago my foot went numb"
        if t_start >= position and kind in t.ends and t_start < end:
            end = t_start
    return end if reach == "sentence" else min(end, _after_words(s, position, SCOPE_TOKENS))


def _scope_start(
    position: int,
    s: str,
    kind: str,
    terms: list[tuple[_Cue, int, int]],
    reach: str = "clause",
    after: int = 0,
) -> int:
    # A backward cue stays within its clause, or its sentence when it sums up what came before
    # ("..., fully recovered"); a terminator between the words and the cue ends it either way.
    # One that holds the words is their own subject: "my waterworks are normal".
    start = 0 if reach == "sentence" else s.rfind(",", 0, position) + 1
    for t, t_start, t_end in terms:
        if t_end <= position and t_start >= after and kind in t.ends and t_end > start:
            start = t_end
    return start if reach == "sentence" else max(start, _before_words(s, position, SCOPE_TOKENS))


def _after_words(s: str, position: int, n: int) -> int:
    spaces = [m.start() for m in re.finditer(" ", s[position:])]
    return position + spaces[n] if len(spaces) > n else len(s)


def _before_words(s: str, position: int, n: int) -> int:
    spaces = [m.start() for m in re.finditer(" ", s[:position])]
    return spaces[-n - 1] + 1 if len(spaces) > n else 0


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    a, b = span
    return any(a < d and c < b for c, d in spans)


# Frequent English words, so that "understood" can tell English from other languages and the
# typo corrector leaves ordinary words alone.
_COMMON = frozenset(
    """a about after again all also am an and any are as at back be been before being both but
    by can cant could day days did do does dont down each even every feel feels felt for from
    get getting go going got had has have having he her here him his how i if im in into is it
    its ive just last like little lot lower made make me more morning most much my myself near
    night no not now of off on one only or other our out over pain painful really right said
    same see she should side since so some still such than that the their them then there these
    they this those through time to today too two up upper very was way we week weeks well went
    were what when where which while who why will with would yesterday you your hurts hurt ache
    sore spasm spasms muscle muscles left walk sit sitting stand lifting lifted work ever every
    whatever however forever never""".split()
)
