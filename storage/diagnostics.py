"""Read-only queries behind /why: what became of one entry on its way to the subscribers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from storage.database import Database
from storage.schema import digest_items, entries, held_entries, outbox_deliveries, outbox_messages

# Give-up statuses whose error texts are worth counting.
_FAILED = ("failed", "blocked")


@dataclass(frozen=True, slots=True)
class Moderation:
    """An entry's row in the moderation queue."""

    status: str  # held approved skipped
    held_at: datetime
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class EntryTrail:
    """Where the outbox and the digest queue stand for one entry."""

    announced_at: datetime | None
    moderation: Moderation | None
    queued_at: datetime | None  # the first outbox message of the entry
    messages: int  # rendered versions (per language, local day, fallback)
    statuses: dict[str, int]  # deliveries per status
    recipients: int
    errors: list[tuple[str, int]]  # the most common give-up errors, most frequent first
    digest_waiting: int  # subscribers whose next digest holds the entry
    story: StoryLink | None = None  # how the entry relates to other entries of its story


@dataclass(frozen=True, slots=True)
class StoryLink:
    """Why an entry is part of an earlier story (`merged_into`, with its reason), or only looks like one and was
    delivered on its own (`like`, with the likeness)."""

    merged_into: int | None
    reason: str | None
    like: int | None
    likeness: str | None


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    """One subscriber's delivery of the entry."""

    status: str
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None
    attempts: int
    error: str | None


@dataclass(frozen=True, slots=True)
class ChannelStep:
    """One delivery of a story to an official channel: its post, or an edit of the post."""

    chat_id: int
    action: str  # post; version (a better version rewrote the post); correction (the source corrected the text)
    version: str  # the language of the version it carries
    status: str
    sent_at: datetime | None
    due: datetime
    error: str | None


def _entry_messages(entry_id: int) -> sa.ColumnElement[bool]:
    # Entry messages carry their entry in the dedup key ("entry:<id>:<language>:<day>[:fallback]").
    m = outbox_messages.c
    return sa.and_(m.kind == "entry", m.dedup_key.like(f"entry:{entry_id}:%"))


