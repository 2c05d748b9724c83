"""One writer at a time per SQLite database inside this process.

SQLite has one write lock per file. A transaction that holds it across awaits on a busy event loop makes the
other writers wait in SQLite's busy handler, which gives up after its timeout ("database is locked"); queueing
the writers here instead makes them wait their turn without a limit. PostgreSQL needs nothing of the kind.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any
from weakref import WeakKeyDictionary

from storage.database import Database

_locks: WeakKeyDictionary[Database, asyncio.Lock] = WeakKeyDictionary()


def write_lock(db: Database) -> contextlib.AbstractAsyncContextManager[Any]:
    """An async context to hold around a write transaction: a lock shared per SQLite database, else a no-op."""
    if not db.is_sqlite:
        return contextlib.nullcontext()
    lock = _locks.get(db)
    if lock is None:
        lock = _locks[db] = asyncio.Lock()
    return lock
