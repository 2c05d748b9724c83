"""The record of official communication as every layer reads it: one published text, who, when, its hash, its
deliveries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class RecordCounts:
    """Deliveries of a recorded text: waiting (queued or being sent), sent, failed, blocked, cancelled."""

    queued: int = 0
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    cancelled: int = 0

    @property
    def total(self) -> int:
        return self.queued + self.sent + self.failed + self.blocked + self.cancelled


@dataclass(frozen=True, slots=True)
class RecordEntry:
    """One published text: what was said, by whom, when, its hash and its deliveries."""

    id: int
    kind: str  # broadcast announcement
    subject_id: int  # the broadcast, or the story
    texts: dict[str, str]  # by language
    content_hash: str
    drafted_by: int | None
    approved_by: int | None
    source_id: int | None
    source_name: str | None
    drafted_at: datetime
    approved_at: datetime | None
    published_at: datetime
    counts: RecordCounts = field(default_factory=RecordCounts)
