"""Pruning what the bot no longer needs, so the database grows only with real data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from storage.database import Database
from storage.schema import (
    audit_log,
    digest_items,
    outbox_deliveries,
    outbox_messages,
    seen_keys,
    sources,
    subscriptions,
)

# Rows in these states are finished: nothing reads them again except counters of old broadcasts.
FINISHED_DELIVERIES = ("sent", "failed", "blocked", "cancelled", "superseded")
DIGEST_MODES = ("daily", "weekly")


@dataclass(frozen=True, slots=True)
class Retention:
    """How much history to keep."""

    outbox: timedelta = timedelta(days=30)
    audit: timedelta = timedelta(days=365)
    history_size: int = 1000  # seen item keys per source


@dataclass(frozen=True, slots=True)
class PruneReport:
    """Rows deleted by one housekeeping run, per table."""

    seen_keys: int = 0
    deliveries: int = 0
    messages: int = 0
    digest_items: int = 0
    audit: int = 0

    @property
    def total(self) -> int:
        return self.seen_keys + self.deliveries + self.messages + self.digest_items + self.audit


class Housekeeping:
    """Deletes expired rows; each table is pruned in its own short transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def prune(self, now: datetime, retention: Retention) -> PruneReport:
        """Delete seen keys beyond each source's history (all of a removed source's), finished deliveries older
        than the outbox retention and the messages nothing references any more, digest items nobody will
        get (no digest subscription, or older than the outbox retention) and audit entries past their retention.
        """
        outbox_cutoff = now - retention.outbox
        return PruneReport(
            seen_keys=await self._prune_seen_keys(retention.history_size),
            deliveries=await self._delete(
                sa.delete(outbox_deliveries).where(
                    outbox_deliveries.c.status.in_(FINISHED_DELIVERIES), outbox_deliveries.c.created_at < outbox_cutoff
                )
            ),
            messages=await self._delete(
                sa.delete(outbox_messages).where(
                    outbox_messages.c.created_at < outbox_cutoff,  # a fresh message may not have its rows yet
                    ~sa.exists().where(outbox_deliveries.c.message_id == outbox_messages.c.id),
                )
            ),
            digest_items=await self._delete(
                sa.delete(digest_items).where(
                    sa.or_(
                        digest_items.c.queued_at < outbox_cutoff,
                        ~sa.exists().where(
                            subscriptions.c.chat_id == digest_items.c.chat_id, subscriptions.c.mode.in_(DIGEST_MODES)
                        ),
                    )
                )
            ),
            audit=await self._delete(sa.delete(audit_log).where(audit_log.c.at < now - retention.audit)),
        )

    async def _delete(self, statement: sa.Delete) -> int:
        async with self._db.begin() as conn:
            return (await conn.execute(statement)).rowcount or 0

    async def _prune_seen_keys(self, history_size: int) -> int:
        deleted = await self._delete(
            sa.delete(seen_keys).where(
                seen_keys.c.source_id.in_(sa.select(sources.c.id).where(sources.c.removed.is_(True)))
            )
        )
        async with self._db.connect() as conn:
            crowded = (
                await conn.execute(
                    sa.select(seen_keys.c.source_id)
                    .group_by(seen_keys.c.source_id)
                    .having(sa.func.count() > history_size)
                )
            ).scalars()
            source_ids = list(crowded)
        for source_id in source_ids:
            newest = (
                sa.select(seen_keys.c.key_hash)
                .where(seen_keys.c.source_id == source_id)
                .order_by(seen_keys.c.seen_at.desc())
                .limit(history_size)
            )
            deleted += await self._delete(
                sa.delete(seen_keys).where(
                    seen_keys.c.source_id == source_id, seen_keys.c.key_hash.not_in(newest.scalar_subquery())
                )
            )
        return deleted
