"""Engine creation and migrations: SQLite (WAL, foreign keys) by default, PostgreSQL through asyncpg."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_REVISION = re.compile(r"""^(down_revision|revision)\s*(?::[^=]*)?=\s*(.+)$""", re.MULTILINE)
# Errors that say nothing about the statement: the database was busy, full or unreachable for a moment.
_PERMANENT = (sa.exc.IntegrityError, sa.exc.ProgrammingError, sa.exc.DataError, sa.exc.NotSupportedError)


def is_transient(error: BaseException) -> bool:
    """A database error worth retrying: locked or busy beyond the timeout, disk full, connection lost or
    refused (a PostgreSQL restart); never a constraint violation or a bad statement."""
    if isinstance(error, _PERMANENT):
        return False
    # PostgreSQL names the statement's own fault by SQLSTATE class, whatever exception class the driver maps it to:
    # 22 data exception (a NUL character in text), 23 integrity violation, 42 syntax or access rule.
    sqlstate = getattr(getattr(error, "orig", None), "sqlstate", None)
    if isinstance(sqlstate, str) and sqlstate[:2] in ("22", "23", "42"):
        return False
    return isinstance(error, (sa.exc.DBAPIError, sa.exc.DisconnectionError, OSError, TimeoutError))


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # the driver emits no BEGIN of its own; _sqlite_begin does
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _sqlite_begin(conn: sa.Connection) -> None:
    # A write transaction takes SQLite's write lock when it starts; a deferred one that reads first
    # and writes later fails at once with "database is locked" instead of waiting for the lock.
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


# The table alembic keeps the revision in, as alembic makes it (`alembic stamp` writes the same row).
_ALEMBIC_VERSION = sa.Table(
    "alembic_version",
    sa.MetaData(),
    sa.Column("version_num", sa.String(32), nullable=False),
    sa.PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)


class DatabaseFileError(RuntimeError):
    """The SQLite file the bot writes to is no longer the one at its path."""


class Database:
    """Owns the async engine; repositories borrow connections from it."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = make_url(url)
        if self.is_sqlite and self.url.database not in (None, "", ":memory:"):
            Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
        # pool_pre_ping: after a PostgreSQL restart every pooled connection is dead; each is tested (and
        # replaced) when checked out instead of failing the first statement of every caller.
        # On SQLite every BEGIN is SQLAlchemy's own (`_sqlite_begin`, the driver in autocommit mode), and a
        # connection ends its transaction (commit, or rollback on close) before the pool gets it back: the
        # pool's extra rollback on return was a round trip to aiosqlite's thread per use (a fifth of the CPU
        # of a sender's commit).
        options: dict[str, Any] = {"pool_reset_on_return": None} if self.is_sqlite else {"pool_pre_ping": True}
        self.engine: AsyncEngine = create_async_engine(self.url, echo=echo, **options)
        # SQLite has one writer per file: writers of this process queue here, without a time limit,
        # rather than in SQLite's busy handler, which gives up after its timeout.
        self._write_lock = asyncio.Lock()
        self._file_identity: tuple[int, int] | None = None  # SQLite: the file opened, (device, inode)
        self._watchers: dict[str, list[Callable[[], None]]] = {}
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_connect)
            event.listen(self.engine.sync_engine, "begin", _sqlite_begin)

    def watch(self, topic: str, callback: Callable[[], None]) -> None:
        """Call `callback` when a repository of this process changes `topic` (e.g. "sources": a source added or due
        sooner), whichever repository object wrote it. Other processes' writes are not seen here."""
        self._watchers.setdefault(topic, []).append(callback)

    def changed(self, topic: str) -> None:
        """Tell the watchers of `topic` (called by a repository after its transaction has committed)."""
        for callback in self._watchers.get(topic, ()):
            callback()

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    def connect(self) -> Any:
        """A connection without a transaction opened for you (`async with db.connect() as conn`)."""
        return self.engine.connect()

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        """A connection inside one write transaction, committed on success (`async with db.begin() as conn`).

        Do not nest: on SQLite a second `begin()` inside the first waits for it forever.
        """
        if not self.is_sqlite:
            async with self.engine.begin() as conn:
                yield conn
            return
        async with self._write_lock, self.engine.connect() as conn:
            await conn.execution_options(sqlite_immediate=True)
            async with conn.begin():
                yield conn

    async def migrate(self) -> None:
        """Upgrade the schema to the newest migration.

        A database already at the head is left alone without importing alembic (with mako and pygments,
        about 10 MB of resident memory kept for the life of the process, and a third of a second at start). An
        empty one gets the head's schema at once: the tables from the metadata, then stamped with the head
        (`create_at_head`; the migrations test proves it the same schema the migrations make).
        """
        head = head_revision()
        stored = await self._stored_revision()
        if head is not None and stored is None and await self._is_empty():
            await self.create_at_head(head)
        elif head is None or stored != head:
            await self.upgrade("head")
        self.file_problem()  # remembers which file this process opened

    async def _is_empty(self) -> bool:
        async with self.engine.connect() as conn:
            return not await conn.run_sync(lambda sync: sa.inspect(sync).get_table_names())

    async def create_at_head(self, head: str) -> None:
        """Make an empty database's schema from the metadata and record `head` as its revision, in one
        transaction: a fifth of the time of walking every migration, and no alembic imported."""
        from storage.schema import metadata
        from storage.schema.feeds import POSTGRES_FTS, SQLITE_FTS

        async with self.engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
            for statement in SQLITE_FTS if self.is_sqlite else (POSTGRES_FTS,):
                await conn.exec_driver_sql(statement)
            await conn.run_sync(_ALEMBIC_VERSION.metadata.create_all)
            await conn.execute(_ALEMBIC_VERSION.insert().values(version_num=head))

    async def _stored_revision(self) -> str | None:
        """The revision in `alembic_version`, read without alembic (None when there is no such table)."""
        try:
            async with self.engine.connect() as conn:
                versions = (await conn.execute(sa.text("SELECT version_num FROM alembic_version"))).scalars().all()
        except sa.exc.DBAPIError:
            return None
        return versions[0] if len(versions) == 1 else None

    async def upgrade(self, revision: str) -> None:
        """Upgrade to a revision (the migration tests walk every one)."""
        async with self.engine.begin() as conn:
            await conn.run_sync(upgrade_connection, revision)

    async def downgrade(self, revision: str) -> None:
        """Downgrade to a revision (used by the migration tests)."""
        async with self.engine.begin() as conn:
            await conn.run_sync(_downgrade, revision)

    async def current_revision(self) -> str | None:
        async with self.engine.connect() as conn:
            return await conn.run_sync(_current)

    async def ping(self) -> None:
        """Ask the database one trivial question; raises when it does not answer or (SQLite) its file is gone."""
        async with self.engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))
        problem = self.file_problem()
        if problem is not None:
            raise DatabaseFileError(problem)

    def file_problem(self) -> str | None:
        """SQLite: why the file at the configured path is not the one this process writes to (deleted, replaced).

        An open SQLite connection keeps a deleted file alive: every query still answers, and every write is lost
        with it when the process ends.
        """
        if not self.is_sqlite or self.url.database in (None, "", ":memory:"):
            return None
        path = Path(self.url.database or "")
        try:
            stat = path.stat()
        except FileNotFoundError:
            return f"the database file {path} is missing: writes go to a deleted file"
        identity = (stat.st_dev, stat.st_ino)
        if self._file_identity is None:
            self._file_identity = identity
        elif identity != self._file_identity:
            return f"the database file {path} was replaced under the running bot"
        return None

    async def close(self) -> None:
        await self.engine.dispose()


def head_revision() -> str | None:
    """The newest migration, read from the migration files' `revision`/`down_revision` lines (None when
    they do not name exactly one head: then alembic decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for key, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            names = set(re.findall(r"""["']([^"']+)["']""", value))
            (revisions if key == "revision" else parents).update(names)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def alembic_config(connection: sa.Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def upgrade_connection(connection: sa.Connection, revision: str) -> None:
    """Run the migrations up to `revision` on a synchronous connection (also what `restore` compares against)."""
    from alembic import command

    command.upgrade(alembic_config(connection), revision)


def _downgrade(connection: sa.Connection, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(connection), revision)


def _current(connection: sa.Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()
