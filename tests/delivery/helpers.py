"""Entries and subscribers for delivery tests, and waiting for an outbox that another process drains."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from domain.clock import utcnow
from domain.entries import Entry, StoredEntry
from storage import Database
from storage.chats import ChatRepository
from storage.outbox import Outbox
from storage.schema import chats
from storage.subscriptions import SubscriptionRepository

_ids = itertools.count(1)


def make_entry(
    title: str = "Alliance meeting in Astana",
    *,
    language: str = "ru",
    alliance: bool = True,
    summary: str = "<p>The alliance met.</p>",
    entry_id: int | None = None,
    published: datetime | None = None,
) -> StoredEntry:
    number = entry_id if entry_id is not None else next(_ids)
    seen = datetime(2026, 11, 27, 8, 0, tzinfo=UTC) + timedelta(minutes=number)
    return StoredEntry(
        id=number,
        source_id=1,
        source_title="Center news",
        entry=Entry(
            key=f"k{number}",
            url=f"https://example.org/news/{number}",
            title=title,
            summary_html=summary,
            image_url=None,
            published_at=published or seen,
            language=language,
        ),
        first_seen_at=seen,
        is_alliance=alliance,
        alliance_reason="keywords" if alliance else None,
    )


async def add_subscriber(db: Database, chat_id: int, *, language: str = "ru", **prefs: Any) -> None:
    """A chat the bot has met, subscribed with the defaults and then `prefs`."""
    chat_type = "private" if chat_id > 0 else "supergroup"
    await ChatRepository(db).meet(chat_id, type=chat_type, language=language, title=None, username=None)
    repo = SubscriptionRepository(db)
    thread = prefs.pop("message_thread_id", None)
    await repo.subscribe(chat_id, languages=prefs.pop("languages", [language]), message_thread_id=thread)
    if prefs:
        await repo.update(chat_id, **prefs)


async def subscribe_many(db: Database, ids: range, *, scope: str = "alliance") -> None:
    """Many private Russian-speaking subscribers at once (instant delivery), for fan-outs and benchmarks."""
    now = utcnow()
    chat_rows = [
        {"id": i, "type": "private", "title": None, "username": None, "language": "ru", "active": True}
        | {"created_at": now, "updated_at": now}
        for i in ids
    ]
    async with db.begin() as conn:
        await conn.execute(sa.insert(chats), chat_rows)
    await SubscriptionRepository(db).subscribe_many(ids, languages=["ru"], scope=scope)


async def drained_database(database_url: str) -> None:
    """Wait until the outbox in the database holds nothing queued or being sent (a bot process drains it).

    The event after which no more sends can come: a negative check (no duplicate) waits for this, then asserts.
    """
    db = Database(database_url)
    try:
        while await Outbox(db).pending_count():
            await asyncio.sleep(0.1)
    finally:
        await db.close()
