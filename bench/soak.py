"""Soak run: the bot process for ten minutes with a poll every few seconds and a steady stream of questions.

Run: `python -m bench.soak` (10 minutes, the figures in docs/PERFORMANCE.md), `python -m bench.soak --hours 2`
(the goal's run) or `python -m bench.soak --minutes 1` (a smoke run); `--tracemalloc` runs the bot under
tracemalloc (from the first sample on) and prints what grew from the middle of the run to its end (tracemalloc's
own memory is in the RSS then).
127.0.0.1 only: the Bot API stub and a feed site run in this process, the bot (`python -m bot run`) in a
subprocess whose resident memory (VmRSS from /proc) is sampled every few seconds. The feed gains an item every
30 s (news is stored and fanned out to 50 subscribers); 50 users ask questions at QUESTIONS_PER_SECOND. Samples
start once /healthz answers and the warm-up has passed (not while the bot is still importing). Printed: RSS at
start, end, max, and the slope over the second half in MB per minute; the ratio end / start is the figure compared
with the baseline (a flat process is 1.0).
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench._botprocess import bot_env, free_port, wait_healthy
from domain.clock import utcnow
from domain.sources import NewSource
from local_telegram import BotAPIStub
from storage import Database
from storage.sources import SourceRepository
from tests.support.feeds import FeedSite, Item, rss

USERS = 50
FIRST_USER = 3_000_000
QUESTIONS_PER_SECOND = 2.0
NEW_ITEM_EVERY = 30.0
SAMPLE_EVERY = 5.0
WARM_UP = 30.0  # seconds after /healthz: the first polls and questions fill caches, measured from here on
# The bot with tracemalloc at hand: the first SIGUSR1 starts tracing (after the warm-up: tracing from the start
# makes its imports several times slower), each next one writes a snapshot to SOAK_SNAPSHOT plus a counter.
TRACED_BOT = """
import os, runpy, signal, sys, tracemalloc
taken = [0]
def snapshot(*_):
    if not tracemalloc.is_tracing():
        tracemalloc.start(10)
        return
    taken[0] += 1
    tracemalloc.take_snapshot().dump(f"{os.environ['SOAK_SNAPSHOT']}.{taken[0]}")
