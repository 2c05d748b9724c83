"""Indexes of a fan-out that scales: the listening subscriptions of a scope in chat id order (the walk that cuts
an alliance entry's audience into chunks), and no separate index on `outbox_deliveries.message_id` (the unique
(message_id, chat_id) serves its lookups; one B-tree less to write per queued row).

Revision ID: 0017
Revises: 0016
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_subscriptions_scope_paused_chat", "subscriptions", ["scope", "paused", "chat_id"])
    op.drop_index("ix_outbox_deliveries_message_id", table_name="outbox_deliveries")


def downgrade() -> None:
    op.create_index("ix_outbox_deliveries_message_id", "outbox_deliveries", ["message_id"])
    op.drop_index("ix_subscriptions_scope_paused_chat", table_name="subscriptions")
