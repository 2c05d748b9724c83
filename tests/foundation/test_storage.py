"""Migrations and the chats repository, on every configured backend."""

import asyncio
import contextlib
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from storage import Database
from storage.audit import AuditLog
from storage.chats import ChatRepository


def revisions() -> list[str]:
    from alembic.script import ScriptDirectory

    from storage.database import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


async def table_names(db: Database) -> set[str]:
    async with db.connect() as conn:
        return set(await conn.run_sync(lambda sync: sa.inspect(sync).get_table_names()))


@pytest.mark.slow
async def test_upgrade_from_empty_and_from_each_older_revision(empty_database_url: str) -> None:
    db = Database(empty_database_url)
    try:
        await db.migrate()
        head = await db.current_revision()
        assert head == revisions()[-1]
        full = await table_names(db)
        assert {"chats", "audit_log"} <= full
        # Each older revision, reached from the head by the downgrades (half the steps of climbing to it from the
        # base each time), then upgraded to the head again: the same tables.
        for revision in [*reversed(revisions()[:-1]), "base"]:
            await db.downgrade(revision)
            if revision == "base":
                assert await table_names(db) <= {"alembic_version"}
            await db.migrate()
            assert await db.current_revision() == head
            assert await table_names(db) == full
    finally:
        await db.close()


def _written(index: Any) -> dict[str, object]:
    """An index as reflected, its dialect options (a partial index's WHERE is a text clause) as their SQL."""
    return {**index, "dialect_options": {key: str(value) for key, value in index.get("dialect_options", {}).items()}}


def schema_of(conn: sa.Connection) -> dict[str, object]:
    """Everything a database's schema says, in a form two databases can be compared by: each table's columns in
    order (type, nullability, default), keys, foreign keys, indexes, unique and check constraints; on SQLite the
    triggers and the full-text table as written, on PostgreSQL every index's definition."""
    inspector = sa.inspect(conn)
    schema: dict[str, object] = {}
    for table in inspector.get_table_names():
        schema[table] = {
            "columns": [  # in order: `restore` compares a backup's columns in order
                (column["name"], str(column["type"]), column["nullable"], str(column.get("default")))
                for column in inspector.get_columns(table)
            ],
            "primary key": inspector.get_pk_constraint(table),
            "foreign keys": sorted(map(repr, inspector.get_foreign_keys(table))),
            "indexes": sorted(repr(_written(index)) for index in inspector.get_indexes(table)),
            "unique": sorted(map(repr, inspector.get_unique_constraints(table))),
            "checks": sorted(map(repr, inspector.get_check_constraints(table))),
        }
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql(
            "SELECT type, name, sql FROM sqlite_master WHERE type = 'trigger' OR name LIKE '%fts%'"
        )
    else:
        rows = conn.exec_driver_sql("SELECT 'index', indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")
    schema["objects"] = sorted(map(tuple, rows))
    return schema


async def test_an_empty_database_gets_the_schema_the_migrations_make(empty_database_url: str) -> None:
    # `migrate` makes an empty database from the metadata and stamps the head (a fifth of the time, no alembic):
    # it must be the very schema that walking every migration makes, and the migrations must work on from it.
    db = Database(empty_database_url)
    try:
        await db.migrate()
        assert await db.current_revision() == revisions()[-1]
        async with db.connect() as conn:
            created = await conn.run_sync(schema_of)
        await db.downgrade("base")
        await db.upgrade("head")
        async with db.connect() as conn:
            migrated = await conn.run_sync(schema_of)
        assert created == migrated
    finally:
        await db.close()


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/x.sqlite3")
    try:
        async with db.connect() as conn:
            assert (await conn.execute(sa.text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await conn.execute(sa.text("PRAGMA foreign_keys"))).scalar() == 1
    finally:
        await db.close()


async def test_first_contact_language_is_kept_until_changed(db: Database) -> None:
    chats = ChatRepository(db)
    first = await chats.meet(42, type="private", language="kk", title="A", username=None)
    assert first.language == "kk" and first.active
    again = await chats.meet(42, type="private", language="en", title="A", username="a")
    assert again.language == "kk" and again.username == "a"
    await chats.set_language(42, "en")
    await chats.set_active(42, False)
    back = await chats.meet(42, type="private", language="ru", title="A", username="a")
    assert back.language == "en" and back.active


async def test_audit_log_keeps_who_what_when(db: Database) -> None:
    audit = AuditLog(db)
    await audit.record("language.set", actor_id=7, language="kk")
    [entry] = await audit.recent()
    assert entry["actor_id"] == 7 and entry["action"] == "language.set" and entry["details"] == {"language": "kk"}
    assert entry["at"].tzinfo is not None


def test_head_is_read_from_the_migration_files_as_alembic_reads_it() -> None:
    from alembic.script import ScriptDirectory

    from storage.database import alembic_config, head_revision

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


async def test_a_database_at_the_head_starts_without_importing_alembic(tmp_path: Path) -> None:
    # alembic brings mako and pygments (about 10 MB kept for the life of the bot): only a migration needs it.
    url = f"sqlite+aiosqlite:///{tmp_path}/x.sqlite3"
    db = Database(url)
    try:
        await db.migrate()
    finally:
        await db.close()
    script = (
        "import asyncio, sys\n"
        "from storage import Database\n"
        f"db = Database({url!r})\n"
        "asyncio.run(db.migrate())\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako', 'pygments')))\n"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, stdout=asyncio.subprocess.PIPE, cwd=Path(__file__).parents[2]
    )
    stdout, _ = await process.communicate()
    assert process.returncode == 0
    assert stdout.decode().strip() == "[]"


async def test_sqlite_connections_come_back_to_the_pool_outside_any_transaction(tmp_path: Path) -> None:
    # The pool does not roll back on return (a round trip per use): the connection must already be clean.
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/x.sqlite3")

    async def open_transaction() -> bool:
        async with db.connect() as conn:
            raw = await conn.get_raw_connection()
            return bool(raw.driver_connection._conn.in_transaction)

    try:
        await db.migrate()
        async with db.connect() as conn:
            await conn.execute(sa.text("SELECT count(*) FROM chats"))  # a read, never committed
        assert not await open_transaction()
        with contextlib.suppress(RuntimeError):
            async with db.begin() as conn:
                await conn.execute(sa.text("DELETE FROM chats"))
                raise RuntimeError
        assert not await open_transaction()
        async with db.begin() as conn:
            await conn.execute(sa.text("DELETE FROM chats"))
        assert not await open_transaction()
    finally:
        await db.close()
