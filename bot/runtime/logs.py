"""Logging: one line per event, `key=value` (or JSON); the bot token and URL credentials are scrubbed from each."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

# Anything shaped like a bot token, wherever it shows up (URLs in tracebacks, repr of objects).
TOKEN_PATTERN = re.compile(r"(?<![0-9])[0-9]{5,}:[A-Za-z0-9_-]{30,}")
_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


# `user:password@` in any URL (TELEGRAM_API_URL, DATABASE_URL, WEBHOOK_URL, a source): greedy up to the last `@`
# of the authority, so a password with an unescaped `@` is hidden whole.
_URL_USERINFO = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)[^\s/?#'\"<>]*@")
_URL_SECRET_PARAMETER = re.compile(
    r"(?P<name>[?&;](?:password|passwd|pwd|secret|token|access_token|api_key|apikey)=)[^&#\s'\"<>]+", re.IGNORECASE
)


def scrub(text: str) -> str:
    """Replace anything that looks like a bot token, and credentials inside URLs (user info, secret parameters)."""
    text = _URL_USERINFO.sub(r"\g<scheme>***@", text)
    text = _URL_SECRET_PARAMETER.sub(r"\g<name>***", text)
    return TOKEN_PATTERN.sub("<token>", text)


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    return {key: value for key, value in vars(record).items() if key not in _RESERVED}


def _quote(value: Any) -> str:
    text = str(value)
    return json.dumps(text, ensure_ascii=False) if not text or re.search(r"[\s\"=]", text) else text


class KeyValueFormatter(logging.Formatter):
    """`2026-11-27T10:00:00Z INFO bot.services.ingestion poll.done source=3 duration_ms=12`."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        parts = [when, record.levelname, record.name, _quote(record.getMessage())]
        parts += [f"{key}={_quote(value)}" for key, value in _fields(record).items()]
        if record.exc_info:
            parts.append("exc=" + _quote(self.formatException(record.exc_info)))
        return scrub(" ".join(parts))


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log shippers."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
            **{
                key: value if isinstance(value, int | float | bool) else str(value)
                for key, value in _fields(record).items()
            },
        }
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return scrub(json.dumps(payload, ensure_ascii=False))


class RoutineAtDebug(logging.Filter):
    """The scheduler's routine lines ("Running job", "executed successfully", "Added job") are DEBUG: at INFO they
    were most of a quiet bot's log. Its warnings (a missed run) and errors stay as they are."""

    ROUTINE = ("apscheduler",)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.INFO and record.name.startswith(self.ROUTINE):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger().isEnabledFor(logging.DEBUG)
        return True


def configure_logging(level: str = "INFO", fmt: str = "text") -> None:
    """Send all logs to stderr (results of commands go to stdout), one line per event."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else KeyValueFormatter())
    handler.addFilter(RoutineAtDebug())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # aiohttp's access log repeats what our own lines say.
    for noisy in ("aiohttp.access", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
