"""Scheduling: the tick job, due sources with their own intervals, no overlapping polls, seeding."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import Settings
from bot.services.ingestion.fetching import FetchRequest, FetchResult
from bot.services.ingestion.poller import FeedPoller
from bot.services.ingestion.scheduling import TICK_JOB_ID, next_check, phase_seconds, schedule_polling
from bot.services.ingestion.sources import CENTER_FEED_URL, GOVKZ_NEWS_URL, seed_default_sources
from domain.sources import NewSource
from storage.sources import SourceRepository
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
    assert fast_state.next_check_at == next_check(fast_state.last_checked_at, 10, fast.id)
    assert slow_state.next_check_at == next_check(slow_state.last_checked_at, 3600, slow.id)


class HeldFetch:
    """A `Fetcher` whose first fetch waits until the test lets it answer (a poll in flight as long as needed); any
    other answers at once."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.fetches = 0
        self.fetching = asyncio.Event()
        self.answer = asyncio.Event()

    async def get(self, request: FetchRequest) -> FetchResult:
        self.fetches += 1
        if self.fetches == 1:
            self.fetching.set()
            await self.answer.wait()
        return FetchResult(200, self.body, request.url, None, "application/rss+xml", None, None)

    async def close(self) -> None:
        return None


async def test_two_polls_of_one_source_never_overlap(harness: Harness):
    # While one poll of a source is in flight (its fetch held open, however long the machine takes), a tick and
    # another process's `feeds poll` of it are both told "busy"; the source is fetched once. (A `poll_now` in the
    # same process waits for the poll in flight and gives its outcome: see test_poll_now_during_a_tick.)
    held = HeldFetch(rss(items(1)).encode())
    poller = FeedPoller(harness.db, http=held, policy=harness.poller.policy, clock=harness.clock)
    other_process = FeedPoller(harness.db, http=held, policy=harness.poller.policy, clock=harness.clock)
    source = await harness.add("http://feeds.test/slow")
    first = asyncio.create_task(poller.poll_now([source.id]))
    await held.fetching.wait()
    assert [outcome.outcome for outcome in await poller.poll_due()] == ["busy"]
    assert [outcome.outcome for outcome in await other_process.poll_now([source.id])] == ["busy"]
    held.answer.set()
    assert [outcome.outcome for outcome in await first] == ["ok"]
    assert held.fetches == 1


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
    from bot.services.ingestion.http import HttpFetcher
    from bot.services.ingestion.poller import FeedPoller, PollPolicy
    from tests.feeds.conftest import TEST_LIMITS

    # As a factory builds it, before the event loop runs the bot (private addresses allowed: the site is local).
    poller = FeedPoller(db, policy=PollPolicy(fetch=TEST_LIMITS))
    source = await SourceRepository(db).add(NewSource(site.serve("/feed", rss(items(1))), "rss", "ru", "t", 60))
    [outcome] = await poller.poll_now([source.id])
    assert outcome.outcome == "ok"
    fetcher = poller.fetcher
    assert isinstance(fetcher, HttpFetcher)
    session = fetcher.session
    await poller.close()
    assert session is not None and session.closed


@settings(deadline=None)
@given(
    st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)),  # noqa: DTZ001
    st.integers(10, 7 * 24 * 3600),
    st.integers(1, 10**9),
)
def test_each_source_keeps_its_own_phase_half_to_one_and_a_half_intervals_later(
    now: datetime, interval: int, source_id: int
) -> None:
    following = next_check(now, interval, source_id)
    gap = (following - now).total_seconds()
    assert interval / 2 <= gap < interval * 1.5 + 0.001
    # Polled on time, a source is polled again exactly one interval later, and stays on its phase.
    assert next_check(following, interval, source_id) - following == timedelta(seconds=interval)


@settings(deadline=None, max_examples=20)  # 6,000 hashes per example
@given(st.integers(60, 3600), st.integers(0, 10**6))
def test_many_sources_added_at_once_spread_over_the_interval(interval: int, first_id: int) -> None:
    sources = 6000
    phases = [phase_seconds(source_id, interval) for source_id in range(first_id, first_id + sources)]
    buckets = [0] * 10
    for phase in phases:
        buckets[int(phase / interval * 10)] += 1
    # Each tenth of the interval gets about a tenth of the polls: no tick has to poll everything.
    assert max(buckets) < sources / 10 * 1.3


async def test_poll_now_during_a_tick(harness: Harness):
    # The admin's 🔄 (or a test) while this process's tick polls the source: the answer is that poll's outcome, not
    # "busy, try again", and the source is fetched once.
    held = HeldFetch(rss(items(1)).encode())
    poller = FeedPoller(harness.db, http=held, policy=harness.poller.policy, clock=harness.clock)
    source = await harness.add("http://feeds.test/slow")
    tick = asyncio.create_task(poller.poll_due())
    await held.fetching.wait()
    pressed = asyncio.create_task(poller.poll_now([source.id]))
    await poller.waiting_for(source.id)
    held.answer.set()
    assert [outcome.outcome for outcome in await tick] == ["ok"]
    assert [outcome.outcome for outcome in await pressed] == ["ok"]
    assert held.fetches == 1
