"""The official document an entry encloses (a PDF enclosure of a feed item), for its rich message and split fallback.

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("entries", sa.Column("document_url", sa.String(2048), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("entries") as batch:
        batch.drop_column("document_url")