signal.signal(signal.SIGUSR1, snapshot)
sys.argv = ["bot", "run"]
runpy.run_module("bot", run_name="__main__", alter_sys=True)
"""
QUESTIONS = (
    "Что такое альянс?",
    "Кто может стать членом альянса?",
    "Альянс деген не?",
    "What is the alliance?",
    "How do I join the alliance?",
    "Где находится секретариат?",
    "<b>Когда</b> следующее заседание? 🌍",
    "random words that match nothing at all",
)


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def slope_mb_per_minute(samples: list[tuple[float, int]]) -> float:
    """Least-squares slope of RSS over time."""
    if len(samples) < 2:
        return 0.0
    n = len(samples)
    mean_t = sum(t for t, _ in samples) / n
    mean_r = sum(r for _, r in samples) / n
    num = sum((t - mean_t) * (r - mean_r) for t, r in samples)
    den = sum((t - mean_t) ** 2 for t, _ in samples) or 1.0
    return num / den * 60 / 1024


class Feed:
    """A feed that gains one item every NEW_ITEM_EVERY seconds (keeps its newest 20)."""

    def __init__(self, site: FeedSite) -> None:
        self.site = site
        self.items: list[Item] = []
        self.url = self.add()

    def add(self) -> str:
        n = len(self.items)
        self.items.insert(
            0,
            Item(
                title=f"Альянс: новость {n}",
                link=f"http://news.local/{n}",
                guid=f"soak-{n}",
                description="<p>Заседание альянса по низкоуглеродным технологиям.</p>",
                published=utcnow() - timedelta(seconds=5),
            ),
        )
        return self.site.serve("/feed", rss(self.items[:20]))


async def _questions(stub: BotAPIStub, stop: asyncio.Event, asked: list[int]) -> None:
    users = [stub.user(FIRST_USER + n, language_code=("ru", "kk", "en")[n % 3]) for n in range(USERS)]
    for user in users:
        user.send("/start")
    n = 0
    while not stop.is_set():
        users[n % USERS].send(QUESTIONS[n % len(QUESTIONS)])
        asked[0] += 1
        n += 1
        await asyncio.sleep(1 / QUESTIONS_PER_SECOND)


async def _new_items(feed: Feed, stop: asyncio.Event) -> None:
    while not stop.is_set():
        await asyncio.sleep(NEW_ITEM_EVERY)
        feed.add()


def _growth(first: Path, last: Path, top: int = 15) -> None:
    import tracemalloc

    before, after = tracemalloc.Snapshot.load(str(first)), tracemalloc.Snapshot.load(str(last))
    ignore = [
        tracemalloc.Filter(False, tracemalloc.__file__),
        tracemalloc.Filter(False, "<frozen importlib._bootstrap>"),
    ]
    stats = after.filter_traces(ignore).compare_to(before.filter_traces(ignore), "traceback")
    print(f"-- tracemalloc: the {top} tracebacks that grew most from the middle of the run to its end")
    for stat in stats[:top]:
        print(f"{stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d} blocks")
        for line in stat.traceback.format()[-8:]:
            print(f"    {line}")


async def soak(minutes: float, *, traced: bool = False) -> int:
    stub = BotAPIStub()
    await stub.start()
    site = FeedSite()
    await site.server.start_server()
    feed = Feed(site)
    with tempfile.TemporaryDirectory() as workdir:
        database_url = f"sqlite+aiosqlite:///{workdir}/soak.sqlite3"
        db = Database(database_url)
        await db.migrate()
        await SourceRepository(db).add(NewSource(feed.url, "rss", "ru", "Soak feed", 10))
        await db.close()
        port = free_port()
        snapshots = Path(workdir) / "snapshot"
        env = bot_env(stub, database_url, LOG_LEVEL="WARNING", HEALTH_PORT=str(port), SOAK_SNAPSHOT=str(snapshots))
        command = ["-c", TRACED_BOT] if traced else ["-m", "bot", "run"]
        process = await asyncio.create_subprocess_exec(
            sys.executable, *command, cwd=workdir, env=env, stderr=asyncio.subprocess.DEVNULL
        )
        await wait_healthy(f"http://127.0.0.1:{port}/healthz", process, 300)
        stop = asyncio.Event()
        asked = [0]
        tasks = [asyncio.create_task(_questions(stub, stop, asked)), asyncio.create_task(_new_items(feed, stop))]
        samples: list[tuple[float, int]] = []
        halfway = False
        started = time.monotonic()
        try:
            while (elapsed := time.monotonic() - started) < minutes * 60:
                if process.returncode is not None:
                    print(f"the bot exited with {process.returncode}")
                    return 1
                if elapsed >= min(WARM_UP, minutes * 60 / 4):
                    if traced and (not samples or (elapsed >= minutes * 30 and not halfway)):
                        halfway = bool(samples)  # tracing starts at the first sample, the first snapshot halfway
                        process.send_signal(signal.SIGUSR1)
                    samples.append((elapsed, rss_kb(process.pid)))
                await asyncio.sleep(SAMPLE_EVERY)
            if traced:
                process.send_signal(signal.SIGUSR1)
                await asyncio.sleep(SAMPLE_EVERY)  # the snapshot is written
                _growth(Path(f"{snapshots}.1"), Path(f"{snapshots}.2"))
        finally:
            stop.set()
            for task in tasks:
                task.cancel()
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), 30)
            await site.server.close()
            await stub.stop()
    polls = len(site.hits("/feed"))
    replies = len(stub.calls_of("sendMessage"))
    start_mb, end_mb = samples[0][1] / 1024, samples[-1][1] / 1024
    max_mb = max(r for _, r in samples) / 1024
    second_half = samples[len(samples) // 2 :]
    print(
        f"duration {minutes:g} min from /healthz, feed polls {polls}, questions {asked[0]}, "
        f"messages sent by the bot {replies}"
    )
    print(f"RSS after warm-up {start_mb:.1f} MB, end {end_mb:.1f} MB, max {max_mb:.1f} MB, samples {len(samples)}")
    print(
        f"slope over the whole run {slope_mb_per_minute(samples):+.3f} MB/min, second half "
        f"{slope_mb_per_minute(second_half):+.3f} MB/min"
    )
    print(f"ratio end / start: {end_mb / start_mb:.3f} (baseline: a flat process, 1.000)")
    print(f"bot exit code after SIGTERM: {process.returncode}")
    return 0 if process.returncode == 0 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--hours", type=float, default=None, help="the run's length in hours (instead of --minutes)")
    parser.add_argument("--tracemalloc", action="store_true", help="print what grew (the bot runs slower)")
    args = parser.parse_args()
    minutes = args.hours * 60 if args.hours is not None else args.minutes
    return asyncio.run(soak(minutes, traced=args.tracemalloc))


if __name__ == "__main__":
    raise SystemExit(main())
