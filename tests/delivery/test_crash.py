"""Crash test: SIGKILL the bot in the middle of a 2,000-recipient fan-out, restart it, count what arrived."""

import asyncio
import os
import signal
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.services.delivery import Delivery
from local_telegram import BotAPIStub
from local_telegram.server import TOKEN
from storage import Database
from storage.outbox import Outbox
from storage.subscriptions import SubscriptionRepository
from tests.delivery.helpers import drained_database, make_entry, subscribe_many

RECIPIENTS = 2000
CONCURRENCY = 20
FIRST_ID = 500_000


async def start_bot_process(stub: BotAPIStub, database_url: str, cwd: Path) -> asyncio.subprocess.Process:
    env = os.environ | {
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": stub.url,
        "DATABASE_URL": database_url,
        "SEND_RATE_PER_SECOND": "400",
        "SEND_CONCURRENCY": str(CONCURRENCY),
        "LOG_LEVEL": "WARNING",
        "LEASE_SECONDS": "3",  # the restarted process takes over from the killed one quickly
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=cwd, env=env, stdout=asyncio.subprocess.DEVNULL
    )


def received(stub: BotAPIStub) -> Counter[int]:
    return Counter(chat_id for chat_id, messages in stub.messages.items() for m in messages if "Crash-proof" in m.text)


@pytest.mark.slow
async def test_sigkill_mid_fanout_loses_nothing_and_repeats_at_most_the_in_flight(
    stub: BotAPIStub, tmp_path: Path
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3"
    ids = range(FIRST_ID, FIRST_ID + RECIPIENTS)
    for user_id in ids:
        stub.user(user_id)
    stub.latency = 0.02  # requests take time, so sends are really in flight when the process dies
    db = Database(database_url)
    await db.migrate()
    await subscribe_many(db, ids)
    assert await Delivery(SubscriptionRepository(db), Outbox(db)).announce([make_entry("Crash-proof")]) == RECIPIENTS
    await db.close()

    first = await start_bot_process(stub, database_url, tmp_path)
    await stub.wait_until(lambda: sum(received(stub).values()) >= RECIPIENTS // 3)
    first.send_signal(signal.SIGKILL)
    await first.wait()
    at_kill = sum(received(stub).values())
    assert at_kill < RECIPIENTS, "the fan-out finished before the kill; the test proves nothing"

    second = await start_bot_process(stub, database_url, tmp_path)
    try:
        await stub.wait_until(lambda: len(received(stub)) == RECIPIENTS)
        await drained_database(database_url)  # nothing is left to send: anything more would be a duplicate
    finally:
        second.send_signal(signal.SIGTERM)
        await second.wait()
    counts = received(stub)
    duplicates = sum(count - 1 for count in counts.values())
    assert set(counts) == set(ids)
    assert duplicates <= CONCURRENCY, f"{duplicates} duplicates"
    assert second.returncode == 0
    db = Database(database_url)
    try:
        outbox = Outbox(db)
        assert await outbox.pending_count() == 0
        counters = await outbox.counters(1)  # the one announcement is the first outbox message
        assert (counters.sent, counters.failed, counters.blocked) == (RECIPIENTS, 0, 0)
    finally:
        await db.close()
    print(f"killed at {at_kill} delivered, {duplicates} duplicates (bound {CONCURRENCY})")
