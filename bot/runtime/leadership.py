"""Leadership: one process at a time runs the poller, the sender and the scheduled jobs.

A lease row in the database is renewed every `ttl / 3` seconds. When the holder dies, the lease
expires after `ttl` and a standby process takes over. Work that must not run twice checks `held`.

Every attempt, held or not, is also the instance's probe of the shared database: `database_silence` says how long
the database has not answered one (a stall every instance reports, the standby too), and an attempt that does not
answer within half the lease counts as lost, before the lease it renews (due a third into it) can expire.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime

from bot.runtime.supervision import Supervisor
from domain.clock import utcnow
from storage.leases import LeaseRepository

logger = logging.getLogger(__name__)


def process_identity() -> str:
    """host:pid:random, so a restarted process never mistakes an old lease for its own."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Leadership:
    """Keeps (or waits for) the named lease in a background task."""

    def __init__(
        self,
        leases: LeaseRepository,
        name: str = "leader",
        *,
        ttl: float = 30.0,
        supervisor: Supervisor | None = None,
        clock: Callable[[], datetime] = utcnow,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self._leases = leases
        self._supervisor = supervisor or Supervisor()
        self._clock = clock
        self._sleep = sleep  # between two attempts; a test passes its clock's, to move on without waiting
        self.name = name
        self.ttl = ttl
        self.holder = process_identity()
        self.held = False
        # Each acquisition after not holding starts a new term: work claimed in an earlier term may have been
        # taken over (or its result lost in the stall), so the sender resets what it does not hold in hand.
        self.term = 0
        self.last_answer: datetime | None = None  # the database's last answer to an attempt
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def try_acquire(self) -> bool:
        """One attempt to take or renew the lease; logs every change of state."""
        try:
            held = await asyncio.wait_for(self._leases.acquire(self.name, self.holder, self.ttl), self.ttl / 2)
            self.last_answer = self._clock()
        except Exception:
            logger.exception("lease.error", extra={"lease": self.name})
            held = False
        if held != self.held:
            self.held = held
            self._changed.set()
            if held:
                self.term += 1
                logger.info("lease.acquired", extra={"lease": self.name, "holder": self.holder, "term": self.term})
            else:
                logger.warning("lease.lost", extra={"lease": self.name, "holder": self.holder})
        return held

    def database_silence(self, now: datetime | None = None) -> float | None:
        """Seconds the database has not answered a lease attempt, when that is longer than the lease (a stall of
        the shared database); None while it answers, or before the first attempt."""
        if self.last_answer is None:
            return None
        silent = ((now or self._clock()) - self.last_answer).total_seconds()
        return silent if silent > self.ttl else None

    def start(self) -> None:
        if self._task is None:
            self._task = self._supervisor.spawn(f"lease:{self.name}", self._keep)

    async def wait_held(self) -> None:
        """Return once this process holds the lease."""
        while not self.held:
            self._changed.clear()
            await self._changed.wait()

    async def stop(self) -> None:
        """Stop renewing and release the lease so a standby can take over at once."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.held:
            with contextlib.suppress(Exception):
                await self._leases.release(self.name, self.holder)
            self.held = False

    async def _keep(self) -> None:
        announced = False
        while True:
            held = await self.try_acquire()
            if not held and not announced:
                # Only the log line needs the current holder: a database error here must not end the renewals.
                try:
                    current = await self._leases.current(self.name)
                except Exception:
                    logger.exception("lease.error", extra={"lease": self.name})
                    current = None
                logger.warning(
                    "lease.standby",
                    extra={
                        "lease": self.name,
                        "held_by": current.holder if current else "?",
                        "detail": "another instance runs the poller and the sender on this database; standing by",
                    },
                )
                announced = True
            if held:
                announced = False
            await self._sleep(self.ttl / 3)
