"""Polling 1,000 local feeds of 50 items: a cold cycle and an all-304 cycle, against a fair aiohttp loop.

    python -m bench.feeds_poll [--feeds 1000] [--items 50] [--hosts 16] [--rounds 9]

The feeds are served by a separate process on 127.0.0.1, so the CPU time measured here is the client's alone.
The baseline is a fair, lean poller: one aiohttp session with keep-alive, 16 requests at a time (the poller's
concurrency), a conditional GET with If-None-Match, and `feedparser.parse` of a 200's body only, storing nothing.
Our poller does more per feed (leases, health records, SQLite writes, full-text index, dedup, classification),
so the ratio shows what that costs, and what 304s save.

The feeds are spread over `--hosts` ports (a site each, as a real list of feeds spans many sites): the poller
opens at most 4 connections per site, so with every feed on one site (`--hosts 1`) it polls 4 at a time while the
baseline polls 16. The all-304 tick is repeated `--rounds` times on both sides, in pairs in one event loop (a tick of
the poller and one of the loop, the first of a pair alternating), so both sides meet the same load on this shared
machine; the medians and the per-pair ratios are shown. Both sides run with their start-up heap frozen
(`freeze_startup_heap`), as the bot does once it has started.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Self

import aiohttp
import feedparser
import sqlalchemy as sa
from aiohttp import web

from bot.runtime.bootstrap import freeze_startup_heap
from bot.services.ingestion.http import FetchLimits, create_http_session
from bot.services.ingestion.poller import FeedPoller, PollPolicy
from domain.clock import utcnow
from domain.sources import NewSource
from storage import Database
from storage.schema import sources
from storage.sources import SourceRepository


def _feed(number: int, items: int) -> bytes:
    base = datetime(2025, 6, 1, tzinfo=UTC)
    parts = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>', f"<title>Feed {number}</title>"]
    for n in range(items):
        published = format_datetime(base + timedelta(hours=n))
        parts.append(
            f"<item><title>Новость {number}-{n}: зелёные технологии</title>"
            f"<link>http://news.local/{number}/{n}</link><guid>{number}-{n}</guid><pubDate>{published}</pubDate>"
            f"<description>{escape('<p>Министерство экологии сообщает о проекте ' + str(n) + '.</p>' * 3)}"
            "</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def _serve(feeds: int, items: int, hosts: int, port_queue: multiprocessing.Queue[list[int]]) -> None:
    bodies = [_feed(number, items) for number in range(feeds)]

    async def plain(request: web.Request) -> web.Response:
        # A server without validators: the same body again, 200 every time.
        number = int(request.match_info["number"])
        return web.Response(body=bodies[number], headers={"Content-Type": "application/rss+xml"})

    async def handle(request: web.Request) -> web.Response:
        number = int(request.match_info["number"])
        etag = f'"feed-{number}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=bodies[number], headers={"ETag": etag, "Content-Type": "application/rss+xml"})

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/feed/{number}", handle)
        app.router.add_get("/plain/{number}", plain)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        for _ in range(hosts):
            await web.TCPSite(runner, "127.0.0.1", 0, backlog=1024).start()
        port_queue.put([address[1] for address in runner.addresses])
        await asyncio.Event().wait()

    asyncio.run(main())


class Clock:
    def __enter__(self) -> Self:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

    @classmethod
    def median(cls, clocks: list[Clock]) -> Clock:
        middle = cls()
        middle.wall = statistics.median(clock.wall for clock in clocks) if clocks else 0.0
        middle.cpu = statistics.median(clock.cpu for clock in clocks) if clocks else 0.0
        return middle


async def _all_due(db: Database) -> None:
    async with db.begin() as conn:
        await conn.execute(sa.update(sources).values(next_check_at=utcnow()))


async def _sources(
    urls: list[str], workdir: Path, name: str, *, in_thread: bool
) -> tuple[Database, list[int], PollPolicy]:
    """A new database holding these feeds as sources, and the poller's policy (16 at a time, as the loop)."""
    db = Database(f"sqlite+aiosqlite:///{workdir}/{name}.sqlite3")
    await db.migrate()
    repository = SourceRepository(db)
    ids = [(await repository.add(NewSource(url, "rss", "ru", f"feed {i}", 600))).id for i, url in enumerate(urls)]
    policy = PollPolicy(
        fetch=FetchLimits(timeout_seconds=60, allow_private=True), max_concurrency=16, parse_in_thread=in_thread
    )
    return db, ids, policy


