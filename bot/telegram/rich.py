"""Sending an article as one rich message (`sendRichMessage`, Bot API 10.1), falling back to the split HTML.

Telegram decides per message: a server without the method (404, an older Bot API) turns rich messages off for
the life of the process, so each later message goes straight to the split HTML messages instead of failing
first; a 400 for one message's rich content (a block or a medium refused) sends that message as split HTML
and keeps trying rich for the next. The sender calls `send` and `edit`; None means "send the fallback".
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramNotFound
from aiogram.methods import EditMessageText, SendRichMessage
from aiogram.types import InputRichMessage
from pydantic import ValidationError

from bot.telegram.flood import FloodControl
from bot.telegram.requests import PreparedRequest

logger = logging.getLogger(__name__)
# Rich messages whose requests are kept: those of the fan-outs running now. Validating and encoding a long
# article takes tens of milliseconds, once per message instead of once per recipient.
PREPARED_CACHE_SIZE = 16


def _chat_gone(error: str) -> bool:
    # The same refusals bot/telegram/sender.py treats as a chat the bot can no longer write to: the split
    # messages would meet them too, so they are the sender's to handle, not a reason to fall back.
    text = error.lower()
    return "chat not found" in text or "user is deactivated" in text or "bot was kicked" in text


class RichMessages:
    """Whether this process still sends rich messages, and sending them. `enabled=False` (RICH_MESSAGES=false)
    never tries."""

    def __init__(self, *, enabled: bool = True) -> None:
        self.enabled = enabled
        # id of the message dict -> (the dict, kept alive so the id is not reused; paid; its request)
        self._prepared: OrderedDict[int, tuple[dict[str, Any], bool, PreparedRequest]] = OrderedDict()

    async def send(
        self, bot: Bot, chat_id: int, thread: int | None, rich: dict[str, Any], *, paid: bool, flood: FloodControl
    ) -> int | None:
        """Send `rich` (an InputRichMessage dict) within the bot's flood budget; its message id, or None when
        Telegram refused rich messages (the fallback then takes a slot of its own)."""
        if not self.enabled:
            return None
        try:
            request = self._request(bot, rich, paid)
        except ValidationError as error:  # a rendering aiogram's model refuses: Telegram never sees it
            logger.warning("rich.invalid", extra={"chat_id": chat_id, "error": str(error)[:500], "fallback": "split"})
            return None
        try:
            sent = await request.send(bot, chat_id, thread, flood)
        except TelegramNotFound as error:
            self._unavailable(error.message)
            return None
        except TelegramBadRequest as error:
            if _chat_gone(error.message):
                raise
            logger.info("rich.refused", extra={"chat_id": chat_id, "error": error.message, "fallback": "split"})
            return None
        return sent

    def _request(self, bot: Bot, rich: dict[str, Any], paid: bool) -> PreparedRequest:
        """The message's request, built once and shared by its recipients (the sender's cached rendering
        hands every row of one message the same dict)."""
        cached = self._prepared.get(id(rich))
        if cached is not None and cached[0] is rich and cached[1] == paid:
            self._prepared.move_to_end(id(rich))
            return cached[2]
        method = SendRichMessage(
            chat_id=0,
            rich_message=InputRichMessage.model_validate(rich),
            allow_paid_broadcast=True if paid else None,
        )
        request = PreparedRequest(bot, method)
        self._prepared[id(rich)] = (rich, paid, request)
        while len(self._prepared) > PREPARED_CACHE_SIZE:
            self._prepared.popitem(last=False)
        return request

    async def edit(self, bot: Bot, chat_id: int, message_id: int, rich: dict[str, Any]) -> None:
        """Rewrite a rich message in place (editMessageText's rich_message, Bot API 10.1); a refusal other than
        "not modified" is the sender's to handle."""
        method = EditMessageText(
            chat_id=chat_id, message_id=message_id, rich_message=InputRichMessage.model_validate(rich)
        )
        try:
            await bot(method)
        except TelegramBadRequest as error:
            if "not modified" not in error.message:
                raise

    def _unavailable(self, error: str) -> None:
        if self.enabled:
            logger.warning("rich.unavailable", extra={"error": error, "fallback": "split HTML for this process"})
        self.enabled = False
