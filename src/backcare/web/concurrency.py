"""Database transactions for the API routes that cannot starve under parallel writers.

The failure this prevents (issue 13): the session used to come from a sync generator
dependency. FastAPI runs each half of such a dependency in a worker thread of its own, so a
request that had taken SQLite's write lock (BEGIN IMMEDIATE) then had to queue for a worker
thread again just to COMMIT. With 50+ parallel writes all 40 threads were taken by requests
waiting for that lock or for a pooled connection, the lock holder could not get a thread back,
and everything stalled until the 30 s timeouts turned into 500s and lost entries.

Now the dependency is async: opening the session takes no thread, and the commit (or rollback)
runs on a small limiter of its own that route code never uses, so a transaction that has begun
can always finish. The pool (store/db.py) has room for every route thread plus those commits.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator

import anyio
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
        await anyio.to_thread.run_sync(session.commit, limiter=_commits())
    except BaseException:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(session.rollback, limiter=_commits())
        raise
    finally:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(session.close, limiter=_commits())
