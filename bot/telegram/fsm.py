"""aiogram FSM storage on the bot's own database: no extra service, shared by all replicas."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, DefaultKeyBuilder, StorageKey

from storage.fsm import DialogStateRepository

StateType = str | State | None


class DatabaseStorage(BaseStorage):
    """One row per (bot, chat, user, thread) key with the state name and the dialog's data as JSON."""

    def __init__(self, states: DialogStateRepository) -> None:
        self._states = states
        self._keys = DefaultKeyBuilder(with_bot_id=True, with_destiny=True)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        await self._states.write(self._keys.build(key), state=state.state if isinstance(state, State) else state)

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._states.read(self._keys.build(key)))[0]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._states.write(self._keys.build(key), data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return (await self._states.read(self._keys.build(key)))[1]

    async def close(self) -> None:
        """The database is closed by its owner, not by the dispatcher."""
