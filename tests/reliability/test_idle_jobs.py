"""A bot with nothing to do sleeps: a scheduled job that finds no work moves its next run to when its work falls
due (at most its idle look ahead), and what gives it work in this process runs it at once.

The checks read the scheduler's plan for the job's next run after a run ended (an event), never a wall time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from apscheduler.events import EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.runtime.admin_jobs import (
    BROADCASTS_IDLE_LOOK_SECONDS,
    BROADCASTS_JOB,
    BROADCASTS_JOB_ID,
    REPORT_INTERVAL_SECONDS,
)
from bot.runtime.supervision import JobPace, Supervisor
from bot.services.ingestion.scheduling import MAX_TICK_SECONDS, POLLER_JOB, TICK_JOB_ID
from domain.audit import Actor
from domain.broadcasts import Audience
from domain.clock import utcnow
from domain.sources import NewSource
from local_telegram import BotAPIStub
from storage.sources import SourceRepository
from tests.conftest import ADMIN_ID, RunningBot, make_settings, start_bot
from tests.support.feeds import FeedSite, Item, rss


class Runs:
    """The ends of one job's runs, as the scheduler reports them."""

    def __init__(self, scheduler: AsyncIOScheduler, job_id: str) -> None:
        self._scheduler = scheduler
        self._job_id = job_id
        self._ended: asyncio.Queue[datetime] = asyncio.Queue()
        scheduler.add_listener(self._executed, EVENT_JOB_EXECUTED)

    def _executed(self, event: JobExecutionEvent) -> None:
        if event.job_id == self._job_id:
            self._ended.put_nowait(utcnow())

    async def next_end(self) -> datetime:
        """Wait for the end of the job's next run; returns when it ended."""
        return await self._ended.get()

    async def look_after_wake(self, supervisor: Supervisor, name: str, interval: float) -> datetime:
        """Wake the job and wait for the end of a look that began after the wake; returns when it ended.

        A wake that lands during a run (the bot's own first runs at start) is kept for after it: that run ends
        planned at the job's interval, and the look after it is the one this waits for.
        """
        supervisor.wake(name)
        ended = await self.next_end()
        if self.planned() <= ended + timedelta(seconds=interval):
            ended = await self.next_end()
        return ended

    def drop_ended(self) -> None:
        while not self._ended.empty():
            self._ended.get_nowait()

    def planned(self) -> datetime:
        job = self._scheduler.get_job(self._job_id)
        assert job is not None and job.next_run_time is not None
        return job.next_run_time  # type: ignore[no-any-return]


@pytest.fixture
async def scheduler() -> AsyncIterator[AsyncIOScheduler]:
    running = AsyncIOScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
    running.start()
    yield running
    running.shutdown(wait=False)


async def test_a_paced_job_sleeps_until_its_work_and_a_wake_runs_it_at_once(scheduler: AsyncIOScheduler) -> None:
    supervisor = Supervisor()
    rest: list[float | None] = [100.0]
    woken_inside = False

    async def look() -> float | None:
        if woken_inside:
            supervisor.wake("look")  # work arrives while the job looks: it may have looked too early
        return rest[0]

    pace = JobPace(idle=600)
    runs = Runs(scheduler, "look")
    scheduler.add_job(supervisor.job("look", look, pace=pace), "interval", seconds=1, id="look", next_run_time=utcnow())
    pace.attach(scheduler, "look")

    ended = await runs.next_end()
    assert runs.planned() >= ended + timedelta(seconds=90)  # nothing due for 100 s: not every second

    rest[0] = float("inf")  # no work known at all: the idle look
    supervisor.wake("look")
    ended = await runs.next_end()
    assert ended + timedelta(seconds=590) <= runs.planned() <= ended + timedelta(seconds=601)

    woken_inside = True
    supervisor.wake("look")
    ended = await runs.next_end()
    assert runs.planned() <= ended + timedelta(seconds=1)  # at its interval again

    woken_inside, rest[0] = False, None  # busy: at its interval
    ended = await runs.next_end()
    assert runs.planned() <= ended + timedelta(seconds=1)


@pytest.fixture
async def idle_bot(stub: BotAPIStub, database_url: str) -> AsyncIterator[RunningBot]:
    # Polling every 10 s ticks every 5 s, as the idle benchmark runs the bot (the default ticks every minute).
    running = await start_bot(make_settings(stub, database_url, poll_interval_seconds=10), stub)
    await stub.wait_until(lambda: running.services.leadership.held)
    yield running
    await running.stop()


async def test_the_idle_broadcast_job_sleeps_and_a_scheduled_broadcast_wakes_it(idle_bot: RunningBot) -> None:
    services = idle_bot.services
    runs = Runs(services.scheduler, BROADCASTS_JOB_ID)
    ended = await runs.look_after_wake(services.supervisor, BROADCASTS_JOB, REPORT_INTERVAL_SECONDS)
    # It ran every 3 s before; now the next look is the idle one.
    assert runs.planned() >= ended + timedelta(seconds=BROADCASTS_IDLE_LOOK_SECONDS - 1)

    boss = Actor.admin(ADMIN_ID)
    draft = await services.broadcasts.draft(ADMIN_ID, (ADMIN_ID, 1), "en", "Hello", actor=boss)
    assert await services.broadcasts.choose_audience(draft.id, Audience.ALL.value, actor=boss) is not None
    due_at = utcnow() + timedelta(seconds=BROADCASTS_IDLE_LOOK_SECONDS / 2)
    runs.drop_ended()
    assert await services.broadcasts.schedule(draft.id, due_at, actor=boss)
    await runs.next_end()  # woken by the schedule, not after its idle look
    assert runs.planned() <= due_at + timedelta(seconds=1)  # the next look is when the broadcast falls due


async def test_the_idle_poller_tick_sleeps_with_no_source(idle_bot: RunningBot) -> None:
    runs = Runs(idle_bot.services.scheduler, TICK_JOB_ID)
    ended = await runs.look_after_wake(idle_bot.services.supervisor, POLLER_JOB, 5)
    # Every 5 s before, to find no source due.
    assert runs.planned() >= ended + timedelta(seconds=MAX_TICK_SECONDS - 1)


async def test_a_source_added_while_the_poller_sleeps_is_polled_at_once(idle_bot: RunningBot, site: FeedSite) -> None:
    # Added by any repository of this process (the console's, the shell's service, a test's): the sleeping tick is
    # woken, and the source's first poll does not wait for the tick's idle look a minute later.
    runs = Runs(idle_bot.services.scheduler, TICK_JOB_ID)
    ended = await runs.look_after_wake(idle_bot.services.supervisor, POLLER_JOB, 5)
    assert runs.planned() >= ended + timedelta(seconds=MAX_TICK_SECONDS - 1)
    url = site.serve("/feed/", rss([Item(title="Hello", link="http://x/1", guid="1")]))
    runs.drop_ended()
    added = await SourceRepository(idle_bot.services.db).add(NewSource(url, "rss", "en", "Local", 300))
    await runs.next_end()  # woken by the add, not after the idle look
    polled = await SourceRepository(idle_bot.services.db).get(added.id)
    assert polled is not None and polled.last_success_at is not None
