"""The subscriptions repository: who wants which news, how, and what waits for their digest."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from storage.database import Database
from storage.schema import chats, digest_items, subscription_languages, subscriptions
from storage.schema.base import utcnow
from storage.sql import insert_ignoring_duplicates, insert_selected

SCOPES = ("alliance", "all")
MODES = ("instant", "daily", "weekly")
DIGEST_MODES = ("daily", "weekly")
DEFAULT_DIGEST_HOUR = 9
# Rows of (message_id, chat_id, message_thread_id) selected in the database, for Outbox.add_deliveries_from.
RecipientQuery = sa.Select[Any]


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


@dataclass(frozen=True, slots=True)
class Subscriber:
    """A subscription that currently listens (chat active, not paused), with the chat's interface language."""

    subscription: Subscription
    chat_language: str


@dataclass(frozen=True, slots=True)
class DigestItem:
    """An entry waiting for a chat's next digest, as the JSON snapshot stored with it."""

    chat_id: int
    entry_id: int
    entry: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Audience:
    """Who may want an entry, by the indexed part of matching: the entry's news language and the scopes taking it.

    `admits` is the rule in Python; `_audience_conditions` is the same rule in SQL, on the matching index.
    Keyword filters are not part of it: they are applied to the candidates afterwards.
    """

    language: str
    scopes: tuple[str, ...]

    def admits(self, subscription: Subscription) -> bool:
        return subscription.scope in self.scopes and self.language in subscription.languages


@dataclass(frozen=True, slots=True)
class AudienceChunk:
    """A slice of an audience: one scope's listening subscriptions with `first <= chat_id < end` (None: no end)."""

    audience: Audience
    scope: str
    first: int
    end: int | None


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
    )


