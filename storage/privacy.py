"""Everything the database holds about one chat, read out whole (/mydata) or removed (/forget).

The rows that name a chat: `chats`, `subscriptions` (and their matching index), `digest_items`, `outbox_deliveries`,
the questions it sent to the Center (`inquiries`) and the dialog state in `fsm_states`; a group's subscription also
names the admin who made it (`subscribed_by`), an answered inquiry the admin who answered (`answered_by`). The
question log never names who asked (see storage/schema/kb.py), so there is nothing of a chat in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.database import Database
from storage.outbox import PENDING
from storage.schema import chats, digest_items, outbox_deliveries, outbox_messages, subscriptions
from storage.schema.delivery import subscription_languages
from storage.schema.fsm import fsm_states
from storage.schema.kb import inquiries

# A forgotten chat's past deliveries keep counting in the statistics under an id no Telegram chat can have:
# Telegram's ids fit in 52 bits, these are below -2**60, and they carry only the delivery's own number.
ANONYMOUS_BASE = -(2**60)


@dataclass(frozen=True, slots=True)
class Forgotten:
    """What /forget removed or anonymised, counted."""

    chat: int
    subscription: int
    digest_items: int
    pending_deliveries: int
    anonymised_deliveries: int
    dialog_states: int
    questions: int  # questions sent to the Center (inquiries)
    subscriptions_made: int  # groups this person subscribed as their admin: the name of the admin is dropped


def _plain(value: Any) -> Any:
    """A value as JSON holds it (times in ISO 8601, UTC)."""
    return value.isoformat() if isinstance(value, datetime) else value


def _fsm_pattern(chat_id: int) -> list[sa.ColumnElement[bool]]:
    # aiogram's keys are "fsm:<bot>:<chat>:<user>[:<thread>]:<destiny>:<part>": the chat or the user part.
    return [fsm_states.c.key.like(f"%:{chat_id}:%")]


class PersonalDataRepository:
    """Reads and removes the rows that name one chat."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def collect(self, chat_id: int) -> dict[str, Any]:
        """Every row that names the chat, as JSON-ready dicts (the chat, its subscription, digest items waiting,
        deliveries waiting and the count of those already made)."""
        async with self._db.connect() as conn:
            chat = (await conn.execute(sa.select(chats).where(chats.c.id == chat_id))).mappings().first()
            subscription = (
                (await conn.execute(sa.select(subscriptions).where(subscriptions.c.chat_id == chat_id)))
                .mappings()
                .first()
            )
            digests = (
                await conn.execute(
                    sa.select(digest_items.c.entry_id, digest_items.c.queued_at, digest_items.c.entry)
                    .where(digest_items.c.chat_id == chat_id)
                    .order_by(digest_items.c.queued_at)
                )
            ).all()
            d, m = outbox_deliveries, outbox_messages
            pending = (
                await conn.execute(
                    sa.select(d.c.id, m.c.kind, d.c.status, d.c.next_attempt_at, d.c.created_at)
                    .join(m, m.c.id == d.c.message_id)
                    .where(d.c.chat_id == chat_id, d.c.status.in_(PENDING))
                    .order_by(d.c.id)
                )
            ).all()
            history = (
                await conn.execute(
                    sa.select(d.c.status, sa.func.count())
                    .where(d.c.chat_id == chat_id, d.c.status.not_in(PENDING))
                    .group_by(d.c.status)
                )
            ).all()
            dialogs = (await conn.execute(sa.select(fsm_states).where(*_fsm_pattern(chat_id)))).mappings().all()
            made = (
                await conn.execute(sa.select(subscriptions.c.chat_id).where(subscriptions.c.subscribed_by == chat_id))
            ).all()
            asked = (
                (
                    await conn.execute(
                        sa.select(
                            inquiries.c.question,
                            inquiries.c.language,
                            inquiries.c.status,
                            inquiries.c.asked_at,
                            inquiries.c.answer,
                            inquiries.c.answered_at,
                        )
                        .where(inquiries.c.chat_id == chat_id)
                        .order_by(inquiries.c.asked_at)
                    )
                )
                .mappings()
                .all()
            )
        return {
            "chat": {key: _plain(value) for key, value in chat.items()} if chat else None,
            "subscription": {key: _plain(value) for key, value in subscription.items()} if subscription else None,
            "digest_items": [
                {
                    "entry_id": int(row.entry_id),
                    "queued_at": _plain(row.queued_at),
                    "title": (row.entry or {}).get("title") if isinstance(row.entry, dict) else None,
                }
                for row in digests
            ],
            "pending_deliveries": [
                {
                    "id": int(row.id),
                    "kind": row.kind,
                    "status": row.status,
                    "next_attempt_at": _plain(row.next_attempt_at),
                    "created_at": _plain(row.created_at),
                }
                for row in pending
            ],
            "deliveries_made": {str(status): int(count) for status, count in history},
            "dialog_states": [{"state": row["state"], "data": row["data"]} for row in dialogs],
            "groups_subscribed_as_admin": [int(row.chat_id) for row in made],
            # The questions this chat sent to the Center (/myquestions); the question log keeps no chat at all.
            "questions_kept": [{key: _plain(value) for key, value in row.items()} for row in asked],
        }

    async def forget(self, chat_id: int) -> Forgotten:
        """Delete every row that names the chat, in one transaction; past deliveries stay for the statistics
        under an anonymous id, without their Telegram message id or error text."""
        async with self._db.begin() as conn:
            d = outbox_deliveries
            pending = await self._count(conn, sa.delete(d).where(d.c.chat_id == chat_id, d.c.status.in_(PENDING)))
            anonymised = await self._count(
                conn,
                sa.update(d)
                .where(d.c.chat_id == chat_id)
                .values(
                    chat_id=sa.literal(ANONYMOUS_BASE, sa.BigInteger) - d.c.id,
                    telegram_message_id=None,
                    message_thread_id=None,
                    error=None,
                    replaces_id=None,
                ),
            )
            digests = await self._count(conn, sa.delete(digest_items).where(digest_items.c.chat_id == chat_id))
            await conn.execute(sa.delete(subscription_languages).where(subscription_languages.c.chat_id == chat_id))
            subscription = await self._count(conn, sa.delete(subscriptions).where(subscriptions.c.chat_id == chat_id))
            made = await self._count(
                conn,
                sa.update(subscriptions).where(subscriptions.c.subscribed_by == chat_id).values(subscribed_by=None),
            )
            dialogs = await self._count(conn, sa.delete(fsm_states).where(*_fsm_pattern(chat_id)))
            questions = await self._count(conn, sa.delete(inquiries).where(inquiries.c.chat_id == chat_id))
            await conn.execute(sa.update(inquiries).where(inquiries.c.answered_by == chat_id).values(answered_by=None))
            chat = await self._count(conn, sa.delete(chats).where(chats.c.id == chat_id))
        return Forgotten(chat, subscription, digests, pending, anonymised, dialogs, questions, made)

    async def names_chat(self, chat_id: int) -> list[str]:
        """The tables that still hold a row naming the chat (empty after /forget)."""
        checks = {
            "chats": sa.select(chats.c.id).where(chats.c.id == chat_id),
            "subscriptions": sa.select(subscriptions.c.chat_id).where(
                sa.or_(subscriptions.c.chat_id == chat_id, subscriptions.c.subscribed_by == chat_id)
            ),
            "subscription_languages": sa.select(subscription_languages.c.chat_id).where(
                subscription_languages.c.chat_id == chat_id
            ),
            "digest_items": sa.select(digest_items.c.chat_id).where(digest_items.c.chat_id == chat_id),
            "outbox_deliveries": sa.select(outbox_deliveries.c.id).where(outbox_deliveries.c.chat_id == chat_id),
            "fsm_states": sa.select(fsm_states.c.key).where(*_fsm_pattern(chat_id)),
            "inquiries": sa.select(inquiries.c.id).where(
                sa.or_(inquiries.c.chat_id == chat_id, inquiries.c.answered_by == chat_id)
            ),
        }
        async with self._db.connect() as conn:
            return [name for name, query in checks.items() if (await conn.execute(query.limit(1))).first()]

    @staticmethod
    async def _count(conn: AsyncConnection, statement: Any) -> int:
        return int((await conn.execute(statement)).rowcount or 0)
