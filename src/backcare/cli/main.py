"""The `backcare` command: the commands of cli/assess.py, cli/diary.py and cli/kb.py on one
Typer app, and the entry point that turns errors into one line and a status.

Heavy modules load inside the commands that need them, so `backcare --help` starts fast.
Errors a user can act on print one line on stderr and exit with status 2.
"""

from __future__ import annotations

import typer

from backcare.cli import assess, diary
from backcare.cli.kb import kb_app
from backcare.cli.plain import guarded

app = typer.Typer(
    help="backcare: triage, recovery estimate and care plan for a back spasm or acute back pain.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # plain help: Rich's help formatter costs ~0.1 s of start-up
)
app.add_typer(kb_app, name="kb")
app.command("assess")(assess.assess)
app.command("interview")(assess.interview)
app.command("plan")(assess.plan)
app.command("triage")(assess.triage_cmd)
app.command("ask")(assess.ask)
app.command("serve")(assess.serve)
app.add_typer(diary.episode_app, name="episode")
app.command("log")(diary.log)
app.command("progress")(diary.progress)
app.command("forget")(diary.forget)
export_app = typer.Typer(
    help="Export your data: JSON (all of it), or for a clinician: fhir, pdf, html, ics.",
    invoke_without_command=True,
    rich_markup_mode=None,
)
export_app.callback()(diary.export)
export_app.command("fhir")(diary.export_fhir)
export_app.command("pdf")(diary.export_pdf)
export_app.command("html")(diary.export_html)
export_app.command("ics")(diary.export_ics)
app.add_typer(export_app, name="export")


def main() -> None:
    """Run the Typer app; errors become one line and a status, never a traceback."""
    guarded(app)
