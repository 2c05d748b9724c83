"""The bot as the long benchmarks run it: `python -m bot run` in a subprocess against the local stub."""

from __future__ import annotations

import os
from pathlib import Path

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
