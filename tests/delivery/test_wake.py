"""An idle sender sleeps (its poll backs off to seconds) and is woken by what is queued: at once by this
process's enqueue, and on PostgreSQL by another replica's (LISTEN/NOTIFY). The senders here would otherwise
sleep an hour: a message that reaches its reader came by the wake."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import pytest

from bot.runtime.factory import create_bot
from bot.services.delivery import Delivery
from bot.telegram.sender import Sender
from local_telegram import BotAPIStub
from storage import Database
from storage.outbox import ClaimedDelivery, Outbox
from storage.subscriptions import SubscriptionRepository
from tests.conftest import make_settings
from tests.delivery.helpers import add_subscriber, make_entry

AN_HOUR = 3600.0


class WatchedOutbox(Outbox):
    """The outbox, telling when a claim found nothing (the sender goes to sleep after it)."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self.found_nothing = asyncio.Event()
        self.claims: list[int] = []  # rows each claim found, in order

    async def claim(self, *, now: datetime, limit: int, not_before: Any = None) -> list[ClaimedDelivery]:
        rows = await super().claim(now=now, limit=limit, not_before=not_before)
        self.claims.append(len(rows))
        if not rows:
            self.found_nothing.set()
        return rows


@asynccontextmanager
async def sleeping_sender(stub: BotAPIStub, database_url: str, db: Database) -> AsyncIterator[WatchedOutbox]:
    """A sender whose idle poll is an hour, started and asleep on an empty outbox."""
    outbox = WatchedOutbox(db)
    sender = Sender(outbox, rate=1000, idle_poll=AN_HOUR, first_idle_poll=AN_HOUR)
    bot = create_bot(make_settings(stub, database_url))
    await sender.start(bot)
    try:
        await outbox.found_nothing.wait()
        yield outbox
    finally:
        await sender.stop()
        await bot.session.close()


async def test_a_fan_out_in_this_process_wakes_the_sleeping_sender(
    stub: BotAPIStub, database_url: str, db: Database
) -> None:
    stub.user(501)
    await add_subscriber(db, 501)
    async with sleeping_sender(stub, database_url, db) as outbox:
        # Queued through the same outbox, with nobody calling the sender's wake() (no `wake=` given).
        assert await Delivery(SubscriptionRepository(db), outbox).announce([make_entry("Alliance meeting")]) == 1
        await stub.wait_until(lambda: len(stub.sent_to(501)) == 1)
    assert "Alliance meeting" in stub.sent_to(501)[0].text


async def test_a_fan_out_of_another_replica_wakes_the_sleeping_sender(
    stub: BotAPIStub, database_url: str, db: Database
) -> None:
    if db.is_sqlite:
        pytest.skip("SQLite: one process writes the database, there is no other replica to hear from")
    stub.user(502)
    await add_subscriber(db, 502)
    async with sleeping_sender(stub, database_url, db):
        other = Database(database_url)  # another process's pool: its commits reach this one by NOTIFY only
        try:
            delivery = Delivery(SubscriptionRepository(other), Outbox(other))
            assert await delivery.announce([make_entry("Alliance session")]) == 1
        finally:
            await other.close()
        await stub.wait_until(lambda: len(stub.sent_to(502)) == 1)
    assert "Alliance session" in stub.sent_to(502)[0].text


async def test_a_missed_wake_delays_a_row_to_the_next_idle_look_only(
    stub: BotAPIStub, database_url: str, db: Database
) -> None:
    """Rows no wake announces (another process on the SQLite file, a NOTIFY lost with its connection) are claimed by
    the sender's next idle look: the first look that starts after their commit."""
    stub.user(503)
    await add_subscriber(db, 503)
    outbox = WatchedOutbox(db)
    sender = Sender(outbox, rate=1000, idle_poll=0.2, first_idle_poll=0.2)
    bot = create_bot(make_settings(stub, database_url))
    await sender.start(bot)
    try:
        await outbox.found_nothing.wait()
        unheard = Outbox(db)  # another outbox: its commits call none of the sender's wakes
        # Counted before the announce: on PostgreSQL its NOTIFY may wake the sender before `announce` returns.
        looks_before = len(outbox.claims)
        assert await Delivery(SubscriptionRepository(db), unheard).announce([make_entry("Alliance forum")]) == 1
        await stub.wait_until(lambda: len(stub.sent_to(503)) == 1)
    finally:
        await sender.stop()
        await bot.session.close()
    # The row was claimed once, by a look after the announce began: idle looks during the announce (before its
    # commit) may come back empty, the first after the commit takes it.
    after = outbox.claims[looks_before:]
    assert after.count(1) == 1 and all(claimed == 0 for claimed in after[: after.index(1)])
    assert "Alliance forum" in stub.sent_to(503)[0].text
