"""The running bot at 100k subscribers and 1,000 feeds: memory, cold start, and new item to first push.

    python -m bench.memory [--subscribers 100000] [--feeds 1000] [--fanout-seconds 30] [--rate 30]

The bot runs as `python -m bot run` in a subprocess (like bench.soak) against the Bot API stub and a feed
site, both in this process on 127.0.0.1. The database is prepared beforehand: that many instant Russian
subscribers (alliance news) and that many feeds (interval 10 min, three ministry items each: stored on the
first poll, wanted by nobody), plus one news feed polled every 10 s. Resident memory (VmRSS) and CPU
(utime + stime) of the bot are read from /proc every 0.1 s.

- baseline in the same run: `python -c "import aiogram"` (the floor of any aiogram bot), and the bare
  interpreter; memory figures are printed over the aiogram floor. Two more floors tell what is left of the
  goal for the bot itself: the rest of the core stack imported (SQLAlchemy's asyncio extension, aiosqlite,
  APScheduler, feedparser), and that with Babel's data for ru, kk and en loaded (plural rules and dates, as
  Fluent and the bot's date lines load it);
- cold start: from the process start until /healthz answers 200, until the first feed is fetched (the first
  poll tick), and until every feed was fetched once; wall seconds, CPU seconds, RSS;
- steady: RSS over 20 s once the first cycle is done (all 304 from then on);
- new item to first push: the news feed gains an alliance item; from the poll that fetched it to the first
  sendMessage of it at the stub;
- peak: the highest RSS while the item is queued for everyone and sent for `--fanout-seconds`;
- after the first question: a user asks one, which builds the question engine's indexes (bm25s and numpy
  are imported then), RSS 2 s after the answer.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from aiohttp import web

from bench._botprocess import REPO_ROOT, bot_env, free_port, wait_healthy
from domain.clock import utcnow
from domain.sources import NewSource
from local_telegram import BotAPIStub
from storage import Database
from storage.sources import SourceRepository
from tests.delivery.helpers import subscribe_many

FIRST_ID = 10_000_000
SAMPLE_EVERY = 0.1
STEADY_SECONDS = 20.0
FEED_INTERVAL = 600
NEWS_INTERVAL = 10
QUESTION = "Что такое альянс?"
NEWS_TITLE = "Альянс: заседание по низкоуглеродным технологиям"
_CLK_TCK = os.sysconf("SC_CLK_TCK")


def _status_kb(pid: int | str, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {key}")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLK_TCK  # utime, stime


CORE_STACK = (
    "import aiogram, aiosqlite, feedparser, sqlalchemy.ext.asyncio\n"
    "from apscheduler.schedulers.asyncio import AsyncIOScheduler\nAsyncIOScheduler()"
)
THREE_LANGUAGES = (
    "import datetime, babel, babel.dates\n"
    "for code in ('ru', 'kk', 'en'):\n"
    "    babel.Locale.parse(code).plural_form\n"
    "    babel.dates.format_date(datetime.date(2026, 1, 1), format='long', locale=code)"
)


def floor_mb(code: str) -> float:
    """VmRSS of a fresh interpreter after running `code` (the baseline of this run)."""
    script = f"{code}\nimport pathlib\nprint(pathlib.Path('/proc/self/status').read_text())"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO_ROOT)
    line = next(line for line in out.stdout.splitlines() if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def _rss(items: int, number: int, *, alliance: bool = False) -> bytes:
    base = datetime(2025, 6, 1, tzinfo=UTC) if not alliance else utcnow() - timedelta(seconds=5)
    parts = ['<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>', f"<title>Feed {number}</title>"]
    for n in range(items):
        title = NEWS_TITLE if alliance else f"Министерство: новость {number}-{n}"
        description = "<p>Заседание альянса.</p>" if alliance else "<p>Министерство экологии сообщает.</p>"
        parts.append(
            f"<item><title>{title}</title><link>http://news.local/{number}/{n}</link><guid>m-{number}-{n}</guid>"
            f"<pubDate>{format_datetime(base + timedelta(minutes=n))}</pubDate>"
            f"<description>{description.replace('<', '&lt;').replace('>', '&gt;')}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode()


@dataclass
class Site:
    """The feeds (`/feed/N`, with an ETag) and the news feed (`/news`, which gains an item on demand)."""

    feeds: int
    bodies: list[bytes] = field(default_factory=list)
    news: bytes = b""
    fetched: set[int] = field(default_factory=set)
    first_fetch: float | None = None
    all_fetched: float | None = None
    news_changed_at: float | None = None
    news_found_at: float | None = None

    async def feed(self, request: web.Request) -> web.Response:
        number = int(request.match_info["number"])
        now = time.monotonic()
        self.first_fetch = self.first_fetch or now
        self.fetched.add(number)
        if len(self.fetched) == self.feeds and self.all_fetched is None:
            self.all_fetched = now
        etag = f'"f{number}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=self.bodies[number], headers={"ETag": etag, "Content-Type": "application/rss+xml"})

    async def news_feed(self, _request: web.Request) -> web.Response:
        if self.news_changed_at is not None and self.news_found_at is None:
            self.news_found_at = time.monotonic()
        return web.Response(body=self.news, headers={"Content-Type": "application/rss+xml"})


class Sampler:
    """VmRSS and CPU of the bot process every SAMPLE_EVERY seconds."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.samples: list[tuple[float, float, float]] = []  # (monotonic, RSS MB, CPU s)

    async def run(self) -> None:
        while True:
            try:
                rss = _status_kb(self.pid, "VmRSS") / 1024
                cpu = _cpu_seconds(self.pid)
            except (FileNotFoundError, ProcessLookupError, RuntimeError):
                return
            self.samples.append((time.monotonic(), rss, cpu))
            await asyncio.sleep(SAMPLE_EVERY)

    def at(self, moment: float) -> tuple[float, float]:
        """RSS and CPU at the first sample from `moment` on."""
        for when, rss, cpu in self.samples:
            if when >= moment:
                return rss, cpu
        return self.samples[-1][1:]

    def between(self, start: float, end: float) -> list[float]:
        return [rss for when, rss, _ in self.samples if start <= when <= end]


