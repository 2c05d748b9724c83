"""How announce, enqueue and claim grow with the audience: 1k, 10k and 100k subscribers, cost per row.

    python -m bench.scaling [--sizes 1000,10000,100000] [--postgres URL]

For each size, a fresh database with that many instant Russian-speaking subscribers (scope "alliance"):

- announce an entry nobody wants (a ministry item: every subscriber takes alliance news only), best of 5;
- announce an alliance entry to all of them (the rows are written by INSERT ... SELECT in chunks);
- claim a batch of 500 due rows from the full queue, as the paid sender does, and release it (so the queue
  keeps its size); averaged over 20 claims.

Baselines in the same run: reading the whole audience into Python (`SELECT chat_id FROM subscriptions`, the
floor of any matcher that loads the subscriptions: what the old fan-out did before matching them one by one),
and for the claim, the same claim at the smallest size (a flat claim has a ratio of 1). CPU is this process's
(aiosqlite's thread included); on PostgreSQL the server's own CPU is not in it, so wall time is printed too.
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

import sqlalchemy as sa

from bot.services.delivery import Delivery
from domain.clock import utcnow
from storage import Database
from storage.outbox import Outbox
from storage.schema import subscriptions
from storage.subscriptions import SubscriptionRepository
from tests.delivery.helpers import make_entry, subscribe_many

FIRST_ID = 10_000_000
CLAIM_BATCH = 500
CLAIMS = 20


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


async def measure(url: str, size: int) -> Row:
    db = Database(url)
    await db.migrate()
    await subscribe_many(db, range(FIRST_ID, FIRST_ID + size))
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
        queued = await delivery.announce([make_entry("Alliance news")])

    enqueue_s, enqueue_cpu = await _timed(enqueue)

    async def claim() -> None:
        for _ in range(CLAIMS):
            claimed = await outbox.claim(now=utcnow(), limit=CLAIM_BATCH)
            await outbox.release([row.id for row in claimed])  # the queue keeps its size

    warm = await outbox.claim(now=utcnow(), limit=CLAIM_BATCH)  # statements compiled and cached, as in a sender
    await outbox.release([row.id for row in warm])
    claim_s, claim_cpu = await _timed(claim)
    await db.close()
    return Row(size, load_all_cpu, nobody_s, nobody_cpu, enqueue_s, enqueue_cpu, queued, claim_s, claim_cpu)


async def _postgres(server: str, size: int) -> Row:
    from tests.conftest import postgres_database

    async with postgres_database(server) as url:
        return await measure(url, size)


def report(backend: str, rows: list[Row]) -> None:
    print(f"-- {backend}")
    print(
        f"{'subscribers':>11} {'load all CPU ms':>15} {'nobody ms':>9} {'nobody CPU ms':>13} {'vs load all':>11} "
        f"{'enqueue s':>9} {'CPU µs/row':>10} {'claim ms/batch':>14} {'claim CPU ms':>12} {'CPU vs first':>12}"
    )
    first = rows[0]
    for r in rows:
        claim_ms = r.claim_s / CLAIMS * 1000
        print(
            f"{r.size:11,d} {r.load_all_s * 1000:15.1f} {r.nobody_s * 1000:9.2f} {r.nobody_cpu_s * 1000:13.2f} "
            f"{r.nobody_cpu_s / r.load_all_s:10.3f}x {r.enqueue_s:9.2f} {r.enqueue_cpu_s / r.rows * 1e6:10.1f} "
            f"{claim_ms:14.2f} {r.claim_cpu_s / CLAIMS * 1000:12.2f} {r.claim_cpu_s / first.claim_cpu_s:11.2f}x"
        )


def _one(url: str, size: int, postgres: bool) -> Row:
    return asyncio.run(_postgres(url, size) if postgres else measure(url, size))


def _each_alone(sizes: list[int], url: Callable[[int], str], *, postgres: bool = False) -> list[Row]:
    """Every size in a fresh process (spawned, one task each), so no size pays for another's garbage."""
    context = multiprocessing.get_context("spawn")
    rows = []
    for size in sizes:
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            rows.append(pool.submit(_one, url(size), size, postgres).result())
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL", ""))
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    with tempfile.TemporaryDirectory() as workdir:
        report("SQLite", _each_alone(sizes, lambda size: f"sqlite+aiosqlite:///{workdir}/{size}.sqlite3"))
    if args.postgres:
        report("PostgreSQL", _each_alone(sizes, lambda _size: args.postgres, postgres=True))


if __name__ == "__main__":
    main()
