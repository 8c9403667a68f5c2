"""Diary commands: episodes, quick logging, progress, export and forget."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from backcare.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from backcare.store.models import Person

episode_app = typer.Typer(
    help="Start, list, show and close episodes.", no_args_is_help=True, rich_markup_mode=None
)
EpisodeOption = Annotated[
    int | None, typer.Option("--episode", "-e", help="Episode id (default: the open one).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
MedicineOption = Annotated[
    list[str] | None, typer.Option("--medicine", "-m", help="A medicine taken: NAME or NAME@HH:MM.")
]


def _today() -> date:
    return datetime.now().astimezone().date()


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


def _parse_date(value: str | None) -> date:
    if value is None:
        return _today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{value!r} is not a date (use YYYY-MM-DD)") from None


def _session() -> Any:
    from backcare.store.db import sessions

    return sessions().begin()


def _person(session: Session) -> Person:
    from backcare.store.repo import local_person

    return local_person(session)


@episode_app.command("start")
def episode_start(
    answers: Annotated[Path | None, typer.Option("--answers", "-a", help="Answers JSON.")] = None,
    text: Annotated[str | None, typer.Option("--text", "-t", help="Describe the pain.")] = None,
    onset: Annotated[
        str | None, typer.Option(help="Onset date, YYYY-MM-DD (default today).")
    ] = None,
) -> None:
    """Open an episode from an assessment (answers file, a description, or the guided check)."""
    from backcare import cli
    from backcare.assessment import assess, findings_from
    from backcare.knowledge.load import load_knowledge
    from backcare.store.repo import start_episode

    kb = load_knowledge()
    locale = cli._locale(None)
    if answers is not None or text is not None:
        raw = cli._read_answers(answers)[0] if answers is not None else None
        findings = findings_from(raw, text, kb, locale)
    else:
        findings = cli._ask_interactively(locale)
    result = assess(findings, kb, locale)
    with _session() as session:
        ep = start_episode(session, _person(session), result, _parse_date(onset), _today(), kb)
        ep_id = ep.id
    from backcare import render

    console = cli._console()
    render.disposition(console, result.disposition)
    console.print(
        f"Episode {ep_id} started. Expected recovery {result.recovery.min_days}-"
        f"{result.recovery.max_days} days. Log with: backcare log PAIN --note '...'"
    )


@episode_app.command("list")
def episode_list(as_json: JsonOption = False) -> None:
    """List your episodes, newest first."""
    from backcare.store.repo import episodes

    with _session() as session:
        rows = [
            {
                "id": ep.id,
                "onset_date": ep.onset_date.isoformat(),
                "level": ep.current_level,
                "open": ep.closed_at is None,
                "entries": len(ep.entries),
            }
            for ep in episodes(session, _person(session))
        ]
    if as_json:
        print(json.dumps(rows))
        return
    if not rows:
        print("No episodes yet. Start one with: backcare episode start")
    for r in rows:
        state = "open" if r["open"] else "closed"
        print(f"{r['id']}: since {r['onset_date']}, {r['level']}, {r['entries']} entries, {state}")


@episode_app.command("show")
def episode_show(episode_id: Annotated[int | None, typer.Argument()] = None) -> None:
    """Show an episode as JSON: assessment, plan and entries."""
    from backcare.store.repo import episode, episode_dict

    with _session() as session:
        data = episode_dict(episode(session, _person(session), episode_id))
    print(json.dumps(data, ensure_ascii=False, indent=1))


@episode_app.command("close")
def episode_close(episode_id: Annotated[int | None, typer.Argument()] = None) -> None:
    """Close an episode (when you have recovered)."""
    from backcare.store.repo import close_episode, episode

    with _session() as session:
        ep = episode(session, _person(session), episode_id)
        close_episode(session, ep)
        print(f"Episode {ep.id} closed.")


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
    from backcare.cli import _locale
    from backcare.diary import Dose, EntryInput, FollowUpNeeded, TherapySession
    from backcare.questionnaire import parse_answer
    from backcare.store.repo import add_entry, episode

    now = datetime.now(UTC)
    when = _parse_time(at, "--at") if at else now
    doses = []
    for item in medicine or []:
        name, _, time = item.partition("@")
        doses.append(Dose(name, _parse_time(time, name) if time else when))
    therapy = [TherapySession("ice", ice)] if ice else []
    therapy += [TherapySession("heat", heat)] if heat else []
    entry = EntryInput(
        recorded_at=when, pain=pain, spasms_per_day=spasms, stiffness=stiffness,
        activity_interference=activity, sleep_interference=sleep, note=note,
        symptoms=tuple(symptom or ()), doses=tuple(doses), therapy=tuple(therapy),
        exercises=tuple(exercise or ()),
    )  # fmt: skip
    answers = {}
    for item in answer or []:
        finding, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--answer {item!r}: use FINDING=yes, no or unsure")
        answers[finding.strip()] = parse_answer(finding.strip(), value.strip())
    while True:
        try:
            with _session() as session:
                person = _person(session)
                ep = episode(session, person, episode_id)
                logged = add_entry(session, person, ep, entry, now, locale=_locale(None),
                                   answers=answers)  # fmt: skip
                ep_id = ep.id
            break
        except FollowUpNeeded as exc:
            if not sys.stdin.isatty() or as_json:
                ids = ", ".join(q.finding for q in exc.screen.questions)
                raise InputError(f"{exc} (answer with --answer FINDING=yes|no|unsure for: "
                                 f"{ids})") from None  # fmt: skip
            from backcare import cli, render

            raw = render.ask_screen(cli._console(), exc.screen)
            answers.update({k: parse_answer(k, v) for k, v in raw.items()})
    d = logged.check.disposition
    if as_json:
        out = {"entry": logged.entry_id, "episode": ep_id, "triage": d.level.value,
               "raised_to": logged.raised_to.value if logged.raised_to else None,
               "reasons": list(d.reasons) if d.fired else []}  # fmt: skip
        print(json.dumps(out))
        return
    print(f"Logged entry {logged.entry_id} in episode {ep_id}: pain {pain}/10.")
    if logged.raised_to is not None:
        from backcare import cli, render

        console = cli._console()
        console.print("[bold red]This entry mentions a warning sign.[/]")
        render.disposition(console, d)


def progress(episode_id: EpisodeOption = None, as_json: JsonOption = False) -> None:
    """Your pain over time against the expected band, and what it means."""
    from backcare.store import repo

    with _session() as session:
        person = _person(session)
        ep = repo.episode(session, person, episode_id)
        result = repo.progress(session, person, ep, _today())
        estimate = repo.estimate_of(ep)
        level, reason = ep.current_level, ep.escalation_reason
    if as_json:
        from dataclasses import asdict

        data = asdict(result)
        data["escalation"] = result.escalation.value if result.escalation else None
        data["episode_level"] = level
        print(json.dumps(data, default=str))
        return
    from backcare import cli, render

    render.progress(cli._console(), result, estimate, level, reason)


def export(
    ctx: typer.Context,
    as_json: JsonOption = True,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
) -> None:
    """Export all your data as JSON (the default when no format is named)."""
    if ctx.invoked_subcommand is not None:
        return
    from backcare.store.repo import export_person

    with _session() as session:
        data = export_person(session, _person(session))
    _write((json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode(), output)


def forget(
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete all your data (episodes, entries, medicines). Asks first."""
    from backcare.store.repo import forget_person

    if not yes:
        if not sys.stdin.isatty():
            raise InputError("refusing to delete without confirmation: add --yes")
        if not typer.confirm("Delete all your backcare data? This cannot be undone."):
            print("Nothing deleted.")
            return
    with _session() as session:
        count = forget_person(session, _person(session))
    print(f"Deleted all your data ({count} episode(s)).")


OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="File to write (default: standard output).")
]


def _record_with_entries(episode_id: int | None) -> Any:
    from backcare.interop.records import load_episode, require_entries

    return require_entries(load_episode(episode_id), ": log some with `backcare log`")


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
    from backcare.interop.fhir import bundle

    record = _record_with_entries(episode_id)
    _write(json.dumps(bundle(record), ensure_ascii=False, indent=1).encode(), output)


def export_html(episode_id: EpisodeOption = None, output: OutputOption = None) -> None:
    """A one-page summary for your clinician, as HTML."""
    from backcare.interop.report import html

    record = _record_with_entries(episode_id)
    _write(html(record, _today()).encode(), output)


def export_pdf(episode_id: EpisodeOption = None, output: OutputOption = None) -> None:
    """A one-page summary for your clinician, as PDF (default file backcare-episode-N.pdf)."""
    from backcare.interop.report import pdf

    record = _record_with_entries(episode_id)
    _write(pdf(record, _today()), output, f"backcare-episode-{record.id}.pdf")


def export_ics(
    episode_id: EpisodeOption = None,
    output: OutputOption = None,
    tz: Annotated[str | None, typer.Option(help="Time zone, e.g. Europe/London.")] = None,
) -> None:
    """Your plan's schedule as a calendar: ice/heat, sitting breaks, exercise, review date."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from backcare.interop.ics import calendar
    from backcare.interop.records import load_episode

    zone = tz or _local_zone()
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(f"unknown time zone {zone!r} (use a name like Europe/London)") from None
    _write(calendar(load_episode(episode_id), zone, _today()), output)


def _local_zone() -> str:
    key = getattr(datetime.now().astimezone().tzinfo, "key", None)
    if key:
        return str(key)
    try:
        return Path("/etc/timezone").read_text().strip() or "UTC"
    except OSError:
        return "UTC"
