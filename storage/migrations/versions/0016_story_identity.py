"""Story identity: why an entry joined a story (or only looks like one), and which story each digest item tells.

Entries record the reason of a merge (`story_reason`: the same article address) and a likeness that was not taken
for identity (`similar_to`, `similar_reason`: the same title and day, or the same text), for /why. Digest items
carry their story and language, and are kept once their digest is queued (`sent_at`), so a later version of a
story a reader already got in a digest is not sent again.

Revision ID: 0016
Revises: 0015
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("entries") as batch:
        batch.add_column(sa.Column("story_reason", sa.String(16), nullable=True))
        batch.add_column(sa.Column("similar_to", sa.Integer, nullable=True))
        batch.add_column(sa.Column("similar_reason", sa.String(16), nullable=True))
    with op.batch_alter_table("digest_items") as batch:
        batch.add_column(sa.Column("story_id", sa.BigInteger, nullable=True))
        batch.add_column(sa.Column("language", sa.String(2), nullable=True))
        batch.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_digest_items_story_id", ["story_id"])
    # Waiting items: their story and language from the entry snapshot they hold (read in Python: JSON functions
    # differ between SQLite and PostgreSQL).
    items = sa.table(
        "digest_items",
        sa.column("chat_id"),
        sa.column("entry_id"),
        sa.column("entry"),
        sa.column("story_id"),
        sa.column("language"),
    )
    bind = op.get_bind()
    for row in bind.execute(sa.select(items.c.chat_id, items.c.entry_id, items.c.entry)).all():
        snapshot = row.entry if isinstance(row.entry, dict) else json.loads(row.entry)
        bind.execute(
            sa.update(items)
            .where(items.c.chat_id == row.chat_id, items.c.entry_id == row.entry_id)
            .values(
                story_id=snapshot.get("story_id") or row.entry_id,
                language=(snapshot.get("entry") or {}).get("language"),
            )
        )


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM digest_items WHERE sent_at IS NOT NULL"))
    with op.batch_alter_table("digest_items") as batch:
        batch.drop_index("ix_digest_items_story_id")
        batch.drop_column("sent_at")
        batch.drop_column("language")
        batch.drop_column("story_id")
    with op.batch_alter_table("entries") as batch:
        batch.drop_column("similar_reason")
        batch.drop_column("similar_to")
        batch.drop_column("story_reason")
