"""Leader-only admin jobs: start due broadcasts and keep their reports live; watch the sender for stalls."""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta

from aiogram import Bot
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.runtime.leadership import Leadership
from bot.runtime.supervision import JobPace, Supervisor, sender_stalled
from bot.services.admin.broadcasts import BroadcastService
from bot.telegram.alerts import AdminAlerts
from bot.telegram.reports import post_report, tell_expired, update_report
from domain.alerts import Alert
from domain.clock import Clock, utcnow
from storage.broadcasts import Broadcast
from storage.stats import StatsRepository

logger = logging.getLogger(__name__)
REPORT_INTERVAL_SECONDS = 3.0  # Telegram tolerates an edit every few seconds; the report needs no more
# The least time between two edits of one report. The tick runs at a fixed rate, so a tick that started late (a
# busy event loop) is followed by one less than the interval later; that one leaves the report to the next.
REPORT_MIN_GAP = timedelta(seconds=2.5)
# With no broadcast running or due, the job sleeps until the next scheduled one falls due, and at least this often
# looks for what it cannot be told of: an approval request running out, a broadcast scheduled by another replica.
BROADCASTS_IDLE_LOOK_SECONDS = 30.0
BROADCASTS_JOB_ID = "admin-broadcasts"
BROADCASTS_JOB = "broadcast-reports"  # the supervisor's name for it (`supervisor.wake(BROADCASTS_JOB)`)
STALL_MINUTES = 10
FAILURES_PER_WINDOW = 20


REPORT_GRACE = timedelta(seconds=30)


def _report_overdue(broadcast: Broadcast, now: datetime) -> bool:
    """True when a running broadcast has no report and its poster is not expected to post one: the tick started it
    (a scheduled one), or it started well before now."""
    return broadcast.due_at is not None or broadcast.started_at is None or now - broadcast.started_at > REPORT_GRACE


async def broadcast_tick(
    bot: Bot, broadcasts: BroadcastService, leadership: Leadership, edited: dict[int, datetime], clock: Clock = utcnow
) -> float | None:
    """Start due scheduled broadcasts, refresh running reports, and close finished ones with the final report.

    `edited` (kept by the caller from tick to tick) holds when each running broadcast's report was last edited, on
    `clock` (the tests' clock: the spacing of edits holds however far apart two ticks run in real time).
    Returns, when nothing is running, the seconds until the next scheduled broadcast falls due (inf: none is).
    """
    if not leadership.held:
        return None  # a standby looks at the interval, without the database: it takes over running reports at once
    now = clock()
    busy = False
    for expired in await broadcasts.expire_overdue():
        await tell_expired(bot, expired)
    for due in await broadcasts.due(now):
        busy = True
        started = await broadcasts.start(due.id)
        if started is not None:
            await post_report(bot, broadcasts, started)
    running_now = await broadcasts.running()
    if not (busy or running_now):
        edited.clear()
        next_due = await broadcasts.next_due()
        return math.inf if next_due is None else (next_due - now).total_seconds()
    for gone in edited.keys() - {broadcast.id for broadcast in running_now}:
        del edited[gone]  # finished or cancelled
    for listed in running_now:
        running = listed
        if running.outbox_message_id is None:
            running = await broadcasts.enqueue(running.id) or running  # started, then crashed before the outbox
        if running.report_message_id is None:
            # The admin's "Send now" posts the report itself; the tick posts one only for a broadcast whose
            # poster never did (a crash, a failed send), or two reports would race on a busy machine.
            if _report_overdue(running, now):
                await post_report(bot, broadcasts, running)
            continue
        last = edited.get(running.id)
        # (A clock set back leaves no gap to wait out: only a gap from 0 up to the least one skips the edit.)
        if last is not None and timedelta() <= clock() - last < REPORT_MIN_GAP:
            continue  # edited by the last tick, which started late: the next tick edits it (or finishes it)
        progress = await broadcasts.report_progress(running)  # marks it done once every row is handled
        await update_report(bot, progress, final=progress.final)
        edited[running.id] = clock()
    return None


async def watch_delivery(stats: StatsRepository, alerts: AdminAlerts, leadership: Leadership) -> None:
    """Alert when due messages wait and nothing was sent for a while, or when many sends fail."""
    if not leadership.held:
        return
    now = utcnow()
    since = now - timedelta(minutes=STALL_MINUTES)
    overdue, last_sent, failures = await stats.delivery_health(since, now)
    if sender_stalled(overdue, last_sent, since):
        await alerts.notify(
            Alert("admin-alert-stalled", {"count": overdue, "minutes": STALL_MINUTES}, key="sender-stalled")
        )
    if failures >= FAILURES_PER_WINDOW:
        await alerts.notify(
            Alert("admin-alert-failures", {"count": failures, "minutes": STALL_MINUTES}, key="send-failures")
        )


def schedule_admin_jobs(
    scheduler: AsyncIOScheduler,
    bot: Bot,
    broadcasts: BroadcastService,
    stats: StatsRepository,
    alerts: AdminAlerts,
    leadership: Leadership,
    *,
    supervisor: Supervisor | None = None,
    clock: Clock = utcnow,
) -> None:
    """Add both jobs; each does nothing on a process that does not lead."""
    supervisor = supervisor or Supervisor()
    pace = JobPace(idle=BROADCASTS_IDLE_LOOK_SECONDS)
    scheduler.add_job(
        supervisor.job(BROADCASTS_JOB, broadcast_tick, pace=pace),
        "interval",
        seconds=REPORT_INTERVAL_SECONDS,
        args=[bot, broadcasts, leadership, {}, clock],
        id=BROADCASTS_JOB_ID,
        replace_existing=True,
    )
    pace.attach(scheduler, BROADCASTS_JOB_ID)
    broadcasts.watch(pace.wake)
    scheduler.add_job(
        supervisor.job("watch-delivery", watch_delivery),
        "interval",
        minutes=1,
        args=[stats, alerts, leadership],
        id="admin-watch-delivery",
        replace_existing=True,
    )
