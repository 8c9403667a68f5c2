"""A semantic second opinion on free text: red flags said in words no pattern lists.

Each clause of the text is embedded (all-MiniLM-L6-v2, text/vectors.py) and compared with a
bank of example phrasings per red flag (knowledge/redflag_bank.yaml) and with a bank of
ordinary back-pain phrasings that are not red flags. A clause much closer to a red flag's
examples than to the ordinary ones makes that finding uncertain: asked about, and counted as
present meanwhile. It never settles a finding and never clears one: a clause with a negation,
someone else, the past or a worry in it gives no opinion, and what the patterns read wins.

Thresholds are calibrated on the bank itself (bench/semantic.py: each example against the
others, the ordinary phrasings as negatives), never on test cases.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backcare import rx
from backcare.knowledge.load import KNOWLEDGE_DIR

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

BANK_FILE = KNOWLEDGE_DIR / "redflag_bank.yaml"
CASE_BANK_FILE = KNOWLEDGE_DIR / "redflag_cases.json"  # real phrasings (text/casebank.py)
MIN_EXAMPLES = 25  # per red flag (issue 11)
TOP_K = 3  # a finding's score: the mean of its three closest examples
THRESHOLD = 0.47  # cosine a clause needs with a red flag's examples (bench.semantic)
MARGIN = 0.03  # ... and its lead over the closest ordinary phrasings
MIN_WORDS = 3
_DENIAL = rx.compile(
    r"\b(?:no|not|never|nor|without|none|nothing|fine|normal|normally|ok|okay|alright|all right"
    r"|unaffected|usual)\b|n[\u2019']t\b"
)
# Clauses that frame the message or state a preference name no symptom: "asking for my mum",
# "I write for my wife", "she hates taking tablets".
_FRAMING = rx.compile(
    r"\b(?:asking|writing|messaging|texting|typing|posting|enquiring|inquiring|contacting you)"
    r" (?:this |you )?(?:for|on behalf of)\b|\bi (?:write|am writing|m writing) for\b"
    r"|\bon behalf of\b|\b(?:doesnt|does not|dont|do not) speak english\b"
    # a greeting that says who is writing: "new mum here", "pt here", "long time lurker here"
    r"|^(?:hi |hello |hey )?(?:a |an |new |first time |long time |just a |tired |worried )?"
    r"(?:\w+ )?(?:mum|mom|mam|dad|nurse|physio|pt|student|lurker|runner|parent|carer"
    r"|caregiver|teacher|doctor|gp|paramedic|user|member|poster|reader)s? here$"
    r"|\b(?:hates?|doesnt like|does not like|dont like|do not like|rather not|prefers? not to"
    r"|not keen on|avoids?) (?:taking |swallowing )?"
    r"(?:tablets|pills|medicines?|medication|painkillers|drugs)\b"
)
FRAMING_WORDS = 7  # a longer clause says more than its framing


def _framing(clause: str) -> bool:
    return bool(_FRAMING.search(clause)) and len(clause.split()) <= FRAMING_WORDS


_SPLIT = rx.compile(r" , | but | however | although | though | so | and then | because ")


@dataclass(frozen=True, slots=True)
class Opinion:
    """A clause that reads like a red flag: the finding, the clause and the closest example."""

    finding: str
    clause: str
    sentence: int  # which sentence
    start: int  # offsets of the clause in that normalised sentence
    end: int
    score: float
    example: str


@dataclass(frozen=True, slots=True)
class Bank:
    findings: tuple[str, ...]  # the finding of each example row
    examples: tuple[str, ...]
    benign: tuple[str, ...]
    digest: str
    hand: int = 0  # the first `hand` examples and `hand_benign` ordinary phrasings are the
    hand_benign: int = 0  # hand-written bank's; the rest come from the case bank


def denies(clause: str) -> bool:
    """Whether a clause has a word of denial (kept out of the ordinary phrasings)."""
    return bool(_DENIAL.search(clause.lower()))


def read_bank_findings() -> list[str]:
    """The findings the hand-written bank has examples for: the ones the opinion may suggest."""
    return [str(e.get("finding")) for e in read_bank().get("bank") or []]


def read_cases() -> dict[str, Any]:
    """The case bank (text/casebank.py) as data, or an empty one when it is missing."""
    import json

    try:
        data = json.loads(CASE_BANK_FILE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"findings": {}, "benign": []}
    if not isinstance(data, dict):
        raise ValueError("redflag_cases.json: expected an object")
    return data


def read_bank() -> dict[str, Any]:
    """The bank file as data (for `kb check` and the loader)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(BANK_FILE.read_text(encoding="utf-8"), Loader=loader)
    if not isinstance(data, dict):
        raise ValueError("redflag_bank.yaml: expected a mapping")
    return data


