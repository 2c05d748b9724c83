"""CPU of the running bot with nothing to do: `python -m bot run` against the local stub, no feed, no message.

    python -m bench.idle [--seconds 180] [--warm-up 20]

The bot runs in a subprocess on a fresh SQLite database (or `--database URL`); once /healthz answers and the
warm-up has passed, its CPU (utime + stime of all its threads, from /proc) is read over `--seconds`. The stub
holds each getUpdates for up to 25 s, as Telegram does (aiogram asks for 10 s). Baseline in the same run, against
the same stub: a bare aiogram bot doing long polling and nothing else (the floor of any aiogram bot that polls),
measured the same way from its first getUpdates on.
Printed: the share of one core each uses, and the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import tempfile
import time

from bench._botprocess import bot_env, cpu_seconds, free_port, wait_healthy
from local_telegram import BotAPIStub
from local_telegram.server import TOKEN

BARE_BOT = """
import asyncio, sys
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

async def main() -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(sys.argv[1]))
    await Dispatcher().start_polling(Bot(sys.argv[2], session=session), handle_signals=True)

asyncio.run(main())
"""


async def _measure(process: asyncio.subprocess.Process, warm_up: float, seconds: float) -> float:
    """Share of one core the process used over `seconds`, after `warm_up`."""
    await asyncio.sleep(warm_up)
    cpu, wall = cpu_seconds(process.pid), time.monotonic()
    await asyncio.sleep(seconds)
    if process.returncode is not None:
        raise RuntimeError(f"the process exited with {process.returncode}")
    return (cpu_seconds(process.pid) - cpu) / (time.monotonic() - wall)


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)


async def idle(seconds: float, warm_up: float, database: str) -> None:
    stub = BotAPIStub()
    stub.max_long_poll = 25.0
    await stub.start()
    try:
        with tempfile.TemporaryDirectory() as workdir:
            port = free_port()
            env = bot_env(
                stub,
                database or f"sqlite+aiosqlite:///{workdir}/idle.sqlite3",
                LOG_LEVEL="WARNING",
                HEALTH_PORT=str(port),
            )
            bot = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=workdir, env=env, stderr=asyncio.subprocess.DEVNULL
            )
            try:
                await wait_healthy(f"http://127.0.0.1:{port}/healthz", bot, 120)
                bot_share = await _measure(bot, warm_up, seconds)
            finally:
                await _stop(bot)
        polls = len(stub.calls_of("getUpdates"))
        bare = await asyncio.create_subprocess_exec(
            sys.executable, "-c", BARE_BOT, stub.url, TOKEN, stderr=asyncio.subprocess.DEVNULL
        )
        try:
            # Its imports done (aiogram's take seconds of CPU): as the bot's /healthz, the start of the clock.
            await stub.wait_until(lambda: len(stub.calls_of("getUpdates")) > polls, 120)
            bare_share = await _measure(bare, warm_up, seconds)
        finally:
            await _stop(bare)
    finally:
        await stub.stop()
    print(f"idle over {seconds:g} s after a {warm_up:g} s warm-up (getUpdates long-polled, 10 s)")
    print(f"bot (python -m bot run): {bot_share * 100:.3f}% of a core ({bot_share * 86400 / 60:.1f} CPU-min a day)")
    print(f"bare aiogram long polling: {bare_share * 100:.3f}% of a core")
    print(f"ratio: {bot_share / bare_share if bare_share else float('inf'):.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--warm-up", type=float, default=20.0)
    parser.add_argument("--database", default="", help="DATABASE_URL of the bot (default: a fresh SQLite file)")
    args = parser.parse_args()
    asyncio.run(idle(args.seconds, args.warm_up, args.database))


if __name__ == "__main__":
    main()
