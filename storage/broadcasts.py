"""The broadcasts repository: admin broadcasts from draft to report, and who they go to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from domain.broadcasts import Audience
from domain.clock import utcnow
from storage.database import Database
from storage.outbox import Recipient
from storage.schema import broadcasts, chats, subscriptions

AUDIENCES = tuple(audience.value for audience in Audience)
_NEXT_DUE = sa.select(sa.func.min(broadcasts.c.due_at)).where(broadcasts.c.status == "scheduled")


@dataclass(frozen=True, slots=True)
class Broadcast:
    """An admin's message to many subscribers, and how far its delivery has come."""

    id: int
    created_by: int
    source_chat_id: int
    source_message_id: int
    audience: str | None
    status: str  # draft pending (a second admin's approval) scheduled sending done cancelled expired
    due_at: datetime | None
    outbox_message_id: int | None
    recipients: int
    report_chat_id: int | None
    report_message_id: int | None
    report_language: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    text: str | None = None  # the message's HTML (text or caption)
    requested_at: datetime | None = None
    approved_by: int | None = None
    approved_at: datetime | None = None


def _broadcast(row: sa.Row[Any]) -> Broadcast:
    return Broadcast(**row._mapping)


def _audience_filter(audience: str) -> list[sa.ColumnElement[bool]]:
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    kind, _, value = audience.partition("-")
    if kind == "lang":
        return [chats.c.language == value]
    if kind == "scope":
        return [subscriptions.c.scope == value]
    if kind == "groups":
        return [chats.c.type != "private"]
    if kind == "private":
        return [chats.c.type == "private"]
    return []


