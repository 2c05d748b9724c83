"""Soak run: the bot process for ten minutes with a poll every few seconds and a steady stream of questions.

Run: `python -m bench.soak` (10 minutes, the figures in docs/PERFORMANCE.md), `python -m bench.soak --hours 2`
(the goal's run) or `python -m bench.soak --minutes 1` (a smoke run); `--tracemalloc` runs the bot under
tracemalloc (from the first sample on) and prints what grew from the middle of the run to its end (tracemalloc's
own memory is in the RSS then). Every run prints a breakdown of the bot's memory (bench/_heap.py) at the first
sample, halfway and at the end: Python's heap, malloc in use and kept free, SQLite's memory, live objects by type.
127.0.0.1 only: the Bot API stub and a feed site run in this process, the bot (`bot run`, through a small wrapper
that answers SIGUSR1 and SIGUSR2) in a subprocess whose resident memory (VmRSS from /proc) is sampled every few
seconds. The feed gains an item every 30 s (news is stored and fanned out to 50 subscribers); 50 users ask
questions at QUESTIONS_PER_SECOND. Samples start once /healthz answers and the warm-up has passed (not while the
bot is still importing). Printed: RSS at start, end, max, and the slope over the second half in MB per minute; the
ratio end / start is the figure compared with the baseline (a flat process is 1.0).
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
# The bot with tracemalloc and a memory breakdown at hand. SIGUSR2 writes `bench._heap.breakdown()` (Python's
# allocator, malloc, SQLite, live objects by type) to SOAK_SNAPSHOT.heap plus a counter. With --tracemalloc, the
# first SIGUSR1 starts tracing (after the warm-up: tracing from the start makes its imports several times slower),
# each next one writes a snapshot to SOAK_SNAPSHOT plus a counter.
BOT = """
import json, os, runpy, signal, sys, tracemalloc
taken = [0, 0]
def snapshot(*_):
    if not tracemalloc.is_tracing():
        tracemalloc.start(10)
        return
    taken[0] += 1
    path = f"{os.environ['SOAK_SNAPSHOT']}.{taken[0]}"
    tracemalloc.take_snapshot().dump(path + ".part")
    os.rename(path + ".part", path)
def heap(*_):
    from bench._heap import breakdown
    taken[1] += 1
    path = f"{os.environ['SOAK_SNAPSHOT']}.heap.{taken[1]}"
    with open(path + ".part", "w") as out:
        json.dump(breakdown(), out)
    os.rename(path + ".part", path)
signal.signal(signal.SIGUSR1, snapshot)
signal.signal(signal.SIGUSR2, heap)
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


def _mark(process: asyncio.subprocess.Process, marks: int, traced: bool) -> int:
    process.send_signal(signal.SIGUSR2)
    if traced:
        process.send_signal(signal.SIGUSR1)
    return marks + 1


async def _written(paths: list[Path], process: asyncio.subprocess.Process, within: float = 120.0) -> None:
    """Wait until the bot has written every breakdown and snapshot asked for (a file appears when it is complete:
    written under another name and renamed)."""
    deadline = time.monotonic() + within
    while not all(path.exists() for path in paths):
        if process.returncode is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the bot did not write {[p.name for p in paths if not p.exists()]}")
        await asyncio.sleep(0.2)


# The breakdown's figures: key, label, in bytes (printed in MB) or a count.
_FIGURES = (
    ("rss_bytes", "VmRSS", True),
    ("python_allocator_total", "Python's arenas", True),
    ("python_bytes_in_blocks", "  in live blocks", True),
    ("python_blocks", "Python blocks (all sizes)", False),
    ("malloc_main_in_use", "malloc in use, main arena", True),
    ("malloc_threads_in_use", "  in threads' arenas", True),
    ("sqlite_used", "  of it all, SQLite's", True),
    ("malloc_free", "malloc free, kept", True),
    ("malloc_mmapped", "malloc mmapped", True),
    ("gc_objects", "objects tracked by gc", False),
    ("gc_frozen", "  frozen at start-up", False),
    ("threads", "threads", False),
)


def _breakdowns(paths: list[Path], top: int = 12) -> None:
    import json

    heaps = [json.loads(path.read_text()) for path in paths]
    print("-- memory breakdown of the bot at the first sample, halfway and at the end (change over the second half)")
    for key, label, in_bytes in _FIGURES:
        values = [heap.get(key) for heap in heaps]
        if any(v is None for v in values):
            continue
        if in_bytes:
            shown = "".join(f"{v / 2**20:>11.2f}" for v in values) + f"{(values[-1] - values[-2]) / 2**20:>+11.2f} MB"
        else:
            shown = "".join(f"{v:>11d}" for v in values) + f"{values[-1] - values[-2]:>+11d}"
        print(f"{label:<26}{shown}")
    first, middle, end = heaps[0]["types"], heaps[-2]["types"], heaps[-1]["types"]
    grown = sorted(end, key=lambda name: end[name] - middle.get(name, 0), reverse=True)[:top]
    print("live objects by type, the most grown over the second half (first, halfway, end, change):")
    for name in grown:
        counts = (first.get(name, 0), middle.get(name, 0), end[name])
        print(f"    {name:<32}" + "".join(f"{n:>9d}" for n in counts) + f"{counts[2] - counts[1]:>+9d}")


def _growth(first: Path, last: Path, top: int = 15) -> None:
    import tracemalloc

    before, after = tracemalloc.Snapshot.load(str(first)), tracemalloc.Snapshot.load(str(last))
    ignore = [
        tracemalloc.Filter(False, tracemalloc.__file__),
        tracemalloc.Filter(False, "<frozen importlib._bootstrap>"),
    ]
    stats = after.filter_traces(ignore).compare_to(before.filter_traces(ignore), "traceback")
    net = sum(stat.size_diff for stat in stats) / 1024
    print(
        f"-- tracemalloc: {net:+.1f} KiB net from the middle of the run to its end; the {top} tracebacks that grew most"
    )
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
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", BOT, cwd=workdir, env=env, stderr=asyncio.subprocess.DEVNULL
        )
        await wait_healthy(f"http://127.0.0.1:{port}/healthz", process, 300)
        stop = asyncio.Event()
        asked = [0]
        tasks = [asyncio.create_task(_questions(stub, stop, asked)), asyncio.create_task(_new_items(feed, stop))]
        samples: list[tuple[float, int]] = []
        marks = 0  # breakdowns asked for: at the first sample, halfway, at the end
        started = time.monotonic()
        try:
            while (elapsed := time.monotonic() - started) < minutes * 60:
                if process.returncode is not None:
                    print(f"the bot exited with {process.returncode}")
                    return 1
                if elapsed >= min(WARM_UP, minutes * 60 / 4):
                    samples.append((elapsed, rss_kb(process.pid)))  # before a breakdown, which allocates
                    if len(samples) == 1 or (elapsed >= minutes * 30 and marks == 1):
                        marks = _mark(process, marks, traced)  # tracing starts at the first, a snapshot halfway
                await asyncio.sleep(SAMPLE_EVERY)
            marks = _mark(process, marks, traced)
            heaps = [Path(f"{snapshots}.heap.{n}") for n in range(1, marks + 1)]
            traces = [Path(f"{snapshots}.{n}") for n in (1, 2)] if traced else []
            await _written([*heaps, *traces], process)
            _breakdowns(heaps)
            if traced:
                _growth(traces[0], traces[1])
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
