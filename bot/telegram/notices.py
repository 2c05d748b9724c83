"""Held entries reach the admins as the subscribers would see them, with Approve / Edit title / Skip buttons; a
broadcast waiting for a second admin reaches the other admins with Approve / Reject."""

from __future__ import annotations

import logging
from datetime import datetime

from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import localizer
from bot.rendering import MESSAGE_LIMIT
from bot.rendering.cut import truncate_tokens
from bot.rendering.entry import entry_tokens
from bot.rendering.markup import parse_telegram_html, visible_text
from bot.rendering.utf16 import utf16_len
from bot.telegram.alerts import AdminAlerts
from bot.telegram.callbacks import ApprovalStep, BroadcastApproval, ModerationAction, ModerationStep, WhyEntry
from domain.entries import StoredEntry
from domain.localtime import chat_zone, format_moment
from storage.broadcasts import Broadcast

logger = logging.getLogger(__name__)


def moderation_keyboard(entry_id: int, language: str) -> InlineKeyboardMarkup:
    """Approve, edit the title, or skip; and below, what became of the entry so far (/why)."""
    l10n = localizer(language)
    buttons = [
        InlineKeyboardButton(
            text=l10n(f"admin-mod-button-{action}"),
            callback_data=ModerationAction(entry=entry_id, action=action).pack(),
        )
        for action in ModerationStep
    ]
    why = InlineKeyboardButton(text=l10n("admin-why-button"), callback_data=WhyEntry(entry=entry_id).pack())
    return InlineKeyboardMarkup(inline_keyboard=[buttons, [why]])


def moderation_text(entry: StoredEntry, language: str) -> str:
    """The entry rendered for subscribers, under a line saying it waits for approval; the whole notice within
    Telegram's 4096 UTF-16 units (the entry alone may fill them, and a longer notice would be refused)."""
    heading = localizer(language)("admin-mod-held")
    room = MESSAGE_LIMIT - utf16_len(visible_text(parse_telegram_html(heading))) - 2
    return f"{heading}\n\n{truncate_tokens(entry_tokens(entry, language), room)}"


class HeldEntryNotices:
    """Posts each held entry to the admin chat, or to every admin, in that chat's language (bot from the alerts)."""

    def __init__(self, alerts: AdminAlerts) -> None:
        self._alerts = alerts

    async def __call__(self, entry: StoredEntry) -> None:
        bot = self._alerts.bot
        if bot is None:
            return
        for chat_id, language in await self._alerts.audience():
            try:
                await bot.send_message(
                    chat_id, moderation_text(entry, language), reply_markup=moderation_keyboard(entry.id, language)
                )
            except TelegramAPIError as error:
                logger.warning("moderation.notice_failed", extra={"chat_id": chat_id, "error": str(error)})


def approval_keyboard(broadcast_id: int, language: str) -> InlineKeyboardMarkup:
    """Approve or reject a broadcast waiting for a second admin."""
    l10n = localizer(language)
    buttons = [
        InlineKeyboardButton(
            text=l10n(f"admin-bc-button-{step.value}"),
            callback_data=BroadcastApproval(broadcast=broadcast_id, action=step).pack(),
        )
        for step in ApprovalStep
    ]
    return InlineKeyboardMarkup(inline_keyboard=[buttons])


async def ask_second_admins(alerts: AdminAlerts, broadcast: Broadcast, expires_at: datetime, timezone: str) -> int:
    """Show a broadcast waiting for approval to every admin chat but its drafter's: the message as recipients will
    see it, then who drafted it, for whom, until when, with Approve / Reject; returns the chats told."""
    bot = alerts.bot
    if bot is None:
        return 0
    told = 0
    for chat_id, language in await alerts.audience():
        if chat_id == broadcast.created_by:
            continue
        l10n = localizer(language)
        text = l10n(
            "admin-bc-approval-notice",
            id=broadcast.id,
            drafter=str(broadcast.created_by),
            audience=l10n(f"admin-aud-{broadcast.audience}"),
            count=broadcast.recipients,
            until=format_moment(expires_at, language, chat_zone(None, language, timezone)),
        )
        try:
            await bot.copy_message(chat_id, broadcast.source_chat_id, broadcast.source_message_id)
            await bot.send_message(chat_id, text, reply_markup=approval_keyboard(broadcast.id, language))
        except TelegramAPIError as error:
            logger.warning("broadcast.approval_notice_failed", extra={"chat_id": chat_id, "error": str(error)})
            continue
        told += 1
    logger.info("broadcast.approval_asked", extra={"broadcast": broadcast.id, "chats": told})
    return told
