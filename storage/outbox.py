"""The outbox: messages to send and one delivery row per (message, recipient), written before any send."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.clock import utcnow
from storage.database import Database
from storage.schema import chats, digest_items, outbox_deliveries, outbox_messages, subscriptions
from storage.sql import insert_ignoring_duplicates, insert_selected

logger = logging.getLogger(__name__)

PENDING = ("queued", "sending")
# PostgreSQL's NOTIFY channel: a transaction that queued rows says so at its commit, to every process listening.
QUEUED_CHANNEL = "outbox_queued"
# Built once, so its compiled form is found in SQLAlchemy's cache without building its cache key again for
# every group of results the sender commits (several a second).
_MARK_SENT = (
    sa.update(outbox_deliveries)
    .where(outbox_deliveries.c.id == sa.bindparam("row_id"))
    .values(
        status="sent",
        sent_at=sa.bindparam("sent", type_=outbox_deliveries.c.sent_at.type),
        error=None,
        telegram_message_id=sa.func.coalesce(
            sa.bindparam("telegram_id", type_=sa.BigInteger), outbox_deliveries.c.telegram_message_id
        ),
        sent_kind=sa.func.coalesce(sa.bindparam("kind", type_=sa.String), outbox_deliveries.c.sent_kind),
    )
)

# The claim's statements, built once: the sender claims several times a second when busy and every few seconds
# when idle, and building the claim (its correlated subquery, its cache key) cost a quarter of an idle bot's CPU.
# Only the columns the sender needs: no timestamps to convert, and the message (its JSON payload) is read once per
# message, not once per row.
_earlier = outbox_deliveries.alias("earlier")
_target = outbox_deliveries.alias("target")
_CLAIM = (
    sa.select(
        outbox_deliveries.c.id,
        outbox_deliveries.c.chat_id,
        outbox_deliveries.c.message_thread_id,
        outbox_deliveries.c.attempts,
        outbox_deliveries.c.errors,
        outbox_deliveries.c.plain_text,
        outbox_deliveries.c.message_id,
        _target.c.telegram_message_id,
        _target.c.sent_kind,
    )
    .outerjoin(_target, sa.and_(_target.c.id == outbox_deliveries.c.replaces_id, _target.c.status == "sent"))
    .where(
        outbox_deliveries.c.status == "queued",
        outbox_deliveries.c.next_attempt_at <= sa.bindparam("now", type_=outbox_deliveries.c.next_attempt_at.type),
        ~sa.exists().where(
            _earlier.c.chat_id == outbox_deliveries.c.chat_id,
            _earlier.c.status.in_(PENDING),
            _earlier.c.id < outbox_deliveries.c.id,
        ),
    )
    .order_by(outbox_deliveries.c.id)
    .limit(sa.bindparam("limit", type_=sa.Integer))
)
_SENDING = (
    sa.update(outbox_deliveries)
    .where(outbox_deliveries.c.id.in_(sa.bindparam("ids", expanding=True)))
    .values(status="sending", attempts=outbox_deliveries.c.attempts + 1)
)
_POSTPONE = (
    sa.update(outbox_deliveries)
    .where(outbox_deliveries.c.id == sa.bindparam("row_id"))
    .values(next_attempt_at=sa.bindparam("at", type_=outbox_deliveries.c.next_attempt_at.type))
)
_ORPHANED = (
    sa.update(outbox_deliveries)
    .where(outbox_deliveries.c.id.in_(sa.bindparam("ids", expanding=True)))
    .values(status="failed", error="its message no longer exists")
)
_NOTIFY_QUEUED = sa.select(sa.func.pg_notify(QUEUED_CHANNEL, ""))
_MESSAGES = sa.select(
    outbox_messages.c.id,
    outbox_messages.c.kind,
    outbox_messages.c.payload,
    outbox_messages.c.copy_from_chat_id,
    outbox_messages.c.copy_message_id,
).where(outbox_messages.c.id.in_(sa.bindparam("ids", expanding=True)))


@dataclass(frozen=True, slots=True)
class Recipient:
    """Where one copy of a message goes: a chat, and in a forum supergroup the topic."""

    chat_id: int
    message_thread_id: int | None = None
    not_before: datetime | None = None  # quiet hours: the sender does not claim the row before this
    replaces_id: int | None = None  # an edit in place of this earlier delivery's message


@dataclass(frozen=True, slots=True)
class StoryCopy:
    """What a chat has of a story: its latest delivery, the language of the version it carries, and whether that
    is still on its way (`status` queued or sending; `due` is when it may go: a quiet-hours row waits)."""

    delivery_id: int
    language: str
    status: str = "sent"
    due: datetime | None = None
    replaces_id: int | None = None  # the copy is itself an edit of this earlier delivery's message
    key: str | None = None  # its message's dedup key: "entry:<entry id>:..." names the entry it carries

    @property
    def queued(self) -> bool:
        """Not claimed by the sender yet: a better version can take its place instead of editing it."""
        return self.status == "queued"

    @property
    def waiting(self) -> bool:
        return self.status in PENDING


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """What is sent: a rendered payload, or a message to copy from a chat."""

    id: int
    kind: str
    payload: dict[str, Any] | None
    copy_from_chat_id: int | None
    copy_message_id: int | None


@dataclass(frozen=True, slots=True)
class ClaimedDelivery:
    """One (message, recipient) pair the sender has claimed."""

    id: int
    chat_id: int
    message_thread_id: int | None
    attempts: int
    errors: int
    plain_text: bool
    message: OutboxMessage
    # An edit: the Telegram message to rewrite and how it was sent (text or photo); None sends a new message.
    edit_target: tuple[int, str] | None = None


@dataclass(frozen=True, slots=True)
class MessageCounters:
    """How far a message's delivery has come; `queued` includes the rows being sent right now."""

    message_id: int
    queued: int
    sent: int
    failed: int
    blocked: int
    cancelled: int

    @property
    def total(self) -> int:
        return self.queued + self.sent + self.failed + self.blocked + self.cancelled

    @property
    def done(self) -> bool:
        return self.queued == 0


