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
