"""The fan-out's statements read one chunk of the audience, never the whole of it (PostgreSQL's plans).

Every statement an announcement runs on the audience is captured and run again under
`EXPLAIN (ANALYZE, FORMAT JSON)` (in a transaction rolled back): no node of any plan may read more rows of a table
than about two chunks, on an audience of twenty chunks or more, with the statistics of a table just filled (none)
and after ANALYZE. A plan that scans the audience for every chunk (what made a million subscribers take hours)
reads twenty chunks there. This checks the plans' shape by the rows they read, never a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from bot.services.delivery import Delivery
from domain.entries import StoredEntry
from storage import Database
from storage.outbox import Outbox
from storage.subscriptions import SubscriptionRepository
from tests.conftest import TEST_DATABASE_URL, postgres_database
from tests.delivery.helpers import make_entry, seed_subscribers

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not TEST_DATABASE_URL, reason="PostgreSQL case: TEST_DATABASE_URL is not set"),
]

CHUNK = 500
CHUNKS = 20
SCANS = {"Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan", "Bitmap Index Scan"}


def _scans(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if plan["Node Type"] in SCANS:
        yield plan
    for child in plan.get("Plans", ()):
        yield from _scans(child)


def _rows_read(node: dict[str, Any]) -> float:
    """Rows the node took from its table, over all its loops: what it returned and what its filters dropped."""
    kept = node["Actual Rows"] + node.get("Rows Removed by Filter", 0) + node.get("Rows Removed by Index Recheck", 0)
    return float(kept * node["Actual Loops"])


Statement = tuple[list[str], str, tuple[Any, ...]]  # the settings made before it, its SQL, its parameters


async def _announce_captured(db: Database, entry: StoredEntry, audience: int) -> list[Statement]:
    """Announce the entry, returning each statement it ran on the audience (the subscriptions) with its parameters
    and the settings in effect in its transaction (`SET LOCAL`). The outbox's own reads (the story's
    copies, once per entry) are left out: replayed after the fan-out, they would read what it wrote."""
    captured: list[Statement] = []
    in_effect: dict[int, list[str]] = {}  # per connection, the SET LOCALs of its open transaction

    def record(conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.startswith("SET "):
            in_effect.setdefault(id(conn), []).append(statement)
        elif statement.startswith(("SELECT", "INSERT", "WITH")) and "subscriptions" in statement:
            captured.append((list(in_effect.get(id(conn), ())), statement, tuple(parameters or ())))

    def ended(conn: Any) -> None:
        in_effect.pop(id(conn), None)

    engine = db.engine.sync_engine
    listeners = (("before_cursor_execute", record), ("commit", ended), ("rollback", ended))
    for name, listener in listeners:
        sa.event.listen(engine, name, listener)
    try:
        repository = SubscriptionRepository(db)
        delivery = Delivery(repository, Outbox(db), chunk_size=CHUNK, max_chunk_size=CHUNK, page_size=CHUNK // 4)
        assert await delivery.announce([entry]) == audience
    finally:
        for name, listener in listeners:
            sa.event.remove(engine, name, listener)
    return captured


async def _worst_scan(db: Database, entry: StoredEntry, audience: int) -> tuple[float, str]:
    worst: tuple[float, str] = (0.0, "")
    for settings, statement, parameters in await _announce_captured(db, entry, audience):
        async with db.engine.connect() as conn:
            raw = (await conn.get_raw_connection()).driver_connection
            assert raw is not None
            async with raw.transaction():
                for setting in settings:
                    await raw.execute(setting)
                if statement.startswith("INSERT INTO outbox_deliveries"):
                    # Replayed after the fan-out, a plain INSERT (the rows of new messages) would collide with the
                    # rows it wrote: they go for the replay's transaction, which is rolled back.
                    await raw.execute("DELETE FROM outbox_deliveries")
                explained = await raw.fetchval(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", *parameters)
                await raw.execute("ROLLBACK AND CHAIN")  # the replayed INSERTs leave nothing behind
        plan = (json.loads(explained) if isinstance(explained, str) else explained)[0]["Plan"]
        for node in _scans(plan):
            read = _rows_read(node)
            if read > worst[0]:
                table = node.get("Relation Name") or node.get("Index Name")
                worst = (read, f"{node['Node Type']} on {table} in {statement}")
    return worst


@pytest.mark.parametrize("analyzed", [False, True], ids=["fresh table", "analyzed"])
@pytest.mark.parametrize("alliance", [True, False], ids=["alliance entry", "ministry entry"])
async def test_every_statement_of_a_fan_out_reads_one_chunk_not_the_audience(alliance: bool, analyzed: bool) -> None:
    async with postgres_database() as url:
        db = Database(url)
        try:
            await db.migrate()
            # CHUNKS chunks in each scope: an alliance entry reaches both, a ministry entry only scope "all".
            await seed_subscribers(db, 1_000_000, CHUNK * CHUNKS, scope="alliance")
            await seed_subscribers(db, 2_000_000, CHUNK * CHUNKS, scope="all")
            # Every statement kind at work: readers of Kazakh only (an alliance entry's fallback version, queued by
            # the database), quiet hours (matched in Python, a page at a time: about two pages per chunk) and daily
            # digests (read from their own index).
            async with db.begin() as conn:
                for statement in (
                    "UPDATE subscriptions SET languages = 'kk' WHERE chat_id % 5 = 1",
                    "UPDATE subscription_languages SET language = 'kk' WHERE chat_id % 5 = 1",
                    "UPDATE subscriptions SET quiet_start = 1, quiet_end = 2 WHERE chat_id % 4 = 2",
                    "UPDATE subscriptions SET mode = 'daily' WHERE chat_id % 7 = 0",
                ):
                    await conn.exec_driver_sql(statement)
                wanted = "mode = 'instant'" + ("" if alliance else " AND scope = 'all' AND languages <> 'kk'")
                queued = (await conn.exec_driver_sql(f"SELECT count(*) FROM subscriptions WHERE {wanted}")).scalar()
            if analyzed:
                async with db.engine.connect() as conn:
                    await (await conn.execution_options(isolation_level="AUTOCOMMIT")).exec_driver_sql("ANALYZE")
            entry = make_entry("Alliance news" if alliance else "Ministry news", alliance=alliance)
            read, where = await _worst_scan(db, entry, int(queued or 0))
        finally:
            await db.close()
    assert read <= 2 * CHUNK + 1, f"{read:.0f} rows read by {where}"
