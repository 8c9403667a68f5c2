"""Calibrate and measure the semantic second opinion on the bank and our own vignettes, never
on the test batches.

    python -m bench.semantic

Recall: each red-flag example of the bank scored against the other examples (itself left
out): is its own finding suggested? False positives: each ordinary phrasing of the bank (left
out of the ordinary side), and our own self-care vignettes read by the whole extractor: how
many get a red flag from the second opinion alone? Prints both over a grid of threshold and
margin, then the warm time of the extractor with and without the second opinion.
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
