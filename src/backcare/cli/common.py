"""What every command module shares: options, the console, reading an answers file, the
interview in a terminal, the locale rule. Imports nothing else of the CLI, so the command
modules (cli/assess.py, cli/diary.py) import it and never each other.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from backcare.findings import FindingSet
    from backcare.knowledge.load import Knowledge

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
LocaleOption = Annotated[
    str | None,
    typer.Option(
        "--locale", help="Locale for the emergency number (en-US 911, en-GB 999, EU 112)."
    ),
]
AnswersOption = Annotated[
    Path | None,
    typer.Option("--answers", "-a", help="JSON file of answers (see README: answers format)."),
]


def console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def knowledge() -> Knowledge:
    from backcare.knowledge.load import load_knowledge

    return load_knowledge()


def read_answers(path: Path) -> tuple[dict[str, Any], str | None]:
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
    given = data.get("locale") if isinstance(data.get("locale"), str) else None
    answers = data.get("answers", data)
    if not isinstance(answers, dict):
        raise InputError(f"{path}: `answers` must be an object of finding id -> answer")
    answers = {k: v for k, v in answers.items() if k != "locale"}
    return answers, given


def ask_interactively(loc: str | None, text: str | None = None) -> FindingSet:
    """The interview in a terminal: a screen of grouped questions at a time, most urgent first."""
    from backcare import render, service

    kb = knowledge()
    out = console()
    out.print(
        "[bold]backcare check.[/] A few groups of questions, the most urgent first.\n"
        "[dim]If you feel you are in danger, call your emergency number now.[/]"
    )
    answers: dict[str, object] = {}
    while True:
        outcome = service.interview(service.InterviewState(text, answers, loc), kb)
        screen = outcome.step.screen
        if screen is None:
            return outcome.step.findings
        try:
            answers.update(render.ask_screen(out, screen, kb))
        except EOFError:
            out.print(
                "\n[yellow]No more answers: the result below uses what you answered; "
                "anything not answered that could be serious counts as present.[/]"
            )
            return outcome.step.findings


def session() -> Any:
    """A session in one transaction for one command."""
    from backcare.store.db import sessions

    return sessions().begin()
