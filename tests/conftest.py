"""Fixtures shared by all tests: the Bot API stub, settings, a migrated database, a running bot.

The database backend is SQLite; every test that uses `database_url` also has a PostgreSQL case (marked
`postgres`), which runs on a database of its own when TEST_DATABASE_URL is set (as .ci/run sets it, and
`make test` when a server answers) and is deselected, with one line in the summary saying why, when it is not.

A test's database is a copy of one migrated once per session (per xdist worker): a SQLite file copied with the
backup API, a PostgreSQL database created from a migrated template (made ahead and dropped afterwards in a
thread of its own). Migrating took a tenth of a second to over a second per test here. The migration tests take
`empty_database_url` and migrate for real.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import sqlite3
import tempfile
import uuid
from collections import deque
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

import pytest
from aiogram import Bot, Dispatcher
from hypothesis import settings as hypothesis_settings
from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.runtime.bootstrap import Services, bootstrap
from bot.runtime.factory import create_dispatcher
from bot.services.ingestion.fetching import Fetcher
from domain.clock import Clock, utcnow
from local_telegram import BotAPIStub
from local_telegram.server import TOKEN, WAIT
from storage import Database
from tests.support.feeds import FeedSite

# Hypothesis' per-example deadline measures the machine, not the code: on shared CI cores it flakes.
hypothesis_settings.register_profile("shared-machine", deadline=None)
hypothesis_settings.load_profile("shared-machine")

T = TypeVar("T")
ADMIN_ID = 900001
REPO_ROOT = Path(__file__).resolve().parent.parent
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = [
    "sqlite",
    pytest.param("postgres", marks=pytest.mark.postgres),
]
NO_POSTGRES = (
    "PostgreSQL cases not run: TEST_DATABASE_URL is not set "
    "(`make test` sets it when a server answers at postgresql+asyncpg://postgres@127.0.0.1:5432/test)"
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A `slow` test (subprocesses, thousands of sends) gets five times the per-test timeout: on busy shared cores
    it may take minutes, and the timeout is there to catch a hang, not to measure speed.

    Slow tests run first, spread over the workers (`_slow_first`), so that no long one starts last and ends the run
    alone.

    Without TEST_DATABASE_URL the PostgreSQL cases are deselected, and the summary says so in one line
    (`pytest_terminal_summary`) instead of a skip line for each of them.
    """
    for item in items:
        if item.get_closest_marker("slow") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(600))
    items[:] = _slow_first(items, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
    if not TEST_DATABASE_URL:
        postgres = [item for item in items if item.get_closest_marker("postgres")]
        if postgres:
            config.hook.pytest_deselected(items=postgres)
            items[:] = [item for item in items if not item.get_closest_marker("postgres")]


def _slow_first(items: list[pytest.Item], workers: int) -> list[pytest.Item]:
    """The order for `workers` pytest-xdist workers under `--dist worksteal`: it hands each worker one contiguous
    share of this list (the sizes below are its own) and an idle worker steals from the end of another's share. So
    each share starts with its turn of the slow tests, dealt round-robin, then ordinary ones: every slow test starts
    early on its own worker, and what is stolen at the end is short. The order within each group is kept."""
    slow = [item for item in items if item.get_closest_marker("slow")]
    rest = iter([item for item in items if not item.get_closest_marker("slow")])
    ordered: list[pytest.Item] = []
    remaining = len(items)
    for worker in range(workers):
        share = remaining // (workers - worker)
        remaining -= share
        dealt = slow[worker::workers]
        ordered += dealt + [item for _, item in zip(range(share - len(dealt)), rest, strict=False)]
    return ordered + list(rest)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TEST_DATABASE_URL:
        terminalreporter.write_line(NO_POSTGRES)


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


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the head once per session; tests get copies of it."""
    path = tmp_path_factory.mktemp("template") / "bot.sqlite3"
    _run_aside(_migrate(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_copies() -> Iterator[TemplateCopies]:
    """Copies of a PostgreSQL database migrated once per session (per xdist worker); the template is dropped at
    the end."""
    name = f"tmpl_{uuid.uuid4().hex[:16]}"
    with ServerLock():
        url = _run_aside(create_database(TEST_DATABASE_URL, name))
        _run_aside(_migrate(url))
    copies = TemplateCopies(TEST_DATABASE_URL, name)
    yield copies
    copies.close()
    with ServerLock():
        _run_aside(drop_database(TEST_DATABASE_URL, name))


class TemplateCopies:
    """Databases copied from a template by threads of their own, made ahead and each dropped after its test.

    CREATE DATABASE and DROP DATABASE take up to a second or two each on a busy machine; made ahead and dropped
    aside, neither delays a test.
    """

    AHEAD = 2

    def __init__(self, server_url: str, template: str) -> None:
        self.server_url = server_url
        self.template = template
        self._threads = ThreadPoolExecutor(self.AHEAD, thread_name_prefix="postgres-copies")
        self._ahead = deque(self._threads.submit(self._create) for _ in range(self.AHEAD))

    def _create(self) -> tuple[str, str]:
        name = f"t_{uuid.uuid4().hex[:16]}"
        with ServerLock():
            return name, asyncio.run(create_database(self.server_url, name, self.template))

    def _drop(self, name: str, lock: ServerLock) -> None:
        try:
            asyncio.run(drop_database(self.server_url, name))
        finally:
            lock.release()

    @asynccontextmanager
    async def copy(self) -> AsyncIterator[str]:
        """A database of its own for one test, the server held shared while the test runs."""
        lock = ServerLock()
        await asyncio.to_thread(lock.acquire)
        try:
            made = self._ahead.popleft()
            self._ahead.append(self._threads.submit(self._create))
            name, url = await asyncio.wrap_future(made)
        except BaseException:
            lock.release()
            raise
        try:
            yield url
        finally:
            self._threads.submit(self._drop, name, lock)

    def close(self) -> None:
        """Drop the copies made ahead, and wait for every drop."""
        for made in self._ahead:
            name, _url = made.result()
            lock = ServerLock()
            lock.acquire()
            self._threads.submit(self._drop, name, lock)
        self._threads.shutdown(wait=True)


def _run_aside(work: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to the end from sync code, also while the test's event loop runs (a session fixture is
    first asked for by a test's async fixture): in a thread of its own, with an event loop of its own."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, work).result()


async def _migrate(url: str) -> None:
    database = Database(url)
    try:
        await database.migrate()
    finally:
        await database.close()


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database migrated to the head, of its own for this test (SQLite, and PostgreSQL when configured)."""
    if request.param == "sqlite":
        path = tmp_path / "bot.sqlite3"
        # The backup API copies a consistent image whatever the journal mode (WAL keeps pages in a side file).
        template = request.getfixturevalue("sqlite_template")
        with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(path)) as target:
            source.backup(target)
        yield f"sqlite+aiosqlite:///{path}"
        return
    async with request.getfixturevalue("postgres_copies").copy() as url:
        yield url


