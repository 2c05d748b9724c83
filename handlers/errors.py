"""The one errors handler of the dispatcher: log once, apologise in the user's language, alert the admins."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramRetryAfter
from aiogram.types import ErrorEvent

from bot.config import Settings
from bot.i18n import Localizer, localizer
from bot.telegram.alerts import AdminAlerts
from domain.alerts import Alert

logger = logging.getLogger(__name__)


async def apologise(event: ErrorEvent, bot: Bot, alerts: AdminAlerts, settings: Settings, **data: Any) -> bool:
    """A handler failed: the user hears so instead of silence, the admins get one alert per kind of error."""
    error = event.exception
    if isinstance(error, TelegramRetryAfter):
        # Telegram kept refusing for longer than a reply waits (FloodLimits' patience): an apology would be refused
        # the same way, and a flood limit is not the user's error to hear about.
        logger.warning(
            "update.rate_limited", extra={"update_id": event.update.update_id, "retry_after": error.retry_after}
        )
        return True
    logger.error("update.failed", exc_info=error, extra={"update_id": event.update.update_id})
    l10n: Localizer = data.get("l10n") or localizer(settings.default_language)
    update = event.update
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(l10n("error-apology"), show_alert=True)
        elif update.message is not None:
            await bot.send_message(
                update.message.chat.id, l10n("error-apology"), message_thread_id=update.message.message_thread_id
            )
    except (TelegramAPIError, TelegramNetworkError) as failure:
        logger.warning("update.apology_failed", extra={"update_id": update.update_id, "error": str(failure)})
    kind = type(error).__name__
    await alerts.notify(Alert("admin-alert-handler-error", {"error": kind}, key=f"handler-error:{kind}"))
    return True
