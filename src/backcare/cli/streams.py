"""The machine-facing streaming modes: one JSON line in, one out, for integrations that start
backcare once per batch. `backcare triage|ask|interview --json -` run from here without Typer,
whose parameter adapters build a pydantic model per option (~0.1-0.15 s of a cold start); the
Typer commands in cli/assess.py call the same functions for their "-" input."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from backcare.cli.plain import fail, locale_of


def triage_lines(as_json: bool = True, locale: str | None = None) -> None:
    """Triage each line of standard input: a JSON line each, or "level<TAB>text"."""
    from backcare import serialize
    from backcare.errors import InputError
    from backcare.knowledge.load import load_knowledge
    from backcare.text.triage import triage_text

    kb = load_knowledge()
    loc = locale_of(locale)
    for line in sys.stdin:
        line = line.rstrip("\n")
        try:
            result = serialize.text_triage(triage_text(line, kb, loc), kb)
        except InputError as exc:
            result = {"error": str(exc), "disposition": None}
        if as_json:
            print(json.dumps(result, ensure_ascii=False), flush=True)
        else:
            print(f"{result['disposition']}\t{line}", flush=True)


def interview_lines(locale: str | None = None) -> None:
    """One JSON interview state a line in ({"text", "answers", "locale"}), the next screen or
    the complete result out; exit 2 after the last line if any line was refused."""
    from backcare import serialize, service
    from backcare.errors import InputError
    from backcare.knowledge.load import load_knowledge

    kb = load_knowledge()
    failed = False
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            state = service.parse_state(json.loads(line))
            row = serialize.interview(service.interview(state, kb, locale), kb)
        except json.JSONDecodeError as exc:
            row, failed = {"error": f"malformed JSON: {exc.msg}"}, True
        except InputError as exc:
            row, failed = {"error": str(exc)}, True
        print(json.dumps(row, ensure_ascii=False), flush=True)
    if failed:
        raise SystemExit(2)


def ask_lines(
    questions: list[str] | None = None,
    as_json: bool = True,
    locale: str | None = None,
    retrieval: str | None = None,
    episode: int | None = None,
) -> None:
    """Answer each question (default: each line of standard input) with its sources."""
    from backcare.knowledge.load import load_knowledge
    from backcare.service.ask import ask as ask_service
    from backcare.text.answer import answer_dict, retrieval_mode

    kb = load_knowledge()
    loc = locale_of(locale)
    if retrieval is not None and retrieval not in ("bm25", "dense", "hybrid"):
        fail(f"--retrieval must be bm25, dense or hybrid (got {retrieval!r})")
    mode = retrieval or retrieval_mode()
    lines = (line.rstrip("\n") for line in sys.stdin) if questions is None else questions
    for q in lines:
        if not q.strip():
            row: dict[str, Any] = {"question": q, "answer": "", "sources": [], "error": "empty"}
        else:
            a = ask_service(q, kb, loc, mode, episode)  # type: ignore[arg-type]
            row = answer_dict(a, kb)
        if as_json:
            print(json.dumps(row, ensure_ascii=False), flush=True)
            continue
        print(row["answer"])
        for n, src in enumerate(row["sources"], 1):
            print(
                f"  [{n}] {src['publisher'] or src['id']}, {src['title'] or ''}: {src['section']}"
            )


# Exactly these arguments skip the argument parser and run with the commands' defaults.
STREAMS: dict[tuple[str, ...], Callable[[], None]] = {
    ("triage", "--json", "-"): triage_lines,
    ("ask", "--json", "-"): ask_lines,
    ("interview", "--json", "-"): interview_lines,
}
