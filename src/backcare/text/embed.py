"""Dense retrieval for `backcare ask`: MiniLM sentence embeddings (`text/vectors.py`).

Used in dense or hybrid mode (BACKCARE_RETRIEVAL or `--retrieval`), never by triage or
assessment. The knowledge base's embeddings are computed once and cached on disk by
`vectors.cached_matrix`, keyed by the model files and every document's text.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from backcare.knowledge.load import Knowledge
from backcare.text import vectors

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from backcare.text.answer import Document

MODEL_NAME = f"{vectors.MODEL_NAME} ({vectors.MODEL_PACKAGE})"
CACHE_NAME = "kb-documents"


def _passage(d: Document) -> str:
    return " ".join([d.title, *d.phrasings, d.text])


def _embeddings(docs: tuple[Document, ...], kb: Knowledge) -> npt.NDArray[np.float32]:
    return kb.derived(
        "dense_embeddings",
        lambda _: vectors.cached_matrix(CACHE_NAME, [_passage(d) for d in docs]),
    )


@lru_cache(maxsize=64)
def _query(question: str) -> npt.NDArray[np.float32]:
    """The question's vector: `answer` ranks and then rates confidence with the same one."""
    query: npt.NDArray[np.float32] = vectors.encode([question])[0]
    query.setflags(write=False)
    return query


def _similarities(question: str, docs: tuple[Document, ...], kb: Knowledge) -> list[float]:
    matrix = _embeddings(docs, kb)
    return [float(x) for x in matrix @ _query(question)]


def dense_scores(question: str, docs: tuple[Document, ...], kb: Knowledge) -> list[float]:
    """Cosine similarity of the question with each document, scaled so the best is 1."""
    sims = [max(0.0, s) for s in _similarities(question, docs, kb)]
    top = max(sims, default=0.0)
    return [s / top for s in sims] if top > 0 else sims


def raw_similarity(question: str, docs: tuple[Document, ...], kb: Knowledge) -> float:
    """The best cosine similarity, a confidence for dense mode."""
    return max(_similarities(question, docs, kb), default=0.0)
