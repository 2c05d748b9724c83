"""The subscriptions repository: who wants which news, how, and what waits for their digest."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.clock import utcnow
from domain.subscriptions import DEFAULT_DIGEST_HOUR, DIGEST_MODES, Subscriber, Subscription
from storage.database import Database
from storage.schema import chats, digest_items, subscription_languages, subscriptions
from storage.sql import insert_ignoring_duplicates, insert_selected

# Rows of (message_id, chat_id, message_thread_id) selected in the database, for Outbox.add_deliveries_from.
RecipientQuery = sa.Select[Any]
# The predicate of `ix_subscriptions_digest`, written as the index's (no bound parameter): only a query that
# states it can use that index, on PostgreSQL and on SQLite alike.
_DIGEST_ONLY = subscriptions.c.mode != sa.literal_column("'instant'")
_LISTENER_COLUMNS = (chats.c.language.label("chat_language"), chats.c.timezone.label("chat_timezone"))


def _subscriber(row: sa.Row[Any]) -> Subscriber:
    return Subscriber(_subscription(row), row.chat_language, row.chat_timezone)


@dataclass(frozen=True, slots=True)
class DigestItem:
    """An entry waiting for a chat's next digest, as the JSON snapshot stored with it."""

    chat_id: int
    entry_id: int
    entry: dict[str, Any]


@dataclass(frozen=True, slots=True)
class DigestCopy:
    """What a digest reader has of a story: the language of its version, and whether a digest already carried it
    (a digest is never edited, so a story once in a digest is not sent again)."""

    language: str
    sent: bool


def _story_of(entry_id: int, snapshot: dict[str, Any]) -> tuple[int, str | None]:
    """The story and language of a digest item, from the entry snapshot it holds (bot.services.delivery.snapshot)."""
    return snapshot.get("story_id") or entry_id, (snapshot.get("entry") or {}).get("language")


@dataclass(frozen=True, slots=True)
class Audience:
    """Who may want an entry, by the indexed part of matching: the entry's news language and the scopes taking it,
    and with `fallback` (alliance news) also the subscribers who read none of it and take a version in another.

    `admits` is the rule in Python; `SubscriptionRepository._candidates` is the same rule in SQL. Keyword filters,
    stories and quiet hours are not part of it: they are applied to the candidates afterwards.
    """

    language: str
    scopes: tuple[str, ...]
    fallback: bool = False

    def admits(self, subscription: Subscription) -> bool:
        if subscription.scope not in self.scopes:
            return False
        return self.language in subscription.languages or (self.fallback and not subscription.own_languages_only)


@dataclass(frozen=True, slots=True)
class AudienceChunk:
    """A slice of an audience: one scope's listening subscriptions with `first <= chat_id < end` (None: no end).

    `skip` are the chats of the slice that already have the entry's story: they are never on the plain path.
    """

    audience: Audience
    scope: str
    first: int
    end: int | None
    skip: tuple[int, ...] = ()

    def holds(self, chat_id: int) -> bool:
        return self.first <= chat_id and (self.end is None or chat_id < self.end)


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


