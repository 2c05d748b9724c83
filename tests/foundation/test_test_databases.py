"""The tests' own databases: a copy of the migrated template is what a fresh migration makes, and `make test`'s
PostgreSQL probe says no where no server answers."""

import socket

import pytest
import sqlalchemy as sa

from storage import Database
from tests.support.postgres import answers


async def contents(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every table with its rows, in a stable order."""
    db = Database(url)
    try:
        async with db.connect() as conn:
            names = sorted(await conn.run_sync(lambda sync: sa.inspect(sync).get_table_names()))
            found = {}
            for name in names:
                rows = (await conn.execute(sa.select(sa.text("*")).select_from(sa.table(name)))).all()
                found[name] = sorted((tuple(row) for row in rows), key=repr)
            return found
    finally:
        await db.close()


@pytest.mark.parametrize(
    ("database_url", "empty_database_url"),
    [("sqlite", "sqlite"), pytest.param("postgres", "postgres", marks=pytest.mark.postgres)],
    indirect=True,
)
async def test_a_copied_database_holds_what_a_fresh_migration_makes(database_url: str, empty_database_url: str) -> None:
    fresh = Database(empty_database_url)
    try:
        await fresh.migrate()
    finally:
        await fresh.close()
    copied = await contents(database_url)
    assert "alembic_version" in copied
    assert copied == await contents(empty_database_url)


async def test_the_probe_says_no_where_no_server_listens() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert not await answers(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/test")
