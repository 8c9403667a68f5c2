"""Compare backcare's own context step with medspacy's ConText on the same matched words.

    python -m bench.context_compare     # needs medspacy installed (not a dependency)

Both use backcare's patterns to find the words; they differ only in deciding whether each
mention is negated, someone else's, past, hypothetical or uncertain. Prints, for each: triage
accuracy and under-triage on the public and our own vignettes, agreement on the cue test
sentences, and ms per text (warm), plus medspacy's load time.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from backcare.derive import with_implications
from backcare.findings import LEVELS, Finding, FindingSet, Status
from backcare.knowledge.load import load_knowledge
from backcare.text.extract import extract
from backcare.triage import triage

KB = load_knowledge()

ROOT = Path(__file__).resolve().parent.parent
CUE_SENTENCES = [  # (text, finding, present?) both sides of each context cue
    ("I have numbness in my leg", "limb_numbness", True),
    ("no numbness in my leg", "limb_numbness", False),
    ("I don't have any trouble controlling my bladder", "bladder_control_loss", False),
    ("I have lost control of my bladder", "bladder_control_loss", True),
    ("my dad had cancer", "cancer_history", False),
    ("I had cancer", "cancer_history", True),
    ("numbness in my foot last year, gone now", "limb_numbness", False),
    ("afraid I might lose bladder control", "bladder_control_loss", False),
    ("Bladder and bowels fine, legs fine", "bladder_control_loss", False),
    ("No numbness, weakness or bladder problems", "bladder_control_loss", False),
    ("no fever but my legs are weak", "bilateral_leg_weakness", True),
    ("no problems with the toilet both my legs have gone weak", "bilateral_leg_weakness", True),
    ("My father had a spinal tumour but I'm fine", "cancer_history", False),
    ("I was worried it was my kidneys but I have no fever", "fever", False),
]


def cases() -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for path in (ROOT.parent / "shared/cases/triage.yaml", ROOT / "tests/cases/triage_own.yaml"):
        if path.is_file():
            out += yaml.safe_load(path.read_text())["cases"]
    return out


class MedspacyContext:
    def __init__(self) -> None:
        start = time.perf_counter()
        import medspacy
        from loguru import logger

        logger.remove()  # its sentence splitter logs at DEBUG through loguru
        logging.getLogger("medspacy").setLevel(logging.WARNING)
        self.nlp = medspacy.load(medspacy_enable=["medspacy_pyrush", "medspacy_context"])
        self.load_s = time.perf_counter() - start

    def findings(self, text: str) -> FindingSet:
        kb = load_knowledge()
        ex = extract(text, kb)
        doc = self.nlp.make_doc(text)
        for name, proc in self.nlp.pipeline:
            if name != "medspacy_context":
                doc = proc(doc)
        spans, kept = [], []
        for m in ex.mentions:
            span = doc.char_span(m.start, m.end, label=m.finding, alignment_mode="expand")
            if span is not None and not any(
                s.start < span.end and span.start < s.end for s in spans
            ):
                spans.append(span)
                kept.append(m)
        doc.ents = spans
        doc = self.nlp.get_pipe("medspacy_context")(doc)
        found = []
        for m, ent in zip(kept, doc.ents, strict=True):
            status = (
                Status.UNKNOWN
                if m.status is Status.UNKNOWN and m.context is None
                else Status.PRESENT
            )
            if (
                ent._.is_negated
                or ent._.is_family
                or ent._.is_hypothetical
                or (ent._.is_historical and m.finding not in HISTORY)
            ):
                status = Status.ABSENT
            elif ent._.is_uncertain:
                status = Status.UNKNOWN
            found.append(Finding(m.finding, status, m.value, m.words))
        return with_implications(FindingSet(found), kb)


HISTORY = {f.id for f in load_knowledge().base.findings if "historical" in f.ignore_context}


def ours(text: str) -> FindingSet:
    return extract(text, KB).findings


def score(name: str, fn: Any) -> None:
    right = under = 0
    data = cases()
    start = time.perf_counter()
    for c in data:
        got = triage(fn(c["text"]), KB).level.value
        accepted = [c["expected"], *c.get("acceptable", [])]
        if got in accepted:
            right += 1
        elif LEVELS.index(got) < min(LEVELS.index(a) for a in accepted):  # type: ignore[arg-type]
            under += 1
    ms = (time.perf_counter() - start) / len(data) * 1000
    agree = sum(
        (fn(t).get(f) is not None and fn(t)[f].counts) == want for t, f, want in CUE_SENTENCES
    )
    print(f"{name}: vignettes {right}/{len(data)} right, {under} under-triaged; "
          f"cue sentences {agree}/{len(CUE_SENTENCES)}; {ms:.2f} ms a text")  # fmt: skip


def main() -> None:
    for t, _, _ in CUE_SENTENCES:
        ours(t)
    score("backcare context", ours)
    try:
        med = MedspacyContext()
    except ImportError:
        sys.exit("medspacy is not installed: pip install medspacy==1.3.1")
    for t, _, _ in CUE_SENTENCES:
        med.findings(t)
    print(f"medspacy load: {med.load_s:.2f} s")
    score("medspacy ConText", med.findings)


if __name__ == "__main__":
    main()
