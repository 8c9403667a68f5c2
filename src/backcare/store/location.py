"""Where the data lives: the private data directory and the database URL, without importing
SQLAlchemy, so that a front end can ask whether there is a diary at all (`backcare ask` does
for a question about one's own recovery) without paying for the database layer or creating
anything."""

from __future__ import annotations

import os
from pathlib import Path

from backcare.errors import BackcareError


class StorageError(BackcareError):
    """The database cannot be opened or used; the message says which and why."""


def _directory() -> Path:
    raw = os.environ.get("BACKCARE_DATA_DIR", "").strip()
    if raw:
        return Path(raw)
    from platformdirs import user_data_dir

    return Path(user_data_dir("backcare"))


def data_dir() -> Path:
    """The private data directory (BACKCARE_DATA_DIR, or the user's data directory), created
    0700 and kept 0700: the database, the per-install secret and nothing else live here."""
    directory = _directory()
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        if directory.stat().st_mode & 0o077:
            directory.chmod(0o700)
    except OSError as exc:
        raise StorageError(
            f"cannot create the data directory {directory}: {exc.strerror}"
        ) from None
    return directory


def database_url(create: bool = True) -> str:
    """BACKCARE_DATABASE_URL, or SQLite in the private data directory (made unless `create`
    is False)."""
    url = os.environ.get("BACKCARE_DATABASE_URL", "").strip()
    if url:
        return url
    return f"sqlite:///{(data_dir() if create else _directory()) / 'backcare.db'}"


def database_exists(url: str | None = None) -> bool:
    """Whether there is a database to read (a SQLite file, or any other configured URL):
    reading front ends check this so that a question never creates one."""
    url = url or database_url(create=False)  # looked for, never created
    if not url.startswith("sqlite"):
        return True
    path = url.split(":///", 1)[-1]
    return bool(path) and path != ":memory:" and Path(path).is_file()
