"""Exports, by one rule for every front end: the kind, the time zone and the day they are
made on are decided here, so `backcare export ics` and `GET /api/v1/episodes/{id}/export/ics`
give the same file for the same episode.

Time zone: an explicit one (`--tz`, `?tz=`) if given, else the machine's own (backcare serves
one person on their own machine), else UTC. "Today" is the date in that zone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from backcare.errors import InputError
from backcare.knowledge.load import Knowledge

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from backcare.interop.records import EpisodeRecord

Kind = Literal["fhir", "pdf", "html", "ics"]
KINDS: tuple[str, ...] = get_args(Kind)
MEDIA_TYPES = {
    "fhir": "application/fhir+json",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "ics": "text/calendar; charset=utf-8",
}


def local_zone() -> str:
    """The machine's time zone name, or UTC when it has none."""
    key = getattr(datetime.now().astimezone().tzinfo, "key", None)
    if key:
        return str(key)
    try:
        return Path("/etc/timezone").read_text().strip() or "UTC"
    except OSError:
        return "UTC"


def resolve_zone(explicit: str | None = None) -> str:
    """The export's time zone by the one rule; InputError for a name that is not a zone."""
    zone = explicit or local_zone()
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(f"unknown time zone {zone!r} (use a name like Europe/London)") from None
    return zone


@dataclass(frozen=True, slots=True)
class Export:
    content: bytes
    media_type: str
    filename: str
    episode: int


def record(session: Session, episode_id: int | None = None) -> EpisodeRecord:
    """The typed record of an episode (the given one, else the open one, else the latest)."""
    from backcare.store import repo

    return repo.record_of(session, repo.local_person(session), episode_id)


def export(
    session: Session, kb: Knowledge, kind: str, episode_id: int | None = None,
    tz: str | None = None, hint: str = "",
) -> Export:  # fmt: skip
    """An episode for a clinician: FHIR bundle, PDF or HTML summary, or the plan as a
    calendar. The summaries need diary entries (InputError without; `hint` says how)."""
    if kind not in KINDS:
        raise InputError(f"unknown export {kind!r} (use one of {', '.join(KINDS)})")
    zone = resolve_zone(tz)
    on = datetime.now(ZoneInfo(zone)).date()
    rec = record(session, episode_id)
    return render(rec, kb, kind, zone, on, hint)


def render(
    rec: EpisodeRecord, kb: Knowledge, kind: str, zone: str, on: date, hint: str = ""
) -> Export:
    """The export of a record, as of the day `on`, in the time zone `zone`."""
    from backcare.interop.records import require_entries

    if kind != "ics":
        require_entries(rec, hint)
    name = f"backcare-episode-{rec.id}"
    if kind == "fhir":
        from backcare.interop.fhir import bundle

        data = json.dumps(bundle(rec, kb), ensure_ascii=False, indent=1).encode()
        return Export(data, MEDIA_TYPES[kind], f"{name}.json", rec.id)
    if kind == "pdf":
        from backcare.interop.report import pdf

        return Export(pdf(rec, on, kb), MEDIA_TYPES[kind], f"{name}.pdf", rec.id)
    if kind == "html":
        from backcare.interop.report import html

        return Export(html(rec, on, kb).encode(), MEDIA_TYPES[kind], f"{name}.html", rec.id)
    from backcare.interop.ics import calendar

    return Export(calendar(rec, zone, on), MEDIA_TYPES[kind], f"{name}.ics", rec.id)


def export_all(session: Session) -> dict[str, Any]:
    """Everything stored about the person, as JSON-ready data."""
    from backcare.store import repo

    return repo.export_person(session, repo.local_person(session))
