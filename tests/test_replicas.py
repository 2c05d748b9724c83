"""Several replicas on one database behind a webhook: one leader sends, a survivor takes over.

Three `python -m bot run` processes in webhook mode share the database (SQLite here, PostgreSQL
too when TEST_DATABASE_URL is set). Any replica answers updates; only the lease holder sends the
outbox. The leader is killed with SIGKILL mid fan-out: another replica takes the lease within
LEASE_SECONDS, every recipient gets the message, and repeats stay within the in-flight bound.
"""

import asyncio
import os
import signal
import sys
from collections import Counter
from pathlib import Path

import aiohttp
import pytest

from bot.runtime.app import WEBHOOK_PATH
from bot.services.delivery import Delivery
from local_telegram import BotAPIStub
from local_telegram.server import TOKEN
from storage import Database
from storage.outbox import Outbox
from storage.subscriptions import SubscriptionRepository
from tests.delivery.helpers import drained_database, make_entry, subscribe_many
from tests.foundation.test_health import free_port

RECIPIENTS = 600
CONCURRENCY = 8
SECRET = "replica-secret_1"


class Replica:
    def __init__(self, stub: BotAPIStub, database_url: str, cwd: Path, index: int) -> None:
        self.webhook_port = free_port()
        self.health_port = free_port()
        self.env = os.environ | {
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": stub.url,
            "DATABASE_URL": database_url,
            "WEBHOOK_URL": f"https://replica{index}.example.org",
            "WEBHOOK_SECRET": SECRET,
            "WEBHOOK_HOST": "127.0.0.1",
            "WEBHOOK_PORT": str(self.webhook_port),
            "HEALTH_PORT": str(self.health_port),
            "LEASE_SECONDS": "3",
            "SEND_RATE_PER_SECOND": "150",
            "SEND_CONCURRENCY": str(CONCURRENCY),
            "DEFAULT_SOURCES": "false",
            "LOG_LEVEL": "WARNING",
        }
        self.cwd = cwd
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=self.cwd, env=self.env, stdout=asyncio.subprocess.DEVNULL
        )

    async def health(self, http: aiohttp.ClientSession) -> dict[str, object] | None:
        try:
            async with http.get(f"http://127.0.0.1:{self.health_port}/healthz") as response:
                return dict(await response.json())
        except aiohttp.ClientError:
            return None

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            await self.process.wait()


def received(stub: BotAPIStub) -> Counter[int]:
    return Counter(chat_id for chat_id, messages in stub.messages.items() for m in messages if "Replicated" in m.text)


@pytest.mark.slow
async def test_leader_killed_mid_fanout_another_replica_finishes(
    stub: BotAPIStub, database_url: str, tmp_path: Path
) -> None:
    ids = range(700_000, 700_000 + RECIPIENTS)
    for user_id in ids:
        stub.user(user_id)
    stub.latency = 0.02
    db = Database(database_url)
    await db.migrate()
    await subscribe_many(db, ids)
    await db.close()

    replicas = [Replica(stub, database_url, tmp_path, index) for index in range(3)]
    for replica in replicas:
        await replica.start()
    try:
        async with aiohttp.ClientSession() as http:
            healths: list[dict[str, object] | None] = []

            async def all_up() -> bool:
                healths[:] = [await replica.health(http) for replica in replicas]
                return all(h is not None for h in healths)

            # Three interpreters start on shared cores: a minute or more under load, so no deadline of its own.
            while not await all_up() or sum(bool(h and h["leader"]) for h in healths) != 1:
                await asyncio.sleep(0.2)
            leader = next(r for r, h in zip(replicas, healths, strict=True) if h and h["leader"])
            followers = [r for r in replicas if r is not leader]

            # Any replica handles updates: a follower answers /help.
            user = stub.user(42, language_code="en")
            update = {
                "update_id": 1,
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": 42, "type": "private", "first_name": "A"},
                    "from": user.as_user(),
                    "text": "/help",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
                },
            }
            follower_url = f"http://127.0.0.1:{followers[0].webhook_port}{WEBHOOK_PATH}"
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            while True:  # the webhook port opens a moment after the health port
                try:
                    async with http.post(follower_url, json=update, headers=headers) as response:
                        assert response.status == 200
                        break
                except aiohttp.ClientConnectorError:
                    await asyncio.sleep(0.2)
            assert (await user.reply()).text.startswith("What I can do")

            db = Database(database_url)
            try:
                queued = await Delivery(SubscriptionRepository(db), Outbox(db)).announce([make_entry("Replicated")])
            finally:
                await db.close()
            assert queued == RECIPIENTS
            await stub.wait_until(lambda: sum(received(stub).values()) >= RECIPIENTS // 4)
            assert leader.process is not None
            leader.process.send_signal(signal.SIGKILL)
            await leader.process.wait()
            at_kill = sum(received(stub).values())
            assert at_kill < RECIPIENTS, "the fan-out finished before the kill; the test proves nothing"

            await stub.wait_until(lambda: len(received(stub)) == RECIPIENTS)
            await drained_database(database_url)  # nothing is left to send: anything more would be a duplicate
            leaders = [h for h in [await r.health(http) for r in followers] if h and h["leader"]]
            assert len(leaders) == 1
    finally:
        for replica in replicas:
            await replica.stop()
    counts = received(stub)
    duplicates = sum(count - 1 for count in counts.values())
    assert set(counts) == set(ids)
    assert duplicates <= CONCURRENCY, f"{duplicates} duplicates"
    print(f"leader killed at {at_kill}/{RECIPIENTS}; {duplicates} duplicates (bound {CONCURRENCY})")
