"""Consistent online backups and checked restores of the SQLite database.

SQLite's backup API copies a live database page by page, so a backup is consistent while the bot runs. Every
backup is a single self-contained file (rollback journal, not WAL) that passes `PRAGMA integrity_check`;
a restore checks the same before it touches anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

PREFIX = "bot-"  # scheduled and /backup files: bot-20250131-030000.sqlite3; retention touches only these
SUFFIX = ".sqlite3"
POSTGRES_HINT = "for PostgreSQL use pg_dump and pg_restore (see docs/OPERATIONS.md)"


class BackupError(Exception):
    """The backup or restore could not be done; the text is one line saying why."""


@dataclass(frozen=True, slots=True)
class BackupFile:
    """A backup written into the backup directory, and the old ones retention removed."""

    path: Path
    size: int
    taken_at: datetime
    removed: list[Path]


def sqlite_path(database_url: str, *, action: str = "backup") -> Path:
    """The SQLite file behind a database URL; BackupError naming the PostgreSQL tools otherwise."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(f"{action} works on SQLite databases; {POSTGRES_HINT}")
    return Path(url.database or "")


async def backup(database_url: str, target: Path) -> int:
    """Copy the database to `target` while the bot may be running; returns the size in bytes."""
    source = sqlite_path(database_url)
    return await asyncio.to_thread(_copy, source, target)


async def backup_into(database_url: str, directory: Path, *, keep: int, now: datetime) -> BackupFile:
    """A timestamped backup in `directory`, then only the newest `keep` backups there are kept."""
    source = sqlite_path(database_url)
    target = directory / f"{PREFIX}{now:%Y%m%d-%H%M%S}{SUFFIX}"
    size = await asyncio.to_thread(_copy, source, target)
    removed = await asyncio.to_thread(prune, directory, keep)
    return BackupFile(target, size, now, removed)


def backups_in(directory: Path) -> list[Path]:
    """The bot's backups in `directory`, oldest first (their names sort by time)."""
    if not directory.is_dir():
        return []
    return sorted(path for path in directory.glob(f"{PREFIX}*{SUFFIX}") if path.is_file())


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups; other files in the directory are never touched."""
    old = backups_in(directory)[:-keep] if keep > 0 else []
    for path in old:
        path.unlink(missing_ok=True)
    return old


def _read_only(path: Path, *, immutable: bool = False) -> contextlib.closing[sqlite3.Connection]:
    """A read-only connection; `immutable` reads a file at rest without locks or a -shm file beside it."""
    options = "mode=ro&immutable=1" if immutable else "mode=ro"
    return contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?{options}", uri=True))


def _copy(source: Path, target: Path) -> int:
    if not source.is_file():
        raise BackupError(f"no database at {source}: run the bot or `python -m bot migrate` first")
    if target.exists():
        raise BackupError(f"{target} exists already: choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written under a temporary name and renamed when complete: a crash never leaves a half file that
    # looks like a backup (and counts against retention).
    partial = target.with_name(target.name + ".partial")
    try:
        with _read_only(source) as src, contextlib.closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        problem = integrity_problem(partial)
        if problem is not None:
            raise BackupError(f"the copy of {source} failed its integrity check: {problem}")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target.stat().st_size


def integrity_problem(path: Path) -> str | None:
    """Why a file is not a sound SQLite database, or None when it is whole and `PRAGMA integrity_check` says ok."""
    truncated = _truncation(path)
    if truncated is not None:
        return truncated
    try:
        with _read_only(path, immutable=True) as conn:
            rows = conn.execute("PRAGMA integrity_check(5)").fetchall()
    except sqlite3.DatabaseError as error:
        return str(error)
    return None if rows == [("ok",)] else "; ".join(str(row[0]) for row in rows)


def _truncation(path: Path) -> str | None:
    """A file shorter than its header says (a cut-off download, a full disk): SQLite reads the missing pages as
    absent and `integrity_check` may still pass when they were free pages, so the size is checked on its own."""
    with path.open("rb") as file:
        header = file.read(100)
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return None  # not SQLite at all: the open below says so
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count in the header is valid only when written by a SQLite that keeps it (since 3.7.0).
    if header[24:28] != header[92:96] or pages == 0:
        return None
    expected, actual = pages * page_size, path.stat().st_size
    return f"truncated: {actual} of {expected} bytes" if actual < expected else None


def schema_revision(path: Path) -> str | None:
    """The migration revision a sound SQLite file is at, None when it holds no schema of this bot."""
    with _read_only(path, immutable=True) as conn:
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError:
            return None
    return str(row[0]) if row else None


def running_holder(database: Path, now: datetime) -> str | None:
    """The process holding a lease on this database right now (a running bot), or None."""
    if not database.is_file():
        return None
    with _read_only(database) as conn:
        try:
            rows = conn.execute("SELECT holder, expires_at FROM leases").fetchall()
        except sqlite3.DatabaseError:
            return None
    for holder, expires_at in rows:
        expires = datetime.fromisoformat(str(expires_at))
        if expires.tzinfo is None:
            expires = expires.replace(tzinfo=now.tzinfo)
        if expires > now:
            return str(holder)
    return None


def known_revisions() -> set[str]:
    """Every migration revision this version of the bot knows."""
    from alembic.script import ScriptDirectory

    from storage.database import alembic_config

    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def restore(database: Path, file: Path, *, known_revisions: set[str], safety_dir: Path, now: datetime) -> Path | None:
    """Replace `database` with the backup `file`, after checking it; returns where the old database was kept.

    Refuses (BackupError, nothing changed) a missing, damaged or foreign file, a file from a newer version of
    the bot, and a database a running bot holds.
    """
    if not file.is_file():
        raise BackupError(f"no backup at {file}")
    problem = integrity_problem(file)
    if problem is not None:
        raise BackupError(f"{file} is not a sound SQLite database ({problem}); nothing was restored")
    revision = schema_revision(file)
    if revision is None:
        raise BackupError(f"{file} is not a database of this bot (no schema version in it); nothing was restored")
    if revision not in known_revisions:
        raise BackupError(f"{file} is at schema {revision}, newer than this version of the bot; nothing was restored")
    holder = running_holder(database, now)
    if holder is not None:
        raise BackupError(f"the bot is running on {database} ({holder}): stop it first; nothing was restored")
    kept = None
    if database.is_file():
        kept = safety_dir / f"before-restore-{now:%Y%m%d-%H%M%S}{SUFFIX}"
        _copy(database, kept)
    database.parent.mkdir(parents=True, exist_ok=True)
    with _read_only(file, immutable=True) as src, contextlib.closing(sqlite3.connect(database)) as dst:
        src.backup(dst)
        # The bot runs its database in WAL mode: fold the restored pages into the main file, so the file is
        # the whole database again and the check below reads what the bot will read.
        dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    problem = integrity_problem(database)
    if problem is not None:
        raise BackupError(f"the restored database failed its integrity check ({problem}); the old one is at {kept}")
    return kept
