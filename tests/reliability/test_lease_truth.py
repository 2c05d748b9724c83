"""Leases and health that tell the truth: a leader that lost its lease in a database stall and took it back resets
the rows left `sending` that it does not hold; every instance (a standby too) reports a stall of the shared
database; `/healthz` goes red when the SQLite file is deleted under the running bot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import aiohttp.test_utils
import sqlalchemy as sa

from bot.config import Settings
from bot.runtime.health import create_health_app
from bot.runtime.leadership import Leadership
from bot.runtime.supervision import Watchdog
from domain.clock import utcnow
from local_telegram import BotAPIStub
from storage import Database
from storage.leases import LeaseRepository
from storage.outbox import Outbox, Recipient
from storage.schema import leases, outbox_deliveries
from tests.conftest import make_settings, start_bot


async def test_retaking_the_lease_after_a_stall_resets_the_rows_lost_in_it(stub: BotAPIStub, database_url: str) -> None:
    settings: Settings = make_settings(stub, database_url)
    app = await start_bot(settings, stub)
    try:
        db: Database = app.services.db
        leadership: Leadership = app.services.leadership
        await stub.wait_until(lambda: leadership.held and app.services.sender.running)
        readers = [stub.user(7100 + i, language_code="ru") for i in range(3)]
        outbox: Outbox = app.services.outbox
        message = await outbox.add_message("entry", dedup_key="stall", payload={"text": "After the stall"})
        await outbox.add_deliveries(message, [Recipient(reader.id) for reader in readers])
        # The claim committed, its answer was lost in the stall: the rows are `sending` and in nobody's hands.
        async with db.begin() as conn:
            await conn.execute(sa.update(outbox_deliveries).values(status="sending", attempts=1))
        # The stall outlives the lease: another instance holds it for a while, then it expires again.
        async with db.begin() as conn:
            await conn.execute(sa.update(leases).values(holder="elsewhere", expires_at=utcnow() + timedelta(hours=1)))
        assert not await leadership.try_acquire()
        async with db.begin() as conn:
            await conn.execute(sa.update(leases).values(expires_at=utcnow() - timedelta(seconds=1)))
        assert await leadership.try_acquire()  # its own lease again: a new term
        await stub.wait_until(lambda: all(reader.messages() for reader in readers))
    finally:
        await app.stop()
    assert [[m.text for m in reader.messages()] for reader in readers] == [["After the stall"]] * 3


class SilentLeases(LeaseRepository):
    """A lease table whose database stopped answering."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self.stalled = False

    async def acquire(self, name: str, holder: str, ttl: float) -> bool:
        if self.stalled:
            raise TimeoutError("the database does not answer")
        return await super().acquire(name, holder, ttl)


class NoWork:
    async def delivery_health(self, since: datetime, now: datetime) -> tuple[int, datetime | None, int]:
        return 0, None, 0

    async def oldest_overdue_source(self, now: datetime) -> datetime | None:
        return None


async def test_a_standbys_watchdog_and_health_report_a_stalled_database(db: Database) -> None:
    now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    clock = [now]
    leader = Leadership(LeaseRepository(db), ttl=30)
    assert await leader.try_acquire()
    leases = SilentLeases(db)
    standby = Leadership(leases, ttl=30, clock=lambda: clock[0])
    assert not await standby.try_acquire()  # the database answered: another instance leads
    watchdog = Watchdog(NoWork(), lambda: standby.held, stall_after=600, database_silence=standby.database_silence)
    assert await watchdog.stalls(now) == []
    leases.stalled = True
    clock[0] = now + timedelta(seconds=45)  # renewals every 10 s, none answered
    assert not await standby.try_acquire()
    [stall] = await watchdog.stalls(clock[0])
    assert stall.reason == "database: no answer to the lease for 45 s"
    body, status = await healthz(db, standby, watchdog)
    assert status == 503 and body["database"] == "error: no answer to the lease for 45 s"
    leases.stalled = False
    assert not await standby.try_acquire()
    assert await watchdog.stalls(clock[0]) == []
    await leader.stop()


async def healthz(db: Database, leadership: Leadership, watchdog: Watchdog | None = None) -> tuple[dict[str, Any], int]:
    server = aiohttp.test_utils.TestServer(create_health_app(db, leadership, watchdog))
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as session, session.get(server.make_url("/healthz")) as response:
            return await response.json(), response.status
    finally:
        await server.close()


async def test_health_goes_red_when_the_sqlite_file_is_deleted_under_the_bot(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3")
    await db.migrate()
    leadership = Leadership(LeaseRepository(db), ttl=30)
    try:
        assert await leadership.try_acquire()
        body, status = await healthz(db, leadership)
        assert (status, body["database"]) == (200, "ok")
        (tmp_path / "bot.sqlite3").unlink()  # an operator's rm, a cleanup job, a volume remounted
        assert await leadership.try_acquire()  # writes still "succeed": into the deleted file
        body, status = await healthz(db, leadership)
        assert status == 503
        assert body["database"].startswith(f"error: the database file {tmp_path}/bot.sqlite3 is missing")
    finally:
        await leadership.stop()
        await db.close()
