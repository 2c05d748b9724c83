"""The update inbox: every update from Telegram, stored before Telegram is told it arrived, and who handles it."""

import sqlalchemy as sa

from storage.schema.base import UTCDateTime, metadata

update_inbox = sa.Table(
    "update_inbox",
    metadata,
    sa.Column("update_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("payload", sa.Text, nullable=False),  # the update as JSON, to handle it again after a crash
    sa.Column("received_at", UTCDateTime, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),  # handling, done, failed
    sa.Column("holder", sa.String(128), nullable=False),  # the process handling it (or that did)
    sa.Column(
        "claimed_at", UTCDateTime, nullable=False
    ),  # renewed while it is handled: a stale claim is a dead process
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("done_at", UTCDateTime, nullable=True),
    sa.Index("ix_update_inbox_state_claimed_at", "state", "claimed_at"),
    sa.Index("ix_update_inbox_done_at", "done_at"),
)
