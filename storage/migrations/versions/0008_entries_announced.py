"""Entries remember when they were handed over to delivery, so a crash in between loses nothing.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from storage.schema.base import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("entries", sa.Column("announced_at", UTCDateTime, nullable=True))
    op.create_index("ix_entries_announced_at", "entries", ["announced_at"])
    # Entries stored before this revision were handed over when they were stored.
    op.execute(sa.text("UPDATE entries SET announced_at = first_seen_at"))


def downgrade() -> None:
    op.drop_index("ix_entries_announced_at", table_name="entries")
    with op.batch_alter_table("entries") as batch:
        batch.drop_column("announced_at")