@dataclass(frozen=True, slots=True)
class _Reader:
    """Runs reads on one connection, or each on a connection of its own (`conn` None)."""

    conn: AsyncConnection | None
    db: Database

    async def rows(self, query: sa.Executable) -> list[sa.Row[Any]]:
        if self.conn is not None:
            return list((await self.conn.execute(query)).all())
        async with self.db.connect() as conn:
            return list((await conn.execute(query)).all())

    async def one(self, query: sa.Executable) -> Any:
        rows = await self.rows(query)
        return rows[0][0] if rows else None


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
                        own_languages_only=False,
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
            | {"own_languages_only": False, "created_at": now, "updated_at": now}
            for i in ids
        ]
        index = [{"language": code, "scope": scope, "paused": False, "chat_id": i} for i in ids for code in languages]
        if not rows:
            return
        async with self._db.begin() as conn:
            await conn.execute(sa.insert(subscriptions), rows)
            await conn.execute(sa.insert(subscription_languages), index)

    @staticmethod
    def _within(column: sa.ColumnElement[int], chunk: AudienceChunk) -> list[sa.ColumnElement[bool]]:
        """`first <= column < end`: the chunk's range on one table's chat id."""
        bounds = [column >= chunk.first]
        if chunk.end is not None:
            bounds.append(column < chunk.end)
        return bounds

    @staticmethod
    def _reads(language: str) -> sa.ColumnElement[bool]:
        """The subscription reads news in `language`: one of its comma-separated codes, read from the row itself.

        Not a semi-join on the matching index: PostgreSQL misjudges that join's size on every chunk (it read all
        the language's rows per chunk, or the chunk's range once per subscriber), and a filter on the row
        costs the same at any size.
        """
        return (sa.literal(",") + subscriptions.c.languages + ",").contains(f",{language},", autoescape=True)

    @staticmethod
    def _spine(audience: Audience, scope: str) -> tuple[sa.ColumnElement[int], list[sa.ColumnElement[bool]]]:
        """The index an audience is cut into chunks along: its key column and the conditions of one scope.

        Without fallback it is one range of the matching index (exactly the audience). With it, the scope's
        listening subscriptions (`ix_subscriptions_scope_paused_chat`), a superset: who of them reads the language
        or did not choose "only my languages" is decided per chunk, within the chunk's range (see `_candidates`).
        """
        if not audience.fallback:
            index = subscription_languages
            return index.c.chat_id, [
                index.c.language == audience.language,
                index.c.scope == scope,
                index.c.paused.is_(False),
            ]
        return subscriptions.c.chat_id, [subscriptions.c.scope == scope, subscriptions.c.paused.is_(False)]

    @staticmethod
    def _spine_order(audience: Audience) -> tuple[sa.ColumnElement[Any], ...]:
        """The columns of the spine's index, in its order: sorting by all of them (the leading ones are fixed by
        the conditions) leaves the planner that index alone to walk, never the primary key filtered by scope (which
        reads on past the scope's last chat, through every other scope's)."""
        if not audience.fallback:
            index = subscription_languages
            return index.c.language, index.c.scope, index.c.paused, index.c.chat_id
        return subscriptions.c.scope, subscriptions.c.paused, subscriptions.c.chat_id

    async def audience(
        self, audience: Audience, *, chunk_size: int, max_chunk_size: int | None = None
    ) -> AsyncGenerator[AudienceChunk]:
        """The listening subscriptions `audience` may admit, as chunks in chat id order: the first of at most
        `chunk_size`, each next one twice the last, up to `max_chunk_size` (default: `chunk_size`).

        Each chunk is one range of chat ids, found by walking an index from the last one's end (never by reading
        the audience): nothing per subscriber is loaded here. When nobody can match, this is one indexed query.
        """
        largest = max(chunk_size, max_chunk_size or chunk_size)

        order = self._spine_order(audience)

        def bounds(scope: str) -> sa.Select[str, int, int]:
            # The first and the last chat of the scope, each one step of its index (as min and max they may be
            # a walk of the primary key through the other scopes' chats).
            key, conditions = self._spine(audience, scope)
            lowest = sa.select(key).where(*conditions).order_by(*order).limit(1).scalar_subquery()
            highest = sa.select(key).where(*conditions).order_by(*(column.desc() for column in order)).limit(1)
            return sa.select(
                sa.literal(scope).label("scope"), lowest.label("first"), highest.scalar_subquery().label("last")
            )

        async with self._walk() as scalar:
            query = sa.union_all(*(bounds(scope) for scope in audience.scopes))
            spans = [(row.scope, row.first, row.last) for row in await scalar.rows(query) if row.first is not None]
            for scope, lowest, highest in spans:
                key, conditions = self._spine(audience, scope)
                first: int | None = lowest
                size = chunk_size
                while first is not None:
                    following = sa.select(key).where(*conditions, key >= first).order_by(*order).offset(size).limit(1)
                    size = min(2 * size, largest)
                    end = await scalar.one(following)
                    # The last chunk ends after the scope's last chat, not open-ended: an open range would let its
                    # statements read every chat after it (the other scopes' too).
                    yield AudienceChunk(audience, scope, first, highest + 1 if end is None else end)
                    first = end

    @asynccontextmanager
    async def _walk(self) -> AsyncIterator[_Reader]:
        """Where the chunk walk's reads run. On PostgreSQL one transaction for the whole walk, with sorting off:
        the index is walked in order from a chunk's start and left after the chunk, where without statistics (a
        table just filled) PostgreSQL would rather read every row after the start and sort them, the rest of the
        audience for every chunk. On SQLite each read on a connection of its own: a read transaction held through
        a fan-out would keep SQLite from checkpointing its log meanwhile."""
        if self._db.is_sqlite:
            yield _Reader(None, self._db)
            return
        async with self._db.connect() as conn, conn.begin():
            await conn.exec_driver_sql("SET LOCAL enable_sort = off")
            yield _Reader(conn, self._db)

    @classmethod
    def _candidates(cls, chunk: AudienceChunk, *columns: Any) -> sa.Select[Any]:
        """The listening subscriptions of a chunk (see `Audience.admits`).

        Every table is bounded by the chunk's range, so each statement of a chunk reads that chunk and no more,
        whatever the plan (a hash join, a merge join or a nested loop) and however stale the statistics.
        """
        key, conditions = cls._spine(chunk.audience, chunk.scope)
        s = subscriptions
        conditions = [
            *conditions,
            *cls._within(key, chunk),
            *(cls._within(s.c.chat_id, chunk) if key is not s.c.chat_id else ()),
            *cls._within(chats.c.id, chunk),
            chats.c.active.is_(True),
        ]
        query = sa.select(*columns)
        if not chunk.audience.fallback:
            index = subscription_languages
            query = query.select_from(index).join(s, s.c.chat_id == index.c.chat_id)
        else:
            conditions.append(sa.or_(s.c.own_languages_only.is_(False), cls._reads(chunk.audience.language)))
            query = query.select_from(s)
        return query.join(chats, chats.c.id == s.c.chat_id).where(*conditions)

    @classmethod
    def _plain(cls, chunk: AudienceChunk) -> sa.ColumnElement[bool]:
        """No keyword filters and no copy of the story yet: what the database can queue on its own."""
        plain = [subscriptions.c.include_words == "", subscriptions.c.exclude_words == ""]
        if chunk.skip:
            plain.append(subscriptions.c.chat_id.not_in(list(chunk.skip)))
        return sa.and_(*plain)

    @classmethod
    def _plain_instant(cls, chunk: AudienceChunk) -> sa.ColumnElement[bool]:
        """Plain instant subscribers that get the entry as a new message now, rendered for the zone their interface
        language suggests: one message per interface language serves them all, and for alliance news a second
        one for those who read none of the entry's language (the fallback version: `choose_version` for a reader
        who has nothing of the story yet and did not choose "only my languages", which `_candidates` checks)."""
        s = subscriptions
        return sa.and_(
            cls._plain(chunk),
            s.c.mode == "instant",
            sa.or_(s.c.quiet_start.is_(None), s.c.quiet_end.is_(None), s.c.quiet_start == s.c.quiet_end),
            chats.c.timezone.is_(None),
        )

    @classmethod
    def _reads_entry(cls, chunk: AudienceChunk) -> sa.ColumnElement[bool]:
        """The candidate reads the entry's language; False: it gets the fallback version. Without fallback every
        candidate reads it (the audience is one range of the matching index for that language)."""
        return cls._reads(chunk.audience.language) if chunk.audience.fallback else sa.true()

    @classmethod
    def _plain_digest(cls, chunk: AudienceChunk) -> sa.ColumnElement[bool]:
        return sa.and_(cls._plain(chunk), subscriptions.c.mode.in_(DIGEST_MODES))

    @classmethod
    def _digest_candidates(cls, chunk: AudienceChunk, *columns: Any) -> sa.Select[Any]:
        """The chunk's plain digest subscribers (`_candidates` and `_plain_digest`), read from
        `ix_subscriptions_digest`: the digest subscribers alone, not the whole audience of the chunk."""
        s = subscriptions
        reads = cls._reads(chunk.audience.language)
        wants = sa.or_(s.c.own_languages_only.is_(False), reads) if chunk.audience.fallback else reads
        return (
            sa.select(*columns)
            .select_from(s)
            .join(chats, chats.c.id == s.c.chat_id)
            .where(
                s.c.scope == chunk.scope,
                s.c.paused.is_(False),
                _DIGEST_ONLY,
                *cls._within(s.c.chat_id, chunk),
                *cls._within(chats.c.id, chunk),
                chats.c.active.is_(True),
                wants,
                cls._plain_digest(chunk),
            )
        )

    async def instant_languages(self, chunk: AudienceChunk) -> list[tuple[str, bool]]:
        """(interface language, fallback) of the chunk's plain instant subscribers (see `_plain_instant`): the
        messages `instant_recipients` needs."""
        reads = sa.type_coerce(self._reads_entry(chunk), sa.Boolean)
        query = self._candidates(chunk, chats.c.language, reads).where(self._plain_instant(chunk))
        async with self._db.connect() as conn:
            rows = (await conn.execute(query.distinct())).all()
        return sorted({(language, not bool(read)) for language, read in rows})

    def instant_recipients(self, chunk: AudienceChunk, messages: Mapping[tuple[str, bool], int]) -> RecipientQuery:
        """(message_id, chat_id, message_thread_id) of the chunk's plain instant subscribers, the message chosen by
        the chat's interface language and whether it reads the entry's language (`messages`, by (interface
        language, fallback)): what `Outbox.add_deliveries_from` inserts. Those whose message is not in `messages`
        (a chat met since `instant_languages`) are left out."""

        def by_language(fallback: bool) -> sa.ColumnElement[Any]:
            ids = {language: sa.literal(mid) for (language, kind), mid in messages.items() if kind == fallback}
            return sa.case(ids, value=chats.c.language) if ids else sa.null()

        message_id: sa.ColumnElement[Any] = by_language(False)
        if chunk.audience.fallback:
            message_id = sa.case((self._reads_entry(chunk), message_id), else_=by_language(True))
        return self._candidates(
            chunk, message_id.label("message_id"), subscriptions.c.chat_id, subscriptions.c.message_thread_id
        ).where(self._plain_instant(chunk), message_id.is_not(None))

    async def queue_digest(self, chunk: AudienceChunk, entry_id: int, entry: dict[str, Any]) -> int:
        """Queue the entry for the chunk's plain digest subscribers; returns the new items."""
        story, language = _story_of(entry_id, entry)
        rows = self._digest_candidates(
            chunk,
            subscriptions.c.chat_id,
            sa.literal(entry_id, sa.BigInteger).label("entry_id"),
            sa.literal(entry, sa.JSON).label("entry"),
            sa.literal(utcnow(), digest_items.c.queued_at.type).label("queued_at"),
            sa.literal(story, sa.BigInteger).label("story_id"),
            sa.literal(language, sa.String).label("language"),
        )
        async with self._db.begin() as conn:
            return await insert_selected(conn, digest_items, rows, ("chat_id", "entry_id"))

    async def other_candidates(self, chunk: AudienceChunk, *, limit: int) -> list[Subscriber]:
        """The chunk's subscribers the database does not queue on its own (keyword filters, quiet hours, a chosen
        time zone, a copy of the story, a version in another language): matched per subscriber in Python.

        At most `limit`, the first in chat id order: the next page is the chunk from after the last one's chat, so
        what a chunk holds in memory is bounded whatever its size."""
        key, _ = self._spine(chunk.audience, chunk.scope)
        query = (
            self._candidates(chunk, subscriptions, *_LISTENER_COLUMNS)
            .where(~sa.or_(self._plain_instant(chunk), self._plain_digest(chunk)))
            .order_by(key)
            .limit(limit)
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
        rows = [
            {"chat_id": i.chat_id, "entry_id": i.entry_id, "entry": i.entry, "queued_at": utcnow()}
            | dict(zip(("story_id", "language"), _story_of(i.entry_id, i.entry), strict=True))
            for i in items
        ]
        async with self._db.begin() as conn:
            return await insert_ignoring_duplicates(conn, digest_items, rows, ("chat_id", "entry_id"))

    async def digest_copies(self, story_id: int) -> dict[int, DigestCopy]:
        """Per chat, what its digests hold of this story: a version already sent wins over one still waiting."""
        query = sa.select(digest_items.c.chat_id, digest_items.c.language, digest_items.c.sent_at).where(
            digest_items.c.story_id == story_id
        )
        copies: dict[int, DigestCopy] = {}
        async with self._db.connect() as conn:
            for chat_id, language, sent_at in await conn.execute(query):
                if chat_id not in copies or (sent_at is not None and not copies[chat_id].sent):
                    copies[chat_id] = DigestCopy(language or "", sent_at is not None)
        return copies

    async def digest_items(self, chat_id: int) -> list[DigestItem]:
        """The entries waiting for this chat's digest, oldest queued first."""
        query = (
            sa.select(digest_items)
            .where(digest_items.c.chat_id == chat_id, digest_items.c.sent_at.is_(None))
            .order_by(digest_items.c.queued_at, digest_items.c.entry_id)
        )
        async with self._db.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [DigestItem(row.chat_id, row.entry_id, row.entry) for row in rows]

    async def mark_digest_sent(self, chat_id: int, entry_ids: Sequence[int]) -> None:
        """Record that these items' digest is in the outbox: they wait no more, and stay as the record that the
        reader has their stories (housekeeping drops them after the outbox retention)."""
        async with self._db.begin() as conn:
            await conn.execute(
                sa.update(digest_items)
                .where(digest_items.c.chat_id == chat_id, digest_items.c.entry_id.in_(entry_ids))
                .values(sent_at=utcnow())
            )