def bank_errors(finding_ids: set[str], red_flags: set[str]) -> list[str]:
    """Problems with the bank: unknown findings, too few examples, red flags left out."""
    data = read_bank()
    errors: list[str] = []
    seen: set[str] = set()
    for entry in data.get("bank") or []:
        fid = entry.get("finding")
        examples = entry.get("examples") or []
        if fid not in finding_ids:
            errors.append(f"redflag bank: unknown finding {fid!r}")
        if len(examples) < MIN_EXAMPLES:
            errors.append(f"redflag bank: {fid} has {len(examples)} examples (at least "
                          f"{MIN_EXAMPLES})")  # fmt: skip
        seen.add(str(fid))
    for fid in sorted(red_flags - seen):
        errors.append(f"redflag bank: red flag {fid} has no examples")
    if len(data.get("benign") or []) < 100:
        errors.append("redflag bank: fewer than 100 ordinary (benign) phrasings")
    try:
        cases = read_cases()
    except ValueError as exc:
        return [*errors, f"case bank: {exc}"]
    for fid, rows in (cases.get("findings") or {}).items():
        if fid not in seen:
            errors.append(f"case bank: {fid!r} is not a red flag of the hand-written bank")
        if not all(isinstance(r, list) and len(r) == 2 and all(isinstance(x, str) for x in r)
                   for r in rows):  # fmt: skip
            errors.append(f"case bank: {fid}: rows must be [clause, case id]")
    return errors


@cache
def load_bank() -> Bank:
    """The bank, parsed once per content: YAML parsing took 50 ms of a cold start, so the
    parsed rows are kept as JSON beside the bank's embeddings, keyed by the file's hash."""
    import hashlib

    h = hashlib.sha256(BANK_FILE.read_bytes())
    if CASE_BANK_FILE.is_file():
        h.update(CASE_BANK_FILE.read_bytes())
    digest = h.hexdigest()[:16]
    cached = _read_parsed(digest)
    if cached is not None:
        return cached
    data = read_bank()
    cases = read_cases()
    rows = [(str(e["finding"]), str(x)) for e in data["bank"] for x in e["examples"]]
    hand = len(rows)
    known = {f for f, _ in rows}
    rows += [
        (fid, str(clause))
        for fid, found in (cases.get("findings") or {}).items() if fid in known
        for clause, _ in found
    ]  # fmt: skip
    # Embeddings barely tell "can feel" from "can't feel", so the ordinary phrasings that are
    # denials of a red flag would cancel the red flag itself: negation is the context cues'
    # job, and those phrasings stay out of the comparison.
    own = [str(x) for x in data.get("benign") or [] if not denies(str(x))]
    found = [str(c) for c, _ in cases.get("benign") or [] if not denies(str(c))]
    bank = Bank(tuple(f for f, _ in rows), tuple(x for _, x in rows), (*own, *found), digest,
                hand, len(own))  # fmt: skip
    _write_parsed(bank)
    return bank


def _parsed_path(digest: str) -> Path | None:
    import os

    if os.environ.get("BACKCARE_NO_CACHE"):
        return None
    from backcare.text.vectors import cache_dir

    return cache_dir() / f"redflag-bank-{digest}.json"


def _read_parsed(digest: str) -> Bank | None:
    import json

    path = _parsed_path(digest)
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        findings, examples, benign = data["findings"], data["examples"], data["benign"]
        hand, hand_benign = int(data["hand"]), int(data["hand_benign"])
        if len(findings) != len(examples) or not all(
            isinstance(x, str) for x in (*findings, *examples, *benign)
        ):
            return None
        if not (0 < hand <= len(examples) and 0 < hand_benign <= len(benign)):
            return None
        return Bank(tuple(findings), tuple(examples), tuple(benign), digest, hand, hand_benign)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_parsed(bank: Bank) -> None:
    import json

    from backcare.cachefile import write_private

    path = _parsed_path(bank.digest)
    if path is None:
        return
    data = {
        "findings": bank.findings, "examples": bank.examples, "benign": bank.benign,
        "hand": bank.hand, "hand_benign": bank.hand_benign,
    }  # fmt: skip
    if write_private(path, lambda fh: fh.write(json.dumps(data).encode("utf-8"))):
        for old in path.parent.glob("redflag-bank-*.json"):
            if old != path:
                old.unlink(missing_ok=True)


@cache
def _matrices() -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    from backcare.text import vectors

    bank = load_bank()
    return (
        vectors.cached_matrix("redflag-bank", bank.examples),
        vectors.cached_matrix("redflag-benign", bank.benign),
    )


def available() -> bool:
    """Whether the model is installed (the second opinion is skipped, not faked, without it)."""
    from backcare.text import vectors

    return vectors.available()


