"""Backups as operators expect them: scheduled SQLite copies with retention, and /backup for admins.

The job runs on the leading process only (replicas share one database, one copy is enough). Its first run is
timed from the newest backup on disk, so restarts neither skip backups nor take one each time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.runtime.leadership import Leadership
from bot.runtime.supervision import Supervisor
from bot.telegram.alerts import AdminAlerts, Alert
from domain.backups import BackupError
from domain.clock import utcnow
from storage.backup import BackupFile, backup_into, backups_in

logger = logging.getLogger(__name__)
JOB_ID = "backup"
FIRST_RUN_DELAY = timedelta(minutes=5)  # an overdue backup waits until the bot has settled after start
OFFICIAL_API = "https://api.telegram.org"
UPLOAD_LIMIT = 50 * 1000 * 1000  # Telegram's Bot API: bots upload files up to 50 MB
LOCAL_API_UPLOAD_LIMIT = 2000 * 1000 * 1000  # a self-hosted Bot API server takes up to 2000 MB


def telegram_upload_limit(settings: Settings) -> int:
    """The largest file the bot can send: 50 MB through Telegram's servers, 2000 MB through a local Bot API."""
    return UPLOAD_LIMIT if settings.telegram_api_url == OFFICIAL_API else LOCAL_API_UPLOAD_LIMIT


@dataclass(frozen=True, slots=True)
class AdminBackup:
    """A backup taken for an admin: the file, and whether Telegram can carry it."""

    file: BackupFile
    sendable: bool


class Backups:
    """Takes backups into BACKUP_DIR and keeps the newest BACKUP_KEEP."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self.upload_limit = telegram_upload_limit(settings)  # bytes /backup may send

    @property
    def is_sqlite(self) -> bool:
        return make_url(self._settings.database_url).get_backend_name() == "sqlite"

    async def take(self, now: datetime | None = None) -> BackupFile:
        """One backup now, old ones pruned; BackupError (one line) when it cannot be done."""
        return await backup_into(
            self._settings.database_url, self._settings.backup_dir, keep=self._settings.backup_keep, now=now or utcnow()
        )

    async def for_admin(self) -> AdminBackup:
        """A fresh backup for /backup, with whether it fits Telegram's upload limit."""
        file = await self.take()
        return AdminBackup(file, file.size <= self.upload_limit)

    def first_run(self, now: datetime) -> datetime:
        """When the first scheduled backup is due: one interval after the newest one on disk, at the earliest soon."""
        existing = backups_in(self._settings.backup_dir)
        earliest = now + FIRST_RUN_DELAY
        if not existing:
            return earliest
        newest = datetime.fromtimestamp(existing[-1].stat().st_mtime, tz=now.tzinfo)
        return max(earliest, newest + timedelta(hours=self._settings.backup_interval_hours))


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
