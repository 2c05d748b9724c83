"""The scheduled backup job: SQLite copies with retention (the backups themselves: bot/services/admin/backups.py).

The job runs on the leading process only (replicas share one database, one copy is enough). Its first run is
timed from the newest backup on disk, so restarts neither skip backups nor take one each time.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.config import Settings
from bot.runtime.leadership import Leadership
from bot.runtime.supervision import Supervisor
from bot.services.admin.backups import Backups
from bot.telegram.alerts import AdminAlerts
from domain.alerts import Alert
from domain.backups import BackupError
from domain.clock import utcnow

logger = logging.getLogger(__name__)
JOB_ID = "backup"


async def run_backup(backups: Backups, leadership: Leadership, alerts: AdminAlerts) -> None:
    """One scheduled backup on the leader; a failure is logged and the admins are told."""
    if not leadership.held:
        return
    try:
        taken = await backups.take()
    except (BackupError, OSError) as error:
        logger.exception("backup.failed")
        await alerts.notify(Alert("admin-alert-backup-failed", {"error": str(error)}, key="backup-failed"))
        return
    logger.info(
        "backup.written",
        extra={"path": str(taken.path), "bytes": taken.size, "removed": [str(p) for p in taken.removed]},
    )


async def start_backups(
    scheduler: AsyncIOScheduler,
    backups: Backups,
    settings: Settings,
    leadership: Leadership,
    alerts: AdminAlerts,
    supervisor: Supervisor,
) -> None:
    """Startup hook: the scheduled backup job (SQLite only; BACKUP_INTERVAL_HOURS=0 turns it off)."""
    if settings.backup_interval_hours == 0:
        return
    if not backups.is_sqlite:
        logger.info("backup.not_scheduled", extra={"detail": "the database is PostgreSQL: back it up with pg_dump"})
        return
    scheduler.add_job(
        supervisor.job("backup", run_backup),
        "interval",
        hours=settings.backup_interval_hours,
        args=[backups, leadership, alerts],
        id=JOB_ID,
        name="back up the SQLite database",
        coalesce=True,
        max_instances=1,
        replace_existing=True,
        next_run_time=backups.first_run(utcnow()),
    )