class Outbox:
    """Reads and writes `outbox_messages` and `outbox_deliveries`."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._watchers: list[Callable[[], None]] = []

    def watch(self, callback: Callable[[], None]) -> None:
        """Call `callback` after every commit of this process that queued rows (the sender wakes up)."""
        self._watchers.append(callback)

    @property
    def shared(self) -> bool:
        """Other processes' queued rows can be heard of (`listen`): PostgreSQL, not SQLite."""
        return not self._db.is_sqlite

    async def listen(self, callback: Callable[[], None]) -> None:
        """Call `callback` whenever any process commits queued rows, until cancelled: LISTEN on a connection held
        for it. Raises when that connection is lost, so that its supervisor listens again on a new one."""
        async with self._db.connect() as conn:
            raw = (await conn.get_raw_connection()).driver_connection
            if raw is None:
                raise ConnectionError("no driver connection to listen on")
            lost: asyncio.Future[None] = asyncio.get_running_loop().create_future()

            def notified(*_args: object) -> None:
                callback()

            def terminated(*_args: object) -> None:
                if not lost.done():
                    lost.set_result(None)

            await raw.add_listener(QUEUED_CHANNEL, notified)
            raw.add_termination_listener(terminated)
            try:
                await lost
            finally:
                raw.remove_termination_listener(terminated)
                if not raw.is_closed():
                    await raw.remove_listener(QUEUED_CHANNEL, notified)
        raise ConnectionError("the connection listening for queued rows was lost")

    async def _say_queued(self, conn: AsyncConnection, rows: int) -> None:
        """In the transaction that queued `rows`: on PostgreSQL, tell the other processes at its commit."""
        if rows and conn.dialect.name == "postgresql":
            await conn.execute(_NOTIFY_QUEUED)

    def notify_watchers(self) -> None:
        """Rows were queued (by this process, or by another as `listen` hears): call every watcher."""
        for callback in self._watchers:
            callback()

    def _queued(self, rows: int) -> int:
        """After the commit that queued `rows`: wake this process's watchers; returns `rows`."""
        if rows:
            self.notify_watchers()
        return rows

    async def add_message(
        self,
        kind: str,
        *,
        dedup_key: str | None = None,
        payload: dict[str, Any] | None = None,
        copy_from: tuple[int, int] | None = None,
        created_by: int | None = None,
        story: tuple[int, str] | None = None,
    ) -> int:
        """Store a message and return its id; a message with the same `dedup_key` is returned, not repeated.

        `story` (story id, language of the version) marks a news message, so later versions can find it.
        """
        message_id, _ = await self.new_message(
            kind, dedup_key=dedup_key, payload=payload, copy_from=copy_from, created_by=created_by, story=story
        )
        return message_id

    async def new_message(
        self,
        kind: str,
        *,
        dedup_key: str | None = None,
        payload: dict[str, Any] | None = None,
        copy_from: tuple[int, int] | None = None,
        created_by: int | None = None,
        story: tuple[int, str] | None = None,
    ) -> tuple[int, bool]:
        """`add_message`, and whether the message is new (False: one with the same `dedup_key` was there)."""
        if (payload is None) == (copy_from is None):
            raise ValueError("a message has either a payload or a message to copy")
        values = {
            "kind": kind,
            "dedup_key": dedup_key,
            "payload": payload,
            "copy_from_chat_id": copy_from[0] if copy_from else None,
            "copy_message_id": copy_from[1] if copy_from else None,
            "created_by": created_by,
            "created_at": utcnow(),
            "story_id": story[0] if story else None,
            "language": story[1] if story else None,
        }
        async with self._db.begin() as conn:
            if dedup_key is None:
                inserted = sa.insert(outbox_messages).values(**values).returning(outbox_messages.c.id)
                return int((await conn.execute(inserted)).scalar_one()), True
            new = await insert_ignoring_duplicates(conn, outbox_messages, [values], ("dedup_key",))
            found = await conn.execute(sa.select(outbox_messages.c.id).where(outbox_messages.c.dedup_key == dedup_key))
            return int(found.scalar_one()), bool(new)

    async def add_deliveries(self, message_id: int, recipients: Iterable[Recipient]) -> int:
        """Queue the message for each recipient once; returns how many rows are new."""
        now = utcnow()
        rows = [
            {
                "message_id": message_id,
                "chat_id": r.chat_id,
                "message_thread_id": r.message_thread_id,
                "status": "queued",
                "attempts": 0,
                "errors": 0,
                "plain_text": False,
                "next_attempt_at": r.not_before or now,
                "replaces_id": r.replaces_id,
                "created_at": now,
            }
            for r in recipients
        ]
        async with self._db.begin() as conn:
            inserted = await insert_ignoring_duplicates(conn, outbox_deliveries, rows, ("message_id", "chat_id"))
            await self._say_queued(conn, inserted)
        return self._queued(inserted)

    async def add_deliveries_from(self, recipients: sa.Select[Any], *, new_messages: bool = False) -> int:
        """Queue the (message_id, chat_id, message_thread_id) rows of a query (with a WHERE clause: SQLite needs
        one before ON CONFLICT), each pair once, without loading them (INSERT ... SELECT); returns the new rows.

        `new_messages`: the query's messages were just stored by this process, which queues each pair once, so no
        row can be there yet: a plain INSERT, without PostgreSQL's speculative insertion for ON CONFLICT (15% of
        a fan-out's server time). Should another process have queued some pairs meanwhile (it found the messages
        by their dedup keys), the unique constraint refuses the statement and it runs again skipping those."""
        now = utcnow()
        rows = recipients.add_columns(
            sa.literal("queued").label("status"),
            sa.literal(0).label("attempts"),
            sa.literal(0).label("errors"),
            sa.literal(False).label("plain_text"),
            sa.literal(now, outbox_deliveries.c.next_attempt_at.type).label("next_attempt_at"),
            sa.literal(now, outbox_deliveries.c.created_at.type).label("created_at"),
        )
        if new_messages:
            try:
                async with self._db.begin() as conn:
                    inserted = await insert_selected(conn, outbox_deliveries, rows, ())
                    await self._say_queued(conn, inserted)
                return self._queued(inserted)
            except sa.exc.IntegrityError:
                # Another process queued some of these pairs meanwhile: queued again below, skipping those (the
                # unique constraint refused the whole statement, so nothing of it was written).
                logger.info("outbox.enqueue_again", extra={"reason": "pairs queued by another process"})
        async with self._db.begin() as conn:
            inserted = await insert_selected(conn, outbox_deliveries, rows, ("message_id", "chat_id"))
            await self._say_queued(conn, inserted)
        return self._queued(inserted)

    async def queued_for(self, chat_id: int, dedup_keys: Sequence[str]) -> bool:
        """True when one of the messages with these dedup keys has a row for the chat."""
        query = (
            sa.select(outbox_deliveries.c.id)
            .join(outbox_messages, outbox_messages.c.id == outbox_deliveries.c.message_id)
            .where(outbox_messages.c.dedup_key.in_(list(dedup_keys)), outbox_deliveries.c.chat_id == chat_id)
            .limit(1)
        )
        async with self._db.connect() as conn:
            return (await conn.execute(query)).first() is not None

    async def story_copies(self, story_id: int) -> dict[int, StoryCopy]:
        """Per chat, the latest delivery of this story that is sent or still on its way (for edits in place)."""
        d, m = outbox_deliveries, outbox_messages
        query = (
            sa.select(
                d.c.chat_id, d.c.id, m.c.language, d.c.status, d.c.next_attempt_at, d.c.replaces_id, m.c.dedup_key
            )
            .join(m, m.c.id == d.c.message_id)
            .where(m.c.story_id == story_id, d.c.status.in_(("queued", "sending", "sent")))
            .order_by(d.c.id)
        )
        async with self._db.connect() as conn:
            rows = (await conn.execute(query)).all()
        return {
            row.chat_id: StoryCopy(
                row.id, row.language, row.status, row.next_attempt_at, row.replaces_id, row.dedup_key
            )
            for row in rows
        }

    async def posts_in(self, chat_id: int, story_ids: Sequence[int]) -> dict[int, int]:
        """Story -> the Telegram message id of the chat's sent post of it (an official channel's: one per story,
        its later versions edits of that message)."""
        d, m = outbox_deliveries, outbox_messages
        found: dict[int, int] = {}
        async with self._db.connect() as conn:
            for start in range(0, len(story_ids), 500):
                rows = await conn.execute(
                    sa.select(m.c.story_id, d.c.telegram_message_id)
                    .join(m, m.c.id == d.c.message_id)
                    .where(
                        d.c.chat_id == chat_id,
                        d.c.status == "sent",
                        d.c.telegram_message_id.is_not(None),
                        m.c.story_id.in_(list(story_ids[start : start + 500])),
                    )
                    .order_by(d.c.id)
                )
                for story_id, message_id in rows:
                    found.setdefault(int(story_id), int(message_id))
        return found

    async def supersede(self, delivery_ids: Sequence[int], reason: str) -> set[int]:
        """Take back rows not claimed yet, because a better version of their story replaces them; returns the ids
        taken back (a row the sender claimed meanwhile goes out, and is then edited instead)."""
        d = outbox_deliveries
        taken: set[int] = set()
        async with self._db.begin() as conn:
            for start in range(0, len(delivery_ids), 500):
                chunk = list(delivery_ids[start : start + 500])
                result = await conn.execute(
                    sa.update(d)
                    .where(d.c.id.in_(chunk), d.c.status == "queued")
                    .values(status="superseded", error=reason[:200])
                    .returning(d.c.id)
                )
                taken.update(result.scalars())
        return taken

    async def reset_in_flight(self) -> int:
        """Return rows left `sending` by a crash to the queue; they are retried (the only possible duplicates)."""
        async with self._db.begin() as conn:
            result = await conn.execute(
                sa.update(outbox_deliveries)
                .where(outbox_deliveries.c.status == "sending")
                .values(status="queued", next_attempt_at=utcnow())
            )
        return int(result.rowcount)

    async def claim(
        self, *, now: datetime, limit: int, not_before: Callable[[int], datetime | None] | None = None
    ) -> list[ClaimedDelivery]:
        """Mark up to `limit` due rows as `sending` and return them with their messages.

        Only the oldest pending row of each chat is due, so one chat's messages go out in order.
        `not_before(chat_id)` paces chats: a row whose chat is not ready yet is postponed to that time.
        """
        claimed: list[ClaimedDelivery] = []
        postponed: list[tuple[int, datetime]] = []
        async with self._db.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Walk the due index in send order and stop after `limit` rows. Right after a big fan-out the
                # statistics still say the queue is small, and PostgreSQL would sort every queued row instead
                # (280 ms per claim at 100k queued rows, against 1 ms).
                await conn.exec_driver_sql("SET LOCAL enable_sort = off")
                await conn.exec_driver_sql("SET LOCAL enable_hashjoin = off")
            rows = (await conn.execute(_CLAIM, {"now": now, "limit": limit})).all()
            messages = await self._messages(conn, {row[6] for row in rows}) if rows else {}
            orphans: list[int] = []
            for row_id, chat_id, thread_id, attempts, errors, plain, message_id, target_id, target_kind in rows:
                if message_id not in messages:
                    # No foreign key holds a message for its rows (its check was a third of a fan-out's cost):
                    # a row whose message is gone can never be sent. It is given up, not claimed.
                    orphans.append(row_id)
                    continue
                wait_until = not_before(chat_id) if not_before else None
                if wait_until is not None and wait_until > now:
                    postponed.append((row_id, wait_until))
                    continue
                claimed.append(
                    ClaimedDelivery(
                        row_id,
                        chat_id,
                        thread_id,
                        attempts + 1,
                        errors,
                        plain,
                        messages[message_id],
                        edit_target=(target_id, target_kind) if target_id is not None and target_kind else None,
                    )
                )
            if claimed:
                await conn.execute(_SENDING, {"ids": [c.id for c in claimed]})
            if postponed:
                await conn.execute(_POSTPONE, [{"row_id": row_id, "at": at} for row_id, at in postponed])
            if orphans:
                await conn.execute(_ORPHANED, {"ids": orphans})
        return claimed

    @staticmethod
    async def _messages(conn: AsyncConnection, ids: set[int]) -> dict[int, OutboxMessage]:
        # Read once per claim, not once per row: a fan-out's batch of hundreds of rows shares one message.
        return {row.id: OutboxMessage(*row) for row in await conn.execute(_MESSAGES, {"ids": list(ids)})}

    async def release(self, ids: Sequence[int]) -> None:
        """Return claimed rows that were never tried to the queue (the sender is stopping)."""
        if not ids:
            return
        d = outbox_deliveries
        async with self._db.begin() as conn:
            await conn.execute(
                sa.update(d)
                .where(d.c.id.in_(list(ids)), d.c.status == "sending")
                .values(status="queued", attempts=d.c.attempts - 1)
            )

    async def mark_sent(
        self, ids: Sequence[int], *, at: datetime | None = None, messages: dict[int, tuple[int, str]] | None = None
    ) -> None:
        """Record rows as delivered (one transaction for a whole batch).

        `messages` maps a row to the Telegram message it became (id, "text" or "photo"), kept for edits in place.
        """
        if not ids:
            return
        sent_at = at or utcnow()
        messages = messages or {}
        # One statement for the whole group: each row with the Telegram message it became (or none).
        rows = [
            {"row_id": row_id, "sent": sent_at, "telegram_id": message[0], "kind": message[1]}
            if (message := messages.get(row_id)) is not None
            else {"row_id": row_id, "sent": sent_at, "telegram_id": None, "kind": None}
            for row_id in dict.fromkeys(ids)
        ]
        async with self._db.begin() as conn:
            await conn.execute(_MARK_SENT, rows)

    async def retry(
        self, row_id: int, *, at: datetime, error: str, transient: bool = False, plain_text: bool | None = None
    ) -> None:
        """Put a row back in the queue for `at`; `transient` counts it against the cap on errors."""
        d = outbox_deliveries
        values: dict[str, Any] = {"status": "queued", "next_attempt_at": at, "error": error}
        if transient:
            values["errors"] = d.c.errors + 1
        if plain_text is not None:
            values["plain_text"] = plain_text
        async with self._db.begin() as conn:
            # A row cancelled while it was being sent stays cancelled.
            await conn.execute(sa.update(d).where(d.c.id == row_id, d.c.status.in_(PENDING)).values(**values))

    async def fail(self, row_id: int, error: str) -> None:
        """Give up on a row, keeping the error."""
        async with self._db.begin() as conn:
            await conn.execute(
                sa.update(outbox_deliveries)
                .where(outbox_deliveries.c.id == row_id)
                .values(status="failed", error=error)
            )

    async def block_chat(self, chat_id: int, error: str) -> int:
        """The chat cannot be reached: deactivate it and mark all its pending rows `blocked`."""
        async with self._db.begin() as conn:
            await conn.execute(sa.update(chats).where(chats.c.id == chat_id).values(active=False, updated_at=utcnow()))
            result = await conn.execute(
                sa.update(outbox_deliveries)
                .where(outbox_deliveries.c.chat_id == chat_id, outbox_deliveries.c.status.in_(PENDING))
                .values(status="blocked", error=error)
            )
        return int(result.rowcount)

    async def cancel_chat(self, chat_id: int) -> int:
        """The chat left (/stop): its queued rows are cancelled, not sent."""
        async with self._db.begin() as conn:
            result = await conn.execute(
                sa.update(outbox_deliveries)
                .where(outbox_deliveries.c.chat_id == chat_id, outbox_deliveries.c.status == "queued")
                .values(status="cancelled", error="unsubscribed")
            )
        return int(result.rowcount)

    async def cancel_message(self, message_id: int) -> int:
        """Stop a message (an admin cancelled a broadcast): its pending rows are cancelled.

        A row being sent at this moment still goes out (and is then recorded `sent`); a claimed row not sent yet
        is dropped by the sender (`Sender.forget_message`) and never returns to the queue.
        """
        async with self._db.begin() as conn:
            result = await conn.execute(
                sa.update(outbox_deliveries)
                .where(outbox_deliveries.c.message_id == message_id, outbox_deliveries.c.status.in_(PENDING))
                .values(status="cancelled", error="cancelled by an admin")
            )
        return int(result.rowcount)

    async def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: its chat, subscription, digest items and pending rows follow the new id."""
        async with self._db.begin() as conn:
            old = (await conn.execute(sa.select(chats).where(chats.c.id == old_id))).first()
            known = (await conn.execute(sa.select(chats.c.id).where(chats.c.id == new_id))).first()
            now = utcnow()
            if old is not None and known is None:
                values = dict(old._mapping) | {"id": new_id, "type": "supergroup", "updated_at": now}
                await conn.execute(sa.insert(chats).values(**values))
            if old is not None:
                await conn.execute(sa.update(chats).where(chats.c.id == old_id).values(active=False, updated_at=now))
            has_new_subscription = (
                await conn.execute(sa.select(subscriptions.c.chat_id).where(subscriptions.c.chat_id == new_id))
            ).first()
            if has_new_subscription is None and (known is not None or old is not None):
                await conn.execute(
                    sa.update(subscriptions)
                    .where(subscriptions.c.chat_id == old_id)
                    .values(chat_id=new_id, updated_at=now)
                )
            await conn.execute(sa.update(digest_items).where(digest_items.c.chat_id == old_id).values(chat_id=new_id))
            # A message already queued for the new id keeps that row; the old id's copy would be a duplicate.
            taken = sa.select(outbox_deliveries.c.message_id).where(outbox_deliveries.c.chat_id == new_id)
            await conn.execute(
                sa.update(outbox_deliveries)
                .where(
                    outbox_deliveries.c.chat_id == old_id,
                    outbox_deliveries.c.status.in_(PENDING),
                    outbox_deliveries.c.message_id.in_(taken),
                )
                .values(status="cancelled", error=f"migrated to {new_id}, already queued there")
            )
            await conn.execute(
                sa.update(outbox_deliveries)
                .where(outbox_deliveries.c.chat_id == old_id, outbox_deliveries.c.status.in_(PENDING))
                .values(chat_id=new_id, status="queued", next_attempt_at=now)
            )

    async def counters(self, message_id: int) -> MessageCounters:
        """Queued, sent, failed, blocked and cancelled rows of one message (for /stats and progress reports)."""
        counts = await self.counters_many([message_id])
        return counts[message_id]

    async def counters_many(self, message_ids: Sequence[int]) -> dict[int, MessageCounters]:
        """Counters of several messages at once."""
        d = outbox_deliveries
        query = (
            sa.select(d.c.message_id, d.c.status, sa.func.count())
            .where(d.c.message_id.in_(list(message_ids)))
            .group_by(d.c.message_id, d.c.status)
        )
        by_message: dict[int, dict[str, int]] = {mid: {} for mid in message_ids}
        async with self._db.connect() as conn:
            for message_id, status, count in (await conn.execute(query)).all():
                by_message[message_id][status] = count
        return {
            mid: MessageCounters(
                message_id=mid,
                queued=counts.get("queued", 0) + counts.get("sending", 0),
                sent=counts.get("sent", 0),
                failed=counts.get("failed", 0),
                blocked=counts.get("blocked", 0),
                cancelled=counts.get("cancelled", 0),
            )
            for mid, counts in by_message.items()
        }

    async def pending_count(self) -> int:
        """Rows not yet delivered or given up (queued or being sent), over all messages."""
        d = outbox_deliveries
        async with self._db.connect() as conn:
            value = (await conn.execute(sa.select(sa.func.count()).where(d.c.status.in_(PENDING)))).scalar()
        return int(value or 0)
