"""Consistent online backups: SQLite's backup API copies a live database page by page."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    """The backup could not be written; the text says why."""


async def backup(database_url: str, target: Path) -> int:
    """Copy the database to `target` while the bot may be running; returns the size in bytes."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError("backup copies SQLite databases; for PostgreSQL use pg_dump (see docs/OPERATIONS.md)")
    return await asyncio.to_thread(_copy, Path(url.database or ""), target)


def _copy(source: Path, target: Path) -> int:
    if not source.is_file():
        raise BackupError(f"no database at {source}: run the bot or `python -m bot migrate` first")
    if target.exists():
        raise BackupError(f"{target} exists already: choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    check = sqlite3.connect(target)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"the copy at {target} failed its integrity check")
    finally:
        check.close()
    return target.stat().st_size