async def _poller_cycles(
    urls: list[str], workdir: Path, *, in_thread: bool, name: str, rounds: int = 0
) -> tuple[Clock, Clock, int]:
    """A cold cycle (`poll_now`, storing everything), then `rounds` times, with every source made due, one tick
    (`poll_due`): the median tick."""
    db, ids, policy = await _sources(urls, workdir, name, in_thread=in_thread)
    stored = 0
    async with create_http_session(policy.fetch) as session:
        poller = FeedPoller(db, session, policy=policy)
        freeze_startup_heap()
        with Clock() as cold:
            outcomes = await poller.poll_now(ids)
        stored = sum(o.new for o in outcomes)
        assert all(o.outcome == "ok" for o in outcomes), {o.outcome for o in outcomes}
        ticks = []
        for _ in range(rounds):
            await _all_due(db)
            with Clock() as warm:
                outcomes = await poller.poll_due()
            assert [o.outcome for o in outcomes] == ["not_modified"] * len(urls), {o.outcome for o in outcomes}
            ticks.append(warm)
    await db.close()
    return cold, Clock.median(ticks), stored


class FairLoop:
    """The baseline: one aiohttp session with keep-alive, 16 requests at a time, If-None-Match from the last 200's
    ETag, and `feedparser.parse` of a 200's body only, storing nothing."""

    def __init__(self) -> None:
        self._room = asyncio.Semaphore(16)
        self._etags: dict[str, str] = {}
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Self:
        self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=16))
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._session is not None
        await self._session.close()

    async def tick(self, urls: list[str]) -> set[int]:
        """Poll every URL once; the statuses seen."""
        return set(await asyncio.gather(*(self._poll(url) for url in urls)))

    async def _poll(self, url: str) -> int:
        assert self._session is not None
        async with self._room:
            headers = {"If-None-Match": self._etags[url]} if url in self._etags else {}
            async with self._session.get(url, headers=headers) as response:
                if response.status == 304:
                    return 304
                body = await response.read()
                if etag := response.headers.get("ETag"):
                    self._etags[url] = etag
        assert len(feedparser.parse(body).entries) > 0
        return response.status


async def _paired(urls: list[str], workdir: Path, rounds: int) -> tuple[Clock, Clock, list[Clock], list[Clock]]:
    """The poller's cold cycle (`poll_now`, storing everything) and the fair loop's (every feed a 200, parsed), then
    `rounds` all-304 ticks of each in turn in one event loop (the poller's `poll_due` with every source made due, the
    loop's If-None-Match pass), the first of a pair alternating: both sides meet the same load, tick by tick."""
    db, ids, policy = await _sources(urls, workdir, "paired", in_thread=True)
    async with create_http_session(policy.fetch) as session, FairLoop() as loop:
        poller = FeedPoller(db, session, policy=policy)
        freeze_startup_heap()
        with Clock() as cold:
            outcomes = await poller.poll_now(ids)
        assert all(o.outcome == "ok" for o in outcomes), {o.outcome for o in outcomes}
        with Clock() as base_cold:
            assert await loop.tick(urls) == {200}
        ticks: list[Clock] = []
        base_ticks: list[Clock] = []

        async def poller_tick() -> None:
            await _all_due(db)
            with Clock() as warm:
                outcomes = await poller.poll_due()
            assert [o.outcome for o in outcomes] == ["not_modified"] * len(urls), {o.outcome for o in outcomes}
            ticks.append(warm)

        async def loop_tick() -> None:
            with Clock() as warm:
                assert await loop.tick(urls) == {304}
            base_ticks.append(warm)

        for n in range(rounds):
            for tick in (poller_tick, loop_tick) if n % 2 == 0 else (loop_tick, poller_tick):
                await tick()
    await db.close()
    return cold, base_cold, ticks, base_ticks


