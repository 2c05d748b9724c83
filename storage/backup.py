"""Consistent online backups and checked restores of the SQLite database.

SQLite's backup API copies a live database page by page, so a backup is consistent while the bot runs. Every
backup is a single self-contained file (rollback journal, not WAL) that passes `PRAGMA integrity_check`;
a restore checks the same before it touches anything.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from sqlalchemy.engine import make_url

from domain.backups import BackupError

PREFIX = "bot-"  # scheduled and /backup files: bot-20250131-030000.sqlite3; retention touches only these
SUFFIX = ".sqlite3"
POSTGRES_HINT = "for PostgreSQL use pg_dump and pg_restore (see docs/OPERATIONS.md)"


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
        partial.replace(target)
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


Schema = dict[tuple[str, str], object]  # (type, name) -> what defines it


def schema_of(conn: sqlite3.Connection) -> Schema:
    """What a SQLite database's schema is made of: each table with its columns, each index with its columns and
    uniqueness, each trigger and view with its SQL (whitespace folded). SQLite's own objects are left out."""
    schema: Schema = {}
    objects = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
    for kind, name, table, sql in objects.fetchall():
        if kind == "table":
            columns = conn.execute('SELECT name, upper(type), "notnull", pk FROM pragma_table_xinfo(?)', (name,))
            schema[(kind, name)] = tuple(columns.fetchall())
        elif kind == "index":
            unique = conn.execute('SELECT "unique" FROM pragma_index_list(?) WHERE name = ?', (table, name))
            columns = conn.execute("SELECT name FROM pragma_index_info(?) ORDER BY seqno", (name,))
            schema[(kind, name)] = (table, unique.fetchone(), tuple(columns.fetchall()))
        else:
            schema[(kind, name)] = (table, " ".join(str(sql).split()))
    return schema


@cache
def expected_schema(revision: str) -> Schema:
    """The schema the migrations build at `revision`, on an empty database in a temporary directory."""
    import tempfile

    import sqlalchemy as sa

    from storage.database import upgrade_connection

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "expected.sqlite3"
        engine = sa.create_engine(f"sqlite:///{path}")
        try:
            with engine.begin() as conn:
                upgrade_connection(conn, revision)
        finally:
            engine.dispose()
        with contextlib.closing(sqlite3.connect(path)) as conn:
            return schema_of(conn)


def schema_problem(path: Path, revision: str) -> str | None:
    """How a database's schema differs from what the migrations build at its revision (the first differences,
    one line), or None when it is exactly that: no table, column, index, trigger or view missing or added."""
    expected = expected_schema(revision)
    with _read_only(path, immutable=True) as conn:
        found = schema_of(conn)
    order = {"table": 0, "view": 1, "trigger": 2, "index": 3}  # the worst first: a missing table says most

    def ordered(keys: set[tuple[str, str]]) -> list[tuple[str, str]]:
        return sorted(keys, key=lambda key: (order.get(key[0], 4), key[1]))

    problems = [f"{kind} {name} is missing" for kind, name in ordered(expected.keys() - found.keys())]
    problems += [f"{kind} {name} is not of this bot" for kind, name in ordered(found.keys() - expected.keys())]
    problems += [
        f"{kind} {name} differs"
        for kind, name in ordered(expected.keys() & found.keys())
        if expected[(kind, name)] != found[(kind, name)]
    ]
    if not problems:
        return None
    shown = "; ".join(problems[:3])
    return shown + (f" and {len(problems) - 3} more" if len(problems) > 3 else "")


def known_revisions() -> set[str]:
    """Every migration revision this version of the bot knows."""
    from alembic.script import ScriptDirectory

    from storage.database import alembic_config

    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def restore(database: Path, file: Path, *, known_revisions: set[str], safety_dir: Path, now: datetime) -> Path | None:
    """Replace `database` with the backup `file`, after checking it; returns where the old database was kept.

    Refuses (BackupError, nothing changed) a missing, damaged or foreign file, a file from a newer version of
    the bot, a schema other than the one the migrations build at the file's revision (a table, column or index
    missing or added, a planted trigger or view), and a database a running bot holds.
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
    problem = schema_problem(file, revision)
    if problem is not None:
        raise BackupError(f"{file} does not have this bot's schema at {revision} ({problem}); nothing was restored")
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
