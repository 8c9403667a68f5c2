"""`backcare kb`: inspect and check the knowledge base."""

from __future__ import annotations

import json

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
