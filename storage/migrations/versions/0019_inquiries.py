"""Questions asked of the Center: the inquiry queue behind "Ask the Center", /inquiries and /myquestions.

Revision ID: 0019
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

from storage.schema.base import UTCDateTime

revision = "0019"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inquiries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.Column("message_id", sa.BigInteger, nullable=True),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("question", sa.String(1000), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("asked_at", UTCDateTime, nullable=False),
        sa.Column("answer", sa.Text, nullable=True),
        sa.Column("answered_at", UTCDateTime, nullable=True),
        sa.Column("answered_by", sa.BigInteger, nullable=True),
        sa.Column("fact_key", sa.String(64), nullable=True),
    )
    op.create_index("ix_inquiries_status", "inquiries", ["status", "id"])
    op.create_index("ix_inquiries_chat_id", "inquiries", ["chat_id", "asked_at"])


def downgrade() -> None:
    op.drop_index("ix_inquiries_chat_id", table_name="inquiries")
    op.drop_index("ix_inquiries_status", table_name="inquiries")
    op.drop_table("inquiries")
