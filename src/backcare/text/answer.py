"""A question -> an answer composed from knowledge-base items, with sources and a confidence.

Extractive: the answer is the text of the best-matching items, never generated. Retrieval is
BM25 (bm25s, with an English stemmer) over each item's title, the ways people ask for it, its
keywords and its text; dense embeddings (`text/embed.py`, MiniLM in numpy) can be mixed in.
A question that mentions a red flag gets its triage result first; a question the knowledge
base cannot answer says so and points to a clinician, rather than guessing.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from backcare import rx
from backcare.findings import Citation, Finding, FindingSet, Level, Status
from backcare.knowledge.load import Knowledge
from backcare.knowledge.plain import citations

Retrieval = Literal["bm25", "dense", "hybrid"]
NAMED_MEDICINE_CONFIDENCE = 0.5  # hybrid: an item about the medicine the question names
TOP_NAMED = 5  # ... is looked for among this many of the best-ranked items
WITH_GENERAL_INFORMATION = frozenset({"decline_diagnosis"})  # declines that add a general item
MAX_CAUTIONS = 2  # personal cautions added to one answer
MIN_CONFIDENCE = 0.34  # bm25: below this word coverage the knowledge base is not trusted
MIN_SEMANTIC_CONFIDENCE = 0.40  # hybrid/dense: the same for closeness in meaning (cosine)
SURE_SIMILARITY = 0.50  # a question this close to an item needs none of backcare's words
AGREEMENT_WEIGHT = 0.25  # how much disagreement between BM25 and dense lowers the confidence
RRF_K = 60  # reciprocal rank fusion constant (the usual 60)
PHRASING_WEIGHT = 0.8  # how much a close match to an item's phrasing adds to its score
SECOND_ITEM_SHARE = 0.75  # quote the runner-up too when it scores this close to the best
SECOND_FUSED_SHARE = 0.9  # hybrid: ... and its fused score this close to the best's
TOP_K = 3  # bm25: the best-covered of this many top items answers
CANNOT_ANSWER = (
    "backcare's knowledge base does not cover that question well enough to answer it. "
    "Please ask a clinician (your GP, a physiotherapist or a pharmacist)."
)
DECLINE_TOPIC = "scope"  # education items that say what backcare will not do, and who can
SCOPE_CITATION = Citation("backcare-policy", "Scope: questions outside the knowledge base")


@dataclass(frozen=True, slots=True)
class Document:
    """One answerable knowledge-base item."""

    id: str
    kind: str
    title: str
    text: str
    search_text: str
    sources: tuple[Citation, ...]
    phrasings: tuple[str, ...] = ()  # the ways people ask for it


@dataclass(frozen=True, slots=True)
class Part:
    """One item's words in an answer, with that item's own sources."""

    item: str
    text: str
    sources: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    text: str
    items: tuple[str, ...]
    sources: tuple[Citation, ...]
    confidence: float
    answered: bool
    triage_level: Level | None = None  # set when the question mentions a red flag
    declined: str | None = None  # the decline item, when backcare declines on purpose
    parts: tuple[Part, ...] = ()  # what each item contributed, each cited: [n] in `text`


def documents(kb: Knowledge) -> tuple[Document, ...]:
    """Every item the answerer can quote: education, treatments and plan items."""
    docs = []
    for e in kb.base.education:
        if e.topic == DECLINE_TOPIC:
            continue  # declines are chosen by text/decline.py, never by retrieval
        docs.append(
            Document(
                e.id, "education", e.title, e.text,
                " ".join([e.title, e.title, *e.questions, *e.questions, *e.keywords, e.text]),
                citations([e]), (e.title, *e.questions),
            )
        )  # fmt: skip
    for t in kb.base.treatments:
        parts = [t.summary, *t.how]
        if t.timing:
            parts.append(f"When: {t.timing}")
        if t.evidence:
            parts.append(f"What the guidelines say: {t.evidence}")
        text = " ".join(parts)
        docs.append(
            Document(
                t.id, "treatment", t.name, text,
                " ".join([t.name, t.name, *t.keywords, *t.keywords, text]),
                citations([t]), (t.name,),
            )
        )  # fmt: skip
    for p in kb.base.plan_items:
        docs.append(
            Document(
                p.id,
                "plan",
                p.title,
                p.text,
                f"{p.title} {p.title} {p.text}",
                citations([p]),
                (p.title,),
            )
        )
    return tuple(docs)


_TOKEN = rx.compile(r"[a-z0-9]+")
_ARTICLES = frozenset({"a", "an", "the", "my", "your", "i", "me"})
_STOP = frozenset(
    """a an the and or but if of to in on at for with about from by as is are was were be been
    being do does did doing have has had having i me my mine you your we our it its this that
    these those there what which who whom whose when where why how can could should would will
    shall may might must am im ive id get got getting go going so than then too very just also
    any some all no not out up down into over again further once here more most other such own
    same both each few only off should now best way ways thing things good know tell want
    need really much many lot lots please thanks kind sort type types normal okay ok whats hows
    whos wheres whens whys thats theres heres lets isnt arent doesnt dont didnt cant wont
    shouldnt wouldnt couldnt ive youre youve ill id""".split()
)


class BM25:
    """Okapi BM25, Lucene's variant (the `bm25s` default: k1 1.5, b 0.75, idf
    log(1 + (N - df + 0.5) / (df + 0.5))), over a corpus of a few hundred short documents.

    Written out because importing `bm25s` (numpy, scipy-style sparse code, tqdm) cost 240 ms of
    every cold `backcare ask`, while scoring a question against this corpus is a dictionary walk;
    tests/test_answer.py pins the same scores as `bm25s`."""

    def __init__(self, corpus: list[list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        from collections import Counter

        self.n = len(corpus)
        average = sum(len(d) for d in corpus) / self.n if self.n else 1.0
        df = Counter(t for d in corpus for t in set(d))
        self.postings: dict[str, list[tuple[int, float]]] = {}
        for i, doc in enumerate(corpus):
            norm = k1 * (1 - b + b * len(doc) / (average or 1.0))
            for term, tf in Counter(doc).items():
                idf = math.log(1 + (self.n - df[term] + 0.5) / (df[term] + 0.5))
                self.postings.setdefault(term, []).append((i, idf * tf / (tf + norm)))

    def scores(self, query: list[str]) -> list[float]:
        """Each document's score for the query's terms (a repeated term counts each time)."""
        out = [0.0] * self.n
        for term in query:
            for i, score in self.postings.get(term, ()):
                out[i] += score
        return out


class _Index:
    """BM25 over the documents, plus what is needed to judge how well a question is covered."""

    def __init__(self, kb: Knowledge) -> None:
        import Stemmer

        self.docs = documents(kb)
        self._stemmer = Stemmer.Stemmer("english")
        corpus = [self.tokens(d.search_text) for d in self.docs]
        self.bm25 = BM25(corpus)
        self.doc_terms = [frozenset(c) for c in corpus]
        n = len(corpus)
        df: dict[str, int] = {}
        for terms in self.doc_terms:
            for term in terms:
                df[term] = df.get(term, 0) + 1
        self.df = df
        self.idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
        self.unknown_idf = math.log(1 + (n + 0.5) / 0.5)
        self.vocab = {t: i for i, t in enumerate(sorted(df))}
        self.synonyms: dict[str, frozenset[str]] = {}
        self.canonical: dict[str, str] = {}  # stem -> the first stem of its synonym group
        for group in kb.base.synonyms:
            stems = [t for word in group for t in self.tokens(word)]
            for stem in stems:
                self.synonyms[stem] = self.synonyms.get(stem, frozenset()) | frozenset(stems)
                self.canonical.setdefault(stem, stems[0])
        self.phrasings = [[self.shape(p) for p in d.phrasings] for d in self.docs]
        keywords = [k for e in kb.base.education if e.topic != DECLINE_TOPIC for k in e.keywords]
        keywords += [k for t in kb.base.treatments for k in (*t.keywords, t.name)]
        self.domain = frozenset(
            t for word in (*kb.base.domain, *keywords) for t in self.tokens(word)
        )

    def in_domain(self, terms: list[str]) -> bool:
        """True when the question names at least one of backcare's subjects."""
        return any(t in self.domain for t in self.expand(terms))

    def expand(self, terms: list[str]) -> list[str]:
        """The question's terms plus the usual word for its rare or unknown ones ("cramp" ->
        "spasm", "relaxer" -> "relaxant"); common words are left alone."""
        out = list(terms)
        rare = max(2, len(self.docs) // 20)
        for t in terms:
            if self.df.get(t, 0) > rare:
                continue
            canonical = self.canonical.get(t, t)
            if canonical not in out and canonical in self.vocab:
                out.append(canonical)
            elif t not in self.vocab:
                # an unknown word: any synonym the knowledge base uses will do
                out.extend(s for s in self.synonyms.get(t, ()) if s in self.vocab and s not in out)
        return out

    def shape(self, text: str) -> frozenset[str]:
        """All the words of a question, stop words included: "what is" differs from "who gets"."""
        words = _TOKEN.findall(text.lower().replace("'", ""))
        stems = self._stemmer.stemWords([w for w in words if w not in _ARTICLES])
        return frozenset(self.canonical.get(t, t) for t in stems)

    def similarity(self, question: str) -> list[float]:
        """For each document, the best word overlap (Jaccard) of the question with a phrasing."""
        q = self.shape(question)
        if not q:
            return [0.0] * len(self.docs)
        return [
            max((len(q & p) / len(q | p) for p in phrasings if p), default=0.0)
            for phrasings in self.phrasings
        ]

    def tokens(self, text: str) -> list[str]:
        words = [w for w in _TOKEN.findall(text.lower().replace("'", "")) if w not in _STOP]
        return list(self._stemmer.stemWords(words))

    def scores(self, query_terms: list[str]) -> list[float]:
        ids = [self.vocab[t] for t in query_terms if t in self.vocab]
        if not ids:
            return [0.0] * len(self.docs)
        return self.bm25.scores(query_terms)

    def coverage(self, query_terms: list[str], doc: int) -> float:
        """IDF-weighted share of the question's words that the document contains."""
        if not query_terms:
            return 0.0
        terms = self.doc_terms[doc]
        total = hit = 0.0
        for t in query_terms:
            weight = self.idf.get(t, self.unknown_idf)
            total += weight
            if t in terms or not self.synonyms.get(t, frozenset()).isdisjoint(terms):
                hit += weight
        return hit / total if total else 0.0


def _index(kb: Knowledge) -> _Index:
    return kb.derived(_Index)


def retrieval_mode() -> Retrieval:
    """BACKCARE_RETRIEVAL selects hybrid (default), bm25 (the light path) or dense. Hybrid and
    dense fall back to bm25 when the model files are not installed."""
    mode = os.environ.get("BACKCARE_RETRIEVAL", "hybrid").strip().lower()
    if mode not in ("bm25", "dense", "hybrid"):
        mode = "hybrid"
    if mode != "bm25":
        from backcare.text import vectors

        if not vectors.available():
            return "bm25"
    return mode  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class Ranking:
    """Every document's score in 0-1, best first, and (hybrid, dense) its cosine similarity."""

    ranked: list[tuple[int, float]]
    semantic: list[float] | None = None


def rank(question: str, kb: Knowledge, mode: Retrieval | None = None) -> list[tuple[int, float]]:
    """(document index, score in 0-1) for every document, best first."""
    return ranking(question, kb, mode).ranked


def ranking(question: str, kb: Knowledge, mode: Retrieval | None = None) -> Ranking:
    """BM25 (plus closeness to an item's phrasings); dense cosine; or their reciprocal rank
    fusion (hybrid): 1/(k + rank) summed over the two lists, scaled so first in both is 1."""
    mode = mode or retrieval_mode()
    index = _index(kb)
    terms = index.expand(index.tokens(question))
    lexical = _normalised(index.scores(terms))
    shape = index.similarity(question)
    words = [a + PHRASING_WEIGHT * b for a, b in zip(lexical, shape, strict=True)]
    if mode == "bm25":
        return Ranking(sorted(enumerate(words), key=lambda p: -p[1]))
    from backcare.text.embed import similarities

    semantic = similarities(question, index.docs, kb)
    if mode == "dense":
        return Ranking(_by_score(_normalised([max(0.0, s) for s in semantic])), semantic)
    fused = [0.0] * len(index.docs)
    for scores in (words, semantic):
        order = sorted(range(len(scores)), key=lambda i: -scores[i])
        for position, i in enumerate(order):
            fused[i] += 1.0 / (RRF_K + position + 1)
    best = 2.0 / (RRF_K + 1)
    return Ranking(_by_score([f / best for f in fused]), semantic)


def _by_score(scores: list[float]) -> list[tuple[int, float]]:
    return sorted(enumerate(scores), key=lambda p: -p[1])


def _normalised(scores: list[float]) -> list[float]:
    top = max(scores, default=0.0)
    return [s / top for s in scores] if top > 0 else [0.0 for _ in scores]


def answer(
    question: str,
    kb: Knowledge,
    locale: str | None = None,
    mode: Retrieval | None = None,
    *,
    declines: bool = True,
) -> Answer:
    """Answer one question from the knowledge base, triage first if it mentions a red flag.

    A question backcare declines (a personal dose, a diagnosis...) gets the decline; a request
    for a diagnosis also gets the general item that bears on it, when there is one ("do I have
    sciatica?" -> what tells a spasm from a nerve problem), since that is general information.
    """
    mode = mode or retrieval_mode()
    refusal = _decline(question, kb, locale) if declines else None
    if refusal is not None:
        if refusal.declined not in WITH_GENERAL_INFORMATION:
            return refusal
        general = answer(question, kb, locale, mode, declines=False)
        if not general.answered:
            return refusal
        parts = [*refusal.parts, *(p for p in general.parts[:1])]
        body, sources = cited(parts)
        safety, _ = _safety_first(question, kb, locale)
        text = f"{safety} {body}" if safety else body
        return Answer(
            question, text, tuple(p.item for p in parts), sources, refusal.confidence, False,
            refusal.triage_level, refusal.declined, tuple(parts),
        )  # fmt: skip
    index = _index(kb)
    found = ranking(question, kb, mode)
    ranked = found.ranked
    terms = index.tokens(question)
    if found.semantic is None:
        # BM25: the best-covered of the top few items answers: a close runner-up that holds
        # more of the question's words is the better answer ("what helps back spasms at night").
        top = ranked[:TOP_K]
        covered = [(index.coverage(terms, i), score, i) for i, score in top]
        confidence, _, _ = max(covered)
        best, best_score = max(
            ((i, score) for cov, score, i in covered if cov >= confidence - 0.15),
            key=lambda pair: pair[1],
        )
        answerable = confidence >= MIN_CONFIDENCE and index.in_domain(terms)
        named: tuple[str, ...] = ()
    else:
        # Hybrid and dense: how close the question is in meaning to the chosen item, a little
        # less when the two retrievers disagree about it. Word coverage plays no part, so lay
        # wording and extra words ("my dad", "hes 82") do not sink it.
        best, best_score = ranked[0]
        # A medicine the question names must be in the answer: "my dad is 80, can he take
        # ibuprofen" is about ibuprofen, however close "my dad ... muscle relaxers" reads.
        named = _named_words(question, kb)
        about_it = [i for i, _ in ranked[:TOP_NAMED] if _mentions(index.docs[i], named)]
        if about_it and best not in about_it:
            best, best_score = next((i, sc) for i, sc in ranked if i == about_it[0])
        similarity = max(0.0, found.semantic[best])
        agreement = best_score if mode == "hybrid" else 1.0
        confidence = similarity * (1 - AGREEMENT_WEIGHT + AGREEMENT_WEIGHT * agreement)
        if about_it:
            # MiniLM knows drug names poorly ("is naproxen ok" reads like nothing much): an
            # item about the medicine named is answer enough.
            confidence = max(confidence, NAMED_MEDICINE_CONFIDENCE)
        answerable = confidence >= MIN_SEMANTIC_CONFIDENCE and (
            index.in_domain(terms) or similarity >= SURE_SIMILARITY
        )
    safety, level, findings = _read_question(question, kb, locale)
    if not answerable or best_score <= 0:
        text = " ".join(p for p in (safety, CANNOT_ANSWER) if p)
        return Answer(question, text, (), (SCOPE_CITATION,), round(confidence, 3), False, level)
    chosen = [best]
    runner_up = next(
        (
            (i, sc) for i, sc in ranked
            if i != best and (not named or _mentions(index.docs[i], named))
        ),
        None,
    )  # fmt: skip
    if runner_up and _also_answers(runner_up, (best, best_score), found.semantic):
        chosen.append(runner_up[0])
    docs = [index.docs[i] for i in chosen]
    parts = [Part(d.id, f"{d.title}: {d.text}", d.sources) for d in docs]
    parts += _personal_cautions(question, docs, findings, kb)
    body, sources = cited(parts)
    text = f"{safety} {body}" if safety else body
    return Answer(
        question, text, tuple(p.item for p in parts), sources,
        round(confidence, 3), True, level, None, tuple(parts),
    )  # fmt: skip


def cited(parts: list[Part]) -> tuple[str, tuple[Citation, ...]]:
    """The parts' text, each followed by the numbers of its sources ("[1, 3]"), and the
    sources in the order first cited."""
    numbers: dict[tuple[str, str], int] = {}
    texts = []
    for p in parts:
        refs = [numbers.setdefault((c.source, c.section), len(numbers) + 1) for c in p.sources]
        texts.append(f"{p.text} [{', '.join(map(str, refs))}]")
    sources = {(c.source, c.section): c for p in parts for c in p.sources}
    return " ".join(texts), tuple(sources[key] for key in numbers)


def _also_answers(
    runner_up: tuple[int, float], best: tuple[int, float], semantic: list[float] | None
) -> bool:
    """Whether the runner-up is close enough to the best item to be quoted beside it."""
    if semantic is None:
        return runner_up[1] >= SECOND_ITEM_SHARE * best[1]
    return (
        runner_up[1] >= SECOND_FUSED_SHARE * best[1]
        and semantic[runner_up[0]] >= SECOND_ITEM_SHARE * semantic[best[0]]
    )


def _decline(question: str, kb: Knowledge, locale: str | None) -> Answer | None:
    """A specific decline (personal dose, diagnosis, scan, sick note, another body part) that
    says why and where to go, after the triage result when the question has a red flag."""
    from backcare.text.decline import declined

    item_id = declined(question)
    item = kb.education.get(item_id) if item_id else None
    if item is None:
        return None
    safety, level = _safety_first(question, kb, locale)
    part = Part(item.id, f"{item.title}: {item.text}", citations([item]))
    body, sources = cited([part])
    text = f"{safety} {body}" if safety else body
    return Answer(question, text, (item.id,), sources, 1.0, False, level, item.id, (part,))


def _safety_first(question: str, kb: Knowledge, locale: str | None) -> tuple[str, Level | None]:
    """The triage result, when the question itself describes a red flag."""
    safety, level, _ = _read_question(question, kb, locale)
    return safety, level


def _read_question(
    question: str, kb: Knowledge, locale: str | None
) -> tuple[str, Level | None, FindingSet]:
    """The safety lead (when the question describes a red flag), its level, and the findings
    the question states about the person (pregnant, breastfeeding, on blood thinners...)."""
    from backcare.text.triage import triage_text

    result = triage_text(question, kb, locale)
    findings = _with_age(question, result.extraction.findings)
    d = result.disposition
    if d.level < Level.CONSULTATION_24H:
        return "", None, findings
    sure = any(
        result.extraction.findings.get(fid, None) is not None
        and result.extraction.findings[fid].status is Status.PRESENT
        for rule in d.fired
        for fid in rule.findings
    )
    lead = "First, your safety:" if sure else "If this is happening to you now:"
    reasons = " ".join(d.reasons[:2])
    return f"{lead} {d.title}. {d.action} ({reasons})", d.level, findings


_AGE = rx.compile(
    r"\b(?:aged?|is|im|i m|hes|he s|shes|she s|turned|turning)\s+(\d{1,3})\b"
    r"(?!\s*(?:weeks?|days?|months?|kg|mg|lbs?|stone|minutes?|hours?|%|times?))"
    r"|\b(\d{1,3})\s*(?:years? old|yrs? old|yo|y o)\b"
)


def _with_age(question: str, findings: FindingSet) -> FindingSet:
    """The age a question gives ("my dad is 82", "shes 79"), for age-bound cautions: in a
    question the person asked about is the one the caution is for, so a relative's age, which
    free text reads as someone else's, counts here."""
    known = findings.get("age")
    if known is not None and known.status is Status.PRESENT:
        return findings
    match = _AGE.search(question.lower().replace("'", " "))
    if match is None:
        return findings
    age = int(match.group(1) or match.group(2))
    if not 1 <= age <= 110:
        return findings
    return findings.with_findings([Finding("age", Status.PRESENT, float(age), match.group(0))])


def _personal_cautions(
    question: str, docs: list[Document], findings: FindingSet, kb: Knowledge
) -> list[Part]:
    """The label-level cautions that apply to this person (the findings the question states)
    for the treatments the question names or the answer quotes: "pregnant + ibuprofen" gets
    the NSAID-in-pregnancy caution, cited to its own sources."""
    if not len(findings):
        return []
    from backcare.conditions import compile_conditions, supporting
    from backcare.text.decline import normalised

    named = _named_treatments(question, kb) | {d.id for d in docs if d.kind == "treatment"}
    names = kb.derived(_treatment_names)
    asked_about = {w for tid in named for w in names.get(tid, ())}
    out = []
    for c in kb.base.cautions:
        if not (c.when and named.intersection(c.treatments)):
            continue
        if not compile_conditions(c.when)(findings):
            continue
        # "can I take codeine" names codeine; it does not say the person already takes a
        # sedative: a finding read from the very medicine asked about does not count.
        evidence = [normalised(findings[f].evidence or "") for f in supporting(c.when, findings)]
        if all(any(f" {w} " in f" {e} " for w in asked_about) for e in evidence):
            continue
        out.append(Part(c.id, f"For you: {c.text}", citations([c])))
    return out[:MAX_CAUTIONS]


def _named_treatments(question: str, kb: Knowledge) -> set[str]:
    from backcare.text.decline import normalised

    text = f" {normalised(question)} "
    names = kb.derived(_treatment_names)
    return {tid for tid, words in names.items() if any(f" {w} " in text for w in words)}


def _named_words(question: str, kb: Knowledge) -> tuple[str, ...]:
    """The medicine names the question uses ("naproxen", "co codamol"), normalised."""
    from backcare.text.decline import normalised

    text = f" {normalised(question)} "
    names = kb.derived(_treatment_names)
    return tuple(sorted({w for words in names.values() for w in words if f" {w} " in text}))


def _mentions(doc: Document, words: tuple[str, ...]) -> bool:
    if not words:
        return False
    text = _searchable(doc)
    return any(f" {w} " in text for w in words)


@lru_cache(maxsize=1024)
def _searchable(doc: Document) -> str:
    from backcare.text.decline import normalised

    return f" {normalised(doc.search_text)} "


def _treatment_names(kb: Knowledge) -> dict[str, tuple[str, ...]]:
    from backcare.text.decline import normalised

    out = {}
    for t in kb.base.treatments:
        if t.category.endswith("medicine"):
            words = {normalised(k) for k in t.keywords} - _GENERIC_MEDICINE_WORDS
            words |= {f"{w}s" for w in words if not w.endswith("s")}  # "muscle relaxers"
            out[t.id] = tuple(sorted(w for w in words if w))
    return out


_GENERIC_MEDICINE_WORDS = frozenset({"drive", "drowsy", "painkiller", "over the counter", "days"})


def answer_dict(a: Answer, kb: Knowledge) -> dict[str, Any]:
    """The JSON object `backcare ask --json` writes for one question."""
    return {
        "question": a.question,
        "answer": a.text,
        "answered": a.answered,
        "confidence": a.confidence,
        "items": list(a.items),
        "triage": a.triage_level.value if a.triage_level else None,
        "declined": a.declined,
        "parts": [
            {"item": p.item, "text": p.text, "sources": [a.sources.index(c) + 1 for c in p.sources]}
            for p in a.parts
        ],
        "sources": [_source(c, kb) for c in a.sources],
    }


def _source(c: Citation, kb: Knowledge) -> dict[str, str | None]:
    src = kb.sources.get(c.source)
    return {
        "id": c.source,
        "section": c.section,
        "title": src.title if src else None,
        "publisher": src.publisher if src else None,
        "url": src.url if src else None,
    }
