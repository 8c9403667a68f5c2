"""Configuration from the environment, with safe defaults so nothing is needed to start."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Settings:
    locale: str | None  # BACKCARE_LOCALE, e.g. en-GB -> 999; unset -> 911
    database_url: str | None  # BACKCARE_DATABASE_URL; unset -> SQLite in the user data dir


def settings() -> Settings:
    """Read the settings from the environment."""
    return Settings(
        locale=os.environ.get("BACKCARE_LOCALE") or None,
        database_url=os.environ.get("BACKCARE_DATABASE_URL") or None,
    )
