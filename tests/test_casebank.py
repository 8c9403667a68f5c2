"""The case bank: clauses of labelled messages, read by the patterns, that widen the semantic
second opinion's examples (text/casebank.py), and the union of its two readings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from backcare.errors import InputError
from backcare.knowledge.load import load_knowledge
from backcare.text import casebank, semantic

KB = load_knowledge()


def _batch(tmp_path: Path, cases: list[dict[str, str]]) -> Path:
    import yaml

    path = tmp_path / "batch99-phrasings.yaml"
    path.write_text(yaml.safe_dump({"cases": cases}), encoding="utf-8")
    return path


def test_a_red_flag_clause_of_an_urgent_message_is_an_example_of_its_finding(
    tmp_path: Path,
) -> None:
    path = _batch(tmp_path, [
        {"id": "x1", "expected": "emergency",
         "text": "my back went yesterday and since this morning my bum is numb when i wipe"},
    ])  # fmt: skip
    doc = casebank.build([path], KB)
    clauses = [c for c, _ in doc["findings"].get("saddle_numbness", [])]
    assert any("numb" in c for c in clauses)
    assert all(cid == "x1" for rows in doc["findings"].values() for _, cid in rows)
    assert doc["sources"] == ["batch99-phrasings.yaml"]


def test_ordinary_clauses_come_only_from_calm_messages_without_a_denial(tmp_path: Path) -> None:
    path = _batch(tmp_path, [
        {"id": "c1", "expected": "self_care",
         "text": "stiff back after gardening all weekend, no numbness down below"},
        {"id": "c2", "expected": "emergency",
         "text": "I strained it lifting a sofa and now I cannot pee at all"},
    ])  # fmt: skip
    doc = casebank.build([path], KB)
    benign = [c for c, _ in doc["benign"]]
    assert any("gardening" in c for c in benign)
    assert not any("numbness" in c for c in benign)  # denied: the context cues' job
    assert not any("sofa" in c for c in benign)  # an urgent message is never ordinary


def test_someone_elses_red_flag_is_not_an_example(tmp_path: Path) -> None:
    path = _batch(tmp_path, [
        {"id": "o1", "expected": "self_care",
         "text": "my neighbour lost control of her bladder last year, my own back is just stiff"},
    ])  # fmt: skip
    doc = casebank.build([path], KB)
    assert "bladder_control_loss" not in doc["findings"]


def test_a_file_that_is_not_a_batch_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("just: a mapping\n", encoding="utf-8")
    with pytest.raises(InputError):
        casebank.build([path], KB)
    level = _batch(tmp_path, [{"id": "z", "expected": "soon", "text": "my back"}])
    with pytest.raises(InputError, match="unknown level"):
        casebank.build([level], KB)


def test_the_cli_refuses_an_empty_folder_in_one_line(tmp_path: Path) -> None:
    before = semantic.CASE_BANK_FILE.read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "backcare", "kb", "casebank", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    assert "no .yaml batch files" in result.stderr and len(result.stderr.splitlines()) == 1
    assert semantic.CASE_BANK_FILE.read_bytes() == before  # nothing written


def test_the_shipped_case_bank_names_only_red_flags_of_the_hand_written_bank() -> None:
    red_flags = {f.id for f in KB.base.findings if f.kind == "red_flag_symptom"}
    assert semantic.bank_errors(set(KB.findings), red_flags) == []
    doc = json.loads(semantic.CASE_BANK_FILE.read_text(encoding="utf-8"))
    assert set(doc["findings"]) <= set(semantic.read_bank_findings())
    bank = semantic.load_bank()
    # the hand-written rows come first, the case rows after them
    assert 0 < bank.hand < len(bank.examples) and 0 < bank.hand_benign < len(bank.benign)
    assert len(bank.examples) - bank.hand <= sum(len(v) for v in doc["findings"].values())


def test_a_case_bank_naming_an_unknown_finding_fails_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "cases.json"
    bad.write_text(json.dumps({"findings": {"no_such_flag": [["x y z", "a1"]]}, "benign": []}))
    monkeypatch.setattr(semantic, "CASE_BANK_FILE", bad)
    red_flags = {f.id for f in KB.base.findings if f.kind == "red_flag_symptom"}
    assert any("no_such_flag" in e for e in semantic.bank_errors(set(KB.findings), red_flags))


def test_either_reading_can_suggest_a_red_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    """A toy bank in two dimensions: the clause is closest to a case example of finding B, and
    also close enough to the hand-written example of finding A, which the case rows outvote in
    the whole bank's reading. Both are suggested."""
    from backcare.text import vectors

    def unit(x: float, y: float) -> list[float]:
        v = np.zeros(vectors.DIM, np.float32)
        v[0], v[1] = x, y
        return list(v / np.linalg.norm(v))

    rows = {"clause one two": unit(1.0, 0.3)}
    hand_a = unit(1.0, 0.1)  # hand-written example of A
    case_b = [unit(1.0, 0.3)] * 3  # case examples of B, right on top of the clause
    ordinary = [unit(0.0, 1.0)] * 3
    bank = semantic.Bank(
        ("A", "A", "A", "B", "B", "B"), ("a1", "a2", "a3", "b1", "b2", "b3"),
        ("o1", "o2", "o3"), "toy", hand=3, hand_benign=3,
    )  # fmt: skip
    ex = np.array([hand_a, hand_a, hand_a, *case_b], np.float32)
    monkeypatch.setattr(semantic, "load_bank", lambda: bank)
    monkeypatch.setattr(semantic, "_matrices", lambda: (ex, np.array(ordinary, np.float32)))
    monkeypatch.setattr(vectors, "encode", lambda texts, **_: np.array([rows[t] for t in texts]))
    ops = semantic.opinions(["clause one two"], {"A", "B"})
    assert {o.finding for o in ops} == {"A", "B"}
    # with the hand-written reading alone (no case rows), only A
    monkeypatch.setattr(semantic, "load_bank", lambda: semantic.Bank(
        ("A", "A", "A"), ("a1", "a2", "a3"), ("o1", "o2", "o3"), "toy2", 3, 3))  # fmt: skip
    monkeypatch.setattr(semantic, "_matrices", lambda: (ex[:3], np.array(ordinary, np.float32)))
    assert {o.finding for o in semantic.opinions(["clause one two"], {"A", "B"})} == {"A"}


@pytest.mark.parametrize(
    "text",
    [
        "been on the barn floor near two hours now and can't so much as roll onto me side",
        "my right leg has given way twice this week with the sciatica",
        "turning over in bed wakes me up and it's starting to get me down",
        "I feel a bit odd down below when I wipe and my legs are like jelly",
        "stiff back from digging the allotment, otherwise right as rain",
    ],
)
def test_the_case_bank_only_adds_to_what_the_hand_written_bank_suggests(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backcare.text.normalise import sentences

    texts = [s.text for s in sentences(text)]
    allowed = set(semantic.load_bank().findings)
    both = {(o.sentence, o.start, o.finding) for o in semantic.opinions(texts, allowed)}
    full, (ex, ben) = semantic.load_bank(), semantic._matrices()
    hand = semantic.Bank(
        full.findings[: full.hand], full.examples[: full.hand], full.benign[: full.hand_benign],
        "hand-only", full.hand, full.hand_benign,
    )  # fmt: skip
    monkeypatch.setattr(semantic, "load_bank", lambda: hand)
    monkeypatch.setattr(semantic, "_matrices", lambda: (ex[: full.hand], ben[: full.hand_benign]))
    alone = {(o.sentence, o.start, o.finding) for o in semantic.opinions(texts, allowed)}
    assert alone <= both
