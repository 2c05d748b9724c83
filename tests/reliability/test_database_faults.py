"""Database faults: SQLite locked beyond its timeout, a full disk, a PostgreSQL restart in mid fan-out.

In each the bot keeps running, resumes by itself once the database answers, and loses nothing.
"""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from local_telegram import BotAPIStub
from storage.outbox import Outbox, Recipient
from tests.conftest import RunningBot, make_settings, postgres_database
from tests.delivery.conftest import drained, start_delivery_bot

USERS = range(800_001, 800_061)
# Log lines of an outcome the sender could not record (the old code's among them, to see it lose rows).
WRITE_FAILURES = ("sender.record_retry", "sender.unexpected", "sender.record_failed")


async def queue_news(running: RunningBot, stub: BotAPIStub, users: range, key: str) -> None:
    for user_id in users:
        stub.user(user_id, language_code="en")
    outbox: Outbox = running.services.outbox
    message_id = await outbox.add_message("broadcast", dedup_key=key, payload={"text": f"News {key}"})
    await outbox.add_deliveries(message_id, [Recipient(user_id) for user_id in users])


def received(stub: BotAPIStub, users: range, text: str) -> Counter[int]:
    return Counter(m.chat_id for user_id in users for m in stub.sent_to(user_id) if m.text == text)


@pytest.mark.slow
async def test_sqlite_locked_beyond_its_timeout_loses_nothing(
    stub: BotAPIStub, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "bot.sqlite3"
    settings = make_settings(stub, f"sqlite+aiosqlite:///{path}", send_rate_per_second=10)
    running = await start_delivery_bot(settings, stub)
    locked, release = threading.Event(), threading.Event()

    def hold_the_write_lock() -> None:
        # Another process writing for longer than busy_timeout (5 s): every write of the bot fails meanwhile.
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN EXCLUSIVE")
        locked.set()
        release.wait(30)
        conn.execute("ROLLBACK")
        conn.close()

    try:
        stub.latency = 0.02  # sends in progress when the lock is taken
        await queue_news(running, stub, USERS, "locked")
        blocked = range(800_031, 800_041)  # their 403s are recorded (block_chat) while the lock is held
        for user_id in blocked:
            stub.block(user_id)
        await stub.wait_until(lambda: sum(received(stub, USERS, "News locked").values()) >= 5)
        holder = threading.Thread(target=hold_the_write_lock)
        holder.start()
        await asyncio.to_thread(locked.wait, 10)
        # The lock is held until recording an outcome has failed on it (after the 5 s busy timeout).
        deadline = asyncio.get_running_loop().time() + 30
        while not any(r.message in WRITE_FAILURES for r in caplog.records):
            assert asyncio.get_running_loop().time() < deadline, "no write of the bot met the lock"
            await asyncio.sleep(0.1)
        release.set()
        await asyncio.to_thread(holder.join, 10)
        await drained(running.services.outbox)
        counts = received(stub, USERS, "News locked")
        assert set(counts) == set(USERS) - set(blocked)
        assert max(counts.values()) <= 1 + running.services.sender.concurrency
        assert not running.task.done()  # still polling updates
    finally:
        await running.stop()


async def test_a_full_disk_while_recording_outcomes_loses_nothing(stub: BotAPIStub, database_url: str) -> None:
    running = await start_delivery_bot(make_settings(stub, database_url), stub)
    # Eight waits doubling from 0.4 s would take 40 s of the suite: the same doubling from a millisecond.
    running.services.sender.record_retry_base = 0.001
    outbox = running.services.outbox
    failures = 8  # more than any fixed number of attempts a recorder might make
    mark_sent = outbox.mark_sent

    async def full_disk(*args: Any, **kwargs: Any) -> None:
        nonlocal failures
        if failures:
            failures -= 1
            full = sqlite3.OperationalError("database or disk is full")
            raise sa.exc.OperationalError("UPDATE outbox_deliveries", {}, full)
        await mark_sent(*args, **kwargs)

    outbox.mark_sent = full_disk  # type: ignore[method-assign]
    try:
        users = range(800_101, 800_121)
        await queue_news(running, stub, users, "full")
        await drained(outbox)
        assert failures == 0  # the disk was full for eight writes
        counts = received(stub, users, "News full")
        assert set(counts) == set(users) and max(counts.values()) == 1
    finally:
        await running.stop()


@pytest.mark.postgres
@pytest.mark.slow
async def test_a_postgresql_restart_mid_fanout_loses_nothing(stub: BotAPIStub) -> None:
    async with postgres_database(exclusive=True) as url:  # no other test may use the server while it restarts
        settings = make_settings(stub, url, send_rate_per_second=100)
        running = await start_delivery_bot(settings, stub)
        try:
            stub.latency = 0.01
            users = range(800_201, 800_501)
            await queue_news(running, stub, users, "restart")
            await stub.wait_until(lambda: sum(received(stub, users, "News restart").values()) >= 30)
            await asyncio.to_thread(subprocess.run, ["pg_ctlcluster", "15", "main", "restart"], check=True, timeout=60)
            await drained(running.services.outbox)
            counts = received(stub, users, "News restart")
            assert set(counts) == set(users)
            assert max(counts.values()) <= 2
            assert not running.task.done()
        finally:
            await running.stop()
