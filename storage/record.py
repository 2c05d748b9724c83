"""The official record's repository: rows kept for good, their delivery counts refreshed from the outbox."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from domain.record import RecordCounts, RecordEntry
from storage.database import Database
from storage.schema import official_record, outbox_deliveries, outbox_messages
from storage.sql import insert_ignoring_duplicates

COUNT_COLUMNS = ("queued", "sent", "failed", "blocked", "cancelled")
# pg_advisory_xact_lock's key for adding a record: any constant no other lock of the bot uses.
_RECORD_LOCK = 0x0FF1_C1A1


@dataclass(frozen=True, slots=True)
class NewRecord:
    """What the service records; the counts come from the outbox."""

    kind: str
    subject_id: int
    texts: dict[str, str]
    content_hash: str
    drafted_at: datetime
    published_at: datetime
    drafted_by: int | None = None
    approved_by: int | None = None
    approved_at: datetime | None = None
    source_id: int | None = None
    source_name: str | None = None


def _entry(row: sa.Row[Any], counts: RecordCounts | None = None) -> RecordEntry:
    values = dict(row._mapping)
    stored = RecordCounts(**{name: int(values.pop(name)) for name in COUNT_COLUMNS})
    return RecordEntry(**values, counts=counts if counts is not None else stored)


def _outbox_of(kind: str, subject_id: int) -> sa.ColumnElement[bool]:
    """The outbox messages that carried a record: the broadcast's one, or every message of the story."""
    if kind == "broadcast":
        return outbox_messages.c.dedup_key == f"broadcast:{subject_id}"
    return sa.and_(outbox_messages.c.kind == "entry", outbox_messages.c.story_id == subject_id)


