"""Admin console: broadcasts and entries held for moderation.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from storage.schema.base import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("created_by", sa.BigInteger, nullable=False),
        sa.Column("source_chat_id", sa.BigInteger, nullable=False),
        sa.Column("source_message_id", sa.BigInteger, nullable=False),
        sa.Column("audience", sa.String(32), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("due_at", UTCDateTime, nullable=True),
        sa.Column("outbox_message_id", sa.Integer, nullable=True),
        sa.Column("recipients", sa.Integer, nullable=False),
        sa.Column("report_chat_id", sa.BigInteger, nullable=True),
        sa.Column("report_message_id", sa.BigInteger, nullable=True),
        sa.Column("report_language", sa.String(2), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("started_at", UTCDateTime, nullable=True),
        sa.Column("finished_at", UTCDateTime, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_broadcasts"),
    )
    op.create_index("ix_broadcasts_status_due", "broadcasts", ["status", "due_at"])
    op.create_table(
        "held_entries",
        sa.Column("entry_id", sa.BigInteger, autoincrement=False, nullable=False),
        sa.Column("title", sa.Text, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.BigInteger, nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("decided_at", UTCDateTime, nullable=True),
        sa.PrimaryKeyConstraint("entry_id", name="pk_held_entries"),
    )


def downgrade() -> None:
    op.drop_table("held_entries")
    op.drop_index("ix_broadcasts_status_due", table_name="broadcasts")
    op.drop_table("broadcasts")