def clauses(sentence: str) -> list[tuple[int, int]]:
    """Spans of the clauses of a normalised sentence worth embedding (three words or more)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for brk in [*_SPLIT.finditer(sentence), None]:
        end = brk.start() if brk else len(sentence)
        if len(sentence[start:end].split()) >= MIN_WORDS:
            spans.append((start, end))
        elif spans and brk is None:
            spans[-1] = (spans[-1][0], end)  # a short tail joins the clause before it
        start = brk.end() if brk else end
    return spans


def opinions(
    sentences: list[str],
    allowed: set[str],
    skip: set[tuple[int, int, int]] | None = None,
    threshold: float | None = None,
    margin: float | None = None,
    requires: Mapping[str, re.Pattern[str]] | None = None,
) -> list[Opinion]:
    """Red flags (among `allowed`) that clauses of the normalised sentences read like, one at
    most a clause; clauses in `skip` (sentence, start, end) are left alone. A finding listed in
    `requires` is suggested only for a clause its pattern matches."""
    from backcare.text import vectors

    threshold = THRESHOLD if threshold is None else threshold
    margin = MARGIN if margin is None else margin
    spans = [
        (i, a, b) for i, s in enumerate(sentences) for a, b in clauses(s)
        if (not skip or (i, a, b) not in skip) and not _framing(s[a:b])
    ]  # fmt: skip
    if not spans:
        return []
    texts = [sentences[i][a:b] for i, a, b in spans]
    bank = load_bank()
    examples, benign = _matrices()
    vecs = vectors.encode(texts)
    # Two readings: the whole bank (hand-written and case rows), and the hand-written bank
    # alone, exactly as it read before the case bank came. The case bank only adds: its real
    # phrasings recognise more unseen wording, and a red flag the hand-written bank suggests
    # is still asked about when the case rows would outvote it. Left out one batch at a
    # time, red-flag clauses read as their finding: 0.71 (hand-written alone 0.57, whole
    # bank alone 0.68); ordinary clauses flagged: 9.4% (8.8%, 2.9%). bench/semantic.py.
    readings = [score_rows(vecs, examples, benign, bank.findings)]
    if 0 < bank.hand < len(bank.examples):
        readings.append(score_rows(
            vecs, examples[: bank.hand], benign[: bank.hand_benign], bank.findings[: bank.hand]
        ))  # fmt: skip
    out: list[Opinion] = []
    for row, (i, a, b) in enumerate(spans):
        said: set[str] = set()
        for scores in readings:
            # One opinion a clause and reading: the red flag it reads most like, if enough.
            ranked = sorted(
                ((score, lead, best, fid) for fid, (score, lead, best) in scores[row].items()
                 if fid in allowed
                 and (not requires or fid not in requires or requires[fid].search(texts[row]))),
                reverse=True,
            )  # fmt: skip
            if ranked and ranked[0][0] >= threshold and ranked[0][1] >= margin:
                score, _, best, fid = ranked[0]
                if fid not in said:
                    said.add(fid)
                    out.append(Opinion(fid, texts[row], i, a, b, score, bank.examples[best]))
    return out


def score_rows(
    vecs: npt.NDArray[np.float32],
    examples: npt.NDArray[np.float32],
    benign: npt.NDArray[np.float32],
    row_findings: tuple[str, ...],
) -> list[dict[str, tuple[float, float, int]]]:
    """For each vector: finding -> (top-k mean cosine, lead over the benign top-k, best row)."""
    import numpy as np

    names, index = _index(row_findings)
    sims = np.concatenate([vecs @ examples.T, np.full((len(vecs), 1), -1.0, np.float32)], 1)
    grouped = sims[:, index]  # (rows, findings, examples per finding), padded with -1
    k = min(TOP_K, index.shape[1])
    top = np.partition(grouped, -k, axis=2)[:, :, -k:].mean(axis=2)
    best = np.take_along_axis(index[None, :, :], grouped.argmax(axis=2)[:, :, None], 2)[:, :, 0]
    k_b = min(TOP_K, benign.shape[0])
    benign_sims = vecs @ benign.T
    benign_top = np.partition(benign_sims, -k_b, axis=1)[:, -k_b:].mean(axis=1)
    return [
        {
            fid: (float(top[r, f]), float(top[r, f] - benign_top[r]), int(best[r, f]))
            for f, fid in enumerate(names)
        }
        for r in range(len(vecs))
    ]


@cache
def _index(row_findings: tuple[str, ...]) -> tuple[tuple[str, ...], Any]:
    """Finding names and a (findings, longest) array of their example rows, padded with the
    index of an extra column that scores -1."""
    import numpy as np

    groups: dict[str, list[int]] = {}
    for i, fid in enumerate(row_findings):
        groups.setdefault(fid, []).append(i)
    longest = max(len(v) for v in groups.values())
    pad = len(row_findings)
    index = np.array([v + [pad] * (longest - len(v)) for v in groups.values()])
    return tuple(groups), index
