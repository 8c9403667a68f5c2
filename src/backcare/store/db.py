"""Database set-up: the URL, the engine, and migrations that run by themselves on first use.

SQLite by default, in the user's data directory, in WAL mode: readers never block the writer,
and a committed transaction survives the process being killed. Writes start with BEGIN
IMMEDIATE so that concurrent writers queue (busy_timeout) instead of failing half-way.
PostgreSQL works through the same code with BACKCARE_DATABASE_URL=postgresql+psycopg://...
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from backcare.errors import BackcareError

HEAD_REVISION = "0001"  # the newest migration; a test checks it matches Alembic's head
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_LOCK_KEY = 0x6261636B  # "back": the PostgreSQL advisory lock held while migrating


class StorageError(BackcareError):
    """The database cannot be opened or used; the message says which and why."""


def database_url() -> str:
    """BACKCARE_DATABASE_URL, or SQLite in the user's data directory."""
    url = os.environ.get("BACKCARE_DATABASE_URL", "").strip()
    if url:
        return url
    from platformdirs import user_data_dir

    directory = Path(user_data_dir("backcare"))
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            f"cannot create the data directory {directory}: {exc.strerror}"
        ) from None
    return f"sqlite:///{directory / 'backcare.db'}"


def make_engine(url: str) -> Engine:
    """An engine for `url`, with SQLite tuned for safety under concurrent writers."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see _sqlite_begin)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable across a crash of the process
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def current_revision(engine: Engine) -> str | None:
    """The schema revision in the database, or None for an empty database."""
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except (OperationalError, ProgrammingError):
        return None


def migrate(engine: Engine) -> None:
    """Bring the schema up to date; safe when several processes start at once."""
    if current_revision(engine) == HEAD_REVISION:
        return
    from alembic import command
    from alembic.config import Config

    with _migration_lock(engine), engine.begin() as conn:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


@contextlib.contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _LOCK_KEY})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _LOCK_KEY})
                conn.commit()
        return
    yield  # SQLite: BEGIN IMMEDIATE already serialises the migrating transactions


@cache
def _sessions(url: str) -> sessionmaker[Session]:
    engine = make_engine(url)
    try:
        migrate(engine)
    except OperationalError as exc:
        raise StorageError(f"cannot open the database ({_redact(url)}): {exc.orig}") from None
    return sessionmaker(engine, expire_on_commit=False)


def sessions(url: str | None = None) -> sessionmaker[Session]:
    """A session factory for the database, migrated and ready."""
    return _sessions(url or database_url())


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}:***@{host}"
    return url
