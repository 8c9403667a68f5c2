"""`backcare kb`: inspect and check the knowledge base."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from backcare.cli.common import JsonOption

kb_app = typer.Typer(
    help="Inspect and check the knowledge base.", no_args_is_help=True, rich_markup_mode=None
)


@kb_app.command("check")
def kb_check() -> None:
    """Check the knowledge base: references, citations, questions, review dates. Exit 1 on error."""
    from backcare.knowledge.check import check

    report = check()
    for w in report.warnings:
        print(f"warning: {w}")
    for e in report.errors:
        print(f"error: {e}")
    summary = ", ".join(f"{n} {k}s" for k, n in report.counts.items())
    if not report.ok:
        print(f"kb check: {len(report.errors)} error(s)")
        raise SystemExit(1)
    print(f"kb check: ok ({summary}; {len(report.warnings)} warning(s))")


@kb_app.command("findings")
def kb_findings(as_json: JsonOption = False) -> None:
    """List every finding id with its question and answer type (the ids an answers file uses)."""
    from backcare.knowledge.load import load_knowledge

    kb = load_knowledge()
    rows = [
        {
            "id": f.id,
            "label": f.label,
            "kind": f.kind,
            "question": f.question,
            "answer": f.answer,
            "unit": f.value.unit if f.value else None,
            "min": f.value.min if f.value else None,
            "max": f.value.max if f.value else None,
        }
        for f in kb.base.findings
    ]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for row in rows:
        unit = f" [{row['unit']}]" if row["unit"] else ""
        print(f"{row['id']}{unit}: {row['question']}")


@kb_app.command("casebank")
def kb_casebank(
    folder: Annotated[
        Path, typer.Argument(help="folder of batch files (the cases: format)")
    ] = Path("tests/cases/seen"),
) -> None:
    """Rebuild the case bank of the semantic second opinion from labelled batches of messages."""
    from backcare.errors import InputError
    from backcare.knowledge.load import load_knowledge
    from backcare.text import casebank

    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise InputError(f"{folder}: no .yaml batch files")
    document = casebank.build(files, load_knowledge())
    casebank.write(document)
    n = sum(len(v) for v in document["findings"].values())
    print(f"case bank: {n} red-flag clauses, {len(document['benign'])} ordinary, "
          f"from {len(files)} files -> {casebank.CASE_BANK_FILE.name}")  # fmt: skip


@kb_app.command("warm")
def kb_warm() -> None:
    """Build the caches a first run would otherwise build: the knowledge base and, when the
    model is installed, the embeddings of the red-flag bank and of the answers (scripts/setup
    runs this once, so that nobody's first description waits for them)."""
    import time

    from backcare.knowledge.load import load_knowledge
    from backcare.text import semantic
    from backcare.text.triage import triage_text

    start = time.perf_counter()
    kb = load_knowledge()
    triage_text("my back went while lifting and something feels odd", kb)  # the patterns
    if semantic.available():
        from backcare.text import answer, embed

        semantic._matrices()
        embed._matrices(answer.documents(kb), kb)
    print(f"kb warm: caches ready in {time.perf_counter() - start:.1f} s")
