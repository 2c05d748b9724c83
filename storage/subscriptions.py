"""The subscriptions repository: who wants which news, how, and what waits for their digest."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from domain.clock import utcnow
from storage.database import Database
from storage.schema import chats, digest_items, subscriptions
from storage.sql import insert_ignoring_duplicates

SCOPES = ("alliance", "all")
MODES = ("instant", "daily", "weekly")
DEFAULT_DIGEST_HOUR = 9
_LISTENER_COLUMNS = (chats.c.language.label("chat_language"), chats.c.timezone.label("chat_timezone"))


def _subscriber(row: sa.Row[Any]) -> Subscriber:
    return Subscriber(_subscription(row), row.chat_language, row.chat_timezone)


@dataclass(frozen=True, slots=True)
class Subscription:
    """One chat's subscription and its preferences."""

    chat_id: int
    scope: str
    languages: tuple[str, ...]
    mode: str
    digest_hour: int
    paused: bool
    include_words: tuple[str, ...]
    exclude_words: tuple[str, ...]
    message_thread_id: int | None
    subscribed_by: int | None
    created_at: datetime
    updated_at: datetime
    quiet_start: int | None = None  # local quiet hours [start, end), None when off
    quiet_end: int | None = None
    own_languages_only: bool = False

    @property
    def quiet_hours(self) -> tuple[int, int] | None:
        """The local quiet hours (start, end), or None when they are off."""
        if self.quiet_start is None or self.quiet_end is None or self.quiet_start == self.quiet_end:
            return None
        return self.quiet_start, self.quiet_end


@dataclass(frozen=True, slots=True)
class Subscriber:
    """A subscription that currently listens (chat active, not paused), with the chat's interface language and
    the time zone it chose (None: the one its language suggests)."""

    subscription: Subscription
    chat_language: str
    chat_timezone: str | None = None


@dataclass(frozen=True, slots=True)
class DigestItem:
    """An entry waiting for a chat's next digest, as the JSON snapshot stored with it."""

    chat_id: int
    entry_id: int
    entry: dict[str, Any]


def _words(text: str) -> tuple[str, ...]:
    return tuple(word for word in text.split() if word)


def _subscription(row: sa.Row[Any]) -> Subscription:
    values = dict(row._mapping)
    return Subscription(
        chat_id=values["chat_id"],
        scope=values["scope"],
        languages=tuple(code for code in values["languages"].split(",") if code),
        mode=values["mode"],
        digest_hour=values["digest_hour"],
        paused=values["paused"],
        include_words=_words(values["include_words"]),
        exclude_words=_words(values["exclude_words"]),
        message_thread_id=values["message_thread_id"],
        subscribed_by=values["subscribed_by"],
        created_at=values["created_at"],
        updated_at=values["updated_at"],
        quiet_start=values["quiet_start"],
        quiet_end=values["quiet_end"],
        own_languages_only=values["own_languages_only"],
    )


