"""Numbers and units in what people type: "two weeks", "38.6", "101 F", "a few days"."""

from __future__ import annotations

from datetime import date

from backcare import rx

WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "a few": 3, "few": 3, "a couple": 2, "a couple of": 2, "couple": 2,
    "couple of": 2, "several": 4, "many": 6,
}  # fmt: skip
DAYS = {
    "day": 1, "days": 1, "night": 1, "nights": 1, "week": 7, "weeks": 7, "wk": 7, "wks": 7,
    "fortnight": 14, "fortnights": 14, "month": 30, "months": 30, "year": 365, "years": 365,
    "yr": 365, "yrs": 365,
}  # fmt: skip
SINCE = {
    "today": 0, "this morning": 0, "yesterday": 1, "last night": 1, "the weekend": 3,
    "monday": 4, "tuesday": 4, "wednesday": 4, "thursday": 4, "friday": 4, "saturday": 4,
    "sunday": 4, "last week": 7, "last month": 30,
}  # fmt: skip


def parse_number(text: str | None) -> float | None:
    """A number written in digits or words, or None."""
    if text is None:
        return None
    t = text.strip().lower()
    if t in WORDS:
        return float(WORDS[t])
    try:
        return float(t)
    except ValueError:
        return None


def to_unit(finding_id: str, number: float | None, unit: str | None) -> float | None:
    """Convert a number and its unit to the finding's unit (days, metres, degrees C)."""
    u = (unit or "").strip().lower()
    if finding_id == "pain_duration_days":
        if u in SINCE:
            return float(SINCE[u])
        last = u.split(" ")[-1]
        if last in _SEASON_START:  # "since last spring": not the spring now under way
            return _days_since(_SEASON_START[last], 1, skip_months=2)
        if last in _HOLIDAY:  # christmas in january is a month ago, in june six
            return _days_since(*_HOLIDAY[last])
        if number is None:
            return float(DAYS.get(u, 0)) if u in DAYS else None
        return number * DAYS.get(u, 1)
    if number is None:
        return None
    if finding_id == "fall_height_m":
        return round(number * 0.3048, 2) if u in ("feet", "foot", "ft") else number
    if finding_id == "body_temperature":
        fahrenheit = u.endswith("f") or "fahrenheit" in u or (not u and number > 50)
        return round((number - 32) * 5 / 9, 1) if fahrenheit else number
    return number


_NUM = (
    r"\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|a few|a couple(?: of)?|couple(?: of)?|several|few|many"
)
_AGO = rx.compile(
    rf"\b(?:(?P<num>{_NUM}) )?(?:more than |over )?"
    r"(?P<unit>days?|nights?|weeks?|wks?|fortnights?|months?|years?|yrs?|decades?)"
    r"(?P<half> and a half)?(?= ago| back| now| clean| sober| since| off\b| free)"
    r"|\b(?:clean|sober|stopped|quit|off (?:it|them|drugs|the gear)|given up|gave up|free)"
    rf" (?:\w+ )?for (?:about |around |nearly |over |almost )?(?P<num2>{_NUM}) "
    r"(?P<unit2>days?|weeks?|months?|years?|yrs?|decades?)\b"
    r"|\b(?P<since>last (?:week|month|year)|this (?:week|month|year)|years ago|ages ago"
    r"|long ago|decades ago|in my (?:teens|twenties|thirties|forties|youth))\b"
    r"|\b(?:in|back in|since|during|until|till) (?P<year>(?:19|20)\d\d)\b"
)
_SINCE_DAYS = {"last week": 7, "last month": 30, "last year": 365, "this week": 3,
               "this month": 15, "this year": 180}  # fmt: skip


def days_ago(sentence: str) -> float | None:
    """How long ago a past thing in this sentence ended or began, in days; the most recent
    time if it names several ("stopped four months ago" -> 120, "clean for six years" ->
    2190, "years ago" -> more than a year); None when it gives no time."""
    best: float | None = None
    for m in _AGO.finditer(sentence):
        since = m.group("since")
        if m.group("year") is not None:
            days = max(0.0, (date.today().year - int(m.group("year"))) * 365.0)
        elif since is not None:
            days = float(_SINCE_DAYS.get(since, 3650))
        else:
            word = m.group("unit") or m.group("unit2") or ""
            unit = word.rstrip("s")
            # "years ago" with no number is more than one
            default = "two" if word.endswith("s") else "one"
            number = parse_number(m.group("num") or m.group("num2") or default) or 1.0
            if m.group("half"):  # "a year and a half ago"
                number += 0.5
            days = number * (3650 if unit == "decade" else DAYS.get(unit, 1))
        best = days if best is None else min(best, days)
    return best


_SEASON_START = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_HOLIDAY = {"christmas": (12, 25), "xmas": (12, 25), "easter": (4, 25)}


def _days_since(month: int, day: int, skip_months: int = 0) -> float:
    """Days, in whole months of 30, since the last `day` of `month` before today ("since last
    spring" in November: about 240). Fewer than `skip_months` months means the year before's."""
    today = date.today()
    months = (today.month - month) % 12
    if (months == 0 and today.day < day) or months < skip_months:
        months += 12
    return float(max(months, 1) * 30)
