"""The database grows only with real data: the housekeeping job prunes history, finished outbox rows, digests, audit."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from aiohttp import web

from bot.runtime.housekeeping import JOB_ID, retention, run_housekeeping
from domain.clock import utcnow
from storage import Database
from storage.audit import AuditLog
from storage.housekeeping import Housekeeping, Retention
from storage.outbox import Outbox, Recipient
from storage.schema import audit_log, digest_items, outbox_deliveries, outbox_messages, seen_keys
from storage.sources import SourceRepository
from storage.subscriptions import DigestItem, SubscriptionRepository
from tests.conftest import RunningBot
from tests.delivery.helpers import add_subscriber
from tests.feeds.conftest import Harness
from tests.support.feeds import FeedSite, items, rss

RETENTION = Retention(outbox=timedelta(days=30), audit=timedelta(days=365), history_size=50)


async def count(db: Database, table: sa.Table) -> int:
    async with db.connect() as conn:
        return int((await conn.execute(sa.select(sa.func.count()).select_from(table))).scalar_one())


async def pages(db: Database) -> int:
    """Pages in use: the file's page count minus the free list (SQLite reuses free pages before growing).

    0 on PostgreSQL, where space comes back with (auto)vacuum rather than at once: only row counts are compared.
    """
    async with db.connect() as conn:
        if conn.dialect.name != "sqlite":
            return 0
        total = (await conn.execute(sa.text("PRAGMA page_count"))).scalar_one()
        free = (await conn.execute(sa.text("PRAGMA freelist_count"))).scalar_one()
    return int(total) - int(free)


async def table_counts(db: Database) -> dict[str, int]:
    async with db.connect() as conn:
        names = await conn.run_sync(lambda sync: sa.inspect(sync).get_table_names())
        return {
            name: int((await conn.execute(sa.select(sa.func.count()).select_from(sa.table(name)))).scalar_one())
            for name in names
        }


async def test_repeated_polls_of_an_unchanged_feed_add_no_rows(site: FeedSite, harness: Harness):
    body = rss(items(30)).encode()

    async def no_validators(_request: web.Request) -> web.Response:
        # No ETag or Last-Modified: every poll downloads and parses the whole feed again.
        return web.Response(body=body, content_type="application/rss+xml")

    source = await harness.add(site.handle("/feed", no_validators))
    assert (await harness.poll(source)).outcome == "ok"
    first_counts, first_pages = await table_counts(harness.db), await pages(harness.db)
    for _ in range(20):
        await harness.poll(source)
    assert len(site.hits("/feed")) == 21
    counts = await table_counts(harness.db)
    counts.pop("sources")  # the same one row, its check times updated
    first_counts.pop("sources")
    assert counts == first_counts
    assert await pages(harness.db) == first_pages


async def test_seen_history_is_bounded_and_a_removed_source_forgets_it(site: FeedSite, harness: Harness):
    source = await harness.add(site.serve("/feed", rss(items(40))))
    await harness.poll(source)
    for start in range(40, 200, 40):  # a feed that rolls over: 40 new items each time
        site.serve("/feed", rss(items(40, start=start)))
        await harness.poll(source)
    assert await count(harness.db, seen_keys) <= 50 + 40  # the poller trims to its history as it goes
    report = await Housekeeping(harness.db).prune(utcnow(), Retention(history_size=20))
    assert await count(harness.db, seen_keys) == 20
    assert report.seen_keys > 0
    await SourceRepository(harness.db).remove(source.id)
    await Housekeeping(harness.db).prune(utcnow(), RETENTION)
    assert await count(harness.db, seen_keys) == 0


async def deliver_round(db: Database, outbox: Outbox, round_number: int, chats: int = 40) -> None:
    """One broadcast to `chats` chats, every row sent."""
    message_id = await outbox.add_message(
        "entry", dedup_key=f"entry:{round_number}:ru", payload={"text": "x" * 500, "round": round_number}
    )
    await outbox.add_deliveries(message_id, [Recipient(1000 + n) for n in range(chats)])
    async with db.connect() as conn:
        ids = list(
            (
                await conn.execute(
                    sa.select(outbox_deliveries.c.id).where(outbox_deliveries.c.message_id == message_id)
                )
            ).scalars()
        )
    await outbox.mark_sent(ids)


async def test_delivered_messages_past_retention_are_pruned_and_the_file_stops_growing(db: Database):
    outbox, housekeeping = Outbox(db), Housekeeping(db)
    await deliver_round(db, outbox, 0)
    waiting = await outbox.add_message("broadcast", payload={"text": "still queued"})
    await outbox.add_deliveries(waiting, [Recipient(5)])

    report = await housekeeping.prune(utcnow(), RETENTION)
    assert (report.deliveries, report.messages) == (0, 0)  # nothing is old yet

    sizes = []
    for round_number in range(1, 9):
        await deliver_round(db, outbox, round_number)
        # Each run happens "31 days later": every finished row so far is past retention.
        later = utcnow() + timedelta(days=31)
        report = await housekeeping.prune(later, RETENTION)
        assert report.deliveries == (80 if round_number == 1 else 40)
        sizes.append(await pages(db))
    assert await count(db, outbox_messages) == 1  # only the message still waiting for its recipient
    assert await count(db, outbox_deliveries) == 1
    assert (await outbox.counters(waiting)).queued == 1
    assert max(sizes[2:]) <= sizes[1]  # freed pages are reused: no growth after the first pruned rounds


async def test_old_audit_entries_and_orphan_digest_items_go(db: Database):
    audit = AuditLog(db)
    await audit.record("source.add", actor_id=1, url="https://example.org/rss")
    await add_subscriber(db, 7, mode="daily")
    await add_subscriber(db, 8)  # instant: digest items for it would never be sent
    repository = SubscriptionRepository(db)
    await repository.add_digest_items([DigestItem(7, 1, {"id": 1}), DigestItem(8, 1, {"id": 1})])

    report = await Housekeeping(db).prune(utcnow(), RETENTION)
    assert (report.audit, report.digest_items) == (0, 1)
    assert [item.chat_id for item in await repository.digest_items(7)] == [7]

    report = await Housekeeping(db).prune(utcnow() + timedelta(days=366), RETENTION)
    assert (report.audit, report.digest_items) == (1, 1)
    assert await count(db, audit_log) == 0
    assert await count(db, digest_items) == 0


async def test_the_daily_job_is_registered_and_prunes_only_on_the_leader(app: RunningBot):
    job = app.services.scheduler.get_job(JOB_ID)
    assert job is not None
    assert job.trigger.interval == timedelta(days=1)
    assert retention(app.settings) == Retention(timedelta(days=30), timedelta(days=365), 1000)
    db = app.services.db
    await AuditLog(db).record("old", actor_id=1)
    settings = app.settings.model_copy(update={"audit_retention_days": 1})
    async with db.begin() as conn:
        await conn.execute(sa.update(audit_log).values(at=utcnow() - timedelta(days=2)))
    await run_housekeeping(app.services.housekeeping, settings, SimpleNamespace(held=False))  # type: ignore[arg-type]  # a lease stand-in
    assert await count(db, audit_log) == 1  # a standby never prunes
    await run_housekeeping(app.services.housekeeping, settings, SimpleNamespace(held=True))  # type: ignore[arg-type]  # a lease stand-in
    assert await count(db, audit_log) == 0
