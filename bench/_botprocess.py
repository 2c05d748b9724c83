"""The bot as the long benchmarks run it: `python -m bot run` in a subprocess against the local stub."""

from __future__ import annotations

import asyncio
import os
import socket
import time
from pathlib import Path

import aiohttp

from local_telegram import BotAPIStub
from local_telegram.server import TOKEN

REPO_ROOT = Path(__file__).resolve().parent.parent


def bot_env(stub: BotAPIStub, database_url: str, **settings: str) -> dict[str, str]:
    """The environment of a bot process on the stub and a local feed site (polled every 10 s, due sources
    looked for every 5 s), with `settings` (SETTING_NAME=value) on top."""
    return os.environ | {
        "PYTHONPATH": str(REPO_ROOT),
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": stub.url,
        "DATABASE_URL": database_url,
        "ALLOW_PRIVATE_SOURCES": "true",
        "DEFAULT_SOURCES": "false",
        "POLL_INTERVAL_SECONDS": "10",
        **settings,
    }


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on (for the bot's /healthz)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_healthy(url: str, process: asyncio.subprocess.Process, within: float) -> float:
    """Wait until the bot's /healthz answers 200; returns that moment (time.monotonic())."""
    deadline = time.monotonic() + within
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if process.returncode is not None:
                raise RuntimeError(f"the bot exited with {process.returncode}")
            try:
                async with session.get(url, timeout=aiohttp.ClientTimeout(total=1)) as response:
                    if response.status == 200:
                        return time.monotonic()
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.02)
    raise TimeoutError("/healthz never answered 200")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
