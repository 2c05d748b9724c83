"""Supervision: long-running tasks restart after a failure, scheduled jobs report theirs, stalls are noticed.

A task that dies silently is the worst failure a news bot has: it keeps answering /start while nothing is
polled or sent. Every long-running loop therefore runs under `Supervisor.spawn` (logged, counted, alerted,
restarted with capped exponential backoff), every scheduled job under `Supervisor.job` (logged, counted,
alerted, bounded in time), and the `Watchdog` compares due work with progress for `/healthz` and the admins.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import TYPE_CHECKING, Any, Protocol

from bot.runtime.metrics import TASK_FAILURES, TASK_RESTARTS
from domain.alerts import Alert
from domain.clock import utcnow

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

logger = logging.getLogger(__name__)

TaskFactory = Callable[[], Awaitable[None]]
# A task that ran this long before failing is considered healthy again: its backoff starts over.
HEALTHY_RUN_SECONDS = 60.0


class Notifier(Protocol):
    async def notify(self, alert: Alert) -> bool: ...


class JobPace:
    """How often an interval job looks for work: at its interval while it finds some; while it finds none, when the
    work it knows of falls due, but at most `idle` seconds later; at once when `wake()` says there is work.

    A bot with nothing to do should cost nothing: a job that looks every few seconds for work that comes a few
    times a day spends more CPU than all else the idle bot does. What this process gives the job wakes it; what
    it cannot be told of (another process's work) waits at most `idle` seconds.
    """

    def __init__(self, idle: float) -> None:
        self.idle = idle
        self._job: tuple[BaseScheduler, str] | None = None
        self._running = False
        self._woken = False

    def attach(self, scheduler: BaseScheduler, job_id: str) -> None:
        """The job this pace moves (added to `scheduler` under `job_id`)."""
        self._job = (scheduler, job_id)

    def wake(self) -> None:
        """There is work: the next run is now (or, during a run that may have looked too early, at the interval)."""
        if self._running:
            self._woken = True
        else:
            self._next_run_in(0.0)

    async def run(self, look: Awaitable[object]) -> None:
        """Await one run of the job; a run that returns a number of seconds found nothing due before then."""
        self._running, self._woken = True, False
        try:
            rest = await look
        finally:
            self._running = False
        if isinstance(rest, int | float) and not self._woken and rest > self._interval():
            self._next_run_in(min(rest, self.idle))

    def _interval(self) -> float:
        job = self._job and self._job[0].get_job(self._job[1])
        return float(getattr(job.trigger, "interval_length", math.inf)) if job else math.inf

    def _next_run_in(self, seconds: float) -> None:
        from apscheduler.jobstores.base import JobLookupError  # imported with the scheduler that calls this

        if self._job is not None:
            scheduler, job_id = self._job
            with contextlib.suppress(JobLookupError):
                scheduler.modify_job(job_id, next_run_time=datetime.now(UTC) + timedelta(seconds=seconds))


class Supervisor:
    """Keeps named tasks running until `stop()`.

    A task returning normally is finished; one raising is logged with its traceback, counted in
    `bot_task_failures_total`, reported to the admins (AdminAlerts rate-limits per task) and started again
    after `base * 2**n` seconds (jittered, at most `cap`).
    """

    def __init__(
        self,
        alerts: Notifier | None = None,
        *,
        base: float = 1.0,
        cap: float = 60.0,
    ) -> None:
        self._alerts = alerts
        self._base = base
        self._cap = cap
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._paces: dict[str, JobPace] = {}
        self.failures: dict[str, int] = {}

    def configure(self, alerts: Notifier) -> None:
        """Alerts are wired once the bot exists (the startup hook); failures before that are only logged."""
        self._alerts = alerts

    def spawn(self, name: str, run: TaskFactory) -> asyncio.Task[None]:
        """Run `run()` in a task named `name`, restarting it whenever it raises; cancel the task to stop it."""
        task = asyncio.create_task(self._keep(name, run), name=name)
        self._tasks[name] = task
        task.add_done_callback(lambda done: self._tasks.pop(name, None) if self._tasks.get(name) is done else None)
        return task

    async def _keep(self, name: str, run: TaskFactory) -> None:
        streak = 0
        while True:
            started = time.monotonic()
            try:
                await run()
                return
            except asyncio.CancelledError:
                raise
            except Exception as error:
                streak = 1 if time.monotonic() - started > HEALTHY_RUN_SECONDS else streak + 1
                delay = min(self._cap, self._base * 2 ** (streak - 1)) * random.uniform(0.5, 1.0)
                await self._report(name, error, restart_in=delay)
                TASK_RESTARTS.labels(task=name).inc()
                await asyncio.sleep(delay)

    def job(
        self,
        name: str,
        func: Callable[..., Awaitable[object]],
        *,
        timeout: float | None = None,
        pace: JobPace | None = None,
    ) -> Callable[..., Awaitable[None]]:
        """`func` as a scheduled job: a failure (or a run longer than `timeout`) is reported, never lost; a run
        cancelled by the bot's stop ends quietly (INFO `job.cancelled`). With a `pace`, a run that returns seconds
        moves the next run that far ahead (see `JobPace`), and `wake(name)` brings it forward.

        APScheduler only logs a failed coroutine job, and a job that hangs blocks every later run
        (`max_instances=1`); the timeout turns a hang into a reported failure and frees the next run.
        """
        if pace is not None:
            self._paces[name] = pace

        @wraps(func)
        async def supervised(*args: Any, **kwargs: Any) -> None:
            try:
                look = asyncio.wait_for(func(*args, **kwargs), timeout)
                await (pace.run(look) if pace is not None else look)
            except asyncio.CancelledError:
                # A stop (SIGTERM, Ctrl-C) cancels the runs still going: a normal end, not a failure. Raised on,
                # it would reach APScheduler, which logs any exception of a job as an ERROR with a traceback.
                logger.info("job.cancelled", extra={"task": name})
            except Exception as error:
                await self._report(name, error, restart_in=None)

        return supervised

    def wake(self, name: str) -> None:
        """Run the paced job `name` now: it has work (or, in tests, its clock jumped past the work it knew of)."""
        self._paces[name].wake()

    async def _report(self, name: str, error: BaseException, *, restart_in: float | None) -> None:
        self.failures[name] = self.failures.get(name, 0) + 1
        TASK_FAILURES.labels(task=name).inc()
        description = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
        logger.error(
            "task.failed",
            exc_info=error,
            extra={"task": name, "error": description, "restart_in_s": round(restart_in, 2) if restart_in else None},
        )
        if self._alerts is None:
            return
        try:
            await self._alerts.notify(
                Alert("admin-alert-task-failed", {"task": name, "error": description}, key=f"task:{name}")
            )
        except Exception:
            logger.exception("task.alert_failed", extra={"task": name})

    async def stop(self) -> None:
        """Cancel every task still running."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()


class WorkStats(Protocol):
    async def delivery_health(self, since: datetime, now: datetime) -> tuple[int, datetime | None, int]: ...

    async def oldest_overdue_source(self, now: datetime) -> datetime | None: ...


def sender_stalled(overdue: int, last_sent: datetime | None, since: datetime) -> bool:
    """Rows were due before `since` and nothing at all was sent since then."""
    return bool(overdue) and (last_sent is None or last_sent < since)


@dataclass(frozen=True, slots=True)
class Stall:
    """A component with due work that does not progress."""

    component: str  # poller, sender or database
    waited_seconds: int  # how long the oldest due work has waited (database: how long it has not answered)
    overdue: int = 0  # deliveries waiting (sender)

    @property
    def reason(self) -> str:
        """The line `/healthz` shows (operators read it; English like the logs)."""
        if self.component == "database":
            return f"database: no answer to the lease for {self.waited_seconds} s"
        if self.component == "poller":
            return f"poller: a source due {self.waited_seconds} s ago was not polled"
        return f"sender: {self.overdue} deliveries overdue, nothing sent for {self.waited_seconds} s"


class Watchdog:
    """Work that is due but does not progress: sources overdue unpolled, outbox rows overdue unsent.

    Only the leading process is expected to do the work, so a standby reports no stalled work; every process,
    the standby too, reports a stall of the shared database (`database_silence`: seconds without an answer).
    """

    def __init__(
        self,
        stats: WorkStats,
        is_leader: Callable[[], bool],
        *,
        stall_after: float,
        database_silence: Callable[[datetime], float | None] = lambda _now: None,
    ) -> None:
        self._stats = stats
        self._is_leader = is_leader
        self._database_silence = database_silence
        self.stall_after = stall_after

    async def stalls(self, now: datetime | None = None) -> list[Stall]:
        """The stalled components; empty when all is well (or this process does not lead)."""
        now = now or utcnow()
        silence = self._database_silence(now)
        if silence is not None:
            return [Stall("database", round(silence))]  # asking it about the work would wait on it too
        if not self._is_leader():
            return []
        since = now - timedelta(seconds=self.stall_after)
        found: list[Stall] = []
        overdue_source = await self._stats.oldest_overdue_source(now)
        if overdue_source is not None and overdue_source < since:
            found.append(Stall("poller", round((now - overdue_source).total_seconds())))
        overdue, last_sent, _failures = await self._stats.delivery_health(since, now)
        if sender_stalled(overdue, last_sent, since):
            waited = round((now - last_sent).total_seconds()) if last_sent else round(self.stall_after)
            found.append(Stall("sender", waited, overdue))
        return found


async def watch_stalls(watchdog: Watchdog, alerts: Notifier) -> None:
    """The watchdog's job, on every process: tell the admins when the shared database or polling stalls (a stalled
    sender has its own alert in the admin jobs, with the count of waiting messages)."""
    for stall in await watchdog.stalls():
        if stall.component == "database":
            seconds = stall.waited_seconds
            await alerts.notify(Alert("admin-alert-database-stalled", {"seconds": seconds}, key="stall:database"))
        if stall.component == "poller":
            minutes = max(1, stall.waited_seconds // 60)
            await alerts.notify(Alert("admin-alert-poller-stalled", {"minutes": minutes}, key="stall:poller"))
