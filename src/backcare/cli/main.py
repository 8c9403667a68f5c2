"""The `backcare` command: the commands of cli/assess.py, cli/diary.py and cli/kb.py on one
Typer app, and the entry point that turns errors into one line and a status.

Heavy modules load inside the commands that need them, so `backcare --help` starts fast.
Errors a user can act on print one line on stderr and exit with status 2.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

# The CLI loads no pydantic plugins; looking for them scans every installed package (~15 ms).
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import typer

from backcare.cli import assess, diary
from backcare.cli.common import fail
from backcare.cli.kb import kb_app

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


# The machine-facing streaming modes (one JSON line in, one out) that integrations start once
# per batch: exactly these arguments skip the argument parser, which builds a pydantic adapter
# for every parameter (~0.15 s of a cold start), and call the same command with its defaults.
STREAMS: dict[tuple[str, ...], Callable[[], None]] = {
    ("triage", "--json", "-"): lambda: assess.triage_cmd("-", as_json=True),
    ("ask", "--json", "-"): lambda: assess.ask("-", as_json=True),
    ("interview", "--json", "-"): lambda: assess.interview("-", as_json=True),
}


def main() -> None:
    """Entry point: run the app; turn errors into one line and a status, never a traceback."""
    from backcare.errors import BackcareError

    try:
        stream = STREAMS.get(tuple(sys.argv[1:]))
        if stream is not None:
            stream()
        else:
            app()
    except BackcareError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        print("", file=sys.stderr)
        raise SystemExit(130) from None
    except BrokenPipeError:
        raise SystemExit(0) from None
    except Exception as exc:
        if os.environ.get("BACKCARE_DEBUG"):
            raise
        fail(f"internal error: {type(exc).__name__}: {exc} (set BACKCARE_DEBUG=1 for details)", 1)
