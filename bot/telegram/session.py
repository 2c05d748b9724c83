"""The Bot API session: survives a malformed update instead of stalling polling, and waits out flood limits.

aiogram reads every answer into `Response[T]`, a pydantic generic model that pydantic caches weakly: with nothing
else holding it, the next collection of the cyclic GC frees it and the next call builds it again (6-9 ms of CPU for
a message or a batch of updates). The session holds each one it has used, so it is built once per process.

Every call the bot makes goes through `FloodRetry` (registered on the session in `create_bot`), so a reply, an
edit, a callback answer or an alert that meets a 429 is sent again after `retry_after` instead of being lost.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import random
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import Update
from pydantic import ValidationError

from bot.runtime.metrics import API_RETRIES, RATE_LIMITED

logger = logging.getLogger(__name__)
# Set by the sender's workers: their 429s go back to the outbox, which pauses only the chat concerned,
# instead of holding a worker (and every chat behind it) for the whole wait.
OWN_RETRIES: contextvars.ContextVar[bool] = contextvars.ContextVar("own_retries", default=False)
# Each answer model used so far, held so that pydantic's weak cache keeps it (a few KB each, one per result type).
_RESPONSE_MODELS: dict[Any, type[Response[Any]]] = {}


class ResilientSession(AiohttpSession):
    """Validates getUpdates results one update at a time, and builds each answer model once (see above).

    aiogram validates the whole batch at once; one update it cannot parse would fail every poll at
    the same offset forever. Here a bad update is logged and replaced by an empty one with the same
    id, so the offset moves past it and the other updates of the batch are handled.
    """

    def check_response(
        self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int, content: str
    ) -> Response[TelegramType]:
        returning = method.__returning__
        if returning not in _RESPONSE_MODELS:
            _RESPONSE_MODELS[returning] = Response[returning]  # type: ignore[valid-type]
        try:
            return super().check_response(bot, method, status_code, content)
        except Exception:
            if not isinstance(method, GetUpdates):
                raise
            data = self.json_loads(content)
            if not (isinstance(data, dict) and data.get("ok") and isinstance(data.get("result"), list)):
                raise
        updates = [self._one_update(bot, raw) for raw in data["result"]]
        return Response[list[Update]](ok=True, result=updates)  # type: ignore[return-value]

    @staticmethod
    def _one_update(bot: Bot, raw: Any) -> Update:
        try:
            return Update.model_validate(raw, context={"bot": bot})
        except ValidationError as error:
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            if not isinstance(update_id, int):
                raise
            logger.warning("update.malformed", extra={"update_id": update_id, "error": error.errors()[0]["msg"]})
            return Update(update_id=update_id)


class FloodRetry(BaseRequestMiddleware):
    """Repeats a call Telegram answered with 429 after its `retry_after`, up to `attempts` times.

    A wait longer than `max_wait` seconds is not waited out (a user would have given up, and a handler
    would hold its update that long); the error is raised as before. getUpdates has its own backoff in the
    dispatcher, and calls made under `OWN_RETRIES` handle their 429s themselves.
    """

    def __init__(self, *, attempts: int = 5, max_wait: float = 60.0) -> None:
        self._attempts = attempts
        self._max_wait = max_wait

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        attempt = 1
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                if OWN_RETRIES.get():
                    raise
                RATE_LIMITED.inc()
                if isinstance(method, GetUpdates) or attempt >= self._attempts or error.retry_after > self._max_wait:
                    raise
                name = type(method).__name__
                API_RETRIES.labels(method=name).inc()
                logger.info("api.retry_after", extra={"method": name, "retry_after": error.retry_after})
                # A little jitter, so a burst of calls limited together does not come back as one burst.
                await asyncio.sleep(error.retry_after + random.uniform(0, 0.5))
                attempt += 1