class DiagnosticsRepository:
    """Reads entries, held entries, the outbox and digest items; never writes."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def entry_ids_for_url(self, url: str) -> list[int]:
        """Entries whose article link is `url`, newest first (two sources may carry one link)."""
        query = sa.select(entries.c.id).where(entries.c.url == url).order_by(entries.c.first_seen_at.desc())
        async with self._db.connect() as conn:
            return [int(row.id) for row in (await conn.execute(query)).all()]

    async def story_entry_ids(self, story: int) -> list[int]:
        """Every entry of one story (the entry that began it and those that joined it), first seen first."""
        query = (
            sa.select(entries.c.id)
            .where(sa.or_(entries.c.id == story, entries.c.story_id == story))
            .order_by(entries.c.first_seen_at, entries.c.id)
        )
        async with self._db.connect() as conn:
            return [int(row.id) for row in (await conn.execute(query)).all()]

    async def trail(self, entry_id: int, *, top_errors: int = 3) -> EntryTrail:
        """The entry's moderation, outbox and digest state."""
        d, m = outbox_deliveries, outbox_messages
        mine = _entry_messages(entry_id)
        async with self._db.connect() as conn:
            e = entries.c
            announced_at, story_id, story_reason, similar_to, similar_reason = (
                await conn.execute(
                    sa.select(e.announced_at, e.story_id, e.story_reason, e.similar_to, e.similar_reason).where(
                        e.id == entry_id
                    )
                )
            ).one()
            held = (await conn.execute(sa.select(held_entries).where(held_entries.c.entry_id == entry_id))).first()
            first, messages = (
                await conn.execute(sa.select(sa.func.min(m.c.created_at), sa.func.count()).where(mine))
            ).one()
            joined = d.join(m, m.c.id == d.c.message_id)
            statuses = {
                str(status): int(count)
                for status, count in (
                    await conn.execute(
                        sa.select(d.c.status, sa.func.count()).select_from(joined).where(mine).group_by(d.c.status)
                    )
                ).all()
            }
            recipients = (
                await conn.execute(sa.select(sa.func.count(sa.distinct(d.c.chat_id))).select_from(joined).where(mine))
            ).scalar()
            n = sa.func.count().label("n")
            errors = (
                await conn.execute(
                    sa.select(d.c.error, n)
                    .select_from(joined)
                    .where(mine, d.c.status.in_(_FAILED), d.c.error.is_not(None))
                    .group_by(d.c.error)
                    .order_by(n.desc(), d.c.error)
                    .limit(top_errors)
                )
            ).all()
            digest_waiting = (
                await conn.execute(
                    sa.select(sa.func.count()).where(
                        digest_items.c.entry_id == entry_id, digest_items.c.sent_at.is_(None)
                    )
                )
            ).scalar()
        return EntryTrail(
            announced_at=announced_at,
            moderation=Moderation(held.status, held.created_at, held.decided_at) if held else None,
            queued_at=first,
            messages=int(messages or 0),
            statuses=statuses,
            recipients=int(recipients or 0),
            errors=[(str(error), int(count)) for error, count in errors],
            digest_waiting=int(digest_waiting or 0),
            story=StoryLink(story_id, story_reason, similar_to, similar_reason),
        )

    async def channel_steps(self, story: int, chat_ids: Sequence[int]) -> list[ChannelStep]:
        """The story's deliveries to these chats (the official channels), oldest first; those a better version took
        the place of before they went out are left out."""
        if not chat_ids:
            return []
        d, m = outbox_deliveries, outbox_messages
        query = (
            sa.select(
                d.c.chat_id, d.c.replaces_id, m.c.dedup_key, m.c.language, d.c.status, d.c.sent_at,
                d.c.next_attempt_at, d.c.error,
            )
            .join(m, m.c.id == d.c.message_id)
            .where(m.c.story_id == story, d.c.chat_id.in_(list(chat_ids)), d.c.status != "superseded")
            .order_by(d.c.id)
        )  # fmt: skip
        async with self._db.connect() as conn:
            rows = (await conn.execute(query)).all()
        steps = []
        for chat_id, replaces, key, language, status, sent_at, due, error in rows:
            action = "post" if replaces is None else "correction" if ":fix:" in (key or "") else "version"
            steps.append(ChannelStep(int(chat_id), action, str(language or "—"), status, sent_at, due, error))
        return steps

    async def delivery(self, entry_id: int, chat_id: int) -> DeliveryRow | None:
        """The chat's latest delivery of the entry, in any status; None when none was queued."""
        d, m = outbox_deliveries, outbox_messages
        query = (
            sa.select(d.c.status, d.c.created_at, d.c.next_attempt_at, d.c.sent_at, d.c.attempts, d.c.error)
            .join(m, m.c.id == d.c.message_id)
            .where(_entry_messages(entry_id), d.c.chat_id == chat_id)
            .order_by(d.c.id.desc())
            .limit(1)
        )
        async with self._db.connect() as conn:
            row = (await conn.execute(query)).first()
        if row is None:
            return None
        return DeliveryRow(row.status, row.created_at, row.next_attempt_at, row.sent_at, row.attempts, row.error)

    async def in_digest(self, entry_id: int, chat_id: int) -> tuple[bool, datetime | None]:
        """Whether the entry is in the chat's digests, and when its digest was queued (None: it still waits)."""
        query = sa.select(digest_items.c.sent_at).where(
            digest_items.c.entry_id == entry_id, digest_items.c.chat_id == chat_id
        )
        async with self._db.connect() as conn:
            row = (await conn.execute(query)).first()
        return (row is not None, row.sent_at if row is not None else None)