class SubscriptionRepository:
    """Reads and writes `subscriptions` and `digest_items`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    @staticmethod
    async def _index(conn: Any, chat_ids: Sequence[int]) -> None:
        # The matching index follows the subscriptions it is built from: rewritten from them on every change.
        index = subscription_languages
        await conn.execute(sa.delete(index).where(index.c.chat_id.in_(list(chat_ids))))
        rows = (
            await conn.execute(
                sa.select(
                    subscriptions.c.chat_id, subscriptions.c.scope, subscriptions.c.paused, subscriptions.c.languages
                ).where(subscriptions.c.chat_id.in_(list(chat_ids)))
            )
        ).all()
        values = [
            {"language": code, "scope": row.scope, "paused": row.paused, "chat_id": row.chat_id}
            for row in rows
            for code in dict.fromkeys(row.languages.split(","))
            if code
        ]
        if values:
            await conn.execute(sa.insert(index), values)

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
                        created_at=now,
                        updated_at=now,
                    )
                )
                await self._index(conn, [chat_id])
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
    ) -> Subscription | None:
        """Change some preferences; returns the new subscription, or None when the chat is not subscribed."""
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
        async with self._db.begin() as conn:
            await conn.execute(sa.update(subscriptions).where(subscriptions.c.chat_id == chat_id).values(**values))
            await self._index(conn, [chat_id])
            row = (await conn.execute(sa.select(subscriptions).where(subscriptions.c.chat_id == chat_id))).first()
        return _subscription(row) if row else None

    async def unsubscribe(self, chat_id: int) -> bool:
        """Remove the chat's subscription and its waiting digest items; False when it had none."""
        async with self._db.begin() as conn:
            result = await conn.execute(sa.delete(subscriptions).where(subscriptions.c.chat_id == chat_id))
            await conn.execute(sa.delete(digest_items).where(digest_items.c.chat_id == chat_id))
        return bool(result.rowcount)

    async def subscribe_many(
        self, chat_ids: Iterable[int], *, languages: Sequence[str], scope: str = "alliance", mode: str = "instant"
    ) -> None:
        """Subscribe many known chats with the same preferences in one transaction (imports, tests, benchmarks)."""
        now = utcnow()
        ids = list(chat_ids)
        rows = [
            {"chat_id": i, "scope": scope, "languages": ",".join(languages), "mode": mode, "paused": False}
            | {"digest_hour": DEFAULT_DIGEST_HOUR, "include_words": "", "exclude_words": ""}
            | {"created_at": now, "updated_at": now}
            for i in ids
        ]
        index = [{"language": code, "scope": scope, "paused": False, "chat_id": i} for i in ids for code in languages]
        if not rows:
            return
        async with self._db.begin() as conn:
            await conn.execute(sa.insert(subscriptions), rows)
            await conn.execute(sa.insert(subscription_languages), index)

    async def audience(self, audience: Audience, *, chunk_size: int) -> AsyncIterator[AudienceChunk]:
        """The listening subscriptions `audience` admits, as chunks of about `chunk_size` in chat id order.

        Each chunk is one range of the matching index; nothing per subscriber is loaded here. When nobody
        can match, this is one indexed query.
        """
        index = subscription_languages

        def in_scope(scope: str) -> list[sa.ColumnElement[bool]]:
            return [index.c.language == audience.language, index.c.scope == scope, index.c.paused.is_(False)]

        firsts = sa.union_all(
            *(
                sa.select(sa.literal(scope).label("scope"), sa.func.min(index.c.chat_id).label("first")).where(
                    *in_scope(scope)
                )
                for scope in audience.scopes
            )
        )
        async with self._db.connect() as conn:
            starts = [(row.scope, row.first) for row in await conn.execute(firsts) if row.first is not None]
        for scope, first in starts:
            while first is not None:
                following = (
                    sa.select(index.c.chat_id)
                    .where(*in_scope(scope), index.c.chat_id >= first)
                    .order_by(index.c.chat_id)
                    .offset(chunk_size)
                    .limit(1)
                )
                async with self._db.connect() as conn:
                    end = (await conn.execute(following)).scalar()
                yield AudienceChunk(audience, scope, first, end)
                first = end

    @staticmethod
    def _candidates(chunk: AudienceChunk, *columns: Any) -> sa.Select[Any]:
        """The listening subscriptions of a chunk: the matching rule in SQL (see `Audience.admits`)."""
        index = subscription_languages
        conditions = [
            index.c.language == chunk.audience.language,
            index.c.scope == chunk.scope,
            index.c.paused.is_(False),
            index.c.chat_id >= chunk.first,
            chats.c.active.is_(True),
        ]
        if chunk.end is not None:
            conditions.append(index.c.chat_id < chunk.end)
        return (
            sa.select(*columns)
            .select_from(index)
            .join(subscriptions, subscriptions.c.chat_id == index.c.chat_id)
            .join(chats, chats.c.id == index.c.chat_id)
            .where(*conditions)
        )

    @staticmethod
    def _without_keywords() -> sa.ColumnElement[bool]:
        return sa.and_(subscriptions.c.include_words == "", subscriptions.c.exclude_words == "")

    async def instant_languages(self, chunk: AudienceChunk) -> list[str]:
        """The interface languages of the chunk's instant subscribers without keyword filters."""
        query = self._candidates(chunk, chats.c.language).where(
            subscriptions.c.mode == "instant", self._without_keywords()
        )
        async with self._db.connect() as conn:
            return sorted(set((await conn.execute(query.distinct())).scalars()))

    def instant_recipients(self, chunk: AudienceChunk, messages: Mapping[str, int]) -> RecipientQuery:
        """(message_id, chat_id, message_thread_id) of the chunk's instant subscribers without keyword filters,
        the message chosen by the chat's interface language: what `Outbox.add_deliveries_from` inserts."""
        message_id = sa.case({language: sa.literal(mid) for language, mid in messages.items()}, value=chats.c.language)
        return self._candidates(
            chunk, message_id.label("message_id"), subscriptions.c.chat_id, subscriptions.c.message_thread_id
        ).where(subscriptions.c.mode == "instant", self._without_keywords(), chats.c.language.in_(list(messages)))

    async def queue_digest(self, chunk: AudienceChunk, entry_id: int, entry: dict[str, Any]) -> int:
        """Queue the entry for the chunk's digest subscribers without keyword filters; returns the new items."""
        rows = self._candidates(
            chunk,
            subscriptions.c.chat_id,
            sa.literal(entry_id, sa.BigInteger).label("entry_id"),
            sa.literal(entry, sa.JSON).label("entry"),
            sa.literal(utcnow(), digest_items.c.queued_at.type).label("queued_at"),
        ).where(subscriptions.c.mode.in_(DIGEST_MODES), self._without_keywords())
        async with self._db.begin() as conn:
            return await insert_selected(conn, digest_items, rows, ("chat_id", "entry_id"))

    async def keyword_candidates(self, chunk: AudienceChunk) -> list[Subscriber]:
        """The chunk's subscribers with keyword filters, which are applied to the entry in Python."""
        query = self._candidates(chunk, subscriptions, chats.c.language.label("chat_language")).where(
            ~self._without_keywords()
        )
        async with self._db.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [Subscriber(_subscription(row), row.chat_language) for row in rows]

    async def digest_listeners(self, *, hour: int, weekly_too: bool) -> list[Subscriber]:
        """Listening digest subscribers whose hour is `hour`: daily ones, and weekly ones when `weekly_too`."""
        modes = ("daily", "weekly") if weekly_too else ("daily",)
        query = (
            sa.select(subscriptions, chats.c.language.label("chat_language"))
            .join(chats, chats.c.id == subscriptions.c.chat_id)
            .where(
                chats.c.active.is_(True),
                subscriptions.c.paused.is_(False),
                subscriptions.c.mode.in_(modes),
                subscriptions.c.digest_hour == hour,
            )
        )
        async with self._db.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [Subscriber(_subscription(row), row.chat_language) for row in rows]

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
