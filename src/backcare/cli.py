"""The `backcare` command line. Thin: parse, call the core, print.

Heavy modules load inside the commands that need them, so `backcare --help` starts fast.
Errors a user can act on print one line on stderr and exit with status 2.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

# The CLI loads no pydantic plugins; looking for them scans every installed package (~15 ms).
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from backcare.findings import FindingSet

app = typer.Typer(
    help="backcare: triage, recovery estimate and care plan for a back spasm or acute back pain.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # plain help: Rich's help formatter costs ~0.1 s of start-up
)
kb_app = typer.Typer(
    help="Inspect and check the knowledge base.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(kb_app, name="kb")

from backcare import cli_diary  # noqa: E402 - registers the diary commands; imports stay light

app.add_typer(cli_diary.episode_app, name="episode")
app.command("log")(cli_diary.log)
app.command("progress")(cli_diary.progress)
app.command("forget")(cli_diary.forget)
export_app = typer.Typer(
    help="Export your data: JSON (all of it), or for a clinician: fhir, pdf, html, ics.",
    invoke_without_command=True,
    rich_markup_mode=None,
)
export_app.callback()(cli_diary.export)
export_app.command("fhir")(cli_diary.export_fhir)
export_app.command("pdf")(cli_diary.export_pdf)
export_app.command("html")(cli_diary.export_html)
export_app.command("ics")(cli_diary.export_ics)
app.add_typer(export_app, name="export")

AnswersOption = Annotated[
    Path | None,
    typer.Option("--answers", "-a", help="JSON file of answers (see README: answers format)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
LocaleOption = Annotated[
    str | None,
    typer.Option(
        "--locale", help="Locale for the emergency number (en-US 911, en-GB 999, EU 112)."
    ),
]


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def _fail(message: str, code: int = 2) -> NoReturn:
    print(f"backcare: error: {message}", file=sys.stderr)
    raise SystemExit(code)


def _locale(option: str | None, given: str | None = None) -> str | None:
    """The locale by the one rule every front end uses (service.resolve_locale)."""
    from backcare.service import resolve_locale

    return resolve_locale(option, given)


def _read_answers(path: Path) -> tuple[dict[str, Any], str | None]:
    """Read an answers file: {"answers": {id: value}, "locale": "en-GB"} or a flat {id: value}."""
    from backcare.errors import InputError

    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: malformed JSON at line {exc.lineno}: {exc.msg}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a JSON object of answers")
    locale = data.get("locale") if isinstance(data.get("locale"), str) else None
    answers = data.get("answers", data)
    if not isinstance(answers, dict):
        raise InputError(f"{path}: `answers` must be an object of finding id -> answer")
    answers = {k: v for k, v in answers.items() if k != "locale"}
    return answers, locale


@app.command()
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
        raw, file_locale = _read_answers(answers)
        findings = parse_answers(raw, kb)
        loc = _locale(locale, file_locale)
    else:
        if as_json:
            _fail("--json needs --answers FILE (the interactive assessment prints text)")
        loc = _locale(locale)
        findings = _ask_interactively(loc)
    result = run_assessment(findings, kb, loc)
    if as_json:
        print(json.dumps(serialize.assessment(result, kb), ensure_ascii=False))
        return
    from backcare import render

    render.assessment(_console(), result, kb)


def _ask_interactively(locale: str | None, text: str | None = None) -> FindingSet:
    """The interview in a terminal: a screen of grouped questions at a time, most urgent first."""
    from backcare import render, service
    from backcare.knowledge.load import load_knowledge

    kb = load_knowledge()
    console = _console()
    console.print(
        "[bold]backcare check.[/] A few groups of questions, the most urgent first.\n"
        "[dim]If you feel you are in danger, call your emergency number now.[/]"
    )
    answers: dict[str, object] = {}
    while True:
        outcome = service.interview(service.InterviewState(text, answers, locale), kb)
        screen = outcome.step.screen
        if screen is None:
            return outcome.step.findings
        try:
            answers.update(render.ask_screen(console, screen))
        except EOFError:
            console.print(
                "\n[yellow]No more answers: the result below uses what you answered; "
                "anything not answered that could be serious counts as present.[/]"
            )
            return outcome.step.findings


@app.command()
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
    from backcare import render, serialize, service
    from backcare.assessment import assess as run_assessment
    from backcare.errors import InputError
    from backcare.knowledge.load import load_knowledge

    kb = load_knowledge()
    if as_json:
        if text != "-":
            _fail("--json reads JSON states from standard input: use `backcare interview --json -`")
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
        return
    loc = _locale(locale)
    findings = _ask_interactively(loc, None if text == "-" else text)
    render.assessment(_console(), run_assessment(findings, kb, loc), kb)


@app.command()
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
    raw, file_locale = _read_answers(answers)
    result = run_assessment(parse_answers(raw, kb), kb, _locale(locale, file_locale))
    if as_json:
        print(json.dumps(serialize.plan(result.plan), ensure_ascii=False))
        return
    render.plan(_console(), result.plan)


@app.command("triage")
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
    from backcare import serialize
    from backcare.errors import InputError
    from backcare.knowledge.load import load_knowledge
    from backcare.text.triage import triage_text

    kb = load_knowledge()
    loc = _locale(locale)
    if text == "-":
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
        return
    outcome = triage_text(text, kb, loc)
    if as_json:
        print(json.dumps(serialize.text_triage(outcome, kb), ensure_ascii=False))
        return
    from backcare import render

    console = _console()
    render.findings(console, outcome.extraction.findings, kb)
    if ask if ask is not None else sys.stdin.isatty():
        from backcare.assessment import assess as run_assessment

        findings = _ask_interactively(loc, text)
        render.assessment(console, run_assessment(findings, kb, loc), kb)
        return
    render.disposition(console, outcome.disposition)
    console.print(
        "[bold]Provisional:[/] a description is where the check starts. Still to ask: "
        + "; ".join(s["title"] for s in serialize.not_asked(outcome, kb))
        + ". Run `backcare interview TEXT` to answer them."
    )
    console.print(f"[italic]{outcome.disposition.disclaimer}[/]")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help='The question, or "-" to read one per line.')],
    as_json: JsonOption = False,
    locale: LocaleOption = None,
    retrieval: Annotated[
        str | None,
        typer.Option(help="hybrid (default: BM25 + MiniLM, fused), bm25 (light) or dense."),
    ] = None,
) -> None:
    """Answer a question about back spasms from the knowledge base, with its sources."""
    from backcare.knowledge.load import load_knowledge
    from backcare.text.answer import answer, answer_dict, retrieval_mode

    kb = load_knowledge()
    loc = _locale(locale)
    if retrieval is not None and retrieval not in ("bm25", "dense", "hybrid"):
        _fail(f"--retrieval must be bm25, dense or hybrid (got {retrieval!r})")
    mode = retrieval or retrieval_mode()
    questions = (line.rstrip("\n") for line in sys.stdin) if question == "-" else [question]
    for q in questions:
        if not q.strip():
            row: dict[str, Any] = {"question": q, "answer": "", "sources": [], "error": "empty"}
        else:
            row = answer_dict(answer(q, kb, loc, mode), kb)  # type: ignore[arg-type]
        if as_json:
            print(json.dumps(row, ensure_ascii=False), flush=True)
            continue
        print(row["answer"])
        for n, src in enumerate(row["sources"], 1):
            print(
                f"  [{n}] {src['publisher'] or src['id']}, {src['title'] or ''}: {src['section']}"
            )


@app.command()
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
    import os

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


def main() -> None:
    """Entry point: run the app; turn errors into one line and a status, never a traceback."""
    from backcare.errors import BackcareError

    try:
        app()
    except BackcareError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        print("", file=sys.stderr)
        raise SystemExit(130) from None
    except BrokenPipeError:
        raise SystemExit(0) from None
    except Exception as exc:
        if os.environ.get("BACKCARE_DEBUG"):
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (set BACKCARE_DEBUG=1 for details)", 1)
