"""Scheduling: the tick job, due sources with their own intervals, no overlapping polls, seeding."""

from __future__ import annotations

import asyncio

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.config import Settings
from bot.feeds.scheduling import TICK_JOB_ID, schedule_polling
from bot.feeds.sources import CENTER_FEED_URL, GOVKZ_NEWS_URL, seed_default_sources
from storage.sources import NewSource, SourceRepository
from tests.feeds.conftest import Harness
from tests.support.feeds import FeedSite, items, rss


async def test_the_tick_job_coalesces_runs_alone_and_polls_due_sources(site: FeedSite, harness: Harness):
    source = await harness.add(site.serve("/feed", rss(items(2))))
    scheduler = AsyncIOScheduler(timezone="UTC")
    schedule_polling(scheduler, harness.poller, Settings(poll_interval_seconds=60))
    job = scheduler.get_job(TICK_JOB_ID)
    assert job is not None
    assert (job.coalesce, job.max_instances, job.trigger.interval.total_seconds()) == (True, 1, 12)
    scheduler.start()
    try:
        for _ in range(100):
            if harness.handed_over:
                break
            await asyncio.sleep(0.02)
    finally:
        scheduler.shutdown(wait=False)
    assert [len(batch) for batch in harness.handed_over] == [2]
    assert (await harness.source(source)).last_outcome == "ok"


async def test_only_due_sources_are_polled_each_on_its_own_interval(site: FeedSite, harness: Harness):
    fast = await harness.add(site.serve("/fast", rss(items(1))), interval=10)
    slow = await harness.add(site.serve("/slow", rss(items(1))), interval=3600)
    assert {o.source_id for o in await harness.poller.poll_due()} == {fast.id, slow.id}
    assert await harness.poller.poll_due() == []
    fast_state, slow_state = await harness.source(fast), await harness.source(slow)
    assert fast_state.last_checked_at is not None
    assert slow_state.last_checked_at is not None
    assert (fast_state.next_check_at - fast_state.last_checked_at).total_seconds() == 10
    assert (slow_state.next_check_at - slow_state.last_checked_at).total_seconds() == 3600


async def test_two_polls_of_one_source_never_overlap(site: FeedSite, harness: Harness):
    async def slow(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(0.3)
        return web.Response(body=rss(items(1)).encode(), content_type="application/rss+xml")

    source = await harness.add(site.handle("/slow", slow))
    outcomes = await asyncio.gather(harness.poller.poll_now([source.id]), harness.poller.poll_due())
    flat = sorted(o.outcome for batch in outcomes for o in batch)
    assert flat == ["busy", "ok"]
    assert len(site.hits("/slow")) == 1


async def test_defaults_are_seeded_once_and_a_removed_default_stays_removed(harness: Harness):
    repository = SourceRepository(harness.db)
    settings = Settings(poll_interval_seconds=120)
    added = await seed_default_sources(repository, settings)
    assert {(s.url, s.kind, s.language) for s in added} == {
        (CENTER_FEED_URL, "rss", "ru"),
        (GOVKZ_NEWS_URL, "govkz", "ru"),
        (GOVKZ_NEWS_URL, "govkz", "kk"),
        (GOVKZ_NEWS_URL, "govkz", "en"),
    }
    assert all(s.interval_seconds == 120 and s.enabled for s in added)
    center = next(s for s in added if s.url == CENTER_FEED_URL)
    await repository.remove(center.id)
    assert await seed_default_sources(repository, settings) == []
    assert CENTER_FEED_URL not in {s.url for s in await repository.list_all()}


async def test_a_poller_built_without_a_session_opens_one_when_needed_and_closes_it(site: FeedSite, db):
    from bot.feeds.poller import FeedPoller, PollPolicy
    from tests.feeds.conftest import TEST_LIMITS

    # As a factory builds it, before the event loop runs the bot (private addresses allowed: the site is local).
    poller = FeedPoller(db, policy=PollPolicy(fetch=TEST_LIMITS))
    source = await SourceRepository(db).add(NewSource(site.serve("/feed", rss(items(1))), "rss", "ru", "t", 60))
    [outcome] = await poller.poll_now([source.id])
    assert outcome.outcome == "ok"
    session = poller._http()
    await poller.close()
    assert session.closed
