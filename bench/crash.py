"""Crash runs: SIGKILL the bot at random moments of polling and fan-out, again and again; restart; count.

Run: `python -m bench.crash` (about a minute; 127.0.0.1 only; `--kills N --subscribers N --seed N`).
Each round either a new item appears in a local feed, which the bot (`python -m bot run`, a subprocess)
polls and fans out to every subscriber, or an admin's broadcast to everyone is scheduled a second ahead;
messages go through the Bot API stub (20 ms per call, so sends are in flight) and the bot is killed with
SIGKILL at a random moment: right after it fetched the feed, or once a random share of the round's messages
(news or broadcast) has arrived. After every kill the database must pass `PRAGMA integrity_check`. A last
run without a kill must then deliver everything: every subscriber has every round's message, and the only
duplicates are sends that were in flight at a kill (at most SEND_CONCURRENCY per kill). The baseline is one
round without kills.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench._botprocess import bot_env
from domain.clock import utcnow
from domain.sources import NewSource
from local_telegram import BotAPIStub
from storage import Database
from storage.broadcasts import BroadcastRepository
from storage.sources import SourceRepository
from tests.delivery.helpers import subscribe_many
from tests.support.feeds import FeedSite, Item, rss

FIRST_ID = 4_000_000
CONCURRENCY = 10
MARK = "Crash round"
ADMIN_ID = 3_999_999


class Feed:
    def __init__(self, site: FeedSite) -> None:
        self.site = site
        self.items: list[Item] = []
        self.url = site.serve("/feed", rss([]))

    def add(self, number: int) -> None:
        self.items.insert(
            0,
            Item(
                title=f"{MARK} {number}",
                link=f"http://news.local/crash/{number}",
                guid=f"crash-{number}",
                description=f"<p>{MARK} {number}: the alliance met.</p>",
                published=utcnow() - timedelta(seconds=5),
            ),
        )
        self.site.serve("/feed", rss(self.items))


def received(stub: BotAPIStub) -> Counter[tuple[int, str]]:
    """Copies per (subscriber chat, round title); the admin's own chat (reports, answers) is not counted."""
    counts: Counter[tuple[int, str]] = Counter()
    for chat_id, messages in stub.messages.items():
        if chat_id < FIRST_ID:
            continue
        for message in messages:
            if MARK in message.text:
                rest = message.text[message.text.index(MARK) :]
                counts[(chat_id, rest.split("\n", 1)[0].split(":")[0].strip())] += 1
    return counts


def _per_title(counts: Counter[tuple[int, str]]) -> dict[str, int]:
    extra: Counter[str] = Counter()
    for (_chat, title), n in counts.items():
        extra[title] += n - 1
    return {title: n for title, n in extra.items() if n}


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


async def _setup(database_url: str, feed_url: str, subscribers: int) -> None:
    db = Database(database_url)
    await db.migrate()
    ids = range(FIRST_ID, FIRST_ID + subscribers)
    await subscribe_many(db, ids, scope="all")
    await SourceRepository(db).add(NewSource(feed_url, "rss", "ru", "Crash feed", 10))
    await db.close()


async def _schedule_broadcast(stub: BotAPIStub, database_url: str, title: str, subscribers: int) -> None:
    """An admin's message, scheduled as a broadcast to everyone a second from now (as the admin console does)."""
    update = stub.user(ADMIN_ID).send(f"{title}: scheduled broadcast")
    db = Database(database_url)
    repository = BroadcastRepository(db)
    broadcast = await repository.create(
        created_by=ADMIN_ID, source=(ADMIN_ID, update["message"]["message_id"]), language="ru"
    )
    assert await repository.set_audience(broadcast.id, "all", subscribers)
    assert await repository.schedule(broadcast.id, utcnow() + timedelta(seconds=1))
    await db.close()


