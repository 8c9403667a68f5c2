"""Numbers and units in what people type: "two weeks", "38.6", "101 F", "a few days"."""

from __future__ import annotations

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
    "sunday": 4, "last week": 7, "last month": 30, "christmas": 30,
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
