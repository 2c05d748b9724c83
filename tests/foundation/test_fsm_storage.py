"""Dialog state kept in the database outlives the process and is shared between replicas."""

from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey

from bot.telegram.fsm import DatabaseStorage
from storage import Database
from storage.fsm import DialogStateRepository


class Broadcast(StatesGroup):
    waiting_for_message = State()


async def test_state_and_data_survive_a_new_storage(db: Database, database_url: str) -> None:
    key = StorageKey(bot_id=1, chat_id=10, user_id=10)
    first = DatabaseStorage(DialogStateRepository(db))
    assert await first.get_state(key) is None
    assert await first.get_data(key) == {}
    await first.set_state(key, Broadcast.waiting_for_message)
    await first.update_data(key, {"audience": "kk", "count": 3})

    other_process = Database(database_url)
    try:
        second = DatabaseStorage(DialogStateRepository(other_process))
        assert await second.get_state(key) == "Broadcast:waiting_for_message"
        assert await second.get_data(key) == {"audience": "kk", "count": 3}
        assert await second.get_state(StorageKey(bot_id=1, chat_id=11, user_id=11)) is None
        await second.set_state(key, None)
        await second.set_data(key, {})
    finally:
        await other_process.close()
    assert await first.get_state(key) is None
    assert await first.get_data(key) == {}
