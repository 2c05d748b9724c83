"""Scheduling the poller: one APScheduler tick that polls due sources, spread over the tick."""

from __future__ import annotations

from collections.abc import Callable

from apscheduler.schedulers.base import BaseScheduler

from bot.config import Settings
from bot.feeds.poller import FeedPoller
from bot.supervision import Supervisor
from domain.clock import utcnow

TICK_JOB_ID = "feeds.tick"
MAX_TICK_SECONDS = 60
MIN_TICK_SECONDS = 5


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
    only the leading process polls). A tick that fails or outlives the longest possible poll is reported by the
    supervisor and the next tick runs as usual.
    """
    seconds = tick_seconds(settings)

    async def tick(spread_seconds: float) -> None:
        if may_poll():
            await poller.poll_due(spread_seconds=spread_seconds)

    supervisor = supervisor or Supervisor()
    scheduler.add_job(
        supervisor.job("poller-tick", tick, timeout=poller.policy.lease.total_seconds() + seconds),
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
