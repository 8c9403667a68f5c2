"""The `backcare` command line, a package with no import cycles: `common` (options, console,
answers file, the interview in a terminal) imports nothing of the CLI; `assess`, `diary` and
`kb` hold the commands and import only `common`; `main` puts them on one Typer app."""

from __future__ import annotations

from backcare.cli.main import app, main

__all__ = ["app", "main"]
