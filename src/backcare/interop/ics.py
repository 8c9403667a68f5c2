"""The plan's schedule as an RFC 5545 calendar (icalendar), with alarms.

Built from the plan's own actions, so the calendar never says more than the plan: an action
with timed sessions (ice, heat) gives its sessions on its days after onset, one repeated every
N minutes gives a reminder (during working hours on weekdays for prevention, through the day
early on), one done N times a week gives a weekly series, and the review falls on the last day
of the expected range or day 42, if sooner. Above `consultation` the plan is to be seen, not to
treat oneself: the calendar then holds only a reminder to follow the advice given, and no
self-care sessions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from backcare.findings import Level
from backcare.interop.records import EpisodeRecord, PlanActionRecord

SESSION_TIMES = (time(8, 0), time(13, 0), time(19, 0), time(10, 30), time(16, 0), time(21, 0))
WORK_HOURS = range(9, 17)
WAKING_HOURS = range(8, 21)
SERIES_WEEKS = 6
WEEKDAYS = {1: ["WE"], 2: ["MO", "TH"], 3: ["MO", "WE", "FR"], 4: ["MO", "TU", "TH", "FR"],
            5: ["MO", "TU", "WE", "TH", "FR"]}  # fmt: skip
PRODID = "-//backcare//back spasm plan//EN"
EventFn = Callable[..., None]


def calendar(record: EpisodeRecord, tz: str = "UTC", today: date | None = None) -> bytes:
    """The calendar as iCalendar bytes."""
    from icalendar import Alarm, Calendar, Event

    zone = ZoneInfo(tz)
    start = max(record.onset, today or record.onset)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "backcare plan")

    def event(uid: str, summary: str, begin: datetime, minutes: int, description: str,
              rrule: dict[str, object] | None = None, alarm_before: int = 0) -> None:  # fmt: skip
        e = Event()
        e.add("uid", f"{uid}-episode{record.id}@backcare")
        e.add("summary", summary)
        e.add("dtstamp", record.started_at)
        e.add("dtstart", begin)
        e.add("dtend", begin + timedelta(minutes=minutes))
        e.add("description", description)
        if rrule:
            e.add("rrule", rrule)
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary)
        alarm.add("trigger", timedelta(minutes=-alarm_before))
        e.add_component(alarm)
        cal.add_component(e)

    if Level(record.current_level) > Level.CONSULTATION:
        reason = record.escalation_reason or "; ".join(record.reasons)
        event("get-help", "Get the care this assessment advised",
              datetime.combine(start, time(9, 0), zone), 15,
              f"This episode needs to be seen ({record.current_level.replace('_', ' ')}): "
              f"{reason} Self-care sessions are left out until a clinician has seen you.",
              )  # fmt: skip
        cal.add_missing_timezones()
        return bytes(cal.to_ical())

    last_day = max(start, record.onset + timedelta(days=max(record.recovery.max_days, 7)))
    for action in record.actions:
        if action.sessions is not None:
            _sessions(event, action, record.onset, start, zone)
        elif action.every_minutes:
            _reminder(event, action, record, start, last_day, zone)
        elif action.times_per_week:
            days = WEEKDAYS.get(min(action.times_per_week, 5), WEEKDAYS[3])
            event(action.id, f"{action.title} ({action.times_per_week} times a week)",
                  datetime.combine(start + timedelta(days=2), time(18, 0), zone), 30,
                  action.text,
                  {"freq": "weekly", "byday": days, "count": SERIES_WEEKS * len(days)},
                  alarm_before=15)  # fmt: skip
    review = record.onset + timedelta(days=min(record.recovery.max_days, 42))
    event(
        "review", "Review your back: is it clearly better?",
        datetime.combine(max(review, start), time(9, 0), zone), 15,
        "If the pain is not clearly better (2 points or 30% lower), book an appointment "
        "with your GP or a physiotherapist.",
        alarm_before=60,
    )  # fmt: skip
    cal.add_missing_timezones()  # a VTIMEZONE for every TZID used (RFC 5545 3.6.5)
    return bytes(cal.to_ical())


def _sessions(event: EventFn, action: PlanActionRecord, onset: date, start: date,
              zone: ZoneInfo) -> None:  # fmt: skip
    assert action.sessions is not None
    first, last, per_day, minutes = action.sessions
    for day in range(first, last + 1):
        when = onset + timedelta(days=day)
        if when < start:
            continue  # sessions already past are left out
        for n, at in enumerate(SESSION_TIMES[:per_day]):
            event(f"{action.id}-d{day}-{n}", f"{action.title}: {minutes} minutes",
                  datetime.combine(when, at, zone), minutes,
                  f"{action.title} for {minutes} minutes, then at least 20 minutes off. "
                  f"{action.timing or ''} {action.text}".strip())  # fmt: skip


def _reminder(event: EventFn, action: PlanActionRecord, record: EpisodeRecord, start: date,
              last_day: date, zone: ZoneInfo) -> None:  # fmt: skip
    assert action.every_minutes is not None
    if action.phase == "prevention":  # a habit for the working day
        hours, byday, until = WORK_HOURS, ["MO", "TU", "WE", "TH", "FR"], last_day
        first = start
        while first.weekday() >= 5:
            first += timedelta(days=1)
    else:  # the first days: through the waking day, every day
        hours, byday, first = WAKING_HOURS, None, start
        until = max(start, record.onset + timedelta(days=2))
    rrule: dict[str, object] = {
        "freq": "minutely", "interval": action.every_minutes, "byhour": list(hours),
        "until": datetime.combine(until, time(23, 59), zone),
    }  # fmt: skip
    if byday:
        rrule["byday"] = byday
    event(action.id, action.title,
          datetime.combine(first, time(hours.start, 30), zone), 5, action.text, rrule)  # fmt: skip
