"""Knowledge-base names gain `forms` (adjective and demonym forms, abbreviations, translations per language);
the question log keeps what the engine missed and the 👍/👎 given to its answers, without user identity.

Revision ID: 0009
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

from storage.schema.base import UTCDateTime

revision = "0009"
down_revision = "0012"
branch_labels = None
depends_on = None

_NAMED = ("kb_countries", "kb_organizations", "kb_people")


def upgrade() -> None:
    for table in _NAMED:
        # Rows imported before this revision have no forms; the default fills them, then it is dropped so
        # that every later insert states its forms like its aliases.
        op.add_column(table, sa.Column("forms", sa.JSON, nullable=False, server_default=sa.text("'{}'")))
        with op.batch_alter_table(table) as batch:
            batch.alter_column("forms", server_default=None)
    op.create_table(
        "qa_log",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("asked_at", UTCDateTime, nullable=False),
        sa.Column("question", sa.String(500), nullable=False),
        sa.Column("normalized", sa.String(500), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("intent", sa.String(32), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("vote", sa.SmallInteger, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_qa_log"),
    )
    op.create_index("ix_qa_log_asked_at", "qa_log", ["asked_at"])
    op.create_index("ix_qa_log_outcome", "qa_log", ["outcome", "normalized"])


def downgrade() -> None:
    op.drop_index("ix_qa_log_outcome", table_name="qa_log")
    op.drop_index("ix_qa_log_asked_at", table_name="qa_log")
    op.drop_table("qa_log")
    for table in _NAMED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("forms")