class RecordRepository:
    """Reads and writes `official_record`; nothing here deletes a row."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, new: NewRecord) -> int | None:
        """Insert the record; None when this exact text of this subject is recorded already (idempotent)."""
        row = {
            "kind": new.kind,
            "subject_id": new.subject_id,
            "texts": new.texts,
            "content_hash": new.content_hash,
            "drafted_by": new.drafted_by,
            "approved_by": new.approved_by,
            "source_id": new.source_id,
            "source_name": new.source_name,
            "drafted_at": new.drafted_at,
            "approved_at": new.approved_at,
            "published_at": new.published_at,
        }
        same = sa.select(official_record.c.id).where(
            official_record.c.kind == new.kind,
            official_record.c.subject_id == new.subject_id,
            official_record.c.content_hash == new.content_hash,
        )
        async with self._db.begin() as conn:
            # Looked for first: on PostgreSQL an insert that meets the unique key still takes a number from the
            # sequence, and the record's numbers (#1, #2, ... shown to admins) would skip one for every repeat.
            # Taken in turn there, so that two keeping the same record at once do not both look, find nothing and
            # insert (SQLite serialises writers anyway); records are few, the lock costs nothing that matters.
            if conn.dialect.name == "postgresql":
                await conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _RECORD_LOCK})
            if (await conn.execute(same)).first() is not None:
                return None
            inserted = await insert_ignoring_duplicates(
                conn, official_record, [row], ("kind", "subject_id", "content_hash")
            )
            if not inserted:
                return None
            return int((await conn.execute(same)).scalar_one())

    async def latest_of(self, kind: str, subject_id: int) -> RecordEntry | None:
        """The newest record of a subject (a story's versions merge into it), or None."""
        query = (
            sa.select(official_record)
            .where(official_record.c.kind == kind, official_record.c.subject_id == subject_id)
            .order_by(official_record.c.id.desc())
            .limit(1)
        )
        async with self._db.connect() as conn:
            row = (await conn.execute(query)).first()
        return _entry(row) if row else None

    async def add_text(self, record_id: int, language: str, text: str, content_hash: str) -> bool:
        """A story's version in a language its record lacks joins that record; False when the language is there."""
        async with self._db.begin() as conn:
            row = (
                await conn.execute(sa.select(official_record.c.texts).where(official_record.c.id == record_id))
            ).first()
            if row is None or language in row.texts:
                return False
            texts = {**row.texts, language: text}
            twin = await conn.execute(
                sa.select(official_record.c.id).where(
                    official_record.c.kind == "announcement",
                    official_record.c.subject_id
                    == sa.select(official_record.c.subject_id)
                    .where(official_record.c.id == record_id)
                    .scalar_subquery(),
                    official_record.c.content_hash == content_hash,
                )
            )
            if twin.first() is not None:
                return False  # these very texts are on record already
            result = await conn.execute(
                sa.update(official_record)
                .where(official_record.c.id == record_id)
                .values(texts=texts, content_hash=content_hash)
            )
        return bool(result.rowcount)

    async def page(self, *, kind: str | None, offset: int, limit: int) -> tuple[list[RecordEntry], int]:
        """Records newest first (and the number of all of them), counts refreshed from the outbox."""
        where = [official_record.c.kind == kind] if kind else []
        query = (
            sa.select(official_record)
            .where(*where)
            .order_by(official_record.c.published_at.desc(), official_record.c.id.desc())
            .offset(offset)
            .limit(limit)
        )
        async with self._db.connect() as conn:
            rows = (await conn.execute(query)).all()
            total = (await conn.execute(sa.select(sa.func.count()).select_from(official_record).where(*where))).scalar()
        return await self._refreshed(rows), int(total or 0)

    async def get(self, record_id: int) -> RecordEntry | None:
        """One record with fresh counts, or None."""
        async with self._db.connect() as conn:
            row = (await conn.execute(sa.select(official_record).where(official_record.c.id == record_id))).first()
        return (await self._refreshed([row]))[0] if row else None

    async def all(self, *, kind: str | None = None) -> list[RecordEntry]:
        """Every record, newest first, counts refreshed (for the export)."""
        query = sa.select(official_record).order_by(official_record.c.published_at.desc(), official_record.c.id.desc())
        if kind:
            query = query.where(official_record.c.kind == kind)
        async with self._db.connect() as conn:
            rows = (await conn.execute(query)).all()
        return await self._refreshed(rows)

    async def _refreshed(self, rows: Sequence[sa.Row[Any]]) -> list[RecordEntry]:
        """Counts read from the outbox and written back: the outbox keeps its rows for OUTBOX_RETENTION_DAYS, the
        record keeps the last counts it saw for good."""
        entries = []
        for row in rows:
            counts = await self._counts(row.kind, row.subject_id)
            if counts.total == 0:
                entries.append(_entry(row))  # the outbox has let go of its rows: the counts last seen
                continue
            stored = _entry(row).counts
            if counts != stored:
                async with self._db.begin() as conn:
                    await conn.execute(
                        sa.update(official_record)
                        .where(official_record.c.id == row.id)
                        .values(**{name: getattr(counts, name) for name in COUNT_COLUMNS})
                    )
            entries.append(_entry(row, counts))
        return entries

    async def _counts(self, kind: str, subject_id: int) -> RecordCounts:
        query = (
            sa.select(outbox_deliveries.c.status, sa.func.count())
            .join(outbox_messages, outbox_messages.c.id == outbox_deliveries.c.message_id)
            .where(_outbox_of(kind, subject_id))
            .group_by(outbox_deliveries.c.status)
        )
        async with self._db.connect() as conn:
            found: Counter[str] = Counter({status: int(count) for status, count in (await conn.execute(query)).all()})
        return RecordCounts(
            queued=found["queued"] + found["sending"],
            sent=found["sent"],
            failed=found["failed"],
            blocked=found["blocked"],
            cancelled=found["cancelled"],
        )

    async def entry_pushed(self, entry_id: int) -> bool:
        """True when the outbox holds a delivery of this entry's own messages (to a subscriber or a channel); a
        version the readers of its language had already got as another version is never queued."""
        query = (
            sa.select(outbox_deliveries.c.id)
            .join(outbox_messages, outbox_messages.c.id == outbox_deliveries.c.message_id)
            .where(outbox_messages.c.kind == "entry", outbox_messages.c.dedup_key.like(f"entry:{entry_id}:%"))
            .limit(1)
        )
        async with self._db.connect() as conn:
            return (await conn.execute(query)).first() is not None
