"""The assessment commands: assess, interview, triage, plan, ask, and serve. Thin: parse,
call the core or the service, print."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from backcare.cli import streams
from backcare.cli.common import (
    AnswersOption,
    JsonOption,
    LocaleOption,
    ask_interactively,
    console,
    read_answers,
)
from backcare.cli.plain import fail, locale_of


def assess(
    answers: AnswersOption = None,
    as_json: JsonOption = False,
    locale: LocaleOption = None,
) -> None:
    """Guided assessment: asks one question at a time, red flags first, then shows the result."""
    from backcare import serialize
    from backcare.assessment import assess as run_assessment
    from backcare.knowledge.load import load_knowledge
    from backcare.questionnaire import parse_answers

    kb = load_knowledge()
    if answers is not None:
        raw, file_locale = read_answers(answers)
        findings = parse_answers(raw, kb)
        loc = locale_of(locale, file_locale)
    else:
        if as_json:
            fail("--json needs --answers FILE (the interactive assessment prints text)")
        loc = locale_of(locale)
        findings = ask_interactively(loc)
    result = run_assessment(findings, kb, loc)
    if as_json:
        print(json.dumps(serialize.assessment(result, kb), ensure_ascii=False))
        return
    from backcare import render

    render.assessment(console(), result, kb)


def interview(
    text: Annotated[
        str | None,
        typer.Argument(help='A description to start from, or "-" to read JSON states (--json).'),
    ] = None,
    as_json: JsonOption = False,
    locale: LocaleOption = None,
) -> None:
    """The triage interview: a description, then a few screens of grouped questions.

    With --json and "-", reads one JSON state a line ({"text": ..., "answers": {...},
    "locale": ...}) and writes one JSON line each: the next screen, or the complete result."""
    if as_json:
        if text != "-":
            fail("--json reads JSON states from standard input: use `backcare interview --json -`")
        streams.interview_lines(locale)
        return
    from backcare import render
    from backcare.assessment import assess as run_assessment
    from backcare.knowledge.load import load_knowledge

    kb = load_knowledge()
    loc = locale_of(locale)
    findings = ask_interactively(loc, None if text == "-" else text)
    render.assessment(console(), run_assessment(findings, kb, loc), kb)


def plan(
    answers: Annotated[Path, typer.Option("--answers", "-a", help="JSON file of answers.")],
    as_json: JsonOption = False,
    locale: LocaleOption = None,
) -> None:
    """Print only the care plan for a set of answers."""
    from backcare import render, serialize
    from backcare.assessment import assess as run_assessment
    from backcare.knowledge.load import load_knowledge
    from backcare.questionnaire import parse_answers

    kb = load_knowledge()
    raw, file_locale = read_answers(answers)
    result = run_assessment(parse_answers(raw, kb), kb, locale_of(locale, file_locale))
    if as_json:
        print(json.dumps(serialize.plan(result.plan), ensure_ascii=False))
        return
    render.plan(console(), result.plan)


def triage_cmd(
    text: Annotated[str, typer.Argument(help='The description, or "-" to read one per line.')],
    as_json: JsonOption = False,
    locale: LocaleOption = None,
    ask: Annotated[
        bool | None,
        typer.Option(
            "--ask/--no-ask", help="Ask about unclear red flags (default: in a terminal)."
        ),
    ] = None,
) -> None:
    """Triage a free-text description ("my back went into spasm lifting the shopping...")."""
    if text == "-":
        streams.triage_lines(as_json, locale)
        return
    from backcare import serialize
    from backcare.knowledge.load import load_knowledge
    from backcare.text.triage import triage_text

    kb = load_knowledge()
    loc = locale_of(locale)
    outcome = triage_text(text, kb, loc)
    if as_json:
        print(json.dumps(serialize.text_triage(outcome, kb), ensure_ascii=False))
        return
    from backcare import render

    out = console()
    render.findings(out, outcome.extraction.findings, kb)
    if ask if ask is not None else sys.stdin.isatty():
        from backcare.assessment import assess as run_assessment

        findings = ask_interactively(loc, text)
        render.assessment(out, run_assessment(findings, kb, loc), kb)
        return
    render.disposition(out, outcome.disposition)
    out.print(
        "[bold]Provisional:[/] a description is where the check starts. Still to ask: "
        + "; ".join(s["title"] for s in serialize.not_asked(outcome, kb))
        + ". Run `backcare interview TEXT` to answer them."
    )
    out.print(f"[italic]{outcome.disposition.disclaimer}[/]")


def ask(
    question: Annotated[str, typer.Argument(help='The question, or "-" to read one per line.')],
    as_json: JsonOption = False,
    locale: LocaleOption = None,
    retrieval: Annotated[
        str | None,
        typer.Option(help="hybrid (default: BM25 + MiniLM, fused), bm25 (light) or dense."),
    ] = None,
    episode: Annotated[
        int | None,
        typer.Option(help="Diary episode for questions about your own recovery (default: open)."),
    ] = None,
) -> None:
    """Answer a question about back spasms from the knowledge base, with its sources; a
    question about your own recovery ("is it normal it still hurts?") also uses your diary."""
    streams.ask_lines(None if question == "-" else [question], as_json, locale, retrieval, episode)


def serve(
    host: Annotated[
        str,
        typer.Option(
            help="Address to listen on; the app also answers to it as a Host name (besides "
            "127.0.0.1, localhost and [::1]; more in BACKCARE_ALLOWED_HOSTS)."
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (one per core).", min=1)] = 1,
) -> None:
    """Start the web app (http://127.0.0.1:8000) on the local SQLite database."""
    import uvicorn

    from backcare.web.security import UVICORN_LIMITS

    # The app answers only to 127.0.0.1, localhost, [::1] and this host (DNS rebinding); the
    # worker processes inherit it from the environment.
    os.environ["BACKCARE_SERVE_HOST"] = host
    if host not in ("127.0.0.1", "localhost", "::1"):
        print("warning: backcare serves one person on this machine, with no login and no "
              "TLS; anyone who can reach this address can read and delete the data",
              file=sys.stderr)  # fmt: skip
    print(f"backcare is running at http://{host}:{port}  (Ctrl+C to stop)", file=sys.stderr)
    uvicorn.run("backcare.web.app:app", host=host, port=port, log_level="warning",
                workers=workers, access_log=False, **UVICORN_LIMITS)  # fmt: skip
