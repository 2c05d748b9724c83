"""The live broadcast report: one message per broadcast, edited as delivery goes on; the final one stays."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import localizer
from bot.services.admin.broadcasts import BroadcastService, Progress
from bot.telegram.callbacks import BroadcastAction, BroadcastStep
from storage.broadcasts import Broadcast

logger = logging.getLogger(__name__)


def report_text(progress: Progress) -> str:
    """Sent, failed, blocked and left, with the rate and the time still needed, in the admin's language."""
    broadcast, counters = progress.broadcast, progress.counters
    l10n = localizer(broadcast.report_language)
    # A broadcast whose rows are all handled reads as done even before the job marks it so.
    state = "done" if broadcast.status == "sending" and progress.done else broadcast.status
    eta = l10n("admin-seconds", count=progress.eta_seconds) if progress.eta_seconds is not None else "—"
    return l10n(
        "admin-bc-report",
        id=broadcast.id,
        state=l10n(f"admin-bc-state-{state}"),
        total=broadcast.recipients,
        sent=counters.sent,
        failed=counters.failed,
        blocked=counters.blocked,
        left=counters.queued,
        cancelled=counters.cancelled,
        rate=f"{progress.rate:.1f}",
        eta=eta,
    )


def cancel_keyboard(broadcast: Broadcast) -> InlineKeyboardMarkup:
    """The one button of a running or scheduled broadcast."""
    text = localizer(broadcast.report_language)("admin-bc-button-cancel")
    data = BroadcastAction(broadcast=broadcast.id, action=BroadcastStep.CANCEL).pack()
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text=text, callback_data=data)]])


async def post_report(bot: Bot, service: BroadcastService, broadcast: Broadcast) -> None:
    """Send the first report to the admin who made the broadcast and remember it; a broadcast whose last send is
    done already gets its final report (done, without the Cancel button) at once."""
    progress = await service.report_progress(broadcast)
    keyboard = None if progress.final else cancel_keyboard(broadcast)
    try:
        sent = await bot.send_message(broadcast.created_by, report_text(progress), reply_markup=keyboard)
    except TelegramAPIError as error:
        logger.warning("broadcast.report_failed", extra={"broadcast": broadcast.id, "error": str(error)})
        return
    await service.set_report(broadcast.id, sent.chat.id, sent.message_id)


async def update_report(bot: Bot, progress: Progress, *, final: bool) -> None:
    """Edit the report in place; the final one has no button. An unchanged report is not an error."""
    broadcast = progress.broadcast
    if broadcast.report_chat_id is None or broadcast.report_message_id is None:
        return
    try:
        await bot.edit_message_text(
            text=report_text(progress),
            chat_id=broadcast.report_chat_id,
            message_id=broadcast.report_message_id,
            reply_markup=None if final else cancel_keyboard(broadcast),
        )
    except TelegramAPIError as error:
        logger.warning("broadcast.report_failed", extra={"broadcast": broadcast.id, "error": str(error)})


async def tell_expired(bot: Bot, broadcast: Broadcast) -> None:
    """Tell the drafter that nobody approved their broadcast in time."""
    text = localizer(broadcast.report_language)("admin-bc-expired-drafter", id=broadcast.id)
    try:
        await bot.send_message(broadcast.created_by, text)
    except TelegramAPIError as error:
        logger.warning("broadcast.expired_notice_failed", extra={"broadcast": broadcast.id, "error": str(error)})
