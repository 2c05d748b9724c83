"""One leader at a time: leases in the database, and a second process that stands by."""

import asyncio
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.runtime.leadership import Leadership
from bot.telegram.alerts import AdminAlerts
from domain.alerts import Alert
from local_telegram import BotAPIStub
from local_telegram.server import TOKEN
from storage import Database
from storage.leases import LeaseRepository
from tests.conftest import ADMIN_ID, REPO_ROOT, RunningBot
from tests.support.clock import MovableClock


async def test_only_one_holder_and_a_standby_takes_over(db: Database) -> None:
    # On a clock the test moves: the standby's next attempt comes when the test advances it a third of the lease,
    # not after a real second; the lease itself (30 s) is far from expiring, so only the release lets it in.
    clock = MovableClock()
    first = Leadership(LeaseRepository(db, clock=clock), ttl=30, clock=clock, sleep=clock.sleep)
    second = Leadership(LeaseRepository(db, clock=clock), ttl=30, clock=clock, sleep=clock.sleep)
    assert await first.try_acquire()
    assert not await second.try_acquire()
    assert await first.try_acquire()  # renewal
    second.start()
    await clock.sleeping(1)  # its first attempt failed: it stands by
    assert not second.held
    await first.stop()  # releases at once
    clock.advance(seconds=10)
    await clock.sleeping(2)  # its next attempt is made
    assert second.held
    assert not await first.try_acquire()
    await second.stop()


async def test_an_expired_lease_is_taken_over(db: Database) -> None:
    clock = MovableClock()
    dead = Leadership(LeaseRepository(db, clock=clock), ttl=30)
    assert await dead.try_acquire()  # and then it dies without releasing
    standby = Leadership(LeaseRepository(db, clock=clock), ttl=30)
    assert not await standby.try_acquire()
    clock.advance(seconds=29)
    assert not await standby.try_acquire()  # not a moment before it expires
    clock.advance(seconds=2)
    assert await standby.try_acquire()


async def test_alerts_reach_admins_once_per_interval(app: RunningBot, stub: BotAPIStub) -> None:
    stub.user(ADMIN_ID, language_code="ru")
    alerts: AdminAlerts = app.services.alerts
    alert = Alert("admin-alert-crash", {"error": "source 3 <disabled>"}, key="source:3")
    assert await alerts.notify(alert)
    assert not await alerts.notify(alert)
    [message] = stub.sent_to(ADMIN_ID)
    assert message.text == "⚠️ Сигнал бота\nБот не смог запуститься: source 3 <disabled>"


class BotProcess:
    """`python -m bot run` in a subprocess, its log lines collected as they come."""

    def __init__(self, stub: BotAPIStub, workdir: Path) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO_ROOT),
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": stub.url,
            "DATABASE_URL": f"sqlite+aiosqlite:///{workdir}/bot.sqlite3",
            "LEASE_SECONDS": "3",
        }
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=workdir, env=env, stderr=subprocess.PIPE, text=True
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    async def wait_for_log(self, text: str) -> None:
        """Wait for a log line, or fail when the process ends first (a start on busy cores may take a minute)."""
        while not any(text in line for line in self.lines):
            assert self.process.poll() is None or any(text in line for line in self.lines), "".join(self.lines)
            await asyncio.sleep(0.1)

    async def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return await asyncio.to_thread(self.process.wait)


@pytest.mark.slow  # several seconds: `pytest -m "not slow"` leaves it out
async def test_second_instance_stands_by_until_the_first_stops(stub: BotAPIStub, tmp_path: Path) -> None:
    first = BotProcess(stub, tmp_path)
    second: BotProcess | None = None
    try:
        await first.wait_for_log("polling.start")
        second = BotProcess(stub, tmp_path)
        await second.wait_for_log("polling.standby")
        assert "another instance of this bot is running on this database" in "".join(second.lines)
        assert not any("polling.start" in line for line in second.lines)
        assert await first.stop() == 0
        await second.wait_for_log("polling.start")
    finally:
        await first.stop()
        if second is not None:
            await second.stop()
