"""Database set-up: the URL, the engine, and migrations that run by themselves on first use.

SQLite by default, in the user's data directory, in WAL mode: readers never block the writer,
and a committed transaction survives the process being killed. Writes start with BEGIN
IMMEDIATE so that concurrent writers queue (busy_timeout) instead of failing half-way.
PostgreSQL works through the same code with BACKCARE_DATABASE_URL=postgresql+psycopg://...
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

# Re-exported: callers import these from here too.
from backcare.store.location import StorageError as StorageError
from backcare.store.location import data_dir as data_dir
from backcare.store.location import database_exists as database_exists
from backcare.store.location import database_url as database_url

HEAD_REVISION = "0003"  # the newest migration; a test checks it matches Alembic's head
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_LOCK_KEY = 0x6261636B  # "back": the PostgreSQL advisory lock held while migrating


# Worker threads that run sync routes (AnyIO's default limiter). Every one of them may hold a
# pooled connection at once, so the pool has room for all of them and a request never waits for
# a connection that only a queued request could give back.
THREADS = 40


def make_engine(url: str) -> Engine:
    """An engine for `url`, with SQLite tuned for safety under concurrent writers."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, pool_size=THREADS,
                               max_overflow=THREADS, pool_timeout=60)  # fmt: skip
        _private_file(engine.url.database)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "commit", _sqlite_end)
        event.listen(engine, "rollback", _sqlite_end)
        # A connection that goes back to the pool or is thrown away never keeps the lock.
        event.listen(engine, "checkin", _sqlite_release)
        event.listen(engine, "invalidate", _sqlite_release)
        return engine
    # Per worker process: 10 kept, up to THREADS in use; 2 workers stay under PostgreSQL's
    # default max_connections of 100.
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=THREADS - 10,
                         pool_timeout=60)  # fmt: skip


def _private_file(database: str | None) -> None:
    """Create the SQLite file 0600 before SQLite does (it would use the umask, often 0644);
    its -wal and -shm files take the same mode from it."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
        for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if file.exists() and file.stat().st_mode & 0o077:
                file.chmod(0o600)
    except OSError:
        pass  # SQLite reports a file it cannot open itself, with a clearer message


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see _sqlite_begin)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable across a crash of the process
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


# One writer at a time per SQLite file within this process, queued on a lock instead of in
# SQLite's busy handler, which sleeps up to 100 ms between tries and so leaves the database idle
# while writers wait (100 parallel writes: 60 entries/s through the busy handler). Other
# processes (more workers, the CLI) still queue through busy_timeout.
_WRITE_LOCKS: dict[str, threading.Lock] = {}
_LOCK_KEY_INFO = "backcare_write_lock"


def _sqlite_begin(connection: Any) -> None:
    lock = _WRITE_LOCKS.setdefault(str(connection.engine.url.database), threading.Lock())
    if lock.acquire(timeout=30):  # after that, fall back to busy_timeout rather than fail
        connection.info[_LOCK_KEY_INFO] = lock
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except BaseException:
        _sqlite_end(connection)
        raise


def _sqlite_end(connection: Any) -> None:
    try:
        info = connection.info
    except Exception:  # an invalidated connection: the pool's invalidate event released it
        return
    lock = info.pop(_LOCK_KEY_INFO, None)
    if lock is not None:
        lock.release()


def _sqlite_release(_dbapi_connection: Any, record: Any, *_: Any) -> None:
    if record is not None:
        _sqlite_end(record)


def current_revision(engine: Engine) -> str | None:
    """The schema revision in the database, or None for an empty database."""
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except (OperationalError, ProgrammingError):
        return None


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to date (or to `revision`); safe when several processes start at
    once."""
    if revision == "head" and current_revision(engine) == HEAD_REVISION:
        return
    from alembic import command
    from alembic.config import Config

    with _migration_lock(engine), engine.connect() as conn:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:  # tables are rebuilt: no cascade may fire (a no-op inside a transaction)
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with conn.begin():
                config = Config()
                config.set_main_option("script_location", str(MIGRATIONS))
                config.attributes["connection"] = conn
                command.upgrade(config, revision)
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise StorageError("the migration left rows whose parent is missing")
        finally:
            if sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


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