async def _baseline_plain(plain_urls: list[str]) -> Clock:
    """The fair loop on the plain feeds (200s without validators, parsed every time: it cannot tell a known body)."""
    async with FairLoop() as loop:
        freeze_startup_heap()
        with Clock() as plain:
            assert await loop.tick(plain_urls) == {200}
    return plain


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--hosts", type=int, default=16, help="sites (ports) the feeds are spread over")
    parser.add_argument(
        "--rounds", type=int, default=9, help="all-304 ticks on each side, in pairs; the medians are shown"
    )
    args = parser.parse_args()
    port_lists: multiprocessing.Queue[list[int]] = multiprocessing.Queue()
    server = multiprocessing.Process(target=_serve, args=(args.feeds, args.items, args.hosts, port_lists), daemon=True)
    server.start()
    try:
        ports = port_lists.get(timeout=60)
        urls = [f"http://127.0.0.1:{ports[n % len(ports)]}/feed/{n}" for n in range(args.feeds)]
        plain_urls = [f"http://127.0.0.1:{ports[n % len(ports)]}/plain/{n}" for n in range(args.feeds)]
        rounds = args.rounds
        with tempfile.TemporaryDirectory() as workdir:
            cold, base_cold, ticks, base_ticks = asyncio.run(_paired(urls, Path(workdir), rounds))
            _, plain, _ = asyncio.run(
                _poller_cycles(plain_urls, Path(workdir), in_thread=True, name="plain", rounds=rounds)
            )
            sample = urls[: max(1, args.feeds // 5)]
            direct_cold, _, _ = asyncio.run(_poller_cycles(sample, Path(workdir), in_thread=False, name="direct"))
            thread_cold, _, _ = asyncio.run(_poller_cycles(sample, Path(workdir), in_thread=True, name="thread"))
        base_plain = asyncio.run(_baseline_plain(plain_urls))
    finally:
        server.terminate()
        server.join(10)

    n = args.feeds
    load = os.getloadavg()
    print(
        f"{n} feeds x {args.items} items on 127.0.0.1, {len(ports)} sites (ports); client CPU only (server in another"
        f" process); 304 ticks: {rounds} pairs (one tick of each side in turn), medians"
    )
    warm, base_warm = Clock.median(ticks), Clock.median(base_ticks)
    pair_ratios = sorted(mine.cpu / theirs.cpu for mine, theirs in zip(ticks, base_ticks, strict=True))
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"{'cycle':<34}{'wall s':>9}{'CPU s':>9}{'CPU ms/feed':>13}")
    rows = [
        ("poller cold (stores entries)", cold),
        ("poller tick, all 304", warm),
        ("poller tick, all 200 unchanged", plain),
        ("baseline aiohttp loop cold", base_cold),
        ("baseline aiohttp loop 304", base_warm),
        ("baseline aiohttp loop 200", base_plain),
    ]
    for name, clock in rows:
        print(f"{name:<34}{clock.wall:>9.3f}{clock.cpu:>9.3f}{clock.cpu / n * 1000:>13.3f}")
    print(
        f"ratio cold  (poller / baseline): CPU {cold.cpu / base_cold.cpu:.2f}x, wall {cold.wall / base_cold.wall:.2f}x"
    )
    print(
        f"ratio 304   (poller / baseline): CPU {warm.cpu / base_warm.cpu:.2f}x, wall {warm.wall / base_warm.wall:.2f}x"
        f" (medians); per pair of ticks CPU {statistics.median(pair_ratios):.2f}x median,"
        f" {pair_ratios[0]:.2f}-{pair_ratios[-1]:.2f}x"
    )
    print(
        f"ratio 200 unchanged (poller / baseline): CPU {plain.cpu / base_plain.cpu:.2f}x,"
        f" wall {plain.wall / base_plain.wall:.2f}x"
    )
    print(f"ratio poller 304 / poller cold:  CPU {warm.cpu / cold.cpu:.3f}x")
    per_poll = warm.cpu / n
    print(
        f"6,000 feeds every 10 minutes, all 304: {6000 / 600:.0f} polls/s x {per_poll * 1000:.2f} ms"
        f" = {6000 / 600 * per_poll:.1%} of one core; one tick of {n} due sources took {warm.wall:.1f} s wall"
    )
    print(
        f"parsing on {len(sample)} feeds cold: in a thread {thread_cold.wall:.2f} s wall / {thread_cold.cpu:.2f} s CPU,"
        f" directly {direct_cold.wall:.2f} s wall / {direct_cold.cpu:.2f} s CPU"
        f" (thread/direct CPU {thread_cold.cpu / direct_cold.cpu:.2f}x)"
    )


if __name__ == "__main__":
    main()