class BroadcastRepository:
    """Reads and writes the `broadcasts` table; status changes are conditional, so two replicas never race."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self, *, created_by: int, source: tuple[int, int], language: str, text: str | None = None
    ) -> Broadcast:
        """A new draft for the admin's message `source` (chat id, message id) and its HTML `text`."""
        async with self._db.begin() as conn:
            inserted = await conn.execute(
                sa.insert(broadcasts)
                .values(
                    created_by=created_by,
                    source_chat_id=source[0],
                    source_message_id=source[1],
                    status="draft",
                    recipients=0,
                    report_language=language,
                    created_at=utcnow(),
                    text=text,
                )
                .returning(broadcasts.c.id)
            )
            broadcast_id = int(inserted.scalar_one())
            row = (await conn.execute(sa.select(broadcasts).where(broadcasts.c.id == broadcast_id))).one()
        return _broadcast(row)

    async def get(self, broadcast_id: int) -> Broadcast | None:
        """The broadcast, or None."""
        async with self._db.connect() as conn:
            row = (await conn.execute(sa.select(broadcasts).where(broadcasts.c.id == broadcast_id))).first()
        return _broadcast(row) if row else None

    async def _update(self, broadcast_id: int, statuses: tuple[str, ...], **values: Any) -> bool:
        async with self._db.begin() as conn:
            result = await conn.execute(
                sa.update(broadcasts)
                .where(broadcasts.c.id == broadcast_id, broadcasts.c.status.in_(statuses))
                .values(**values)
            )
        return bool(result.rowcount)

    async def set_audience(self, broadcast_id: int, audience: str, recipients: int) -> bool:
        """Choose the audience of a draft; False when it is no longer a draft."""
        return await self._update(broadcast_id, ("draft",), audience=audience, recipients=recipients)

    async def schedule(self, broadcast_id: int, due_at: datetime) -> bool:
        """A draft with an audience becomes due at `due_at`; False when it is no longer a draft."""
        return await self._update(broadcast_id, ("draft",), status="scheduled", due_at=due_at)

    async def claim_start(self, broadcast_id: int, approved_by: int | None = None) -> bool:
        """Draft or scheduled becomes sending; only one caller (one replica) ever gets True. `approved_by`: the
        admin who let it go (a scheduled one keeps the admin who scheduled it)."""
        now = utcnow()
        approval = {} if approved_by is None else {"approved_by": approved_by, "approved_at": now}
        return await self._update(broadcast_id, ("draft", "scheduled"), status="sending", started_at=now, **approval)

    async def approve_schedule(self, broadcast_id: int, admin_id: int) -> None:
        """The admin who scheduled a draft approved it for its time."""
        await self._update(broadcast_id, ("scheduled",), approved_by=admin_id, approved_at=utcnow())

    async def request_approval(self, broadcast_id: int, now: datetime) -> bool:
        """A draft with an audience waits for a second admin; False when it is no longer a draft."""
        return await self._update(broadcast_id, ("draft",), status="pending", requested_at=now)

    async def claim_approved(self, broadcast_id: int, admin_id: int, now: datetime) -> bool:
        """Pending becomes sending, approved by `admin_id`; only one approver (one replica) ever gets True."""
        return await self._update(
            broadcast_id, ("pending",), status="sending", started_at=now, approved_by=admin_id, approved_at=now
        )

    async def expire(self, broadcast_id: int, now: datetime) -> bool:
        """Pending becomes expired (nobody approved it in time)."""
        return await self._update(broadcast_id, ("pending",), status="expired", finished_at=now)

    async def reject(self, broadcast_id: int, now: datetime) -> bool:
        """Pending becomes cancelled (another admin rejected it)."""
        return await self._update(broadcast_id, ("pending",), status="cancelled", finished_at=now)

    async def set_outbox(self, broadcast_id: int, outbox_message_id: int, recipients: int) -> None:
        """Remember the outbox message that carries the broadcast and how many rows it got."""
        await self._update(
            broadcast_id, ("sending", "cancelled"), outbox_message_id=outbox_message_id, recipients=recipients
        )

    async def set_report(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        """Remember the live progress message."""
        await self._update(
            broadcast_id,
            ("draft", "pending", "scheduled", "sending", "done", "cancelled", "expired"),
            report_chat_id=chat_id,
            report_message_id=message_id,
        )

    async def finish(self, broadcast_id: int) -> bool:
        """Sending becomes done; False when it was cancelled meanwhile."""
        return await self._update(broadcast_id, ("sending",), status="done", finished_at=utcnow())

    async def cancel(self, broadcast_id: int) -> bool:
        """Draft, pending, scheduled or sending becomes cancelled; False when it had already finished."""
        return await self._update(
            broadcast_id, ("draft", "pending", "scheduled", "sending"), status="cancelled", finished_at=utcnow()
        )

    async def due(self, now: datetime) -> list[Broadcast]:
        """Scheduled broadcasts whose time has come, oldest first."""
        query = (
            sa.select(broadcasts)
            .where(broadcasts.c.status == "scheduled", broadcasts.c.due_at <= now)
            .order_by(broadcasts.c.due_at, broadcasts.c.id)
        )
        async with self._db.connect() as conn:
            return [_broadcast(row) for row in (await conn.execute(query)).all()]

    async def next_due(self) -> datetime | None:
        """When the earliest scheduled broadcast falls due (None when none is scheduled)."""
        async with self._db.connect() as conn:
            due: datetime | None = (await conn.execute(_NEXT_DUE)).scalar_one()
        return due

    async def with_status(self, status: str) -> list[Broadcast]:
        """Every broadcast in this status, oldest first."""
        query = sa.select(broadcasts).where(broadcasts.c.status == status).order_by(broadcasts.c.id)
        async with self._db.connect() as conn:
            return [_broadcast(row) for row in (await conn.execute(query)).all()]

    async def recipients(self, audience: str) -> list[Recipient]:
        """Listening subscribers (chat active, subscription not paused) in the audience, in chat id order."""
        query = (
            sa.select(subscriptions.c.chat_id, subscriptions.c.message_thread_id)
            .join(chats, chats.c.id == subscriptions.c.chat_id)
            .where(chats.c.active.is_(True), subscriptions.c.paused.is_(False), *_audience_filter(audience))
            .order_by(subscriptions.c.chat_id)
        )
        async with self._db.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [Recipient(row.chat_id, row.message_thread_id) for row in rows]
