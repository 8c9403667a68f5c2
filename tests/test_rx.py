"""The machine-wide cache of compiled regular expressions: same patterns, same matches, and a
damaged cache costs time, never correctness."""

from __future__ import annotations

import marshal
import re
from pathlib import Path

import pytest

from backcare import rx
from backcare.knowledge.load import load_knowledge

SAMPLES = [
    "I can't move, stuck on the floor since this morning",
    "my bottom is numb when I wipe and I can't feel the toilet paper",
    "no chest pain, no fever, just a stiff back after gardening",
    "Pain 7/10, 38.5 degrees, aged 72",
]


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("BACKCARE_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(rx, "_codes", None)
    monkeypatch.setattr(rx, "_dirty", False)
    monkeypatch.setattr(rx, "_used", set())
    path = rx._path()
    assert path is not None and path.is_relative_to(tmp_path)
    return path


def _kb_patterns() -> list[str]:
    kb = load_knowledge()
    out = [p for f in kb.base.findings for p in (*f.patterns, *f.mentions, *f.value_patterns)]
    assert len(out) > 300
    return out


def test_patterns_from_the_cache_match_as_re_does(fresh_cache: Path) -> None:
    patterns = _kb_patterns()
    for p in patterns:
        rx.compile(p, re.IGNORECASE)
    rx.save()
    assert fresh_cache.is_file()
    rx._codes = None  # a new process: everything comes from the file
    for p in patterns:
        cached = rx.compile(p, re.IGNORECASE)
        plain = re.compile(p, re.IGNORECASE)
        assert (cached.pattern, cached.flags, cached.groupindex) == (
            plain.pattern,
            plain.flags,
            plain.groupindex,
        )
        for text in SAMPLES:
            assert [m.span() for m in cached.finditer(text)] == [
                m.span() for m in plain.finditer(text)
            ]


def test_a_damaged_cache_is_ignored(fresh_cache: Path) -> None:
    fresh_cache.parent.mkdir(parents=True, exist_ok=True)
    key = f"{int(re.IGNORECASE)}:\\bnumb\\b"
    # A wrong code for a known key, and a file that is not even marshal data, both fall back.
    fresh_cache.write_bytes(marshal.dumps({key: [2, [1, 2, 3], 0, {}]}))
    assert rx.compile(r"\bnumb\b", re.IGNORECASE).search("gone NUMB") is not None
    rx._codes = None
    fresh_cache.write_text("not marshal data")
    assert rx.compile(r"\bnumb\b", re.IGNORECASE).search("numb") is not None


def test_a_bad_pattern_raises_like_re(fresh_cache: Path) -> None:
    with pytest.raises(re.error):
        rx.compile("(unclosed")


def test_no_cache_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKCARE_NO_CACHE", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(rx, "_codes", None)
    monkeypatch.setattr(rx, "_dirty", False)
    rx.compile(r"\bsaddle\b")
    rx.save()
    assert list(tmp_path.iterdir()) == []
