"""Small SQL helpers that need a different spelling on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


def _insert(conn: AsyncConnection, table: sa.Table) -> Any:
    """The dialect's INSERT with ON CONFLICT; PostgreSQL's module is imported only on PostgreSQL (2.5 MB)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table)
    return sqlite.insert(table)


async def insert_ignoring_duplicates(
    conn: AsyncConnection, table: sa.Table, rows: Sequence[dict[str, Any]], conflict: Sequence[str]
) -> int:
    """Insert rows, silently skipping those that collide on the `conflict` columns; returns the rows inserted."""
    if not rows:
        return 0
    # RETURNING counts the inserted rows on both backends (an executemany rowcount is not reliable on asyncpg).
    statement = (
        _insert(conn, table).on_conflict_do_nothing(index_elements=list(conflict)).returning(table.c[conflict[0]])
    )
    result = await conn.execute(statement, list(rows))
    return len(result.all())


async def insert_new_keys(
    conn: AsyncConnection, table: sa.Table, rows: Sequence[dict[str, Any]], conflict: str
) -> set[Any]:
    """Insert rows, skipping those whose `conflict` column collides; returns that column's values of the new rows."""
    if not rows:
        return set()
    statement = _insert(conn, table).on_conflict_do_nothing(index_elements=[conflict]).returning(table.c[conflict])
    result = await conn.execute(statement, list(rows))
    return {row[0] for row in result.all()}


async def insert_selected(conn: AsyncConnection, table: sa.Table, rows: sa.Select[Any], conflict: Sequence[str]) -> int:
    """INSERT ... SELECT, skipping rows that collide on the `conflict` columns (none: a collision is an error);
    returns the rows inserted.

    The rows never pass through Python: the cost is the database's, whatever their number.
    """
    names = [column.name for column in rows.selected_columns]
    statement = _insert(conn, table).from_select(names, rows)
    if conflict:
        statement = statement.on_conflict_do_nothing(index_elements=list(conflict))
    result = await conn.execute(statement)
    return max(0, int(result.rowcount))
