"""Diary commands: episodes, quick logging, progress, export and forget. Each parses its
options, calls one function of the service (service/diary.py, service/exports.py) in one
transaction and prints what comes back."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from backcare.cli.common import (
    JsonOption,
    ask_interactively,
    console,
    knowledge,
    read_answers,
    session,
)
from backcare.cli.plain import locale_of
from backcare.errors import InputError

if TYPE_CHECKING:
    from backcare.service.exports import Export

episode_app = typer.Typer(
    help="Start, list, show and close episodes.", no_args_is_help=True, rich_markup_mode=None
)
EpisodeOption = Annotated[
    int | None, typer.Option("--episode", "-e", help="Episode id (default: the open one).")
]
MedicineOption = Annotated[
    list[str] | None, typer.Option("--medicine", "-m", help="A medicine taken: NAME or NAME@HH:MM.")
]


def _parse_time(value: str, what: str) -> datetime:
    """ISO date-time (local time unless it says otherwise), or HH:MM today."""
    text = value.strip()
    try:
        if len(text) <= 5 and ":" in text:
            hours, minutes = (int(x) for x in text.split(":"))
            local = (
                datetime.now()
                .astimezone()
                .replace(hour=hours, minute=minutes, second=0, microsecond=0)
            )
            return local.astimezone(UTC)
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"{what}: {value!r} is not a time (use 2026-11-20T08:30 or 08:30)"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.astimezone()  # local time
    return parsed.astimezone(UTC)


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{value!r} is not a date (use YYYY-MM-DD)") from None


@episode_app.command("start")
def episode_start(
    answers: Annotated[Path | None, typer.Option("--answers", "-a", help="Answers JSON.")] = None,
    text: Annotated[str | None, typer.Option("--text", "-t", help="Describe the pain.")] = None,
    onset: Annotated[
        str | None, typer.Option(help="Onset date, YYYY-MM-DD (default today).")
    ] = None,
) -> None:
    """Open an episode from an assessment (answers file, a description, or the guided check)."""
    from backcare import render
    from backcare.service import diary

    kb = knowledge()
    raw, given = read_answers(answers) if answers is not None else (None, None)
    loc = locale_of(None, given)
    findings = None if answers is not None or text is not None else ask_interactively(loc)
    start = _parse_date(onset)
    result = diary.assessment_from(kb, raw, text, loc, findings)
    with session() as s:
        started = diary.start_episode(s, kb, result, start)
    out = console()
    render.disposition(out, result.disposition)
    out.print(
        f"Episode {started.episode.id} started. Expected recovery {result.recovery.min_days}-"
        f"{result.recovery.max_days} days. Log with: backcare log PAIN --note '...'"
    )


@episode_app.command("list")
def episode_list(as_json: JsonOption = False) -> None:
    """List your episodes, newest first."""
    from backcare.service import diary

    with session() as s:
        rows = [e.to_json() for e in diary.list_episodes(s)]
    if as_json:
        print(json.dumps(rows))
        return
    if not rows:
        print("No episodes yet. Start one with: backcare episode start")
    for r in rows:
        state = "open" if r["open"] else "closed"
        level, entries = r["current_level"], r["entries"]
        print(f"{r['id']}: since {r['onset_date']}, {level}, {entries} entries, {state}")


@episode_app.command("show")
def episode_show(episode_id: Annotated[int | None, typer.Argument()] = None) -> None:
    """Show an episode as JSON: assessment, plan and entries."""
    from backcare.service import diary

    with session() as s:
        data = diary.episode_json(s, episode_id)
    print(json.dumps(data, ensure_ascii=False, indent=1))


@episode_app.command("close")
def episode_close(episode_id: Annotated[int | None, typer.Argument()] = None) -> None:
    """Close an episode (when you have recovered)."""
    from backcare.service import diary

    with session() as s:
        closed = diary.close_episode(s, episode_id)
    print(f"Episode {closed.id} closed.")


def log(
    pain: Annotated[int, typer.Argument(help="Pain now, 0 (none) to 10 (worst).")],
    note: Annotated[str | None, typer.Option("--note", "-n", help="Anything to add.")] = None,
    spasms: Annotated[int | None, typer.Option(help="Spasms today.")] = None,
    stiffness: Annotated[int | None, typer.Option(help="Stiffness 0-10.")] = None,
    activity: Annotated[int | None, typer.Option(help="Pain limits activities, 0-10.")] = None,
    sleep: Annotated[int | None, typer.Option(help="How much pain spoils sleep, 0-10.")] = None,
    medicine: MedicineOption = None,
    ice: Annotated[int | None, typer.Option(help="Minutes of ice.")] = None,
    heat: Annotated[int | None, typer.Option(help="Minutes of heat.")] = None,
    exercise: Annotated[list[str] | None, typer.Option(help="An exercise you did.")] = None,
    symptom: Annotated[list[str] | None, typer.Option(help="A new symptom, in words.")] = None,
    at: Annotated[str | None, typer.Option(help="When (default now), e.g. 08:30.")] = None,
    answer: Annotated[
        list[str] | None,
        typer.Option(help="Answer a follow-up question about the note: FINDING=yes|no|unsure."),
    ] = None,
    episode_id: EpisodeOption = None,
    as_json: JsonOption = False,
) -> None:  # fmt: skip
    """Log how you are: `backcare log 6 --note "better after heat"`. Checked for red flags; a
    note that mentions a possible warning sign without its detail gets a question first."""
    from backcare.diary import FollowUpNeeded
    from backcare.service import diary

    kb = knowledge()
    now = datetime.now(UTC)
    when = _parse_time(at, "--at") if at else None
    medicines = []
    for item in medicine or []:
        name, _, time = item.partition("@")
        medicines.append((name, _parse_time(time, name) if time else None))
    answers: dict[str, object] = {}
    for item in answer or []:
        finding, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--answer {item!r}: use FINDING=yes, no or unsure")
        answers[finding.strip()] = value.strip()
    while True:
        new = diary.NewEntry(
            pain=pain, recorded_at=when, note=note, spasms_per_day=spasms, stiffness=stiffness,
            activity_interference=activity, sleep_interference=sleep,
            medicines=tuple(medicines), ice_minutes=ice, heat_minutes=heat,
            exercises=tuple(exercise or ()), symptoms=tuple(symptom or ()), answers=answers,
        )  # fmt: skip
        try:
            with session() as s:
                logged = diary.log_entry(s, kb, new, episode_id, locale_of(None), now)
            break
        except FollowUpNeeded as exc:
            if not sys.stdin.isatty() or as_json:
                ids = ", ".join(q.finding for q in exc.screen.questions)
                raise InputError(f"{exc} (answer with --answer FINDING=yes|no|unsure for: "
                                 f"{ids})") from None  # fmt: skip
            from backcare import render

            answers.update(render.ask_screen(console(), exc.screen, kb))
    if as_json:
        print(json.dumps(logged.to_json()))
        return
    print(f"Logged entry {logged.entry} in episode {logged.episode}: pain {pain}/10.")
    if logged.raised_to is not None:
        from backcare import render

        out = console()
        out.print("[bold red]This entry mentions a warning sign.[/]")
        render.disposition(out, logged.disposition)


def progress(episode_id: EpisodeOption = None, as_json: JsonOption = False) -> None:
    """Your pain over time against the expected band, and what it means."""
    from backcare.service import diary

    kb = knowledge()
    with session() as s:
        view = diary.progress(s, kb, episode_id)
    if as_json:
        print(json.dumps(view.to_json()))
        return
    from backcare import render

    render.progress(console(), view.result, view.estimate, view.level, view.reason)


def export(
    ctx: typer.Context,
    as_json: JsonOption = True,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
) -> None:
    """Export all your data as JSON (the default when no format is named)."""
    if ctx.invoked_subcommand is not None:
        return
    from backcare.service.exports import export_all

    with session() as s:
        data = export_all(s)
    _write((json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode(), output)


def forget(
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete all your data (episodes, entries, medicines). Asks first."""
    from backcare.service import diary

    if not yes:
        if not sys.stdin.isatty():
            raise InputError("refusing to delete without confirmation: add --yes")
        if not typer.confirm("Delete all your backcare data? This cannot be undone."):
            print("Nothing deleted.")
            return
    with session() as s:
        count = diary.forget(s)
    print(f"Deleted all your data ({count} episode(s)).")


OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="File to write (default: standard output).")
]


def _export(kind: str, episode_id: int | None, tz: str | None = None) -> Export:
    from backcare.service.exports import export

    with session() as s:
        return export(s, knowledge(), kind, episode_id, tz,
                      hint=": log some with `backcare log`")  # fmt: skip


def _write(data: bytes, output: Path | None, default_name: str | None = None) -> None:
    target = output or (Path(default_name) if default_name else None)
    if target is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror}") from None
    print(f"Wrote {target}", file=sys.stderr)


def export_fhir(episode_id: EpisodeOption = None, output: OutputOption = None) -> None:
    """The episode as a FHIR R4 bundle (JSON): answers, findings, triage, plan, pain scores."""
    _write(_export("fhir", episode_id).content, output)


def export_html(episode_id: EpisodeOption = None, output: OutputOption = None) -> None:
    """A one-page summary for your clinician, as HTML."""
    _write(_export("html", episode_id).content, output)


def export_pdf(episode_id: EpisodeOption = None, output: OutputOption = None) -> None:
    """A one-page summary for your clinician, as PDF (default file backcare-episode-N.pdf)."""
    made = _export("pdf", episode_id)
    _write(made.content, output, made.filename)


def export_ics(
    episode_id: EpisodeOption = None,
    output: OutputOption = None,
    tz: Annotated[
        str | None, typer.Option(help="Time zone, e.g. Europe/London (default: this machine's).")
    ] = None,
) -> None:
    """Your plan's schedule as a calendar: ice/heat, sitting breaks, exercise, review date."""
    _write(_export("ics", episode_id, tz).content, output)
