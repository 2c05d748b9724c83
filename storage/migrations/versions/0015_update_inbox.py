"""The update inbox: updates are stored before they are confirmed to Telegram and handled once by update_id.

Revision ID: 0015
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

from storage.schema.base import UTCDateTime

revision = "0015"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "update_inbox",
        sa.Column("update_id", sa.BigInteger, nullable=False, autoincrement=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("received_at", UTCDateTime, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("holder", sa.String(128), nullable=False),
        sa.Column("claimed_at", UTCDateTime, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("done_at", UTCDateTime, nullable=True),
        sa.PrimaryKeyConstraint("update_id", name="pk_update_inbox"),
    )
    op.create_index("ix_update_inbox_state_claimed_at", "update_inbox", ["state", "claimed_at"])
    op.create_index("ix_update_inbox_done_at", "update_inbox", ["done_at"])


def downgrade() -> None:
    op.drop_index("ix_update_inbox_done_at", table_name="update_inbox")
    op.drop_index("ix_update_inbox_state_claimed_at", table_name="update_inbox")
    op.drop_table("update_inbox")
