"""The leases repository: take, renew and release a named lease atomically."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from domain.clock import Clock, utcnow
from storage.database import Database
from storage.schema import leases


@dataclass(frozen=True, slots=True)
class LeaseHolder:
    holder: str
    expires_at: datetime


class LeaseRepository:
    """One row per lease name; whoever holds an unexpired row owns the work it names."""

    def __init__(self, db: Database, *, clock: Clock = utcnow) -> None:
        self._db = db
        self._clock = clock  # a lease's expiry is read on this clock (a test moves it instead of waiting)

    async def acquire(self, name: str, holder: str, ttl: float) -> bool:
        """Take the lease if it is free or expired, or renew it if `holder` has it. True when held."""
        now = self._clock()
        expires = now + timedelta(seconds=ttl)
        async with self._db.begin() as conn:
            result = await conn.execute(
                sa.update(leases)
                .where(leases.c.name == name, sa.or_(leases.c.holder == holder, leases.c.expires_at < now))
                .values(holder=holder, expires_at=expires)
            )
            if result.rowcount == 1:
                return True
        try:
            async with self._db.begin() as conn:
                await conn.execute(sa.insert(leases).values(name=name, holder=holder, expires_at=expires))
        except IntegrityError:
            return False  # someone else holds it (or took it a moment ago)
        return True

    async def release(self, name: str, holder: str) -> None:
        """Give the lease up at once, so a standby takes over without waiting for expiry."""
        async with self._db.begin() as conn:
            await conn.execute(sa.delete(leases).where(leases.c.name == name, leases.c.holder == holder))

    async def current(self, name: str) -> LeaseHolder | None:
        """Who holds the lease, or None when nobody has taken it yet."""
        async with self._db.connect() as conn:
            row = (
                await conn.execute(sa.select(leases.c.holder, leases.c.expires_at).where(leases.c.name == name))
            ).first()
        return LeaseHolder(row.holder, row.expires_at) if row else None
