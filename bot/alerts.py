"""Alerts to admins: a source disabled, the sender stalled, a crash. Rate-limited per kind."""

from __future__ import annotations

import html
import logging
import time

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError

from bot.config import Settings
from bot.i18n import localizer
from bot.rendering.utf16 import utf16_fit, utf16_len

logger = logging.getLogger(__name__)


class AdminAlerts:
    """Sends alert texts to ADMIN_CHAT_ID, or to every admin in ADMIN_IDS.

    The same `key` alerts at most once per `min_interval` seconds, so a flapping source cannot flood
    the admins. The bot is attached in the startup hook; alerts before that are only logged.
    """

    def __init__(self, settings: Settings, *, min_interval: float = 600.0) -> None:
        self._settings = settings
        self._min_interval = min_interval
        self._last: dict[str, float] = {}
        self._bot: Bot | None = None

    def attach(self, bot: Bot) -> None:
        self._bot = bot

    @property
    def bot(self) -> Bot | None:
        return self._bot

    def recipients(self) -> list[int]:
        """ADMIN_CHAT_ID when set, else every admin."""
        if self._settings.admin_chat_id is not None:
            return [self._settings.admin_chat_id]
        return sorted(self._settings.admin_ids)

    async def notify(self, text: str, *, key: str | None = None) -> bool:
        """Send a plain-text alert (escaped here); returns False when rate-limited or undeliverable."""
        now = time.monotonic()
        key = key or text
        last = self._last.get(key)
        if last is not None and now - last < self._min_interval:
            logger.info("alert.suppressed", extra={"key": key})
            return False
        self._last[key] = now
        logger.warning("alert", extra={"key": key, "text": text})
        if self._bot is None:
            return False
        heading = localizer(self._settings.default_language)("alert-heading")
        delivered = False
        for chat_id in self.recipients():
            try:
                await self._bot.send_message(chat_id, _alert_html(heading, text), parse_mode="HTML")
                delivered = True
            except (TelegramAPIError, TelegramNetworkError) as error:
                logger.warning("alert.undeliverable", extra={"chat_id": chat_id, "error": str(error)})
        return delivered


ALERT_LIMIT = 4000  # UTF-16 units of visible text, what Telegram counts; a little under its 4096


def _alert_html(heading: str, text: str) -> str:
    """The alert as HTML, its text cut in UTF-16 units (emoji and most CJK count twice) before escaping,
    so no entity is cut in half and Telegram never refuses it as too long."""
    room = max(0, ALERT_LIMIT - utf16_len(heading) - 1)
    cut = text[: utf16_fit(text, room)]
    return f"{heading}\n{html.escape(cut, quote=False)}"
