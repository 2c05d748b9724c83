"""A running bot whose sender retries quickly, so error paths stay fast in tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.config import Settings
from bot.delivery import Delivery, Sender
from bot.factory import create_dependencies
from local_telegram import BotAPIStub
from local_telegram.server import WAIT
from storage.outbox import Outbox
from storage.subscriptions import SubscriptionRepository
from tests.conftest import RunningBot, make_settings, start_bot


async def start_delivery_bot(settings: Settings, stub: BotAPIStub, **sender_options: Any) -> RunningBot:
    """The production bot, with a sender that backs off in milliseconds instead of seconds."""
    deps = create_dependencies(settings)
    options: dict[str, Any] = {"backoff_base": 0.05, "backoff_cap": 0.5, "idle_poll": 0.05} | sender_options
    sender = Sender(deps["outbox"], rate=settings.send_rate_per_second, paid=settings.paid_broadcast, **options)
    deps["sender"] = sender
    deps["delivery"] = Delivery(
        SubscriptionRepository(deps["db"]),
        deps["outbox"],
        official_channel_id=settings.official_channel_id,
        official_language=settings.default_language,
        wake=sender.wake,
    )
    return await start_bot(settings, stub, **deps)


async def drained(outbox: Outbox, within: float = WAIT) -> None:
    """Wait until nothing is queued or being sent."""
    deadline = time.monotonic() + within
    while await outbox.pending_count():
        if time.monotonic() > deadline:
            raise AssertionError("the outbox did not drain")
        await asyncio.sleep(0.05)


@pytest.fixture
async def running(stub: BotAPIStub, database_url: str) -> AsyncIterator[RunningBot]:
    app = await start_delivery_bot(make_settings(stub, database_url, official_channel_id=None), stub)
    yield app
    await app.stop()
