"""The chats repository: who the bot talks to, in which language, and whether they still listen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from storage.database import Database
from storage.schema import chats
from storage.schema.base import utcnow
from storage.sql import insert_ignoring_duplicates


@dataclass(frozen=True, slots=True)
class Chat:
    """A private user, group, supergroup or channel the bot has met."""

    id: int
    type: str
    title: str | None
    username: str | None
    language: str
    active: bool
    timezone: str | None  # the IANA zone the chat chose; None until it chooses one
    created_at: datetime
    updated_at: datetime

    @property
    def is_private(self) -> bool:
        return self.type == "private"


def _chat(row: sa.Row[tuple[object, ...]]) -> Chat:
    return Chat(**row._mapping)


class ChatRepository:
    """Reads and writes the `chats` table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, chat_id: int) -> Chat | None:
        """The chat with this id, or None when the bot has never met it."""
        async with self._db.connect() as conn:
            row = (await conn.execute(sa.select(chats).where(chats.c.id == chat_id))).first()
        return _chat(row) if row else None

    async def meet(self, chat_id: int, *, type: str, language: str, title: str | None, username: str | None) -> Chat:
        """Return the chat, creating it on first contact; a known chat becomes active again.

        The language is only taken on first contact: a language chosen later is never overwritten.
        """
        known = await self.get(chat_id)
        if known and known.active and (known.title, known.username, known.type) == (title, username, type):
            return known  # the common case costs one read and no write lock
        async with self._db.begin() as conn:
            now = utcnow()
            # Two updates of a new chat can arrive at once (updates are handled concurrently): the
            # first insert wins, the other reads what it wrote.
            await insert_ignoring_duplicates(
                conn,
                chats,
                [
                    {
                        "id": chat_id,
                        "type": type,
                        "title": title,
                        "username": username,
                        "language": language,
                        "active": True,
                        "created_at": now,
                        "updated_at": now,
                    }
                ],
                conflict=["id"],
            )
            row = (await conn.execute(sa.select(chats).where(chats.c.id == chat_id))).one()
            chat = _chat(row)
            if not chat.active or chat.title != title or chat.username != username or chat.type != type:
                await conn.execute(
                    sa.update(chats)
                    .where(chats.c.id == chat_id)
                    .values(active=True, title=title, username=username, type=type, updated_at=utcnow())
                )
                row = (await conn.execute(sa.select(chats).where(chats.c.id == chat_id))).one()
                chat = _chat(row)
            return chat

    async def set_language(self, chat_id: int, language: str) -> None:
        """Remember the language this chat chose."""
        async with self._db.begin() as conn:
            await conn.execute(
                sa.update(chats).where(chats.c.id == chat_id).values(language=language, updated_at=utcnow())
            )

    async def set_timezone(self, chat_id: int, timezone: str) -> None:
        """Remember the time zone this chat chose (an IANA name, checked by the caller)."""
        async with self._db.begin() as conn:
            await conn.execute(
                sa.update(chats).where(chats.c.id == chat_id).values(timezone=timezone, updated_at=utcnow())
            )

    async def set_active(self, chat_id: int, active: bool) -> None:
        """Mark a chat as reachable or not (blocked the bot, left, was deleted)."""
        async with self._db.begin() as conn:
            await conn.execute(sa.update(chats).where(chats.c.id == chat_id).values(active=active, updated_at=utcnow()))
