"""Leases: which process runs the singleton work (poller, sender) right now."""

import sqlalchemy as sa

from storage.schema.base import UTCDateTime, metadata

leases = sa.Table(
    "leases",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("holder", sa.String(128), nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
)
