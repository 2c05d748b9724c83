"""Alerts to admins: a source disabled, the sender stalled, a crash. Rate-limited per kind.

An alert is a text id with its arguments, not a finished text: each admin chat reads it in its own
language (the one it chose with /language or /start; the default language before that), with buttons
that do what the alert asks for (a disabled source gets "Enable"), never a shell command to type.
"""

from __future__ import annotations

import html
import logging
import time

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.config import Settings
from bot.i18n import localizer
from bot.rendering.utf16 import utf16_fit, utf16_len
from bot.telegram.callbacks import SourceAction, SourcePage, SourceStep
from domain.alerts import Alert, AlertButton
from domain.sources import SourceTrouble
from storage.chats import ChatRepository

logger = logging.getLogger(__name__)


def plain(alert: Alert, language: str) -> str:
    """The alert's text in `language`, without markup."""
    return html.unescape(localizer(language)(alert.text, **alert.args))


def render(alert: Alert, language: str) -> tuple[str, InlineKeyboardMarkup | None]:
    """The alert's HTML (heading, then the text cut in UTF-16 units) and its buttons, in `language`."""
    l10n = localizer(language)
    markup = None
    if alert.buttons:
        rows = [
            [InlineKeyboardButton(text=html.unescape(l10n(b.label, **b.args)), callback_data=b.callback_data)]
            for b in alert.buttons
        ]
        markup = InlineKeyboardMarkup(inline_keyboard=rows)
    return _alert_html(l10n("alert-heading"), plain(alert, language)), markup


class AdminAlerts:
    """Sends alerts to ADMIN_CHAT_ID, or to every admin in ADMIN_IDS, each in its chat's language.

    The same key alerts at most once per `min_interval` seconds, so a flapping source cannot flood the
    admins. The bot is attached in the startup hook; alerts before that are only logged.
    """

    def __init__(self, settings: Settings, chats: ChatRepository | None = None, *, min_interval: float = 600.0) -> None:
        self._settings = settings
        self._chats = chats
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

    async def audience(self) -> list[tuple[int, str]]:
        """Each recipient chat with its language: the chat's own once it has one, else the default.

        Alerts matter most when the database is failing: then they go out in the default language.
        """
        default = self._settings.default_language
        found: list[tuple[int, str]] = []
        for chat_id in self.recipients():
            try:
                chat = await self._chats.get(chat_id) if self._chats is not None else None
            except Exception as error:  # noqa: BLE001 - any database failure: the alert still goes out
                logger.warning("alert.language_unknown", extra={"chat_id": chat_id, "error": str(error)})
                chat = None
            found.append((chat_id, chat.language if chat else default))
        return found

    async def notify(self, alert: Alert) -> bool:
        """Send the alert to every admin chat; False when rate-limited or delivered to none."""
        now = time.monotonic()
        key = alert.rate_key
        last = self._last.get(key)
        if last is not None and now - last < self._min_interval:
            logger.info("alert.suppressed", extra={"key": key})
            return False
        self._last[key] = now
        logger.warning("alert", extra={"key": key, "text": render(alert, self._settings.default_language)[0]})
        if self._bot is None:
            return False
        delivered = False
        for chat_id, language in await self.audience():
            text, markup = render(alert, language)
            try:
                await self._bot.send_message(chat_id, text, parse_mode="HTML", reply_markup=markup)
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


def source_trouble_alert(trouble: SourceTrouble) -> Alert:
    """A source given up on: the admins read why, with a button that enables it again and one for the list; a
    site's refusal: the status and how many failures disable it."""
    if not trouble.disabled:
        args: dict[str, object] = {"source": trouble.name, "status": trouble.status, "threshold": trouble.threshold}
        return Alert("feeds-alert-refused", args, key=f"source-refused:{trouble.source_id}")
    buttons = (
        AlertButton(
            "feeds-alert-button-enable",
            SourceAction(source=trouble.source_id, action=SourceStep.RESUME).pack(),
            {"id": str(trouble.source_id)},
        ),
        AlertButton("feeds-alert-button-sources", SourcePage(page=0).pack()),
    )
    args = {"source": trouble.name, "failures": trouble.failures, "error": trouble.error}
    return Alert("feeds-alert-disabled", args, key=f"source-disabled:{trouble.source_id}", buttons=buttons)
