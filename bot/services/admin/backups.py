"""Backups of the SQLite database, for both doors: /backup for admins, `python -m bot backup` and `restore` in the
shell, and the scheduled job (bot/runtime/backups.py). Each action by a person is audited here.

SQLite only: PostgreSQL is backed up with its own tools (pg_dump), which every message here names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.config import Settings
from domain.audit import Actor, AuditTrail, record
from domain.clock import Clock, utcnow
from storage.backup import BackupFile, backup, backup_into, backups_in, known_revisions, restore, sqlite_path

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

    def __init__(self, settings: Settings, audit: AuditTrail, *, clock: Clock = utcnow) -> None:
        self._settings = settings
        self._audit = audit
        self._clock = clock
        self.upload_limit = telegram_upload_limit(settings)  # bytes /backup may send

    @property
    def is_sqlite(self) -> bool:
        return make_url(self._settings.database_url).get_backend_name() == "sqlite"

    async def take(self, now: datetime | None = None) -> BackupFile:
        """One backup now into BACKUP_DIR, old ones pruned; BackupError (one line) when it cannot be done."""
        return await backup_into(
            self._settings.database_url,
            self._settings.backup_dir,
            keep=self._settings.backup_keep,
            now=now or self._clock(),
        )

    async def for_admin(self, *, actor: Actor) -> AdminBackup:
        """A fresh backup for /backup, with whether it fits Telegram's upload limit."""
        file = await self.take()
        await record(self._audit, actor, "backup.take", file=str(file.path), bytes=file.size)
        return AdminBackup(file, file.size <= self.upload_limit)

    async def write_to(self, target: Path, *, actor: Actor) -> int:
        """A backup into `target` (`python -m bot backup FILE`); its size in bytes."""
        size = await backup(self._settings.database_url, target)
        await record(self._audit, actor, "backup.take", file=str(target), bytes=size)
        return size

    def restore(self, file: Path) -> tuple[Path, Path | None]:
        """Check `file` and put it in place of the database (the bot stopped); the database's path and where the
        previous one is kept. BackupError (one line) when the file is refused; the current database is then kept.
        Not audited: the audit log is in the database being replaced (the log line is the record)."""
        database = sqlite_path(self._settings.database_url, action="restore")
        kept = restore(
            database, file, known_revisions=known_revisions(), safety_dir=self._settings.backup_dir, now=self._clock()
        )
        return database, kept

    def first_run(self, now: datetime) -> datetime:
        """When the first scheduled backup is due: one interval after the newest one on disk, at the earliest soon."""
        existing = backups_in(self._settings.backup_dir)
        earliest = now + FIRST_RUN_DELAY
        if not existing:
            return earliest
        newest = datetime.fromtimestamp(existing[-1].stat().st_mtime, tz=now.tzinfo)
        return max(earliest, newest + timedelta(hours=self._settings.backup_interval_hours))
