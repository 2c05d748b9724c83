"""A running bot whose sender retries quickly, so error paths stay fast in tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from local_telegram import BotAPIStub
from storage.outbox import Outbox
from tests.conftest import RunningBot, make_settings, start_bot


def fast_retries(settings: Settings) -> Settings:
    """The same settings with a sender that backs off in milliseconds instead of seconds."""
    return settings.model_copy(
        update={"send_retry_base_seconds": 0.05, "send_retry_cap_seconds": 0.5, "send_idle_poll_seconds": 0.05}
    )


async def start_delivery_bot(settings: Settings, stub: BotAPIStub) -> RunningBot:
    """The production bot, with fast retries."""
    return await start_bot(fast_retries(settings), stub)


async def drained(outbox: Outbox) -> None:
    """Wait until nothing is queued or being sent (however long a busy machine takes: the test's timeout is the
    guard against a hang)."""
    while await outbox.pending_count():
        await asyncio.sleep(0.05)


@pytest.fixture
async def running(stub: BotAPIStub, database_url: str) -> AsyncIterator[RunningBot]:
    app = await start_delivery_bot(make_settings(stub, database_url, official_channel_id=None), stub)
    yield app
    await app.stop()
