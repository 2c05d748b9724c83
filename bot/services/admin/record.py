"""The record of official communication: every broadcast and every published alliance announcement, kept for good
with its text per language, who drafted and approved it, when, a content hash and its delivery counts.

Both doors read it through here: /archive in Telegram and `python -m bot archive export` at the shell.
The counts are read from the outbox when the record is viewed or exported and written back into the record, so
they outlive the outbox's retention (the last counts seen stay).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.services.delivery.matching import entry_text
from domain.audit import Actor, AuditTrail, record
from domain.clock import Clock, utcnow
from domain.entries import StoredEntry
from domain.record import RecordEntry
from storage.broadcasts import Broadcast
from storage.record import NewRecord, RecordRepository

logger = logging.getLogger(__name__)
KINDS = ("broadcast", "announcement")
PAGE_SIZE = 5
ExportFormat = Literal["csv", "json"]
EXPORT_COLUMNS = (
    "id",
    "kind",
    "subject_id",
    "published_at",
    "drafted_at",
    "drafted_by",
    "approved_at",
    "approved_by",
    "source_id",
    "source_name",
    "content_hash",
    "queued",
    "sent",
    "failed",
    "blocked",
    "cancelled",
    "texts",
)


def canonical_text(texts: dict[str, str]) -> str:
    """The text the hash is taken of: each language's text NFC-normalized, line ends as \\n, trimmed, in language
    order, each under its `[language]` line; the same words give the same hash whichever door stored them."""
    parts = []
    for language in sorted(texts):
        text = unicodedata.normalize("NFC", texts[language]).replace("\r\n", "\n").strip()
        parts.append(f"[{language}]\n{text}")
    return "\n\n".join(parts)


def content_hash(texts: dict[str, str]) -> str:
    """sha256 of the canonical text, in hex."""
    return hashlib.sha256(canonical_text(texts).encode("utf-8")).hexdigest()


def announcement_text(stored: StoredEntry) -> str:
    """An announcement as the record keeps it: title, summary as plain text, and its address."""
    return f"{entry_text(stored).strip()}\n{stored.entry.url}".strip()


def broadcast_language(broadcast: Broadcast) -> str:
    """A broadcast's language: its audience's, or its drafter's for an audience of several languages."""
    audience = broadcast.audience or ""
    if audience.startswith("lang-"):
        return audience.removeprefix("lang-")
    return broadcast.report_language


@dataclass(frozen=True, slots=True)
class RecordPage:
    """One page of the record, newest first."""

    entries: list[RecordEntry]
    page: int
    pages: int
    total: int


class OfficialRecord:
    """Records what the bot published officially; lists and exports it."""

    def __init__(self, records: RecordRepository, audit: AuditTrail, *, clock: Clock = utcnow) -> None:
        self._records = records
        self._audit = audit
        self._clock = clock

    async def record_broadcast(self, broadcast: Broadcast) -> int | None:
        """Keep a broadcast that went out (idempotent); returns the record's id, None when it was kept already."""
        texts = {broadcast_language(broadcast): broadcast.text or ""}
        new = NewRecord(
            kind="broadcast",
            subject_id=broadcast.id,
            texts=texts,
            content_hash=content_hash(texts),
            drafted_by=broadcast.created_by,
            drafted_at=broadcast.created_at,
            approved_by=broadcast.approved_by,
            approved_at=broadcast.approved_at,
            published_at=broadcast.started_at or self._clock(),
        )
        record_id = await self._records.add(new)
        if record_id is not None:
            logger.info("record.broadcast", extra={"broadcast": broadcast.id, "record": record_id})
        return record_id

    async def record_announcements(
        self, entries: Sequence[StoredEntry], *, approved: Actor | None = None, approved_at: datetime | None = None
    ) -> int:
        """Keep the alliance entries that were published (pushed to a subscriber or a channel); returns how many
        texts were kept. A story's version in a new language joins the story's record; a version in a language
        already recorded that was pushed again with another text (a correction) is a record of its own; one that
        was not pushed (its readers had the story in that language) is not a publication."""
        kept = 0
        for stored in entries:
            if not stored.is_alliance:
                continue
            if not await self._records.entry_pushed(stored.id):
                logger.info("record.skip", extra={"entry": stored.id, "reason": "not pushed to anyone"})
                continue
            kept += await self._record_announcement(stored, approved, approved_at)
        return kept

    async def _record_announcement(
        self, stored: StoredEntry, approved: Actor | None, approved_at: datetime | None
    ) -> int:
        language, text = stored.entry.language, announcement_text(stored)
        latest = await self._records.latest_of("announcement", stored.story)
        if latest is not None and latest.texts.get(language) == text:
            logger.info("record.skip", extra={"entry": stored.id, "reason": "same text recorded"})
            return 0
        if latest is not None and language not in latest.texts:
            texts = {**latest.texts, language: text}
            if await self._records.add_text(latest.id, language, text, content_hash(texts)):
                logger.info("record.version", extra={"entry": stored.id, "record": latest.id, "language": language})
                return 1
        texts = {language: text}
        record_id = await self._records.add(
            NewRecord(
                kind="announcement",
                subject_id=stored.story,
                texts=texts,
                content_hash=content_hash(texts),
                drafted_at=stored.first_seen_at,
                published_at=self._clock(),
                approved_by=approved.user_id if approved else None,
                approved_at=approved_at,
                source_id=stored.source_id,
                source_name=stored.source_title[:200],
            )
        )
        if record_id is None:
            return 0
        logger.info("record.announcement", extra={"entry": stored.id, "story": stored.story, "record": record_id})
        return 1

    async def page(self, page: int, *, kind: str | None = None, size: int = PAGE_SIZE) -> RecordPage:
        """A page of the record (0 is the newest), optionally of one kind; a page past the end shows the last."""
        if kind is not None and kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        entries, total = await self._records.page(kind=kind, offset=max(0, page) * size, limit=size)
        pages = max(1, -(-total // size))
        if page >= pages and total:
            return await self.page(pages - 1, kind=kind, size=size)
        return RecordPage(entries, max(0, page), pages, total)

    async def get(self, record_id: int) -> RecordEntry | None:
        """One record, or None."""
        return await self._records.get(record_id)

    async def export(self, export_format: ExportFormat, actor: Actor, *, kind: str | None = None) -> bytes:
        """The whole record (newest first) as CSV or JSON, the same rows and columns in both; audited."""
        rows = [export_row(entry) for entry in await self._records.all(kind=kind)]
        await record(self._audit, actor, "record.export", format=export_format, rows=len(rows))
        if export_format == "json":
            return (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "texts": json.dumps(row["texts"], ensure_ascii=False, sort_keys=True)})
        return out.getvalue().encode("utf-8")


def export_row(entry: RecordEntry) -> dict[str, object]:
    """One record as the export writes it: times in UTC, ISO 8601."""
    return {
        "id": entry.id,
        "kind": entry.kind,
        "subject_id": entry.subject_id,
        "published_at": entry.published_at.isoformat(),
        "drafted_at": entry.drafted_at.isoformat(),
        "drafted_by": entry.drafted_by,
        "approved_at": entry.approved_at.isoformat() if entry.approved_at else None,
        "approved_by": entry.approved_by,
        "source_id": entry.source_id,
        "source_name": entry.source_name,
        "content_hash": entry.content_hash,
        "queued": entry.counts.queued,
        "sent": entry.counts.sent,
        "failed": entry.counts.failed,
        "blocked": entry.counts.blocked,
        "cancelled": entry.counts.cancelled,
        "texts": dict(sorted(entry.texts.items())),
    }
