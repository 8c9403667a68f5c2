"""Database transactions for the API routes that cannot starve under parallel writers.

The failure this prevents (issue 13): the session used to come from a sync generator
dependency. FastAPI runs each half of such a dependency in a worker thread of its own, so a
request that had taken SQLite's write lock (BEGIN IMMEDIATE) then had to queue for a worker
thread again just to COMMIT. With 50+ parallel writes all 40 threads were taken by requests
waiting for that lock or for a pooled connection, the lock holder could not get a thread back,
and everything stalled until the 30 s timeouts turned into 500s and lost entries.

Even a dependency whose exit runs right after the route ("function" scope) is too late:
FastAPI validates a sync route's return value in another worker thread before that exit. So:

- `TransactionRoute` (the API router's route class) commits the route's session in the route's
  own thread, the moment the route returns, before anything else needs a thread;
- the dependency is async, so opening the session takes no thread, and its rollback and close
  run on a small limiter of their own that route code never uses.

A transaction that has begun can therefore always finish, and requests waiting for a thread
hold no lock. The pool (store/db.py) has room for every worker thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import weakref
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session

COMMIT_THREADS = 8
_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = (
    weakref.WeakKeyDictionary()
)


def _commits() -> anyio.CapacityLimiter:
    """The commit limiter of the running event loop (tests run several loops in turn)."""
    loop = asyncio.get_running_loop()
    limiter = _limiters.get(loop)
    if limiter is None:
        limiter = _limiters[loop] = anyio.CapacityLimiter(COMMIT_THREADS)
    return limiter


@contextlib.asynccontextmanager
async def transaction() -> AsyncIterator[Session]:
    """A session whose work is committed if the block succeeds, rolled back if not; the
    connection goes back to the pool either way."""
    from backcare.store.db import sessions

    factory = await anyio.to_thread.run_sync(sessions, limiter=_commits())  # may migrate once
    session = factory()
    try:
        yield session
        if session.in_transaction():  # a route outside TransactionRoute
            await anyio.to_thread.run_sync(session.commit, limiter=_commits())
    except BaseException:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(session.rollback, limiter=_commits())
        raise
    finally:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(session.close, limiter=_commits())


def _commit_sessions(values: dict[str, Any]) -> None:
    for value in values.values():
        if isinstance(value, Session) and value.in_transaction():
            value.commit()


def committing(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """`endpoint`, committing any Session it was given as soon as it returns successfully."""
    if inspect.iscoroutinefunction(endpoint):

        @functools.wraps(endpoint)
        async def run_async(**values: Any) -> Any:
            result = await endpoint(**values)
            await anyio.to_thread.run_sync(_commit_sessions, values, limiter=_commits())
            return result

        return run_async

    @functools.wraps(endpoint)
    def run(**values: Any) -> Any:
        result = endpoint(**values)
        _commit_sessions(values)  # in the route's thread, before the lock could wait on another
        return result

    return run


class TransactionRoute(APIRoute):
    """An API route whose database transaction ends in the route's own thread."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, committing(endpoint), **kwargs)
