"""Scheduling the poller: one APScheduler tick that polls due sources, spread over the tick.

Each source is polled at its own fixed phase within its interval (a deterministic jitter from its id), so
however the sources were added (all at once, at start), their polls spread evenly over the interval and
each tick finds about `sources x tick / interval` of them due; there is no cap on how many.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.config import Settings
from domain.clock import utcnow

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

    from bot.runtime.supervision import Supervisor
    from bot.services.ingestion.poller import FeedPoller

TICK_JOB_ID = "feeds.tick"
POLLER_JOB = "poller-tick"  # the supervisor's name for it (`supervisor.wake(POLLER_JOB)`)
MAX_TICK_SECONDS = 60
MIN_TICK_SECONDS = 5


_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@functools.lru_cache(maxsize=65536)  # asked on every poll of every source; a few bytes per source
def phase_seconds(source_id: int, interval_seconds: int) -> float:
    """Where in its interval a source is polled: a fixed fraction of the interval, from its id."""
    digest = hashlib.sha1(str(source_id).encode(), usedforsecurity=False).digest()
    return int.from_bytes(digest[:8], "big") % (interval_seconds * 1000) / 1000


def next_check(now: datetime, interval_seconds: int, source_id: int) -> datetime:
    """The next poll after one at `now`: the source's first phase slot at least half an interval later.

    A source polled on time is polled again exactly one interval later; one polled off its phase (just
    added, polled by hand, late after a busy tick) moves onto it within one poll, at 0.5 to 1.5 intervals.
    """
    interval, half, first_slot = _slots(source_id, interval_seconds)
    slots = -((first_slot - now - half) // interval)  # ceiling division: the first slot not before now + half
    return first_slot + slots * interval


@functools.lru_cache(maxsize=65536)
def _slots(source_id: int, interval_seconds: int) -> tuple[timedelta, timedelta, datetime]:
    """A source's interval, half of it, and its phase slot after `_EPOCH` (the slots are that plus n intervals)."""
    interval = timedelta(seconds=interval_seconds)
    return interval, interval / 2, _EPOCH + timedelta(seconds=phase_seconds(source_id, interval_seconds))


def tick_seconds(settings: Settings) -> int:
    """How often due sources are looked for: a fraction of the poll interval, between 5 s and a minute."""
    return max(MIN_TICK_SECONDS, min(MAX_TICK_SECONDS, settings.poll_interval_seconds // 5))


def schedule_polling(
    scheduler: BaseScheduler,
    poller: FeedPoller,
    settings: Settings,
    *,
    may_poll: Callable[[], bool] = lambda: True,
    supervisor: Supervisor | None = None,
) -> None:
    """Add the polling tick (first run at once); `coalesce` and `max_instances=1` keep ticks from piling up.

    Each tick polls the sources that are due (each has its own interval and next-check time), starting them
    spread over half a tick so they do not all hit the network at once; the per-source lease in the database
    makes overlapping polls of one source impossible. `may_poll` is asked at every tick (the leadership lease:
    only the leading process polls). A tick that finds nothing due sleeps until the next source is (at most
    `MAX_TICK_SECONDS`, for a source another process adds). A tick that fails or outlives the longest possible
    poll is reported by the supervisor and the next tick runs as usual.
    """
    seconds = tick_seconds(settings)

    async def tick(spread_seconds: float) -> float | None:
        if not may_poll():
            return None
        if await poller.poll_due(spread_seconds=spread_seconds):
            return None
        return await poller.seconds_to_next_check()

    # With prometheus_client: only the running bot schedules polls, the shell's commands never import it.
    from bot.runtime.supervision import JobPace, Supervisor

    supervisor = supervisor or Supervisor()
    pace = JobPace(idle=MAX_TICK_SECONDS)
    scheduler.add_job(
        supervisor.job(POLLER_JOB, tick, timeout=poller.policy.lease.total_seconds() + seconds, pace=pace),
        "interval",
        seconds=seconds,
        kwargs={"spread_seconds": seconds / 2},
        id=TICK_JOB_ID,
        name="poll due news sources",
        coalesce=True,
        max_instances=1,
        replace_existing=True,
        next_run_time=utcnow(),
    )
    pace.attach(scheduler, TICK_JOB_ID)
    poller.sources.watch(pace.wake)  # a source added or made due sooner in this process is polled at once
