"""The record of official communication: every broadcast and published alliance announcement, kept for good; a
broadcast's text and its second admin's approval (BROADCAST_APPROVALS=2).

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

from storage.schema.base import UTCDateTime

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "official_record",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.BigInteger, nullable=False),
        sa.Column("texts", sa.JSON, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("drafted_by", sa.BigInteger, nullable=True),
        sa.Column("approved_by", sa.BigInteger, nullable=True),
        sa.Column("source_id", sa.Integer, nullable=True),
        sa.Column("source_name", sa.String(200), nullable=True),
        sa.Column("drafted_at", UTCDateTime, nullable=False),
        sa.Column("approved_at", UTCDateTime, nullable=True),
        sa.Column("published_at", UTCDateTime, nullable=False),
        sa.Column("queued", sa.Integer, nullable=False, server_default="0"),
        sa.Column("sent", sa.Integer, nullable=False, server_default="0"),
        sa.Column("failed", sa.Integer, nullable=False, server_default="0"),
        sa.Column("blocked", sa.Integer, nullable=False, server_default="0"),
        sa.Column("cancelled", sa.Integer, nullable=False, server_default="0"),
        sa.UniqueConstraint("kind", "subject_id", "content_hash", name="uq_official_record_subject_hash"),
    )
    op.create_index("ix_official_record_published", "official_record", ["published_at", "id"])
    op.create_index("ix_official_record_kind", "official_record", ["kind", "published_at", "id"])
    with op.batch_alter_table("broadcasts") as batch:
        batch.add_column(sa.Column("text", sa.Text, nullable=True))
        batch.add_column(sa.Column("requested_at", UTCDateTime, nullable=True))
        batch.add_column(sa.Column("approved_by", sa.BigInteger, nullable=True))
        batch.add_column(sa.Column("approved_at", UTCDateTime, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("broadcasts") as batch:
        batch.drop_column("approved_at")
        batch.drop_column("approved_by")
        batch.drop_column("requested_at")
        batch.drop_column("text")
    op.drop_index("ix_official_record_kind", table_name="official_record")
    op.drop_index("ix_official_record_published", table_name="official_record")
    op.drop_table("official_record")
