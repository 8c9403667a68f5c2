"""The knowledge base loads, validates and passes its own checks."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from backcare.findings import Level
from backcare.knowledge.check import check
from backcare.knowledge.load import KNOWLEDGE_DIR, Knowledge, KnowledgeError, load_from


def test_kb_check_passes(kb: Knowledge) -> None:
    report = check(today=date(2026, 11, 23))
    assert report.ok, report.errors


def test_every_level_is_reachable(kb: Knowledge) -> None:
    assert {r.level for r in kb.base.rules} >= set(Level) - {Level.SELF_CARE}


def test_every_kind_of_item_is_checked(kb: Knowledge) -> None:
    from backcare.knowledge.load import cited_items

    kinds = {kind for kind, _ in cited_items(kb.base)}
    assert {"medicine class", "message", "education", "rule", "finding"} <= kinds


def test_every_item_is_cited(kb: Knowledge) -> None:
    for item in (*kb.base.findings, *kb.base.rules, *kb.base.treatments, *kb.base.education):
        assert item.sources, item.id


def test_restricted_treatments_say_why(kb: Knowledge) -> None:
    restricted = {t.id for t in kb.base.treatments if t.restricted}
    assert {
        "opioid",
        "antidepressant",
        "anticonvulsant",
        "botox",
        "acupuncture",
        "epidural_injection",
        "trigger_point_injection",
        "facet_injection",
    } <= restricted
    assert all(kb.treatments[t].evidence for t in restricted)


def test_article_treatments_are_all_represented(kb: Knowledge) -> None:
    names = " ".join(t.name.lower() for t in kb.base.treatments)
    for word in (
        "ice",
        "heat",
        "ibuprofen",
        "paracetamol",
        "cyclobenzaprine",
        "opioid",
        "steroid",
        "amitriptyline",
        "anticonvulsant",
        "trigger point",
        "facet",
        "epidural",
        "botox",
        "physiotherapy",
        "massage",
        "manipulation",
        "knee-to-chest",
        "extension",
        "rotation",
        "hamstring",
        "tadasana",
        "parsvakonasana",
        "makarasana",
        "yastikasana",
        "matsyasana",
        "downward",
        "balasana",
        "bhujangasana",
        "wall plank",
        "shavasana",
        "saithalyasana",
        "anulom vilom",
        "deep breathing",
    ):
        assert word in names, word


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(KNOWLEDGE_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def test_an_unknown_macro_is_an_error_not_a_pattern_that_never_matches(tmp_path: Path) -> None:
    target = _copy(tmp_path)
    findings = target / "findings.yaml"
    text = findings.read_text()
    assert "{G5}" in text
    findings.write_text(text.replace("{G5}", "{G9}", 1))
    with pytest.raises(KnowledgeError, match=r"unknown macro \{G9\}"):
        load_from(target)


def test_broken_reference_is_reported(tmp_path: Path) -> None:
    target = _copy(tmp_path)
    rules = target / "rules.yaml"
    rules.write_text(rules.read_text().replace("when: [unable_to_move]", "when: [no_such_thing]"))
    with pytest.raises(KnowledgeError, match="no_such_thing"):
        load_from(target)
    report = check(target, today=date(2026, 11, 23))
    assert any("no_such_thing" in e for e in report.errors)


def test_uncited_item_and_old_review_are_reported(tmp_path: Path) -> None:
    target = _copy(tmp_path)
    plan = target / "plan.yaml"
    text = plan.read_text()
    start = text.index("  - id: hydrate")
    block_end = text.index("  - id: return_to_activity")
    block = text[start:block_end]
    uncited = block[: block.index("    sources:")]
    plan.write_text(text[:start] + uncited + text[block_end:])
    report = check(target, today=date(2031, 1, 1))
    assert any("hydrate: cites no source" in e for e in report.errors)
    assert any("over three years ago" in e for e in report.errors)


def test_a_red_flag_nobody_uses_is_reported(tmp_path: Path) -> None:
    target = _copy(tmp_path)
    rules = target / "rules.yaml"
    text = rules.read_text()
    start = text.index("  - id: stroke_speech")
    end = text.index("  - id: stroke_one_side")
    rules.write_text(text[:start] + text[end:])
    report = check(target, today=date(2026, 11, 23))
    assert any("slurred_speech" in e for e in report.errors)


def test_bad_yaml_is_a_clear_error(tmp_path: Path) -> None:
    target = _copy(tmp_path)
    (target / "rules.yaml").write_text("rules: [unclosed\n")
    with pytest.raises(KnowledgeError, match=r"rules\.yaml"):
        load_from(target)


@pytest.mark.parametrize("module", ["schema.py", "plain.py", "load.py", "findings.py"])
def test_the_disk_cache_key_follows_the_code_that_builds_it(
    monkeypatch: pytest.MonkeyPatch, module: str
) -> None:
    from backcare.knowledge import load

    texts = load.read_texts()
    before = load._digest(texts)
    real = load.Path.read_bytes

    def edited(self: load.Path) -> bytes:
        data = real(self)
        return data + b"\n# changed" if self.name == module else data

    monkeypatch.setattr(load.Path, "read_bytes", edited)
    assert load._digest(texts) != before  # a code edit invalidates the pickled cache


def test_writing_the_disk_cache_removes_older_knowledge_bases(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from backcare.knowledge import load

    old = tmp_path / "kb-000000000000000000000000.pickle"
    old.write_bytes(b"stale")
    other = tmp_path / "vectors-keep.npy"
    other.write_bytes(b"not ours")
    monkeypatch.delenv("BACKCARE_NO_CACHE", raising=False)
    monkeypatch.setattr(load, "_cache_path", lambda digest: tmp_path / f"kb-{digest[:24]}.pickle")
    load.load_knowledge.cache_clear()
    try:
        load.load_knowledge()
    finally:
        load.load_knowledge.cache_clear()
    kept = list(tmp_path.glob("kb-*.pickle"))
    assert len(kept) == 1 and kept[0] != old
    assert other.exists()


def test_derived_values_are_keyed_by_their_builder_and_arguments() -> None:
    from backcare.knowledge.load import load_knowledge

    kb = load_knowledge()
    calls: list[str] = []

    def count_findings(k: Knowledge) -> int:
        calls.append("count")
        return len(k.findings)

    def label(k: Knowledge, fid: str) -> str:
        calls.append(fid)
        return k.findings[fid].label

    assert kb.derived(count_findings) == len(kb.findings)
    assert kb.derived(count_findings) == len(kb.findings)  # built once
    assert kb.derived(label, "fever") != kb.derived(label, "age")  # arguments are the key
    assert kb.derived(label, "fever") == kb.findings["fever"].label
    assert calls == ["count", "fever", "age"]
