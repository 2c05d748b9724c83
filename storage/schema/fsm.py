"""Conversation state (aiogram FSM) in the database, so a dialog survives a restart or a replica switch."""

import sqlalchemy as sa

from domain.clock import utcnow
from storage.schema.base import UTCDateTime, metadata

fsm_states = sa.Table(
    "fsm_states",
    metadata,
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("state", sa.String(255), nullable=True),
    sa.Column("data", sa.JSON, nullable=False, default=dict),
    sa.Column("updated_at", UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow),
)
