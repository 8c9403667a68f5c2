"""Question answering: cited answers, safety first, honest refusals, and the dense option."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from backcare.findings import Level
from backcare.knowledge.load import load_knowledge
from backcare.text.answer import (
    CANNOT_ANSWER,
    Retrieval,
    answer,
    answer_dict,
    documents,
    retrieval_mode,
)

from .conftest import ROOT, SHARED_CASES

KB = load_knowledge()


def _questions(path: Path) -> list[dict[str, object]]:
    return list(yaml.safe_load(path.read_text())["questions"]) if path.is_file() else []


PUBLIC = _questions(SHARED_CASES / "questions.yaml")
OWN = _questions(ROOT / "tests" / "cases" / "questions_own.yaml")


@pytest.mark.parametrize("mode", ["hybrid", "bm25"])
@pytest.mark.parametrize("q", PUBLIC + OWN, ids=lambda q: str(q["id"]))
def test_answer_holds_the_facts_and_cites(q: dict[str, object], mode: Retrieval) -> None:
    if mode == "bm25" and str(q["id"]).startswith(("lay", "m")):
        pytest.skip("lay wording is what hybrid retrieval is for; bm25 is the light path")
    a = answer(str(q["text"]), KB, mode=mode)
    text = a.text.lower()
    groups = q["must"]
    assert isinstance(groups, list)
    for group in groups:
        assert any(s.lower() in text for s in group), (group, a.text[:200])
    assert a.sources
    assert a.answered is not bool(q.get("out_of_scope") or q.get("decline"))


def test_every_document_is_cited_and_worded() -> None:
    for d in documents(KB):
        assert d.sources and d.text.strip(), d.id


@pytest.mark.parametrize(
    "question",
    ["what is the capital of France", "how do I bake sourdough bread", "who won the world cup"],
)
@pytest.mark.parametrize("mode", ["hybrid", "bm25"])
def test_out_of_scope_is_declined_plainly(question: str, mode: Retrieval) -> None:
    a = answer(question, KB, mode=mode)
    assert not a.answered and CANNOT_ANSWER in a.text and "clinician" in a.text
    assert a.confidence < 0.34


def test_hybrid_is_the_default_and_bm25_the_light_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BACKCARE_RETRIEVAL", raising=False)
    assert retrieval_mode() == "hybrid"
    monkeypatch.setenv("BACKCARE_RETRIEVAL", "bm25")
    assert retrieval_mode() == "bm25"
    monkeypatch.setenv("BACKCARE_RETRIEVAL", "nonsense")
    assert retrieval_mode() == "hybrid"


@pytest.mark.parametrize(
    "question",
    [
        "is it ok for my mum to take muscle relaxers shes 79",
        "is it better to rest in bed or keep moving, my hubby says stay in bed",
        "hot water bottle or ice pack for my bad back",
    ],
)
def test_hybrid_confidence_survives_extra_lay_words(question: str) -> None:
    # Word coverage alone sank these ("my mum", "shes 79"); meaning carries them.
    a = answer(question, KB, mode="hybrid")
    assert a.answered and a.confidence >= 0.4, (a.confidence, a.items)


def test_red_flag_question_gets_triage_first() -> None:
    a = answer("I can't feel my legs, which stretch should I do?", KB, "en-GB", mode="bm25")
    assert a.triage_level is not None and a.triage_level >= Level.EMERGENCY
    assert a.text.startswith("First, your safety:")
    assert "emergency department" in a.text and "999" in a.text


def test_general_question_about_warning_signs_is_not_triaged() -> None:
    a = answer("What are the warning signs that a back spasm is serious?", KB, mode="bm25")
    assert a.triage_level is None and a.answered


def test_answers_are_extractive() -> None:
    a = answer("ice or heat for a pulled back muscle?", KB, mode="bm25")
    texts = [d.text for d in documents(KB) if d.id in a.items]
    assert texts and all(t in a.text for t in texts)


def test_cli_json_lines() -> None:
    qs = ["How long does a back spasm last?", "", "what is the capital of France"]
    r = subprocess.run(
        [sys.executable, "-m", "backcare", "ask", "--json", "-"],
        input="\n".join(qs) + "\n", capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(rows) == 3
    assert rows[0]["answer"] and rows[0]["sources"] and rows[0]["sources"][0]["title"]
    assert rows[1]["error"] == "empty"
    assert rows[2]["answered"] is False


def test_hybrid_and_dense_answer_with_minilm() -> None:
    a = answer("ice or heat for a pulled back muscle?", KB, mode="hybrid")
    assert "heat" in a.text.lower() and a.sources
    d = answer("my back locked up, should I use a hot water bottle?", KB, mode="dense")
    assert d.answered and d.sources


def test_triage_loads_no_torch_and_no_retrieval() -> None:
    # Free text does load the MiniLM model (the semantic second opinion), in numpy; never
    # torch, and never the question-answering index.
    code = (
        "import sys; from backcare.text.triage import triage_text; "
        "from backcare.knowledge.load import load_knowledge; "
        "triage_text('my back hurts', load_knowledge()); "
        "print(any(m in sys.modules for m in ('torch', 'backcare.text.embed', 'bm25s')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_an_assessment_from_answers_loads_no_model() -> None:
    code = (
        "import sys; from backcare.assessment import assess; "
        "from backcare.questionnaire import parse_answers; "
        "from backcare.knowledge.load import load_knowledge; kb = load_knowledge(); "
        "assess(parse_answers({'pain_score': 5}, kb), kb); "
        "print(any(m in sys.modules for m in ('torch', 'numpy', 'tokenizers', 'bm25s')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("question", "item", "where"),
    [
        (
            "how many mg of cyclobenzaprine can i take at once",
            "decline_personal_dose",
            "pharmacist",
        ),
        ("can i take 3 co-codamol instead of 2", "decline_personal_dose", "prescriber"),
        ("is it ok to double up my naproxen dose", "decline_personal_dose", "leaflet"),
        ("whats the right dose of ibuprofen for me im 60kg", "decline_personal_dose", "label"),
        ("do i have a slipped disc", "decline_diagnosis", "physiotherapist"),
        ("whats wrong with me, my back wont stop twitching", "decline_diagnosis", "GP"),
        ("can u read my mri it says disc desiccation", "decline_scan_reading", "ordered"),
        (
            "my xray report says mild degenerative changes what does that mean",
            "decline_scan_reading",
            "ordered",
        ),
        ("i need a sick note for my boss", "decline_fit_note", "GP"),
        ("can you sign me off work for a week", "decline_fit_note", "fit note"),
        ("my ankle is swollen after running", "decline_other_body_part", "pharmacist"),
        ("whats good for a migraine", "decline_other_body_part", "GP"),
        ("how much ibuprofen should i give my 8 stone mum", "decline_personal_dose", "leaflet"),
        ("is 3 paracetamol too many", "decline_personal_dose", "pharmacist"),
        ("am i ok to take another tramadol its been 3 hours", "decline_personal_dose", "label"),
        ("is this sciatica", "decline_diagnosis", "GP"),
        ("think ive herniated a disc can you confirm", "decline_diagnosis", "physiotherapist"),
        ("what does L5 S1 disc protrusion mean", "decline_scan_reading", "ordered"),
        ("radiologist report says schmorls node", "decline_scan_reading", "ordered"),
        ("can i get signed off for my back", "decline_fit_note", "fit note"),
        ("my boss wants a doctors letter", "decline_fit_note", "GP"),
        ("my dog hurt his back jumping off the sofa", "decline_animal", "vet"),
        ("can i give my cat some of my ibuprofen", "decline_animal", "vet"),
    ],
)
def test_declines_say_why_and_where_to_go(question: str, item: str, where: str) -> None:
    a = answer(question, KB, mode="hybrid")
    assert not a.answered and a.declined == item and a.items[0] == item
    assert where.lower() in a.text.lower() and CANNOT_ANSWER not in a.text
    assert any(c.source == "backcare-policy" for c in a.sources)


@pytest.mark.parametrize(
    "question",
    [
        "whats the max paracetamol a day",
        "how long can I take codeine for my back",
        "do back spasms mean i have MS",
        "do i have to stay in bed with a back spasm",
        "my back spasm goes up into my shoulder blades",
        "back pain and my hip hurts too",
        "can i take another day off work",
        "should i have a second opinion",
        "whats the usual dose of ibuprofen",
        "how often can you take paracetamol",
        "how many times a week should i exercise",
        "i hurt my back walking my dog",
        "can i do downward dog with a back spasm",
    ],
)
def test_general_questions_are_not_declined(question: str) -> None:
    a = answer(question, KB, mode="hybrid")
    assert a.declined is None and a.answered, (a.items, a.text[:120])


def test_red_flag_comes_before_a_decline() -> None:
    a = answer("how many mg of ibuprofen can i take, ive wet myself and cant feel my bum", KB)
    assert a.declined == "decline_personal_dose"
    assert a.triage_level is not None and a.triage_level >= Level.EMERGENCY
    assert a.text.index("emergency") < a.text.index("pharmacist")


@pytest.mark.parametrize(
    ("question", "item"),
    [
        ("when am i ok to start deadlifting again", "return_to_sport"),
        ("is it safe to use one of those percussion gun things on my lower back", "massage_gun"),
        ("my 13 year old daughter hurt her back doing gymnastics", "teen_spasms"),
        ("how can i tell a trapped nerve from a pulled muscle", "spasm_or_disc"),
        ("pain in my side under my ribs, is it kidney or muscle", "spasm_or_kidney"),
        ("my nan is 85 and the doctor gave her methocarbamol is that ok", "relaxants_older_adults"),
        ("do muscle relaxers even do anything", "relaxants_work"),
        ("pain went from 8 to 6, does that count as better", "what_is_improving"),
        ("how many weeks until the pain is totally gone", "time_to_pain_free"),
    ],
)
def test_content_gaps_are_filled(question: str, item: str) -> None:
    a = answer(question, KB, mode="hybrid")
    assert a.answered and item in a.items, (a.items, a.confidence)


@pytest.mark.parametrize(
    ("question", "caution", "fact"),
    [
        ("can i take ibuprofen im pregnant", "nsaid_pregnancy", "20 weeks"),
        ("im breastfeeding, is codeine ok for my back", "opioid_breastfeeding", "breastfeeding"),
        ("my gran is 84 can she have naproxen for her back", "nsaid_older", "over 65"),
        ("im on warfarin can i take ibuprofen for a back spasm", "nsaid_bleeding", "bleeding"),
    ],
)
def test_a_question_spanning_two_items_gets_both_each_cited(
    question: str, caution: str, fact: str
) -> None:
    a = answer(question, KB, mode="hybrid")
    assert a.answered and caution in a.items and len(a.parts) >= 2
    assert fact.lower() in a.text.lower()
    for part in a.parts:
        assert part.sources
        refs = ", ".join(str(a.sources.index(c) + 1) for c in part.sources)
        assert f"{part.text} [{refs}]" in a.text


def test_a_medicine_asked_about_is_not_read_as_one_already_taken() -> None:
    # "codeine" in the question must not add the "you take another sedative" caution
    a = answer("can i take codeine for a back spasm", KB, mode="hybrid")
    assert "relaxant_sedatives" not in a.items


def test_json_parts_number_their_sources() -> None:
    a = answer("can i take ibuprofen im pregnant", KB, mode="hybrid")
    row = answer_dict(a, KB)
    assert [p["item"] for p in row["parts"]] == list(a.items)
    for p in row["parts"]:
        assert p["sources"] and all(1 <= n <= len(row["sources"]) for n in p["sources"])


@pytest.mark.parametrize(
    ("question", "item", "caution"),
    [
        ("my dad is 80 can he take ibuprofen for his back", "nsaid", "nsaid_older"),
        ("my mum is 75 is naproxen ok", "nsaid", "nsaid_older"),
        ("my son is 10 can he have ibuprofen for his back", "nsaid", "nsaid_children"),
    ],
)
def test_a_carer_asking_about_a_medicine_gets_that_medicine(
    question: str, item: str, caution: str
) -> None:
    # The carer's words ("my dad", "is 80") must not pull in another medicine's item.
    a = answer(question, KB, mode="hybrid")
    assert a.answered and item in a.items and caution in a.items, a.items
    assert "relaxants_older_adults" not in a.items


def test_a_diagnosis_decline_adds_the_general_item_each_cited() -> None:
    a = answer("is this a slipped disc or just a pulled muscle, tell me what i have", KB)
    assert a.declined == "decline_diagnosis" and a.items == ("decline_diagnosis", "spasm_or_disc")
    assert "examine" in a.text and "leg" in a.text
    assert all(p.sources for p in a.parts)


def test_without_the_model_files_the_default_falls_back_to_bm25(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from backcare.text import vectors

    monkeypatch.delenv("BACKCARE_RETRIEVAL", raising=False)
    monkeypatch.setattr(vectors, "available", lambda: False)
    assert retrieval_mode() == "bm25"


def test_a_plural_medicine_name_still_brings_its_caution() -> None:
    a = answer("is it safe for my dad to take muscle relaxers, hes 82", KB)
    assert "relaxant_older" in a.items


def test_our_bm25_scores_as_bm25s_does() -> None:
    # The in-house BM25 replaced bm25s at run time (its import cost 240 ms of a cold start);
    # bm25s stays a dev dependency so that this test can hold the two to the same scores.
    bm25s = pytest.importorskip("bm25s")
    import random

    from backcare.text.answer import BM25, _index

    index = _index(KB)
    corpus = [index.tokens(d.search_text) for d in index.docs]
    theirs = bm25s.BM25()
    theirs.index(corpus, show_progress=False)
    ours = BM25(corpus)
    vocab = sorted({t for d in corpus for t in d})
    rng = random.Random(7)
    for _ in range(200):
        query = rng.sample(vocab, rng.randint(1, 6))
        query += query[:1]  # a repeated word counts twice in both
        expected = [float(x) for x in theirs.get_scores(query)]
        assert ours.scores(query) == pytest.approx(expected, rel=1e-5, abs=1e-6)
