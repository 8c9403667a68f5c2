"""Dense retrieval for `backcare ask`: MiniLM sentence embeddings (`text/vectors.py`).

Used in hybrid (the default) and dense mode, never by triage or assessment. Each document is
embedded twice over: its whole passage (title, the ways people ask, text) and each of the ways
people ask for it on its own, since a question is closest to another question. A document's
similarity with a question is the best of those cosines. Both matrices are computed once and
cached on disk by `vectors.cached_matrix`, keyed by the model files and every text.
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
PHRASINGS_CACHE_NAME = "kb-phrasings"


def _passage(d: Document) -> str:
    return " ".join([d.title, *d.phrasings, d.text])


class _Matrices:
    """The passage matrix, the phrasing matrix and which document each phrasing belongs to."""

    def __init__(self, docs: tuple[Document, ...]) -> None:
        import numpy as np

        self.passages = vectors.cached_matrix(CACHE_NAME, [_passage(d) for d in docs])
        owners = [i for i, d in enumerate(docs) for _ in d.phrasings]
        self.phrasings = vectors.cached_matrix(
            PHRASINGS_CACHE_NAME, [p for d in docs for p in d.phrasings]
        )
        self.owners = np.asarray(owners, dtype=np.intp)
        self.n = len(docs)


def _matrices(docs: tuple[Document, ...], kb: Knowledge) -> _Matrices:
    return kb.derived(_dense_matrices, docs)  # hashing the documents costs 0.2 ms


def _dense_matrices(_: Knowledge, docs: tuple[Document, ...]) -> _Matrices:
    return _Matrices(docs)


@lru_cache(maxsize=64)
def _query(question: str) -> npt.NDArray[np.float32]:
    """The question's vector: `answer` ranks and then rates confidence with the same one.

    The question is embedded in the normalised form free text is read in (lower case, no
    apostrophes, commas as tokens), so that triage's semantic second opinion, which embeds
    the same words as a clause, finds the vector already made (`vectors` keeps recent ones).
    """
    from backcare.text.normalise import sentences

    text = " ".join(s.text for s in sentences(question)) or question
    query: npt.NDArray[np.float32] = vectors.encode([text])[0]
    query.setflags(write=False)
    return query


def similarities(question: str, docs: tuple[Document, ...], kb: Knowledge) -> list[float]:
    """For each document, the best cosine of the question with its passage or a phrasing."""
    import numpy as np

    m = _matrices(docs, kb)
    q = _query(question)
    best = m.passages @ q
    if len(m.owners):
        np.maximum.at(best, m.owners, m.phrasings @ q)
    return [float(x) for x in best]


def dense_scores(question: str, docs: tuple[Document, ...], kb: Knowledge) -> list[float]:
    """Cosine similarity of the question with each document, scaled so the best is 1."""
    sims = [max(0.0, s) for s in similarities(question, docs, kb)]
    top = max(sims, default=0.0)
    return [s / top for s in sims] if top > 0 else sims


def raw_similarity(question: str, docs: tuple[Document, ...], kb: Knowledge) -> float:
    """The best cosine similarity, a confidence for dense mode."""
    return max(similarities(question, docs, kb), default=0.0)
