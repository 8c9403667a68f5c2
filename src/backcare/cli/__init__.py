"""The `backcare` command line, a package with no import cycles: `plain` (errors, the locale
rule) and `streams` (the JSON line modes) need no Typer; `common` (options, console, answers
file, the interview in a terminal) imports nothing else of the CLI; `assess`, `diary` and `kb`
hold the commands; `main` puts them on one Typer app.

`main()` runs `triage|ask|interview --json -` straight from `streams`, so integrations that
start backcare once per batch do not load Typer at all."""

from __future__ import annotations

import sys
from typing import Any


def main() -> None:
    """Entry point of the `backcare` command."""
    from backcare.cli.plain import guarded
    from backcare.cli.streams import STREAMS

    stream = STREAMS.get(tuple(sys.argv[1:]))
    if stream is not None:
        guarded(stream)
        return
    from backcare.cli.main import main as run_app

    run_app()


def __getattr__(name: str) -> Any:
    if name == "app":  # the Typer app, loaded only when asked for
        from backcare.cli.main import app

        return app
    raise AttributeError(name)
