"""The update inbox: updates stored before Telegram forgets them, each handled by one process at a time, once.

A row is claimed by the process that handles it (`holder`, `claimed_at`); the holder renews its claims while it
works, so a claim older than the lease is a process that died, and the update may be taken again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from domain.clock import utcnow
from storage.database import Database
from storage.schema import update_inbox
from storage.sql import insert_new_keys

HANDLING = "handling"
DONE = "done"
FAILED = "failed"  # taken too often: each attempt ended with the process (see `give_up`)


@dataclass(frozen=True, slots=True)
class StoredUpdate:
    update_id: int
    payload: str
    attempts: int


class InboxRepository:
    """The `update_inbox` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def receive(self, updates: Sequence[tuple[int, str]], holder: str) -> set[int]:
        """Store updates not seen before, claimed by `holder`; returns the ids stored now (those are `holder`'s to
        handle; an id already there was received before and is handled, or held, by whoever claimed it)."""
        if not updates:
            return set()
        now = utcnow()
        rows = [
            {
                "update_id": update_id,
                "payload": payload,
                "received_at": now,
                "state": HANDLING,
                "holder": holder,
                "claimed_at": now,
                "attempts": 1,
            }
            for update_id, payload in updates
        ]
        async with self._db.begin() as conn:
            return await insert_new_keys(conn, update_inbox, rows, "update_id")

    async def claim(self, update_id: int, payload: str, holder: str, *, stale_before: datetime) -> bool:
        """Take an update to handle: a new one (stored now), or one whose holder stopped renewing its claim before
        `stale_before` (it died). False when it is done, failed, or held by a live process."""
        if await self.receive([(update_id, payload)], holder):
            return True
        async with self._db.begin() as conn:
            result = await conn.execute(
                sa.update(update_inbox)
                .where(
                    update_inbox.c.update_id == update_id,
                    update_inbox.c.state == HANDLING,
                    update_inbox.c.claimed_at < stale_before,
                )
                .values(holder=holder, claimed_at=utcnow(), attempts=update_inbox.c.attempts + 1)
            )
            return bool(result.rowcount == 1)

    async def finish(self, update_id: int, holder: str) -> None:
        """The update was handled (its handler returned or raised)."""
        async with self._db.begin() as conn:
            await conn.execute(
                sa.update(update_inbox)
                .where(update_inbox.c.update_id == update_id, update_inbox.c.holder == holder)
                .values(state=DONE, done_at=utcnow())
            )

    async def renew(self, update_ids: Sequence[int], holder: str) -> None:
        """`holder` is still handling these: its claims stay fresh."""
        if not update_ids:
            return
        async with self._db.begin() as conn:
            await conn.execute(
                sa.update(update_inbox)
                .where(
                    update_inbox.c.update_id.in_(list(update_ids)),
                    update_inbox.c.holder == holder,
                    update_inbox.c.state == HANDLING,
                )
                .values(claimed_at=utcnow())
            )

    async def stale(self, *, stale_before: datetime, limit: int = 100) -> list[StoredUpdate]:
        """Updates whose holder died while handling them (or before it began), oldest first."""
        async with self._db.connect() as conn:
            rows = await conn.execute(
                sa.select(update_inbox.c.update_id, update_inbox.c.payload, update_inbox.c.attempts)
                .where(update_inbox.c.state == HANDLING, update_inbox.c.claimed_at < stale_before)
                .order_by(update_inbox.c.update_id)
                .limit(limit)
            )
            return [StoredUpdate(row.update_id, row.payload, row.attempts) for row in rows]

    async def give_up(self, update_id: int, *, stale_before: datetime) -> bool:
        """Stop taking an update that every attempt died with (a poison update must not crash every restart)."""
        async with self._db.begin() as conn:
            result = await conn.execute(
                sa.update(update_inbox)
                .where(
                    update_inbox.c.update_id == update_id,
                    update_inbox.c.state == HANDLING,
                    update_inbox.c.claimed_at < stale_before,
                )
                .values(state=FAILED, done_at=utcnow())
            )
            return bool(result.rowcount == 1)

    async def prune(self, *, before: datetime) -> int:
        """Forget updates finished before `before` (Telegram cannot deliver them again by then)."""
        async with self._db.begin() as conn:
            result = await conn.execute(
                sa.delete(update_inbox).where(update_inbox.c.state != HANDLING, update_inbox.c.done_at < before)
            )
            return max(0, int(result.rowcount))

    async def states(self) -> dict[int, tuple[str, int]]:
        """Every stored update's state and attempts (for diagnostics and tests)."""
        async with self._db.connect() as conn:
            rows = await conn.execute(
                sa.select(update_inbox.c.update_id, update_inbox.c.state, update_inbox.c.attempts)
            )
            return {row.update_id: (row.state, row.attempts) for row in rows}
