"""Chats (private users, groups, channels) and the audit log."""

import sqlalchemy as sa

from domain.clock import utcnow
from storage.schema.base import UTCDateTime, metadata

chats = sa.Table(
    "chats",
    metadata,
    # Telegram chat id: the user id for private chats, negative for groups and channels.
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("type", sa.String(16), nullable=False),  # private, group, supergroup, channel
    sa.Column("title", sa.String(256), nullable=True),
    sa.Column("username", sa.String(64), nullable=True),
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    sa.Column("updated_at", UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow),
    sa.Column("timezone", sa.String(64), nullable=True),  # IANA name the chat chose; None: from its language
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", UTCDateTime, nullable=False, default=utcnow, index=True),
    sa.Column("actor_id", sa.BigInteger, nullable=True),  # None for the system itself
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("details", sa.JSON, nullable=False, default=dict),
)