async def _prepare(database_url: str, subscribers: int, site_url: str, feeds: int) -> None:
    db = Database(database_url)
    await db.migrate()
    await subscribe_many(db, range(FIRST_ID, FIRST_ID + subscribers))
    repository = SourceRepository(db)
    await repository.add(NewSource(f"{site_url}/news", "rss", "ru", "News", NEWS_INTERVAL))
    for number in range(feeds):
        await repository.add(NewSource(f"{site_url}/feed/{number}", "rss", "ru", f"Feed {number}", FEED_INTERVAL))
    await db.close()


async def _until(predicate: Callable[[], object], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {within:g} s")
        await asyncio.sleep(0.01)


def _first_push(stub: BotAPIStub, since: int) -> float | None:
    for call in stub.calls[since:]:
        if call.method == "sendMessage" and call.ok and NEWS_TITLE in str(call.params.get("text", "")):
            return call.at
    return None


async def run(subscribers: int, feeds: int, fanout_seconds: float, rate: float) -> int:
    python_mb = floor_mb("pass")
    aiogram_mb = floor_mb("import aiogram")
    stack_mb = floor_mb(CORE_STACK)
    languages_mb = floor_mb(f"{CORE_STACK}\n{THREE_LANGUAGES}")
    site = Site(feeds, [_rss(3, n) for n in range(feeds)], _rss(1, -1))
    app = web.Application()
    app.router.add_get("/feed/{number}", site.feed)
    app.router.add_get("/news", site.news_feed)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
    await tcp.start()
    site_url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    stub = BotAPIStub()
    for user_id in range(FIRST_ID, FIRST_ID + subscribers):
        stub.user(user_id)
    await stub.start()
    health_port = free_port()
    with tempfile.TemporaryDirectory() as workdir:
        database_url = f"sqlite+aiosqlite:///{workdir}/memory.sqlite3"
        prepared = time.monotonic()
        await _prepare(database_url, subscribers, site_url, feeds)
        prepare_s = time.monotonic() - prepared
        env = bot_env(
            stub,
            database_url,
            SEND_RATE_PER_SECOND=f"{rate:g}",
            PAID_BROADCAST="true" if rate > 30 else "false",
            HEALTH_PORT=str(health_port),
            HEALTH_HOST="127.0.0.1",
            LOG_LEVEL="WARNING",
        )
        started = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=workdir, env=env, stderr=asyncio.subprocess.DEVNULL
        )
        sampler = Sampler(process.pid)
        sampling = asyncio.create_task(sampler.run())
        try:
            healthy = await wait_healthy(f"http://127.0.0.1:{health_port}/healthz", process, 120)
            await _until(lambda: site.first_fetch is not None, 120, "first poll tick")
            await _until(lambda: site.all_fetched is not None, 600, "every feed fetched once")
            assert site.first_fetch is not None and site.all_fetched is not None
            cycle_cpu_base = sampler.at(site.all_fetched)[1]
            await asyncio.sleep(5.0)  # the last polls of the cycle store their items
            steady_from = time.monotonic()
            await asyncio.sleep(STEADY_SECONDS)
            steady = sampler.between(steady_from, time.monotonic())
            calls_before = len(stub.calls)
            site.news = _rss(1, -2, alliance=True)
            site.news_changed_at = time.monotonic()
            await _until(lambda: _first_push(stub, calls_before) is not None, 120, "first push of the new item")
            pushed = _first_push(stub, calls_before)
            assert pushed is not None and site.news_found_at is not None
            await asyncio.sleep(fanout_seconds)
            fanout = sampler.between(site.news_changed_at, time.monotonic())
            sent = sum(1 for call in stub.calls[calls_before:] if call.method == "sendMessage" and call.ok)
            asker = stub.user(FIRST_ID - 1, language_code="ru")
            asker.send("/start")
            await _until(lambda: stub.sent_to(asker.id), 60, "the answer to /start")
            answered = len(stub.sent_to(asker.id))
            asker.send(QUESTION)
            await _until(lambda: len(stub.sent_to(asker.id)) > answered, 60, "the answer to a question")
            await asyncio.sleep(2.0)
            after_question = sampler.samples[-1][1]
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), 60)
            sampling.cancel()
            await stub.stop()
            await runner.cleanup()
    ready_rss, ready_cpu = sampler.at(healthy)
    tick_rss, tick_cpu = sampler.at(site.first_fetch)
    cycle_rss, cycle_cpu = sampler.at(site.all_fetched)
    steady_mb = sorted(steady)[len(steady) // 2]
    peak_mb = max(fanout)
    print(
        f"{subscribers:,} subscribers, {feeds:,} feeds (+1 news feed), send rate {rate:g}/s; "
        f"prepared in {prepare_s:.1f} s"
    )
    print(f"baseline RSS: bare interpreter {python_mb:.1f} MB, `import aiogram` {aiogram_mb:.1f} MB (the floor)")
    languages_over = languages_mb - aiogram_mb
    print(
        f"over the floor before a line of the bot: the core stack {stack_mb - aiogram_mb:+.1f} MB, with Babel's data "
        f"for ru/kk/en {languages_over:+.1f} MB (left of the +40 goal: {40 - languages_over:.1f} MB)"
    )
    print(f"{'cold start':34} {'wall s':>7} {'CPU s':>6} {'RSS MB':>7} {'over floor':>10}")
    for label, moment, rss, cpu in (
        ("/healthz 200", healthy, ready_rss, ready_cpu),
        ("first feed fetched (first tick)", site.first_fetch, tick_rss, tick_cpu),
        ("every feed fetched once", site.all_fetched, cycle_rss, cycle_cpu),
    ):
        print(f"{label:34} {moment - started:7.2f} {cpu:6.2f} {rss:7.1f} {rss - aiogram_mb:+10.1f}")
    print(
        f"steady (median of {len(steady)} samples over {STEADY_SECONDS:g} s): {steady_mb:.1f} MB, "
        f"{steady_mb - aiogram_mb:+.1f} MB over the floor (goal <= +40); "
        f"CPU in the steady window {sampler.at(time.monotonic())[1] - cycle_cpu_base:.2f} s incl. the fan-out"
    )
    print(
        f"new item to first push, from the poll that fetched it: {pushed - site.news_found_at:.3f} s (goal <= 1 s); "
        f"from the feed change: {pushed - site.news_changed_at:.2f} s"
    )
    print(
        f"fan-out to {subscribers:,}: {sent:,} sent in {fanout_seconds:g} s after the first push; peak RSS "
        f"{peak_mb:.1f} MB, {peak_mb - aiogram_mb:+.1f} MB over the floor (goal <= +80)"
    )
    print(f"after the first question: {after_question:.1f} MB, {after_question - aiogram_mb:+.1f} MB over the floor")
    print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"bot exit code after SIGTERM: {process.returncode}")
    return 0 if process.returncode == 0 else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--feeds", type=int, default=1_000)
    parser.add_argument("--fanout-seconds", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=30.0, help="SEND_RATE_PER_SECOND (over 30: paid broadcast)")
    args = parser.parse_args()
    return asyncio.run(run(args.subscribers, args.feeds, args.fanout_seconds, args.rate))


if __name__ == "__main__":
    raise SystemExit(main())
