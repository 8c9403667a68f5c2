"""The plan's schedule as an RFC 5545 calendar (icalendar), with alarms.

Events: ice sessions for the first two days and heat sessions for the next five (morning,
midday, evening, 20 minutes each), a sitting-break reminder every 30 minutes in working hours
on weekdays for the expected recovery range, exercise three times a week for six weeks from
day 3, and a review on the last day of the expected range (or day 42, if sooner).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from backcare.interop.records import EpisodeRecord

SESSION_TIMES = (time(8, 0), time(13, 0), time(19, 0))
SESSION_MINUTES = 20  # articles: 20-30 minutes on, 20-30 minutes off
ICE_DAYS = 2
HEAT_DAYS = 5
WORK_HOURS = range(9, 17)
EXERCISE_WEEKS = 6
PRODID = "-//backcare//back spasm plan//EN"


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

    for day in range(ICE_DAYS + HEAT_DAYS):
        kind = "Ice" if day < ICE_DAYS else "Heat"
        when = record.onset + timedelta(days=day)  # ice on days 1-2 after onset, then heat
        if when < start:
            continue
        for n, at in enumerate(SESSION_TIMES):
            begin = datetime.combine(when, at, zone)
            event(f"{kind.lower()}-d{day}-{n}", f"{kind}: {SESSION_MINUTES} minutes",
                  begin, SESSION_MINUTES, _therapy_text(kind))  # fmt: skip
    last_day = max(start, record.onset + timedelta(days=max(record.recovery.max_days, 7)))
    first_weekday = start
    while first_weekday.weekday() >= 5:
        first_weekday += timedelta(days=1)
    event(
        "sitting-breaks", "Stand up, move and stretch",
        datetime.combine(first_weekday, time(WORK_HOURS.start, 30), zone), 5,
        "After 30 minutes of sitting, get up, walk a few steps and stretch.",
        {"freq": "minutely", "interval": 30, "byhour": list(WORK_HOURS),
         "byday": ["MO", "TU", "WE", "TH", "FR"],
         "until": datetime.combine(last_day, time(23, 59), zone)},
    )  # fmt: skip
    event(
        "exercise", "Back exercises (three times a week)",
        datetime.combine(start + timedelta(days=2), time(18, 0), zone), 30,
        "Gentle stretches now; core and back strengthening once the worst has passed.",
        {"freq": "weekly", "byday": ["MO", "WE", "FR"], "count": EXERCISE_WEEKS * 3},
        alarm_before=15,
    )  # fmt: skip
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


def _therapy_text(kind: str) -> str:
    wrap = "Wrap it in a towel; never on bare or numb skin, and never while asleep."
    return f"{kind} for {SESSION_MINUTES} minutes, then at least 20 minutes off. {wrap}"
