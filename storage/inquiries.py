"""The inquiry queue: questions asked of the Center and their answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from domain.inquiries import Inquiry, InquiryStatus
from storage.database import Database
from storage.schema.kb import inquiries

MAX_QUESTION_CHARS = 1000


def _inquiry(row: Any) -> Inquiry:
    return Inquiry(
        id=row.id,
        chat_id=row.chat_id,
        message_id=row.message_id,
        language=row.language,
        question=row.question,
        status=row.status,
        asked_at=row.asked_at,
        answer=row.answer,
        answered_at=row.answered_at,
        fact_key=row.fact_key,
    )


class InquiryRepository:
    """Rows of `inquiries`; a status changes only from the one it is expected to have, so two admins answering at
    once cannot both win."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, *, chat_id: int, message_id: int | None, language: str, question: str, at: datetime) -> Inquiry:
        """A new open inquiry."""
        values = {
            "chat_id": chat_id,
            "message_id": message_id,
            "language": language,
            "question": question[:MAX_QUESTION_CHARS],
            "status": "open",
            "asked_at": at,
        }
        async with self._db.begin() as conn:
            row = (await conn.execute(sa.insert(inquiries).values(**values).returning(*inquiries.c))).one()
        return _inquiry(row)

    async def get(self, inquiry_id: int) -> Inquiry | None:
        async with self._db.connect() as conn:
            row = (await conn.execute(sa.select(inquiries).where(inquiries.c.id == inquiry_id))).first()
        return _inquiry(row) if row else None

    async def by_status(self, status: InquiryStatus, *, limit: int) -> list[Inquiry]:
        """The oldest first for open ones (they wait longest), the newest first otherwise."""
        order = inquiries.c.id.asc() if status == "open" else inquiries.c.id.desc()
        query = sa.select(inquiries).where(inquiries.c.status == status).order_by(order).limit(limit)
        async with self._db.connect() as conn:
            return [_inquiry(row) for row in await conn.execute(query)]

    async def counts(self) -> dict[str, int]:
        """How many inquiries there are of each status."""
        query = sa.select(inquiries.c.status, sa.func.count()).group_by(inquiries.c.status)
        async with self._db.connect() as conn:
            return {status: int(count) for status, count in await conn.execute(query)}

    async def of_chat(self, chat_id: int, *, limit: int) -> list[Inquiry]:
        """A chat's own inquiries, the newest first."""
        query = sa.select(inquiries).where(inquiries.c.chat_id == chat_id).order_by(inquiries.c.id.desc()).limit(limit)
        async with self._db.connect() as conn:
            return [_inquiry(row) for row in await conn.execute(query)]

    async def asked_since(self, chat_id: int, since: datetime) -> tuple[int, int]:
        """How many inquiries a chat has open, and how many it asked since `since`."""
        chat = inquiries.c.chat_id == chat_id
        open_query = sa.select(sa.func.count()).where(chat, inquiries.c.status == "open")
        recent_query = sa.select(sa.func.count()).where(chat, inquiries.c.asked_at >= since)
        async with self._db.connect() as conn:
            return (
                int((await conn.execute(open_query)).scalar_one()),
                int((await conn.execute(recent_query)).scalar_one()),
            )

    async def answer(self, inquiry_id: int, *, answer: str, by: int | None, at: datetime) -> Inquiry | None:
        """Record the Center's answer of an open inquiry; None when it is not open any more."""
        return await self._move(inquiry_id, "open", status="answered", answer=answer, answered_at=at, answered_by=by)

    async def close(self, inquiry_id: int, *, by: int | None, at: datetime) -> Inquiry | None:
        """Close an open inquiry without an answer; None when it is not open any more."""
        return await self._move(inquiry_id, "open", status="closed", answered_at=at, answered_by=by)

    async def set_fact(self, inquiry_id: int, fact_key: str) -> Inquiry | None:
        """Note the fact an answered inquiry became; None when it is not answered or already a fact."""
        async with self._db.begin() as conn:
            row = (
                await conn.execute(
                    sa.update(inquiries)
                    .where(
                        inquiries.c.id == inquiry_id, inquiries.c.status == "answered", inquiries.c.fact_key.is_(None)
                    )
                    .values(fact_key=fact_key)
                    .returning(*inquiries.c)
                )
            ).first()
        return _inquiry(row) if row else None

    async def _move(self, inquiry_id: int, expected: InquiryStatus, **values: Any) -> Inquiry | None:
        async with self._db.begin() as conn:
            row = (
                await conn.execute(
                    sa.update(inquiries)
                    .where(inquiries.c.id == inquiry_id, inquiries.c.status == expected)
                    .values(**values)
                    .returning(*inquiries.c)
                )
            ).first()
        return _inquiry(row) if row else None