@pytest.fixture(params=BACKENDS)
async def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database, never migrated: for the tests of the migrations themselves."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/empty.sqlite3"
        return
    async with postgres_database() as url:
        yield url


class ServerLock:
    """The PostgreSQL server is one for every test process on this machine (xdist workers, other checkouts): a test
    that restarts it holds it alone (`exclusive`), every other use of it holds it shared."""

    PATH = Path(tempfile.gettempdir()) / "alliance-bot-tests-postgresql.lock"

    def __init__(self, *, exclusive: bool = False) -> None:
        self.mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        self._file = self.PATH.open("a")
        fcntl.flock(self._file, self.mode)  # blocks until the holder of a conflicting lock lets go

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the file lets go of the lock
            self._file = None

    def __enter__(self) -> None:
        self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _admin_dsn(server_url: str) -> str:
    return make_url(server_url).set(drivername="postgresql").render_as_string(hide_password=False)


async def create_database(server_url: str, name: str, template: str = "") -> str:
    """Create database `name` on the server (a copy of `template` when one is named); returns its URL."""
    import asyncpg

    conn = await asyncpg.connect(_admin_dsn(server_url))
    try:
        copy = f' TEMPLATE "{template}"' if template else ""
        await conn.execute(f'CREATE DATABASE "{name}"{copy}')
    finally:
        await conn.close()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


async def drop_database(server_url: str, name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_admin_dsn(server_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


class postgres_database:  # noqa: N801 - used as a context manager, reads like a function
    """A fresh, empty PostgreSQL database, dropped afterwards; the server is held shared while it lives, or alone
    with `exclusive=True` (a test that restarts the server)."""

    def __init__(self, server_url: str = "", *, exclusive: bool = False) -> None:
        self.server_url = server_url or TEST_DATABASE_URL
        self.name = f"t_{uuid.uuid4().hex[:16]}"
        self._lock = ServerLock(exclusive=exclusive)

    async def __aenter__(self) -> str:
        await asyncio.to_thread(self._lock.acquire)
        try:
            return await create_database(self.server_url, self.name)
        except BaseException:
            self._lock.release()
            raise

    async def __aexit__(self, *exc: object) -> None:
        try:
            await drop_database(self.server_url, self.name)
        finally:
            self._lock.release()


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
            await self.task


async def start_bot(
    settings: Settings, stub: BotAPIStub, *, clock: Clock = utcnow, http: Fetcher | None = None
) -> RunningBot:
    """Build everything with the production container and factories, and start polling the stub; `clock` is what
    the bot's decisions by the time read (a test passes a `MovableClock` to jump ahead), `http` what fetches the
    news sources (a `StaticFetcher` serves them from memory; by default the bot's own HTTP client)."""
    services = bootstrap(settings, clock=clock, http=http)
    await services.start()
    assert services.bot is not None  # the settings name the stub's token
    bot = services.bot
    dp = create_dispatcher(services)
    polls_before = len(stub.polls)
    task = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=1))
    # Polling has begun once the first getUpdates arrives (its answer comes a long poll later).
    await stub.wait_until(lambda: len(stub.polls) > polls_before or task.done())
    if task.done():
        task.result()
    return RunningBot(settings, bot, dp, services, task)


async def settled(app: RunningBot, stub: BotAPIStub, timeout: float | None = WAIT) -> None:
    """Wait until the bot has taken every update pushed so far and finished handling it.

    The event a negative check waits for: a getUpdates poll whose offset confirms the last update (the bot stores
    a batch in its update inbox before it asks for the next), then every update it stored handled (the inbox says
    so; nothing of aiogram's own is looked into).
    """
    last = max((update["update_id"] for update in stub.updates), default=0)
    await stub.wait_until(lambda: not stub.updates or any(offset > last for offset in stub.polls), timeout)
    async with asyncio.timeout(timeout):
        await app.services.inbox.wait_idle()


@pytest.fixture
async def app(settings: Settings, stub: BotAPIStub) -> AsyncIterator[RunningBot]:
    running = await start_bot(settings, stub)
    yield running
    await running.stop()