class SubscriptionRepository:
    """Reads and writes `subscriptions` and `digest_items`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, chat_id: int) -> Subscription | None:
        """The chat's subscription, or None when it is not subscribed."""
        async with self._db.connect() as conn:
            row = (await conn.execute(sa.select(subscriptions).where(subscriptions.c.chat_id == chat_id))).first()
        return _subscription(row) if row else None

    async def subscribe(
        self,
        chat_id: int,
        *,
        languages: Sequence[str],
        message_thread_id: int | None = None,
        subscribed_by: int | None = None,
    ) -> tuple[Subscription, bool]:
        """Subscribe a known chat with the defaults; returns the subscription and whether it is new.

        An existing subscription keeps its preferences; only its forum topic follows the new request.
        """
        async with self._db.begin() as conn:
            now = utcnow()
            row = (await conn.execute(sa.select(subscriptions).where(subscriptions.c.chat_id == chat_id))).first()
            if row is None:
                await conn.execute(
                    sa.insert(subscriptions).values(
                        chat_id=chat_id,
                        scope="alliance",
                        languages=",".join(languages),
                        mode="instant",
                        digest_hour=DEFAULT_DIGEST_HOUR,
                        paused=False,
                        include_words="",
                        exclude_words="",
                        message_thread_id=message_thread_id,
                        subscribed_by=subscribed_by,
                        own_languages_only=False,
                        created_at=now,
                        updated_at=now,
                    )
                )
                created = True
            else:
                created = False
                if row.message_thread_id != message_thread_id:
                    await conn.execute(
                        sa.update(subscriptions)
                        .where(subscriptions.c.chat_id == chat_id)
                        .values(message_thread_id=message_thread_id, updated_at=now)
                    )
            row = (await conn.execute(sa.select(subscriptions).where(subscriptions.c.chat_id == chat_id))).one()
        return _subscription(row), created

    async def update(
        self,
        chat_id: int,
        *,
        scope: str | None = None,
        languages: Sequence[str] | None = None,
        mode: str | None = None,
        digest_hour: int | None = None,
        paused: bool | None = None,
        include_words: Sequence[str] | None = None,
        exclude_words: Sequence[str] | None = None,
        quiet_hours: tuple[int, int] | bool | None = False,
        own_languages_only: bool | None = None,
    ) -> Subscription | None:
        """Change some preferences; returns the new subscription, or None when the chat is not subscribed.

        `quiet_hours` is (start, end) to set them, None to turn them off, False (the default) to leave them.
        """
        values: dict[str, Any] = {"updated_at": utcnow()}
        if scope is not None:
            values["scope"] = scope
        if languages is not None:
            values["languages"] = ",".join(languages)
        if mode is not None:
            values["mode"] = mode
        if digest_hour is not None:
            values["digest_hour"] = digest_hour
        if paused is not None:
            values["paused"] = paused
        if include_words is not None:
            values["include_words"] = " ".join(include_words)
        if exclude_words is not None:
            values["exclude_words"] = " ".join(exclude_words)
        if quiet_hours is None or isinstance(quiet_hours, tuple):
            values["quiet_start"], values["quiet_end"] = quiet_hours or (None, None)
        if own_languages_only is not None:
            values["own_languages_only"] = own_languages_only
        async with self._db.begin() as conn:
            await conn.execute(sa.update(subscriptions).where(subscriptions.c.chat_id == chat_id).values(**values))
            row = (await conn.execute(sa.select(subscriptions).where(subscriptions.c.chat_id == chat_id))).first()
        return _subscription(row) if row else None

    async def unsubscribe(self, chat_id: int) -> bool:
        """Remove the chat's subscription and its waiting digest items; False when it had none."""
        async with self._db.begin() as conn:
            result = await conn.execute(sa.delete(subscriptions).where(subscriptions.c.chat_id == chat_id))
            await conn.execute(sa.delete(digest_items).where(digest_items.c.chat_id == chat_id))
        return bool(result.rowcount)

    async def listeners(self) -> list[Subscriber]:
        """Every subscription whose chat is active and which is not paused."""
        query = (
            sa.select(subscriptions, *_LISTENER_COLUMNS)
            .join(chats, chats.c.id == subscriptions.c.chat_id)
            .where(chats.c.active.is_(True), subscriptions.c.paused.is_(False))
        )
        async with self._db.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [_subscriber(row) for row in rows]

    async def digest_listeners(self) -> list[Subscriber]:
        """Listening digest subscribers (daily and weekly); whose local hour it is, the caller decides."""
        query = (
            sa.select(subscriptions, *_LISTENER_COLUMNS)
            .join(chats, chats.c.id == subscriptions.c.chat_id)
            .where(
                chats.c.active.is_(True),
                subscriptions.c.paused.is_(False),
                subscriptions.c.mode.in_(("daily", "weekly")),
            )
        )
        async with self._db.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [_subscriber(row) for row in rows]

    async def add_digest_items(self, items: Sequence[DigestItem]) -> int:
        """Queue entries for digests; an entry already waiting for a chat is not queued twice."""
        rows = [{"chat_id": i.chat_id, "entry_id": i.entry_id, "entry": i.entry, "queued_at": utcnow()} for i in items]
        async with self._db.begin() as conn:
            return await insert_ignoring_duplicates(conn, digest_items, rows, ("chat_id", "entry_id"))

    async def digest_items(self, chat_id: int) -> list[DigestItem]:
        """The entries waiting for this chat's digest, oldest queued first."""
        query = (
            sa.select(digest_items)
            .where(digest_items.c.chat_id == chat_id)
            .order_by(digest_items.c.queued_at, digest_items.c.entry_id)
        )
        async with self._db.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [DigestItem(row.chat_id, row.entry_id, row.entry) for row in rows]

    async def drop_digest_items(self, chat_id: int, entry_ids: Sequence[int]) -> None:
        """Forget digest items once their digest is in the outbox."""
        async with self._db.begin() as conn:
            await conn.execute(
                sa.delete(digest_items).where(digest_items.c.chat_id == chat_id, digest_items.c.entry_id.in_(entry_ids))
            )
