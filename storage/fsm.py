"""Dialog state rows (aiogram's FSM, adapted in bot/telegram/fsm.py): one row per key, the state name and JSON data."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from domain.clock import utcnow
from storage.database import Database
from storage.schema.fsm import fsm_states


class DialogStateRepository:
    """Reads and writes the state and data of one dialog key; a missing row is an empty dialog."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def write(self, key: str, **values: Any) -> None:
        """Set `state` and/or `data` of the dialog, creating its row on first use."""
        async with self._db.begin() as conn:
            updated = await conn.execute(
                sa.update(fsm_states).where(fsm_states.c.key == key).values(updated_at=utcnow(), **values)
            )
            if updated.rowcount == 0:
                row = {"key": key, "state": None, "data": {}, "updated_at": utcnow(), **values}
                await conn.execute(sa.insert(fsm_states).values(**row))

    async def read(self, key: str) -> tuple[str | None, dict[str, Any]]:
        """The dialog's state name and data."""
        async with self._db.connect() as conn:
            query = sa.select(fsm_states.c.state, fsm_states.c.data).where(fsm_states.c.key == key)
            row = (await conn.execute(query)).first()
        return (row.state, dict(row.data)) if row else (None, {})
