"""Nothing stops silently: leadership survives database blips, failed tasks restart and are reported,
and /healthz says 503 (with the reason) when due work does not progress."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import aiohttp
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.runtime.factory import create_bot
from bot.runtime.leadership import Leadership
from bot.runtime.supervision import Supervisor
from bot.telegram.alerts import AdminAlerts, plain
from domain.alerts import Alert
from domain.clock import utcnow
from domain.sources import NewSource
from local_telegram import BotAPIStub
from storage import Database
from storage.leases import LeaseHolder, LeaseRepository
from storage.outbox import Outbox, Recipient
from storage.schema import sources as sources_table
from storage.sources import SourceRepository
from tests.conftest import ADMIN_ID, make_settings, start_bot
from tests.foundation.test_health import free_port
from tests.support.clock import MovableClock


class FlakyLeases(LeaseRepository):
    """A lease repository whose next `failures` calls raise, like a database that is briefly unreachable."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self.failures = 0
        self.failed = asyncio.Event()

    def _blip(self) -> None:
        if self.failures:
            self.failures -= 1
            if not self.failures:
                self.failed.set()
            raise ConnectionResetError("database connection lost")

    async def acquire(self, name: str, holder: str, ttl: float) -> bool:
        self._blip()
        return await super().acquire(name, holder, ttl)

    async def current(self, name: str) -> LeaseHolder | None:
        self._blip()
        return await super().current(name)


async def test_a_database_blip_does_not_end_leadership(db: Database) -> None:
    clock = MovableClock()  # the renewals wait on it: the test moves it instead of waiting them out
    leases = FlakyLeases(db)
    leader = Leadership(leases, ttl=30, sleep=clock.sleep)
    assert await leader.try_acquire()
    leases.failures = 2  # the next renewal and the look-up of the holder both fail
    leader.start()
    await clock.sleeping(1)
    assert leases.failed.is_set() and not leader.held
    clock.advance(seconds=10)  # the next renewal is due
    await clock.sleeping(2)
    assert leader.held  # renewed again once the database answers: the renewals went on
    await leader.stop()


@settings(max_examples=5, deadline=None)
@given(failures=st.integers(min_value=1, max_value=4))
async def test_a_failing_task_restarts_with_one_alert(failures: int) -> None:
    alerts: list[tuple[str, str | None]] = []

    class Recorder:
        async def notify(self, alert: Alert) -> bool:
            alerts.append((plain(alert, "en"), alert.key))
            return True

    supervisor = Supervisor(Recorder(), base=0.001, cap=0.01)
    runs = 0
    done = asyncio.Event()

    async def flaky() -> None:
        nonlocal runs
        runs += 1
        if runs <= failures:
            raise RuntimeError(f"failure {runs}")
        done.set()

    supervisor.spawn("flaky", flaky)
    await done.wait()
    assert runs == failures + 1
    assert [key for _text, key in alerts] == ["task:flaky"] * failures  # AdminAlerts rate-limits by this key
    await supervisor.stop()


async def test_failed_and_hung_jobs_reach_the_admins_once(stub: BotAPIStub, database_url: str) -> None:
    settings = make_settings(stub, database_url)
    stub.user(ADMIN_ID, language_code="en")
    bot = create_bot(settings)
    alerts = AdminAlerts(settings)
    alerts.attach(bot)
    supervisor = Supervisor(alerts)

    async def broken() -> None:
        raise ValueError("no such table: sources")

    async def hung() -> None:
        await asyncio.Event().wait()

    try:
        job = supervisor.job("poller-tick", broken)
        for _ in range(3):
            await job()  # the job itself never raises: the scheduler runs it again at its next time
        await supervisor.job("digests", hung, timeout=0.05)()
        texts = [message.text for message in stub.sent_to(ADMIN_ID)]
        assert len(texts) == 2
        assert "«poller-tick» упала и перезапускается: ValueError: no such table: sources" in texts[0]
        assert "«digests» упала и перезапускается: TimeoutError" in texts[1]
    finally:
        await bot.session.close()


async def healthz(port: int) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/healthz") as response:
        return response.status, await response.json()


async def wait_health(port: int, predicate: Any) -> dict[str, Any]:
    """Ask /healthz until its answer satisfies `predicate`, as a load balancer keeps asking (the test's timeout is
    the guard against a hang)."""
    while True:
        status, body = await healthz(port)
        if predicate(status, body):
            return body
        await asyncio.sleep(0.1)


async def test_healthz_reports_a_stalled_sender_and_recovers(stub: BotAPIStub, database_url: str) -> None:
    port = free_port()
    running = await start_bot(make_settings(stub, database_url, health_port=port, watchdog_stall_seconds=1), stub)
    try:
        await stub.wait_until(lambda: running.services.sender.running)
        assert (await healthz(port))[0] == 200
        await running.services.sender.stop()  # the sender is dead, the bot still answers
        stub.user(4242, language_code="en")
        outbox: Outbox = running.services.outbox
        message_id = await outbox.add_message("broadcast", dedup_key="stall", payload={"text": "Hello"})
        await outbox.add_deliveries(message_id, [Recipient(4242)])
        body = await wait_health(port, lambda status, _body: status == 503)
        assert body["ok"] is False
        assert any(reason.startswith("sender: 1 deliveries overdue") for reason in body["stalled"])
        await running.services.sender.start(running.bot)
        await stub.wait_until(lambda: bool(stub.sent_to(4242)))
        assert (await wait_health(port, lambda status, _body: status == 200))["stalled"] == []
    finally:
        await running.stop()


async def test_healthz_reports_a_stalled_poller(stub: BotAPIStub, database_url: str) -> None:
    port = free_port()
    running = await start_bot(make_settings(stub, database_url, health_port=port, watchdog_stall_seconds=1), stub)
    try:
        await stub.wait_until(lambda: running.services.leadership.held)
        running.services.scheduler.pause()  # polling ticks no longer run
        sources = SourceRepository(running.services.db)
        source = await sources.add(NewSource("http://127.0.0.1:9/feed", "rss", "ru", "Stuck", 300))
        while True:
            # Pausing does not stop a tick already running: it may poll the source once and plan its next check
            # in the future. Overdue again before every look, as the source stays when no tick runs any more.
            async with running.services.db.begin() as conn:
                overdue = utcnow() - timedelta(minutes=5)
                await conn.execute(
                    sources_table.update().where(sources_table.c.id == source.id).values(next_check_at=overdue)
                )
            status, body = await healthz(port)
            if status == 503:
                break
            await asyncio.sleep(0.1)
        assert any(reason.startswith("poller: a source due") for reason in body["stalled"])
    finally:
        running.services.scheduler.resume()
        await running.stop()
