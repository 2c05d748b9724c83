"""Editing a message into what it already shows is not an error: one place says so, for every edit the bot makes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import EditMessageCaption, EditMessageMedia, EditMessageReplyMarkup, EditMessageText

from bot.telegram.errors import Verdict, verdict

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import TelegramMethod

EDITS = (EditMessageText, EditMessageReplyMarkup, EditMessageCaption, EditMessageMedia)


class UnchangedEditIsDone(BaseRequestMiddleware):
    """Telegram refuses an edit that changes nothing (a double tap, a report with the same figures) with
    "message is not modified"; the message already shows what was asked, so the edit counts as done (True,
    what Telegram answers for an edit of an inline message)."""

    async def __call__(
        self, make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
    ) -> Any:
        try:
            return await make_request(bot, method)
        except TelegramBadRequest as error:
            if isinstance(method, EDITS) and verdict(error) is Verdict.UNCHANGED:
                return True
            raise
