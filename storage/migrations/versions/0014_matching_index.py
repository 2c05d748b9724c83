"""The matching index (subscriptions by news language, scope and pause: a new entry's subscribers are one range),
and the hash of each source's last body (an unchanged body is not parsed again).

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sources", sa.Column("body_hash", sa.String(40), nullable=True))
    op.create_table(
        "subscription_languages",
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("paused", sa.Boolean, nullable=False),
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("language", "scope", "paused", "chat_id", name="pk_subscription_languages"),
        sa.ForeignKeyConstraint(
            ["chat_id"],
            ["subscriptions.chat_id"],
            name="fk_subscription_languages_chat_id_subscriptions",
            ondelete="CASCADE",
            onupdate="CASCADE",
        ),
    )
    op.create_index("ix_subscription_languages_chat_id", "subscription_languages", ["chat_id"])
    # The existing subscriptions, one row per news language (stored comma-separated in `subscriptions`).
    subscriptions = sa.table(
        "subscriptions", sa.column("chat_id"), sa.column("scope"), sa.column("paused"), sa.column("languages")
    )
    index = sa.table(
        "subscription_languages", sa.column("language"), sa.column("scope"), sa.column("paused"), sa.column("chat_id")
    )
    bind = op.get_bind()
    rows = [
        {"language": code, "scope": row.scope, "paused": row.paused, "chat_id": row.chat_id}
        for row in bind.execute(sa.select(subscriptions))
        for code in dict.fromkeys(row.languages.split(","))
        if code
    ]
    if rows:
        bind.execute(sa.insert(index), rows)


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("body_hash")
    op.drop_index("ix_subscription_languages_chat_id", table_name="subscription_languages")
    op.drop_table("subscription_languages")
