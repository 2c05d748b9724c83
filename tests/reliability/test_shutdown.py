"""A normal stop is quiet: SIGTERM or Ctrl-C while a poll hangs on a slow site logs no ERROR and no traceback."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

import pytest
from aiohttp import web

from domain.sources import NewSource
from local_telegram import BotAPIStub
from local_telegram.server import TOKEN
from storage import Database
from storage.sources import SourceRepository
from tests.conftest import ADMIN_ID, REPO_ROOT
from tests.support.feeds import FeedSite


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_a_stop_during_a_poll_logs_no_error_and_no_traceback(
    stub: BotAPIStub, site: FeedSite, tmp_path: Path, stop: signal.Signals
) -> None:
    polled = asyncio.Event()

    async def hang(_request: web.Request) -> web.StreamResponse:
        polled.set()
        await asyncio.sleep(3600)  # the poll is in flight when the bot is told to stop
        return web.Response()

    database_url = f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3"
    db = Database(database_url)
    await db.migrate()
    await SourceRepository(db).add(NewSource(site.handle("/slow.xml", hang), "rss", "ru", "Slow", 300))
    await db.close()
    env = os.environ | {
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": stub.url,
        "DATABASE_URL": database_url,
        "ADMIN_IDS": str(ADMIN_ID),
        "DEFAULT_SOURCES": "false",
        "ALLOW_PRIVATE_SOURCES": "true",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "PYTHONPATH": str(REPO_ROOT),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE
    )
    try:
        await polled.wait()
    finally:
        process.send_signal(stop)
        _, stderr = await process.communicate()
    log = stderr.decode()
    records = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert process.returncode == 0, log
    assert "Traceback" not in log
    assert [record for record in records if record["level"] in ("ERROR", "CRITICAL")] == []
    assert any(record["event"] == "job.cancelled" and record["task"] == "poller-tick" for record in records), log
