"""The notices a page may show after a redirect, chosen by key. The URL names one of these and
never carries the text itself, so a link cannot put its own words in backcare's notice box."""

from __future__ import annotations

NOTICES = {
    "deleted": "All your data has been deleted.",
}


def notice(key: str | None) -> str | None:
    """The notice for `key`, or None for a missing or unknown key."""
    return NOTICES.get(key or "")
