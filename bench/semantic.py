"""Calibrate and measure the semantic second opinion on the bank and our own vignettes, never
on the test batches.

    python -m bench.semantic

Recall: each red-flag example of the bank scored against the other examples (itself left
out): is its own finding suggested? False positives: each ordinary phrasing of the bank (left
out of the ordinary side), and our own self-care vignettes read by the whole extractor: how
many get a red flag from the second opinion alone? Prints both over a grid of threshold and
margin, then the warm time of the extractor with and without the second opinion.

Then the case bank, one batch left out at a time: the held-out batch's red-flag clauses and
ordinary clauses are read against the hand-written bank and the case bank of the *other*
batches. How many red-flag clauses get their own finding (recall), and how many ordinary ones
get any red flag (false positives), with the hand-written bank alone, the whole bank, and both
readings together (what text/semantic.py does)?
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import yaml

from backcare.knowledge.load import load_knowledge
from backcare.text import extract as extract_module
from backcare.text import semantic

ROOT = Path(__file__).resolve().parent.parent
K = semantic.TOP_K
GRID = [(t, m) for t in (0.42, 0.45, 0.47, 0.5, 0.55, 0.6, 0.65, 0.7) for m in (0.0, 0.03, 0.06)]


def topk(sims: np.ndarray, k: int) -> np.ndarray:
    k = min(k, sims.shape[1])
    return np.sort(sims, axis=1)[:, -k:].mean(axis=1)


def own_scores(matrix: np.ndarray, rows: tuple[str, ...], benign: np.ndarray) -> tuple:
    sims = matrix @ matrix.T
    np.fill_diagonal(sims, -1.0)
    own = np.empty(len(rows))
    for fid in set(rows):
        idx = np.array([i for i, f in enumerate(rows) if f == fid])
        own[idx] = topk(sims[np.ix_(idx, idx)], K)
    return own, topk(matrix @ benign.T, K)


def _reading(vecs: np.ndarray, ex: np.ndarray, rows: list[str], ben: np.ndarray) -> list[str]:
    """The finding each vector reads most like, or "" (semantic.opinions' test, no context)."""
    scores = semantic.score_rows(vecs, ex, ben, tuple(rows))
    out = []
    for row in scores:
        best = max(row.items(), key=lambda kv: kv[1][0])
        fid, (score, lead, _) = best
        out.append(fid if score >= semantic.THRESHOLD and lead >= semantic.MARGIN else "")
    return out


def leave_one_batch_out() -> None:
    import json

    bank = semantic.load_bank()
    ex, ben = semantic._matrices()
    if bank.hand == len(bank.examples):
        print("no case bank")
        return
    batch_of: dict[str, str] = {}
    for path in sorted((ROOT / "tests/cases/seen").glob("*.yaml")):
        for case in yaml.safe_load(path.read_text())["cases"]:
            batch_of.setdefault(str(case.get("id")), path.name.split("-")[0])
    cases = json.loads(semantic.CASE_BANK_FILE.read_text())
    ex_batch = ["hand"] * bank.hand + [
        batch_of.get(cid, "?") for found in cases["findings"].values() for _, cid in found
    ]
    ben_batch = ["hand"] * bank.hand_benign + [
        batch_of.get(cid, "?") for c, cid in cases["benign"] if not semantic.denies(c)
    ]
    assert len(ex_batch) == len(ex) and len(ben_batch) == len(ben)
    rows = list(bank.findings)
    totals = {k: [0, 0, 0, 0] for k in ("hand", "whole", "both")}
    for batch in sorted(set(ex_batch) - {"hand"}):
        pos = [i for i, b in enumerate(ex_batch) if b == batch]
        neg = [j for j, b in enumerate(ben_batch) if b == batch]
        keep = [i for i, b in enumerate(ex_batch) if b != batch]
        keep_b = [j for j, b in enumerate(ben_batch) if b != batch]
        hand = _reading(ex[pos], ex[: bank.hand], rows[: bank.hand], ben[: bank.hand_benign])
        hand_n = _reading(ben[neg], ex[: bank.hand], rows[: bank.hand], ben[: bank.hand_benign])
        whole = _reading(ex[pos], ex[keep], [rows[i] for i in keep], ben[keep_b])
        whole_n = _reading(ben[neg], ex[keep], [rows[i] for i in keep], ben[keep_b])
        for name, got, got_n in (
            ("hand", [{h} for h in hand], [{h} for h in hand_n]),
            ("whole", [{w} for w in whole], [{w} for w in whole_n]),
            # semantic.opinions: the whole bank's reading and the hand-written bank's
            ("both", [{h, w} for h, w in zip(hand, whole, strict=True)],
             [{h, w} for h, w in zip(hand_n, whole_n, strict=True)]),
        ):  # fmt: skip
            # a clause labelled with two findings is two rows: right if it reads as its own
            t = totals[name]
            t[0] += sum(rows[i] in g for i, g in zip(pos, got, strict=True))
            t[1] += len(pos)
            t[2] += sum(bool(g - {""}) for g in got_n)
            t[3] += len(neg)
    print("case bank, one batch left out at a time (clauses):")
    for name, (hit, n, fp, nn) in totals.items():
        print(f"  {name:5}  red-flag clauses read as their finding {hit / n:.3f} ({hit}/{n})"
              f"   ordinary clauses flagged {fp / nn:.3f} ({fp}/{nn})")  # fmt: skip


def main() -> None:
    kb = load_knowledge()
    bank = semantic.load_bank()
    ex, ben = semantic._matrices()
    own, lead_base = own_scores(ex, bank.findings, ben)
    cases = yaml.safe_load((ROOT / "tests/cases/triage_own.yaml").read_text())["cases"]
    calm = [c["text"] for c in cases if c["expected"] == "self_care"]
    print(
        f"bank: {len(ex)} red-flag examples, {len(ben)} ordinary; own self-care texts {len(calm)}"
    )
    print("threshold margin  recall(bank)  texts with a red flag from it alone (own self-care)")
    for t, m in GRID:
        recall = float(np.mean((own >= t) & (own - lead_base >= m)))
        semantic.THRESHOLD, semantic.MARGIN = t, m
        flagged = sum(
            any(x.context and x.context.startswith("reads like") for x in
                extract_module.extract(text, kb, use_semantic=True).mentions)
            for text in calm
        )  # fmt: skip
        print(f"  {t:.2f}    {m:.2f}     {recall:.3f}        {flagged}/{len(calm)}")
    sample = [c["text"] for c in cases]
    for flag in (False, True):
        for text in sample[:5]:
            extract_module.extract(text, kb, use_semantic=flag)
        from backcare.text import vectors

        vectors._recent.clear()  # every text's clauses are encoded afresh: no reuse
        start = time.perf_counter()
        for text in sample:
            extract_module.extract(text, kb, use_semantic=flag)
        ms = (time.perf_counter() - start) / len(sample) * 1000
        print(f"extract, warm, semantic {'on' if flag else 'off'}: {ms:.1f} ms a text")


if __name__ == "__main__":
    main()
    leave_one_batch_out()
