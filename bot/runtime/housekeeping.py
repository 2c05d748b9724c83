"""The daily housekeeping job: prunes expired rows on the leading process only."""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.config import Settings
from bot.runtime.leadership import Leadership
from bot.runtime.supervision import Supervisor
from domain.clock import utcnow
from storage.housekeeping import Housekeeping, Retention

logger = logging.getLogger(__name__)
JOB_ID = "housekeeping"
FIRST_RUN_DELAY = timedelta(minutes=10)  # not while the bot is busy starting up


def retention(settings: Settings) -> Retention:
    """The retention settings as one value."""
    return Retention(
        outbox=timedelta(days=settings.outbox_retention_days),
        audit=timedelta(days=settings.audit_retention_days),
        history_size=settings.feed_history_size,
    )


async def run_housekeeping(housekeeping: Housekeeping, settings: Settings, leadership: Leadership) -> None:
    """One run: prune and log what went (only the leader prunes, so replicas never race each other)."""
    if not leadership.held:
        return
    report = await housekeeping.prune(utcnow(), retention(settings))
    logger.info(
        "housekeeping.pruned",
        extra={
            "seen_keys": report.seen_keys,
            "deliveries": report.deliveries,
            "messages": report.messages,
            "digest_items": report.digest_items,
            "audit": report.audit,
        },
    )


async def start_housekeeping(
    scheduler: AsyncIOScheduler,
    housekeeping: Housekeeping,
    settings: Settings,
    leadership: Leadership,
    supervisor: Supervisor,
) -> None:
    """Startup hook: the daily job, first run a few minutes after start."""
    scheduler.add_job(
        supervisor.job("housekeeping", run_housekeeping),
        "interval",
        hours=24,
        args=[housekeeping, settings, leadership],
        id=JOB_ID,
        name="prune expired rows",
        coalesce=True,
        max_instances=1,
        replace_existing=True,
        next_run_time=utcnow() + FIRST_RUN_DELAY,
    )
