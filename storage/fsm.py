"""aiogram FSM storage on the bot's own database: no extra service, shared by all replicas."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StorageKey

from storage.database import Database
from storage.schema.base import utcnow
from storage.schema.fsm import fsm_states

StateType = str | State | None


class DatabaseStorage(BaseStorage):
    """One row per (bot, chat, user, thread) key with the state name and the dialog's data as JSON."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._keys = DefaultKeyBuilder(with_bot_id=True, with_destiny=True)

    async def _write(self, key: StorageKey, **values: Any) -> None:
        storage_key = self._keys.build(key)
        async with self._db.begin() as conn:
            updated = await conn.execute(
                sa.update(fsm_states).where(fsm_states.c.key == storage_key).values(updated_at=utcnow(), **values)
            )
            if updated.rowcount == 0:
                row = {"key": storage_key, "state": None, "data": {}, "updated_at": utcnow(), **values}
                await conn.execute(sa.insert(fsm_states).values(**row))

    async def _read(self, key: StorageKey) -> sa.Row[Any] | None:
        async with self._db.connect() as conn:
            query = sa.select(fsm_states.c.state, fsm_states.c.data).where(fsm_states.c.key == self._keys.build(key))
            row: sa.Row[Any] | None = (await conn.execute(query)).first()
        return row

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        await self._write(key, state=state.state if isinstance(state, State) else state)

    async def get_state(self, key: StorageKey) -> str | None:
        row = await self._read(key)
        return row.state if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await self._read(key)
        return dict(row.data) if row else {}

    async def close(self) -> None:
        """The database is closed by its owner, not by the dispatcher."""
