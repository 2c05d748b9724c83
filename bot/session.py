"""An aiohttp Bot API session that survives a malformed update instead of stalling polling."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import Update
from pydantic import ValidationError

logger = logging.getLogger(__name__)


class ResilientSession(AiohttpSession):
    """Validates getUpdates results one update at a time.

    aiogram validates the whole batch at once; one update it cannot parse would fail every poll at
    the same offset forever. Here a bad update is logged and replaced by an empty one with the same
    id, so the offset moves past it and the other updates of the batch are handled.
    """

    def check_response(
        self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int, content: str
    ) -> Response[TelegramType]:
        try:
            return super().check_response(bot, method, status_code, content)
        except Exception:
            if not isinstance(method, GetUpdates):
                raise
            data = self.json_loads(content)
            if not (isinstance(data, dict) and data.get("ok") and isinstance(data.get("result"), list)):
                raise
        updates: list[Update] = []
        for raw in data["result"]:
            updates.append(self._one_update(bot, raw))
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
