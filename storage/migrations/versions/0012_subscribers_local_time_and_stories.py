"""Subscribers: time zones, quiet hours, "only my languages", stories across sources and languages, edits in place.

Digest hours were UTC until this revision and are local from now on: they move by +5 hours, so a chat that has not
chosen a zone (Asia/Almaty for ru and kk, the default TIMEZONE for en) keeps receiving its digest at the same moment.

Revision ID: 0012
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("chats") as batch:
        batch.add_column(sa.Column("timezone", sa.String(64), nullable=True))
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("quiet_start", sa.SmallInteger, nullable=True))
        batch.add_column(sa.Column("quiet_end", sa.SmallInteger, nullable=True))
        batch.add_column(
            sa.Column("own_languages_only", sa.Boolean, nullable=False, server_default=sa.false())
        )
    op.execute(sa.text("UPDATE subscriptions SET digest_hour = (digest_hour + 5) % 24"))
    with op.batch_alter_table("entries") as batch:
        batch.add_column(sa.Column("story_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("url_key", sa.String(40), nullable=True))
        batch.add_column(sa.Column("title_key", sa.String(40), nullable=True))
        batch.add_column(sa.Column("fingerprint", sa.String(40), nullable=True))
        batch.create_index("ix_entries_story_id", ["story_id"])
        batch.create_index("ix_entries_url_key", ["url_key"])
        batch.create_index("ix_entries_title_key", ["title_key"])
        batch.create_index("ix_entries_fingerprint", ["fingerprint"])
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("story_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("language", sa.String(2), nullable=True))
        batch.create_index("ix_outbox_messages_story_id", ["story_id"])
    with op.batch_alter_table("outbox_deliveries") as batch:
        batch.add_column(sa.Column("telegram_message_id", sa.BigInteger, nullable=True))
        batch.add_column(sa.Column("sent_kind", sa.String(8), nullable=True))
        batch.add_column(sa.Column("replaces_id", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_deliveries") as batch:
        batch.drop_column("replaces_id")
        batch.drop_column("sent_kind")
        batch.drop_column("telegram_message_id")
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_index("ix_outbox_messages_story_id")
        batch.drop_column("language")
        batch.drop_column("story_id")
    with op.batch_alter_table("entries") as batch:
        batch.drop_index("ix_entries_fingerprint")
        batch.drop_index("ix_entries_title_key")
        batch.drop_index("ix_entries_url_key")
        batch.drop_index("ix_entries_story_id")
        batch.drop_column("fingerprint")
        batch.drop_column("title_key")
        batch.drop_column("url_key")
        batch.drop_column("story_id")
    op.execute(sa.text("UPDATE subscriptions SET digest_hour = (digest_hour + 19) % 24"))
    with op.batch_alter_table("subscriptions") as batch:
        batch.drop_column("own_languages_only")
        batch.drop_column("quiet_end")
        batch.drop_column("quiet_start")
    with op.batch_alter_table("chats") as batch:
        batch.drop_column("timezone")
