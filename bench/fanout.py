"""Fan-out benchmark: one announcement to 20,000 subscribers through the local Bot API stub.

Run: `python -m bench.fanout` (about two minutes; 127.0.0.1 only). The stub answers every call after
50 ms and enforces Telegram's limits (it answers 429 when they are exceeded). Four runs, each in a
fresh process so CPU time and peak memory belong to that run alone; the stub runs in its own process:

- baseline at 30/s: a bare aiogram loop, what a user would write: the sender's number of workers, the same
  leaky bucket (aiolimiter), each worker `await bot.send_message(...)` in turn through the bot's own session
  (without the bot's flood budget, which would be a second limiter); no database, no retries; its start-up heap
  frozen (`gc.freeze()`) as the sender's run freezes it
- the outbox sender at SEND_RATE_PER_SECOND=30
- baseline at 1000/s: the same bare loop with allow_paid_broadcast
- the outbox sender at 1000/s with PAID_BROADCAST=true

Runs at 30/s are cut after WINDOW seconds (20,000 messages would take 11 minutes); the paid runs send
everything, as does the paid baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import multiprocessing
import os
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

SUBSCRIBERS = 20_000
FIRST_ID = 10_000_000
LATENCY = 0.05
WINDOW = 20.0


@dataclass
class Result:
    name: str
    limit: float
    sent: int
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    enqueue_seconds: float = 0.0
    enqueue_cpu_seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0

    @property
    def cpu_us_per_message(self) -> float:
        return self.cpu_seconds / self.sent * 1e6 if self.sent else float("nan")


# -- the stub, in its own process ----------------------------------------------------------------


def stub_process(conn: Connection, global_rate: int) -> None:
    asyncio.run(_serve_stub(conn, global_rate))


async def _serve_stub(conn: Connection, global_rate: int) -> None:
    from local_telegram import BotAPIStub
    from local_telegram.server import RateLimits

    stub = BotAPIStub()
    for user_id in range(FIRST_ID, FIRST_ID + SUBSCRIBERS):
        stub.user(user_id)
    stub.latency = LATENCY
    stub.rate_limits = RateLimits(global_per_second=global_rate)
    await stub.start()
    # The stub is not what is measured: its own full collections (20,000 chats, every call and message kept)
    # stalled it for 110-160 ms, and the requests that arrived meanwhile were then counted at once, over the
    # limit. This short-lived process runs without the cyclic collector; its checks are unchanged.
    gc.collect()
    gc.freeze()
    gc.disable()
    conn.send(stub.url)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, conn.recv)  # "stats"
    delivered = sum(len(messages) for messages in stub.messages.values())
    conn.send({"delivered": delivered, "chats": len(stub.messages), "rate_limited": stub.rate_limited})
    await stub.stop()


# -- the bot side, one fresh process per run ---------------------------------------------------------


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_baseline(url: str, rate: float, paid: bool, window: float) -> Result:
    return asyncio.run(_baseline(url, rate, paid, window))


async def _baseline(url: str, rate: float, paid: bool, window: float) -> Result:
    from aiogram import Bot
    from aiogram.client.default import DefaultBotProperties
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.enums import ParseMode
    from aiogram.exceptions import TelegramAPIError, TelegramRetryAfter
    from aiolimiter import AsyncLimiter

    from bot.telegram.sender import default_concurrency
    from bot.telegram.session import ResilientSession
    from local_telegram.server import TOKEN

    # The bot's own session (its answer models held, as the sender's bot has them), without `create_bot`'s flood
    # budget: that budget runs at SEND_RATE_PER_SECOND (25/s unpaid by default) and held this loop to 24/s at
    # "1000/s", 2% of the limit, while the limiter below is all a bare loop has.
    session = ResilientSession(api=TelegramAPIServer.from_base(url))
    bot = Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    text = "<b>Alliance announcement</b>\nThe alliance met in Astana."
    # What a user would write: the sender's concurrency and the same leaky bucket, no database, no retries.
    depth = max(1.0, rate / 50)
    limiter = AsyncLimiter(depth, depth / rate)
    chats = iter(range(FIRST_ID, FIRST_ID + SUBSCRIBERS))
    sent = 0
    # The same heap freeze as the sender's run (`freeze_startup_heap`): without it every full collection walks
    # aiogram's start-up objects, which the sender is spared, and the baseline pays 10-25% more per message.
    gc.collect()
    gc.freeze()
    cpu, started = _cpu(), time.monotonic()

    async def worker() -> None:
        nonlocal sent
        for chat_id in chats:
            if time.monotonic() - started > window:
                return
            await limiter.acquire()
            try:
                await bot.send_message(chat_id, text, allow_paid_broadcast=True if paid else None)
                sent += 1
            except TelegramRetryAfter as error:
                await asyncio.sleep(error.retry_after)
            except TelegramAPIError:
                continue

    await asyncio.gather(*(worker() for _ in range(default_concurrency(rate))))
    seconds, cpu = time.monotonic() - started, _cpu() - cpu
    await bot.session.close()
    return Result(
        f"bare aiogram loop, {rate:g}/s" + (" (paid)" if paid else ""), rate, sent, seconds, cpu, _peak_rss_mb()
    )


def run_outbox(url: str, rate: float, paid: bool, window: float, database_url: str) -> Result:
    return asyncio.run(_outbox(url, rate, paid, window, database_url))


async def _outbox(url: str, rate: float, paid: bool, window: float, database_url: str) -> Result:
    from bot.config import Settings
    from bot.runtime.bootstrap import bootstrap, freeze_startup_heap
    from local_telegram.server import TOKEN
    from tests.delivery.helpers import make_entry, subscribe_many

    settings = Settings(
        _env_file=None,
        bot_token=TOKEN,
        telegram_api_url=url,
        database_url=database_url,
        send_rate_per_second=rate,
        paid_broadcast=paid,
    )
    # The bot's own object graph: the sender and the fan-out exactly as `python -m bot run` wires them.
    services = bootstrap(settings)
    db, outbox, sender, delivery = services.db, services.outbox, services.sender, services.delivery
    await db.migrate()
    await subscribe_many(db, range(FIRST_ID, FIRST_ID + SUBSCRIBERS))
    bot = services.bot
    assert bot is not None
    enqueue_cpu, enqueue_started = _cpu(), time.monotonic()
    await delivery.announce([make_entry("Alliance announcement", entry_id=1)])
    enqueue_seconds = time.monotonic() - enqueue_started
    enqueue_cpu = _cpu() - enqueue_cpu
    freeze_startup_heap()  # as `bot run` does once its services are built
    cpu, started = _cpu(), time.monotonic()
    await sender.start(bot)
    # The sender's own counters, not a COUNT over the outbox every 0.2 s: that query cost more CPU per
    # message at 30/s than sending it, and was charged to the sender.
    stats = sender.stats
    while time.monotonic() - started < window and stats.sent + stats.failed + stats.blocked < SUBSCRIBERS:  # noqa: ASYNC110
        await asyncio.sleep(0.2)
    seconds = time.monotonic() - started
    await sender.stop()
    cpu = _cpu() - cpu
    sent = (await outbox.counters(1)).sent
    await bot.session.close()
    await services.close()
    name = (
        f"outbox sender, {rate:g}/s" + (" (paid)" if paid else "") + (" on PG" if "postgresql" in database_url else "")
    )
    return Result(name, rate, sent, seconds, cpu, _peak_rss_mb(), enqueue_seconds, enqueue_cpu)


def measure(job: Any, *args: Any, global_rate: int) -> tuple[Result, dict[str, int]]:
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    stub = context.Process(target=stub_process, args=(child, global_rate), daemon=True)
    stub.start()
    url = parent.recv()
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        result = pool.submit(job, url, *args).result()
    parent.send("stats")
    stats = parent.recv()
    stub.join(10)
    return result, stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=float, default=WINDOW, help="seconds per cut-off run")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("TEST_DATABASE_URL", ""),
        help="PostgreSQL URL (default: TEST_DATABASE_URL) for the paid run on PostgreSQL beside SQLite",
    )
    args = parser.parse_args()
    rows: list[tuple[Result, dict[str, int]]] = []
    with tempfile.TemporaryDirectory() as workdir:
        rows.append(measure(run_baseline, 30.0, False, args.window, global_rate=30))
        rows.append(
            measure(run_outbox, 30.0, False, args.window, f"sqlite+aiosqlite:///{workdir}/30.sqlite3", global_rate=30)
        )
        rows.append(measure(run_baseline, 1000.0, True, 10 * args.window, global_rate=1000))
        rows.append(
            measure(
                run_outbox,
                1000.0,
                True,
                10 * args.window,
                f"sqlite+aiosqlite:///{workdir}/1000.sqlite3",
                global_rate=1000,
            )
        )
    if args.postgres:
        from tests.conftest import postgres_database

        database = postgres_database(args.postgres)
        pg_url = asyncio.run(database.__aenter__())
        try:
            rows.append(measure(run_outbox, 1000.0, True, 10 * args.window, pg_url, global_rate=1000))
        finally:
            asyncio.run(database.__aexit__())
    print(f"{SUBSCRIBERS} subscribers, stub latency {LATENCY * 1000:.0f} ms, cut-off window {args.window:g} s")
    print(
        f"{'run':30} {'sent':>6} {'secs':>5} {'rate/s':>7} {'of limit':>8} {'429s':>5} "
        f"{'CPU µs/msg':>10} {'peak MB':>8}"
    )
    for result, stats in rows:
        print(
            f"{result.name:30} {result.sent:6d} {result.seconds:5.1f} {result.rate:7.1f} "
            f"{result.rate / result.limit:8.0%} {stats['rate_limited']:5d} {result.cpu_us_per_message:10.0f} "
            f"{result.peak_rss_mb:8.0f}"
        )
    base30, out30, base1000, out1000 = (r for r, _ in rows[:4])
    print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"enqueue of {SUBSCRIBERS} rows: {out1000.enqueue_seconds:.2f} s, {out1000.enqueue_cpu_seconds:.2f} s CPU")
    print(f"achieved rate / limit at 30/s: sender {out30.rate / 30:.3f}, bare loop {base30.rate / 30:.3f}")
    print(f"achieved rate / limit at 1000/s: sender {out1000.rate / 1000:.3f}, bare loop {base1000.rate / 1000:.3f}")
    for label, out, base in (("30/s", out30, base30), ("1000/s", out1000, base1000)):
        ratio = out.cpu_us_per_message / base.cpu_us_per_message
        print(f"sender CPU per message / bare aiogram loop at {label}: {ratio:.2f}x")
    if len(rows) > 4:
        pg = rows[4][0]
        print(f"ratio PostgreSQL/SQLite achieved rate at 1000/s: {pg.rate / out1000.rate:.2f}x")


if __name__ == "__main__":
    main()