async def _start(stub: BotAPIStub, database_url: str, workdir: str) -> asyncio.subprocess.Process:
    env = bot_env(
        stub,
        database_url,
        # A poll cut by a kill holds its source for 3 x the fetch timeout + 60 s: kept short here.
        FEED_TIMEOUT_SECONDS="1",
        SEND_RATE_PER_SECOND="400",
        SEND_CONCURRENCY=str(CONCURRENCY),
        LEASE_SECONDS="3",  # a restarted process takes over from the killed one quickly
        ADMIN_IDS=str(ADMIN_ID),
        LOG_LEVEL="ERROR",
    )
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=workdir, env=env, stderr=asyncio.subprocess.DEVNULL
    )


async def _wait(predicate: Callable[[], bool], within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.005)
    return False


async def crash_run(kills: int, subscribers: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    stub = BotAPIStub()
    await stub.start()
    stub.latency = 0.02
    for n in range(subscribers):
        stub.user(FIRST_ID + n)
    site = FeedSite()
    await site.server.start_server()
    feed = Feed(site)
    moments: list[str] = []
    integrity_results: list[str] = []
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory() as workdir:
            path = Path(workdir) / "crash.sqlite3"
            database_url = f"sqlite+aiosqlite:///{path}"
            await _setup(database_url, feed.url, subscribers)
            titles: list[str] = []
            for round_number in range(1, kills + 1):
                moment = rng.choice(["poll", "fan-out", "broadcast"])
                if moment == "broadcast":
                    title = f"{MARK} B{round_number}"
                    await _schedule_broadcast(stub, database_url, title, subscribers)
                else:
                    title = f"{MARK} {round_number}"
                    feed.add(round_number)
                titles.append(title)
                hits_before = len(site.hits("/feed"))
                process = await _start(stub, database_url, workdir)
                if moment == "poll":
                    await _wait(lambda: len(site.hits("/feed")) > hits_before, 30)  # noqa: B023
                    await asyncio.sleep(rng.uniform(0.0, 0.05))
                    moments.append("poll")
                else:
                    share = rng.uniform(0.05, 0.9)
                    await _wait(
                        lambda: sum(1 for (_c, t) in received(stub) if t == title) >= share * subscribers,  # noqa: B023
                        30,
                    )
                    moments.append(f"{moment} {share:.0%}")
                process.send_signal(signal.SIGKILL)
                await process.wait()
                integrity_results.append(integrity(path))
            process = await _start(stub, database_url, workdir)
            expected = {(FIRST_ID + n, title) for n in range(subscribers) for title in titles}
            complete = await _wait(lambda: expected <= set(received(stub)), 120)
            await asyncio.sleep(1.0)  # anything still to come would be a duplicate
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 30)
            integrity_results.append(integrity(path))
    finally:
        await site.server.close()
        await stub.stop()
    counts = received(stub)
    return {
        "kills": kills,
        "subscribers": subscribers,
        "moments": moments,
        "complete": complete,
        "missing": len(expected - set(counts)),
        "duplicates": sum(n - 1 for n in counts.values()),
        "duplicates per title": _per_title(counts),
        "missing per title": dict(Counter(title for _chat, title in expected - set(counts))),
        "bound": kills * CONCURRENCY,
        "integrity": Counter(integrity_results),
        "exit": process.returncode,
        "seconds": time.monotonic() - started,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=6)
    parser.add_argument("--subscribers", type=int, default=500)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    baseline = asyncio.run(crash_run(0, args.subscribers, args.seed))
    print(f"baseline (no kill, empty feed): {baseline['seconds']:.1f} s, integrity {dict(baseline['integrity'])}")
    result = asyncio.run(crash_run(args.kills, args.subscribers, args.seed))
    for key, value in result.items():
        print(f"{key}: {value}")
    ok = (
        result["missing"] == 0
        and result["integrity"] == Counter({"ok": args.kills + 1})
        and int(result["duplicates"]) <= int(result["bound"])
        and result["exit"] == 0
    )
    print(f"time ratio with kills / baseline: {float(result['seconds']) / float(baseline['seconds']):.2f}")
    print("guarantees held" if ok else "GUARANTEES BROKEN")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
