"""Sending an article as one rich message (`sendRichMessage`, Bot API 10.1), falling back to the split HTML.

Telegram decides per message: a server without the method (404, an older Bot API) turns rich messages off for
the life of the process, so each later message goes straight to the split HTML messages instead of failing
first; a 400 for one message's rich content (a block or a medium refused) sends that message as split HTML
and keeps trying rich for the next. The sender calls `send` and `edit`; None means "send the fallback".
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramNotFound
from aiogram.methods import EditMessageText, SendRichMessage
from aiogram.types import InputRichMessage

logger = logging.getLogger(__name__)


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

    async def send(self, bot: Bot, chat_id: int, thread: int | None, rich: dict[str, Any], *, paid: bool) -> int | None:
        """Send `rich` (an InputRichMessage dict); its message id, or None when Telegram refused rich messages."""
        if not self.enabled:
            return None
        method = SendRichMessage(
            chat_id=chat_id,
            rich_message=InputRichMessage.model_validate(rich),
            message_thread_id=thread,
            allow_paid_broadcast=True if paid else None,
        )
        try:
            sent = await bot(method)
        except TelegramNotFound as error:
            self._unavailable(error.message)
            return None
        except TelegramBadRequest as error:
            if _chat_gone(error.message):
                raise
            logger.info("rich.refused", extra={"chat_id": chat_id, "error": error.message, "fallback": "split"})
            return None
        return sent.message_id

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
