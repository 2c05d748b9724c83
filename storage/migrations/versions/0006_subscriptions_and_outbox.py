"""Subscriptions, digest items and the outbox.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from storage.schema.base import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("languages", sa.String(16), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("digest_hour", sa.SmallInteger, nullable=False),
        sa.Column("paused", sa.Boolean, nullable=False),
        sa.Column("include_words", sa.Text, nullable=False),
        sa.Column("exclude_words", sa.Text, nullable=False),
        sa.Column("message_thread_id", sa.BigInteger, nullable=True),
        sa.Column("subscribed_by", sa.BigInteger, nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("chat_id", name="pk_subscriptions"),
        sa.ForeignKeyConstraint(
            ["chat_id"], ["chats.id"], name="fk_subscriptions_chat_id_chats", ondelete="CASCADE"
        ),
    )
    op.create_table(
        "digest_items",
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.Column("entry_id", sa.BigInteger, nullable=False),
        sa.Column("entry", sa.JSON, nullable=False),
        sa.Column("queued_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("chat_id", "entry_id", name="pk_digest_items"),
    )
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("dedup_key", sa.String(128), nullable=True),
        sa.Column("payload", sa.JSON, nullable=True),
        sa.Column("copy_from_chat_id", sa.BigInteger, nullable=True),
        sa.Column("copy_message_id", sa.BigInteger, nullable=True),
        sa.Column("created_by", sa.BigInteger, nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_messages"),
        sa.UniqueConstraint("dedup_key", name="uq_outbox_messages_dedup_key"),
    )
    op.create_table(
        "outbox_deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("message_id", sa.Integer, nullable=False),
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.Column("message_thread_id", sa.BigInteger, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("errors", sa.Integer, nullable=False),
        sa.Column("plain_text", sa.Boolean, nullable=False),
        sa.Column("next_attempt_at", UTCDateTime, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("sent_at", UTCDateTime, nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_deliveries"),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["outbox_messages.id"],
            name="fk_outbox_deliveries_message_id_outbox_messages",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("message_id", "chat_id", name="uq_outbox_deliveries_message_chat"),
    )
    op.create_index("ix_outbox_deliveries_message_id", "outbox_deliveries", ["message_id"])
    op.create_index("ix_outbox_deliveries_due", "outbox_deliveries", ["status", "id"])
    op.create_index("ix_outbox_deliveries_chat", "outbox_deliveries", ["chat_id", "status", "id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_deliveries_chat", table_name="outbox_deliveries")
    op.drop_index("ix_outbox_deliveries_due", table_name="outbox_deliveries")
    op.drop_index("ix_outbox_deliveries_message_id", table_name="outbox_deliveries")
    op.drop_table("outbox_deliveries")
    op.drop_table("outbox_messages")
    op.drop_table("digest_items")
    op.drop_table("subscriptions")
