"""The Bot API session: survives a malformed update instead of stalling polling, and waits out flood limits.

aiogram reads every answer into `Response[T]`, a pydantic generic model that pydantic caches weakly: with nothing
else holding it, the next collection of the cyclic GC frees it and the next call builds it again (6-9 ms of CPU for
a message or a batch of updates). The session holds each one it has used, so it is built once per process.

Every call the bot makes goes through `FloodLimits` (registered on the session in `create_bot`): it waits for the
shared budget (`bot.telegram.flood.FloodControl`) before it goes, and a reply, an edit, a callback answer or an
alert that meets a 429 is sent again once the pause is over instead of being lost.
"""

from __future__ import annotations

import logging
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
from bot.telegram.flood import BULK, FloodControl, chat_of

logger = logging.getLogger(__name__)
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


class FloodLimits(BaseRequestMiddleware):
    """Every call takes its slot from the shared `FloodControl` before it goes, and a 429 pauses what it names.

    A reply, an edit, a callback answer or an alert that meets a 429 waits for the pause (with every other call
    that waits) and goes again; only a wait beyond `patience` seconds in all gives up (a user would have given
    up too, and the handler would hold its update that long). getUpdates is the bot listening, not sending: it
    is never held. Calls made under `BULK` (the sender's workers) yield to replies and hand their 429s back to
    the outbox, which retries the row later instead of holding a worker.
    """

    def __init__(self, flood: FloodControl, *, patience: float = 300.0) -> None:
        self.flood = flood
        self._patience = patience

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot, method: TelegramMethod[TelegramType]
    ) -> Response[TelegramType]:
        listening = isinstance(method, GetUpdates)  # a flag, so that `method` keeps its generic type
        if listening:
            return await make_request(bot, method)
        chat_id = chat_of(method)
        bulk = BULK.get()
        waited = 0.0
        while True:
            await self.flood.acquire(chat_id, bulk=bulk)
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                RATE_LIMITED.inc()
                self.flood.rate_limited(chat_id, error.retry_after)
                waited += error.retry_after
                if bulk or waited > self._patience:
                    raise
                API_RETRIES.labels(method=type(method).__name__).inc()


def flood_of(bot: Bot) -> FloodControl | None:
    """The budget the bot's calls take their turns from (None for a bot not made by `create_bot`)."""
    for middleware in bot.session.middleware:
        if isinstance(middleware, FloodLimits):
            return middleware.flood
    return None
