"""The Bot API session builds each answer model once, not again after every collection of the cyclic GC."""

import gc
import weakref
from pathlib import Path

from aiogram.methods.base import Response
from aiogram.types import Message, Update

from bot.runtime.factory import create_bot
from local_telegram import BotAPIStub
from tests.conftest import make_settings


async def test_answer_models_survive_a_garbage_collection(stub: BotAPIStub, tmp_path: Path) -> None:
    """pydantic caches `Response[T]` weakly: unheld, a collection freed it and the next call spent 6-9 ms building
    it again. The calls still read their answers, and the models they used are the ones still cached after it."""
    bot = create_bot(make_settings(stub, f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3"))
    reader = stub.user(4242).id
    try:
        sent = await bot.send_message(reader, "<b>Hello</b>")
        assert await bot.get_updates(timeout=0) == []
        models: list[weakref.ref[type]] = [weakref.ref(Response[Message]), weakref.ref(Response[list[Update]])]
        gc.collect()
        assert [model() for model in models] == [Response[Message], Response[list[Update]]]
        again = await bot.send_message(reader, "again")
    finally:
        await bot.session.close()
    assert (sent.text, again.message_id) == ("Hello", sent.message_id + 1)
    assert [message.text for message in stub.sent_to(reader)] == ["Hello", "again"]
