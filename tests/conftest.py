"""Fixtures shared by all tests: the Bot API stub, settings, a migrated database, a running bot.

The database backend is SQLite; every test that uses `database_url` also has a PostgreSQL case (marked
`postgres`), which runs on a fresh database when TEST_DATABASE_URL is set (as .ci/run sets it) and is
reported as skipped, with the reason, when it is not.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from hypothesis import settings as hypothesis_settings
from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.runtime.bootstrap import Services, bootstrap
from bot.runtime.factory import create_dispatcher
from domain.clock import Clock, utcnow
from local_telegram import BotAPIStub
from local_telegram.server import TOKEN, WAIT
from storage import Database
from tests.support.feeds import FeedSite

# Hypothesis' per-example deadline measures the machine, not the code: on shared CI cores it flakes.
hypothesis_settings.register_profile("shared-machine", deadline=None)
hypothesis_settings.load_profile("shared-machine")

ADMIN_ID = 900001
REPO_ROOT = Path(__file__).resolve().parent.parent
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not TEST_DATABASE_URL, reason="PostgreSQL case: TEST_DATABASE_URL is not set"),
        ],
    ),
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A `slow` test (subprocesses, thousands of sends) gets five times the per-test timeout: on busy shared cores
    it may take minutes, and the timeout is there to catch a hang, not to measure speed."""
    for item in items:
        if item.get_closest_marker("slow") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(600))


@pytest.fixture
async def stub() -> AsyncIterator[BotAPIStub]:
    server = BotAPIStub()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def site() -> AsyncIterator[FeedSite]:
    """A local web site on 127.0.0.1 whose pages a test sets (feeds, images Telegram fetches)."""
    feed_site = FeedSite()
    await feed_site.server.start_server()
    yield feed_site
    await feed_site.server.close()


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3"
        return
    async with postgres_database() as url:
        yield url


class postgres_database:  # noqa: N801 - used as a context manager, reads like a function
    """A fresh PostgreSQL database for one test, dropped afterwards."""

    def __init__(self, server_url: str = "") -> None:
        self.server_url = server_url or TEST_DATABASE_URL

    async def __aenter__(self) -> str:
        import asyncpg

        base = make_url(self.server_url)
        self.name = f"t_{uuid.uuid4().hex[:16]}"
        self.admin_dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
        conn = await asyncpg.connect(self.admin_dsn)
        try:
            await conn.execute(f'CREATE DATABASE "{self.name}"')
        finally:
            await conn.close()
        return base.set(database=self.name).render_as_string(hide_password=False)

    async def __aexit__(self, *exc: object) -> None:
        import asyncpg

        conn = await asyncpg.connect(self.admin_dsn)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        finally:
            await conn.close()


def make_settings(stub: BotAPIStub, database_url: str, **overrides: Any) -> Settings:
    """Settings for a bot that talks to the stub; nothing is read from .env."""
    values: dict[str, Any] = {
        "bot_token": TOKEN,
        "telegram_api_url": stub.url,
        "database_url": database_url,
        "admin_ids": str(ADMIN_ID),
        "send_rate_per_second": 1000,
        "default_sources": False,  # tests never reach the real sources
        "allow_private_sources": True,  # test feeds are served from 127.0.0.1
        # Most tests read alliance news as the split HTML messages (the fallback every reader can get);
        # tests/delivery/test_rich_messages.py turns rich messages on (RICH_MESSAGES defaults to true)
        "rich_messages": False,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture
def settings(stub: BotAPIStub, database_url: str) -> Settings:
    return make_settings(stub, database_url)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    await database.migrate()
    yield database
    await database.close()


@dataclass
class RunningBot:
    """The real bot and dispatcher, long-polling the stub in a background task."""

    settings: Settings
    bot: Bot
    dp: Dispatcher
    services: Services
    task: asyncio.Task[None] = field(repr=False)

    async def stop(self) -> None:
        if not self.task.done():
            await self.dp.stop_polling()
            await asyncio.wait_for(self.task, 10)


async def start_bot(settings: Settings, stub: BotAPIStub, *, clock: Clock = utcnow) -> RunningBot:
    """Build everything with the production container and factories, and start polling the stub; `clock` is what
    the bot's decisions by the time read (a test passes a `MovableClock` to jump ahead)."""
    services = bootstrap(settings, clock=clock)
    await services.start()
    assert services.bot is not None  # the settings name the stub's token
    bot = services.bot
    dp = create_dispatcher(services)
    polls_before = len(stub.calls_of("getUpdates"))
    task = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=1))
    await stub.wait_until(lambda: len(stub.calls_of("getUpdates")) > polls_before or task.done())
    if task.done():
        task.result()
    return RunningBot(settings, bot, dp, services, task)


async def settled(app: RunningBot, stub: BotAPIStub, timeout: float = WAIT) -> None:
    """Wait until the bot has taken every update pushed so far and finished handling it.

    The event a negative check waits for: a getUpdates poll whose offset confirms the last update, then no
    handler still running (aiogram handles each update in a task of its own).
    """
    last = max((update["update_id"] for update in stub.updates), default=0)
    polls = len(stub.calls)

    def confirmed() -> bool:
        return (
            any(
                call.method == "getUpdates" and int(call.params.get("offset") or 0) > last
                for call in stub.calls[polls:]
            )
            or not stub.updates
        )

    await stub.wait_until(confirmed, timeout)
    async with asyncio.timeout(timeout):
        while app.dp._handle_update_tasks:
            await asyncio.gather(*app.dp._handle_update_tasks, return_exceptions=True)


@pytest.fixture
async def app(settings: Settings, stub: BotAPIStub) -> AsyncIterator[RunningBot]:
    running = await start_bot(settings, stub)
    yield running
    await running.stop()
