"""News sources, entries (with full-text search) and the seen-keys history.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from storage.schema.base import UTCDateTime
from storage.schema.feeds import POSTGRES_FTS, SQLITE_FTS

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("title", sa.String(256), nullable=False),
        sa.Column("interval_seconds", sa.Integer, nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("removed", sa.Boolean, nullable=False),
        sa.Column("etag", sa.String(512), nullable=True),
        sa.Column("last_modified", sa.String(128), nullable=True),
        sa.Column("next_check_at", UTCDateTime, nullable=False),
        sa.Column("last_checked_at", UTCDateTime, nullable=True),
        sa.Column("last_success_at", UTCDateTime, nullable=True),
        sa.Column("consecutive_failures", sa.Integer, nullable=False),
        sa.Column("last_outcome", sa.String(32), nullable=True),
        sa.Column("last_error", sa.String(512), nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("polling_until", UTCDateTime, nullable=True),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sources"),
        sa.UniqueConstraint("url", "language", name="uq_sources_url_language"),
    )
    op.create_index("ix_sources_next_check_at", "sources", ["next_check_at"])
    op.create_table(
        "entries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source_id", sa.Integer, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("key_hash", sa.String(40), nullable=False),
        sa.Column("url", sa.String(2048), nullable=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("summary_html", sa.Text, nullable=False),
        sa.Column("search_text", sa.Text, nullable=False),
        sa.Column("image_url", sa.String(2048), nullable=True),
        sa.Column("published_at", UTCDateTime, nullable=True),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("content_hash", sa.String(40), nullable=False),
        sa.Column("first_seen_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("is_alliance", sa.Boolean, nullable=False),
        sa.Column("alliance_reason", sa.String(256), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_entries"),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], name="fk_entries_source_id_sources"),
        sa.UniqueConstraint("source_id", "key_hash", name="uq_entries_source_key"),
    )
    op.create_index("ix_entries_first_seen_at", "entries", ["first_seen_at"])
    op.create_index("ix_entries_alliance_first_seen", "entries", ["is_alliance", "first_seen_at"])
    op.create_table(
        "seen_keys",
        sa.Column("source_id", sa.Integer, nullable=False),
        sa.Column("key_hash", sa.String(40), nullable=False),
        sa.Column("seen_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("source_id", "key_hash", name="pk_seen_keys"),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], name="fk_seen_keys_source_id_sources"),
    )
    op.create_index("ix_seen_keys_source_seen", "seen_keys", ["source_id", "seen_at"])
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)
    else:
        op.execute(POSTGRES_FTS)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("entries_fts_insert", "entries_fts_delete", "entries_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS entries_fts")
    else:
        op.drop_index("ix_entries_fts", table_name="entries")
    op.drop_index("ix_seen_keys_source_seen", table_name="seen_keys")
    op.drop_table("seen_keys")
    op.drop_index("ix_entries_alliance_first_seen", table_name="entries")
    op.drop_index("ix_entries_first_seen_at", table_name="entries")
    op.drop_table("entries")
    op.drop_index("ix_sources_next_check_at", table_name="sources")
    op.drop_table("sources")
