"""Admin console: broadcasts (drafts, scheduled, running, finished) and entries held for moderation."""

import sqlalchemy as sa

from domain.clock import utcnow
from storage.schema.base import UTCDateTime, metadata

broadcasts = sa.Table(
    "broadcasts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_by", sa.BigInteger, nullable=False),
    sa.Column("source_chat_id", sa.BigInteger, nullable=False),  # the admin's message, copied with copyMessage
    sa.Column("source_message_id", sa.BigInteger, nullable=False),
    sa.Column("audience", sa.String(32), nullable=True),  # all, lang-ru, scope-all, groups, private
    sa.Column("status", sa.String(16), nullable=False),  # draft scheduled sending done cancelled
    sa.Column("due_at", UTCDateTime, nullable=True),
    sa.Column("outbox_message_id", sa.Integer, nullable=True),
    sa.Column("recipients", sa.Integer, nullable=False, default=0),
    sa.Column("report_chat_id", sa.BigInteger, nullable=True),  # the live progress message
    sa.Column("report_message_id", sa.BigInteger, nullable=True),
    sa.Column("report_language", sa.String(2), nullable=False, default="ru"),
    sa.Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    sa.Column("started_at", UTCDateTime, nullable=True),
    sa.Column("finished_at", UTCDateTime, nullable=True),
    sa.Column("text", sa.Text, nullable=True),  # the message's HTML (text or caption), for the official record
    sa.Column("requested_at", UTCDateTime, nullable=True),  # BROADCAST_APPROVALS=2: when approval was asked
    sa.Column("approved_by", sa.BigInteger, nullable=True),  # the admin whose approval (or "send") let it go
    sa.Column("approved_at", UTCDateTime, nullable=True),
    sa.Index("ix_broadcasts_status_due", "status", "due_at"),
)

held_entries = sa.Table(
    "held_entries",
    metadata,
    sa.Column("entry_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("title", sa.Text, nullable=True),  # a title an admin wrote instead of the source's
    sa.Column("status", sa.String(16), nullable=False),  # held approved skipped
    sa.Column("decided_by", sa.BigInteger, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    sa.Column("decided_at", UTCDateTime, nullable=True),
)

# The record of official communication: kept for good (no housekeeping, no /forget: it names no subscriber).
# One row per published text: a broadcast, or an alliance story (its versions merge in by language; a changed
# text in a language already recorded is a new row). The counts are the outbox's as last seen (RecordRepository).
official_record = sa.Table(
    "official_record",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(16), nullable=False),  # broadcast announcement
    sa.Column("subject_id", sa.BigInteger, nullable=False),  # the broadcast's id or the story's id
    sa.Column("texts", sa.JSON, nullable=False),  # {language: text}
    sa.Column("content_hash", sa.String(64), nullable=False),  # sha256 of the canonical text, hex
    sa.Column("drafted_by", sa.BigInteger, nullable=True),  # the admin who drafted a broadcast
    sa.Column("approved_by", sa.BigInteger, nullable=True),  # the admin who approved it (or the moderator)
    sa.Column("source_id", sa.Integer, nullable=True),  # an announcement's source ...
    sa.Column("source_name", sa.String(200), nullable=True),  # ... and its name then (sources can be removed)
    sa.Column("drafted_at", UTCDateTime, nullable=False),
    sa.Column("approved_at", UTCDateTime, nullable=True),
    sa.Column("published_at", UTCDateTime, nullable=False),
    sa.Column("queued", sa.Integer, nullable=False, default=0, server_default="0"),
    sa.Column("sent", sa.Integer, nullable=False, default=0, server_default="0"),
    sa.Column("failed", sa.Integer, nullable=False, default=0, server_default="0"),
    sa.Column("blocked", sa.Integer, nullable=False, default=0, server_default="0"),
    sa.Column("cancelled", sa.Integer, nullable=False, default=0, server_default="0"),
    sa.UniqueConstraint("kind", "subject_id", "content_hash", name="uq_official_record_subject_hash"),
    sa.Index("ix_official_record_published", "published_at", "id"),
    sa.Index("ix_official_record_kind", "kind", "published_at", "id"),
)
