"""Read-only figures for /stats and the delivery watchdog."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from storage.database import Database
from storage.outbox import PENDING
from storage.schema import chats, outbox_deliveries, sources, subscriptions


@dataclass(frozen=True, slots=True)
class Figures:
    """Subscribers, chats and deliveries at one moment."""

    by_language: dict[str, int]
    by_scope: dict[str, int]
    by_mode: dict[str, int]
    active: int
    paused: int
    blocked: int
    chats_by_type: dict[str, int]
    sent_day: int
    sent_week: int
    failed_day: int
    failed_week: int
    queue: int


class StatsRepository:
    """Counts over chats, subscriptions and the outbox (bound parameters, grouped in the database)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def figures(self, now: datetime) -> Figures:
        """Everything /stats shows except source health."""
        listening = sa.and_(chats.c.active.is_(True), subscriptions.c.paused.is_(False))
        joined = subscriptions.join(chats, chats.c.id == subscriptions.c.chat_id)
        d = outbox_deliveries
        day, week = now - timedelta(days=1), now - timedelta(days=7)
        failed = d.c.status.in_(("failed", "blocked"))
        async with self._db.connect() as conn:

            async def grouped(column: sa.ColumnElement[str]) -> dict[str, int]:
                query = sa.select(column, sa.func.count()).select_from(joined).where(listening).group_by(column)
                return {str(key): int(count) for key, count in (await conn.execute(query)).all()}

            async def count(query: sa.Select[Any]) -> int:
                return int((await conn.execute(query)).scalar() or 0)

            n = sa.func.count()
            by_language = await grouped(chats.c.language)
            by_scope = await grouped(subscriptions.c.scope)
            by_mode = await grouped(subscriptions.c.mode)
            active = await count(sa.select(n).select_from(joined).where(listening))
            paused = await count(
                sa.select(n).select_from(joined).where(chats.c.active.is_(True), subscriptions.c.paused.is_(True))
            )
            blocked = await count(sa.select(n).select_from(joined).where(chats.c.active.is_(False)))
            types = (await conn.execute(sa.select(chats.c.type, n).group_by(chats.c.type))).all()
            sent_day = await count(sa.select(n).where(d.c.status == "sent", d.c.sent_at >= day))
            sent_week = await count(sa.select(n).where(d.c.status == "sent", d.c.sent_at >= week))
            # A row given up keeps the time of its last attempt in next_attempt_at.
            failed_day = await count(sa.select(n).where(failed, d.c.next_attempt_at >= day))
            failed_week = await count(sa.select(n).where(failed, d.c.next_attempt_at >= week))
            queue = await count(sa.select(n).where(d.c.status.in_(PENDING)))
        return Figures(
            by_language=by_language,
            by_scope=by_scope,
            by_mode=by_mode,
            active=active,
            paused=paused,
            blocked=blocked,
            chats_by_type={str(kind): int(c) for kind, c in types},
            sent_day=sent_day,
            sent_week=sent_week,
            failed_day=failed_day,
            failed_week=failed_week,
            queue=queue,
        )

    async def delivery_health(self, since: datetime, now: datetime) -> tuple[int, datetime | None, int]:
        """Rows due before `since` still waiting, the last successful send, and failures since `since`."""
        d = outbox_deliveries
        async with self._db.connect() as conn:
            overdue = (
                await conn.execute(
                    sa.select(sa.func.count()).where(d.c.status.in_(PENDING), d.c.next_attempt_at <= since)
                )
            ).scalar()
            last_sent = (await conn.execute(sa.select(sa.func.max(d.c.sent_at)))).scalar()
            failures = (
                await conn.execute(
                    sa.select(sa.func.count()).where(
                        d.c.status == "failed", d.c.next_attempt_at >= since, d.c.next_attempt_at <= now
                    )
                )
            ).scalar()
        return int(overdue or 0), last_sent, int(failures or 0)

    async def oldest_overdue_source(self, now: datetime) -> datetime | None:
        """The earliest next check of an enabled source that is due and not being polled right now."""
        s = sources.c
        async with self._db.connect() as conn:
            oldest: datetime | None = (
                await conn.execute(
                    sa.select(sa.func.min(s.next_check_at)).where(
                        s.enabled.is_(True),
                        s.removed.is_(False),
                        s.next_check_at <= now,
                        sa.or_(s.polling_until.is_(None), s.polling_until < now),
                    )
                )
            ).scalar()
        return oldest
