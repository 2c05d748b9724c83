"""How announce, enqueue and claim grow with the audience: 1k to 1M subscribers, cost per row.

    python -m bench.scaling [--sizes 1000,10000,100000,1000000] [--postgres URL] [--entry-language kk]

For each size, a fresh database with that many instant Russian-speaking subscribers (scope "alliance"), written
by the database itself (`INSERT ... SELECT` over `generate_series`, or a recursive series on SQLite) and not
analyzed (the statistics of a table just filled, the planner's worst case):

- announce an entry nobody wants (a ministry item: every subscriber takes alliance news only), best of 5;
- announce an alliance entry to all of them (the rows are written by INSERT ... SELECT in chunks); with
  `--entry-language kk` the entry is Kazakh, so every subscriber gets it as the version in a language they did
  not choose (the fallback, also queued by the database);
- claim a batch of 500 due rows from the full queue, as the paid sender does, and release it (so the queue
  keeps its size); averaged over 20 claims.

Baselines in the same run: reading the whole audience into Python (`SELECT chat_id FROM subscriptions`, the
floor of any matcher that loads the subscriptions: what the old fan-out did before matching them one by one),
and for the claim, the same claim at the smallest size (a flat claim has a ratio of 1). CPU is this process's
(aiosqlite's thread included); on PostgreSQL the server's own CPU is not in it, so the enqueue's wall time per
row and the server's CPU per row (utime + stime of the benchmark database's backends, read from /proc: the
server must run on this machine, as the one of the tests does) are printed too.
Each size is measured in a process of its own: measured one after the other in one process, the later sizes
paid for the garbage the earlier ones left (a 100k claim on PostgreSQL cost 2.2-2.5x the 1k claim that way,
and 1.0x alone).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import tempfile
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from bot.services.delivery import Delivery
from domain.clock import utcnow
from storage import Database
from storage.outbox import Outbox
from storage.schema import subscriptions
from storage.subscriptions import SubscriptionRepository
from tests.delivery.helpers import make_entry, seed_subscribers

FIRST_ID = 10_000_000
CLAIM_BATCH = 500
CLAIMS = 20


def _server_cpu(database: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend serving `database` (its process title names the database)."""
    tick = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for process in Path("/proc").iterdir():
        if not process.name.isdigit():
            continue
        try:
            title = (process / "cmdline").read_bytes().decode(errors="replace")
            fields = (process / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if title.startswith("postgres: ") and f" {database} " in title:
            seconds[int(process.name)] = (int(fields[11]) + int(fields[12])) / tick
    return seconds


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _timed(job: Callable[[], Awaitable[object]]) -> tuple[float, float]:
    cpu, wall = _cpu(), time.perf_counter()
    await job()
    return time.perf_counter() - wall, _cpu() - cpu


@dataclass
class Row:
    size: int
    load_all_s: float
    nobody_s: float
    nobody_cpu_s: float
    enqueue_s: float
    enqueue_cpu_s: float
    rows: int
    claim_s: float
    claim_cpu_s: float
    server_cpu_s: float | None


async def measure(url: str, size: int, language: str = "ru") -> Row:
    db = Database(url)
    await db.migrate()
    await seed_subscribers(db, FIRST_ID, size)
    outbox = Outbox(db)
    delivery = Delivery(SubscriptionRepository(db), outbox)

    async def load_all() -> None:
        async with db.connect() as conn:
            (await conn.execute(sa.select(subscriptions.c.chat_id))).all()

    load_all_cpu = min([(await _timed(load_all))[1] for _ in range(3)])
    nobody = [await _timed(lambda: delivery.announce([make_entry("Ministry news", alliance=False)])) for _ in range(5)]
    nobody_s, nobody_cpu = min(w for w, _ in nobody), min(c for _, c in nobody)
    queued = 0

    async def enqueue() -> None:
        nonlocal queued
        queued = await delivery.announce([make_entry("Alliance news", language=language)])

    database = "" if db.is_sqlite else str(db.url.database)
    server_before = _server_cpu(database) if database else {}
    enqueue_s, enqueue_cpu = await _timed(enqueue)
    server_after = _server_cpu(database) if database else {}
    server_cpu = sum(cpu - server_before.get(pid, 0.0) for pid, cpu in server_after.items()) if database else None

    async def claim() -> None:
        for _ in range(CLAIMS):
            claimed = await outbox.claim(now=utcnow(), limit=CLAIM_BATCH)
            await outbox.release([row.id for row in claimed])  # the queue keeps its size

    warm = await outbox.claim(now=utcnow(), limit=CLAIM_BATCH)  # statements compiled and cached, as in a sender
    await outbox.release([row.id for row in warm])
    claim_s, claim_cpu = await _timed(claim)
    await db.close()
    return Row(size, load_all_cpu, nobody_s, nobody_cpu, enqueue_s, enqueue_cpu, queued, claim_s, claim_cpu, server_cpu)


async def _postgres(server: str, size: int, language: str) -> Row:
    from tests.conftest import postgres_database

    async with postgres_database(server) as url:
        return await measure(url, size, language)


def report(backend: str, rows: list[Row]) -> None:
    print(f"-- {backend}")
    print(
        f"{'subscribers':>11} {'load all CPU ms':>15} {'nobody ms':>9} {'nobody CPU ms':>13} {'vs load all':>11} "
        f"{'enqueue s':>9} {'wall µs/row':>11} {'CPU µs/row':>10} {'server µs/row':>13} "
        f"{'claim ms/batch':>14} {'claim CPU ms':>12} {'CPU vs first':>12}"
    )
    first = rows[0]
    for r in rows:
        claim_ms = r.claim_s / CLAIMS * 1000
        server = "-" if r.server_cpu_s is None else f"{r.server_cpu_s / r.rows * 1e6:.1f}"
        print(
            f"{r.size:11,d} {r.load_all_s * 1000:15.1f} {r.nobody_s * 1000:9.2f} {r.nobody_cpu_s * 1000:13.2f} "
            f"{r.nobody_cpu_s / r.load_all_s:10.3f}x {r.enqueue_s:9.2f} {r.enqueue_s / r.rows * 1e6:11.1f} "
            f"{r.enqueue_cpu_s / r.rows * 1e6:10.1f} {server:>13} {claim_ms:14.2f} "
            f"{r.claim_cpu_s / CLAIMS * 1000:12.2f} {r.claim_cpu_s / first.claim_cpu_s:11.2f}x"
        )


def _one(url: str, size: int, postgres: bool, language: str) -> Row:
    return asyncio.run(_postgres(url, size, language) if postgres else measure(url, size, language))


def _each_alone(sizes: list[int], url: Callable[[int], str], language: str, *, postgres: bool = False) -> list[Row]:
    """Every size in a fresh process (spawned, one task each), so no size pays for another's garbage."""
    context = multiprocessing.get_context("spawn")
    rows = []
    for size in sizes:
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            rows.append(pool.submit(_one, url(size), size, postgres, language).result())
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL", ""))
    parser.add_argument("--entry-language", default="ru", help="the alliance entry's language (subscribers read ru)")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    with tempfile.TemporaryDirectory() as workdir:
        sqlite = _each_alone(sizes, lambda size: f"sqlite+aiosqlite:///{workdir}/{size}.sqlite3", args.entry_language)
        report("SQLite", sqlite)
    if args.postgres:
        report("PostgreSQL", _each_alone(sizes, lambda _size: args.postgres, args.entry_language, postgres=True))


if __name__ == "__main__":
    main()
