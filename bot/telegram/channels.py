"""The official channels per language: @usernames resolved to chat ids at start, and each channel's reach
(getChatMemberCount) and health for the admin console."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError

from bot.config import LANGUAGES, Settings
from bot.services.delivery import Delivery
from bot.services.delivery.channels import post_url
from domain.clock import utcnow
from storage.stats import ChatDeliveries, StatsRepository

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ChannelStatus:
    """One official channel as /stats shows it."""

    language: str
    target: str  # as configured: @username or a chat id
    chat_id: int | None  # None: the @username could not be resolved
    members: int | None  # None: Telegram would not say (the bot is not in the channel, or it is gone)
    error: str | None
    deliveries: ChatDeliveries | None


async def resolve_channels(bot: Bot, targets: dict[str, str]) -> dict[str, int]:
    """Chat ids of the configured channels; a @username Telegram does not know is left out (and logged)."""
    resolved: dict[str, int] = {}
    for language, target in targets.items():
        if target[0] != "@":
            resolved[language] = int(target)
            continue
        try:
            resolved[language] = (await bot.get_chat(target)).id
        except (TelegramAPIError, TelegramNetworkError) as error:
            logger.warning("channels.unresolved", extra={"language": language, "channel": target, "error": str(error)})
    return resolved


async def start_official_channels(bot: Bot, settings: Settings, delivery: Delivery) -> None:
    """Start hook: the channels by chat id, so each alliance story reaches each channel in its language."""
    targets = settings.official_targets()
    if targets:
        delivery.use_official_channels(await resolve_channels(bot, targets))


class OfficialChannels:
    """The configured channels and what the console shows of them."""

    def __init__(self, settings: Settings, delivery: Delivery, stats: StatsRepository) -> None:
        self._settings = settings
        self._delivery = delivery
        self._stats = stats

    async def latest_post_url(self, language: str) -> str | None:
        """The link to the newest post of the channel of `language` (None without one, or before its first post)."""
        target = self._settings.official_targets().get(language)
        chat_id = self._delivery.official_channels.get(language)
        if target is None or chat_id is None:
            return None
        message_id = await self._stats.last_post(chat_id)
        return post_url(target, chat_id, message_id) if message_id is not None else None

    async def statuses(self, bot: Bot) -> list[ChannelStatus]:
        """Each configured channel's reach and delivery health, in the order ru, kk, en."""
        targets = self._settings.official_targets()
        resolved = self._delivery.official_channels
        statuses = []
        for language in (code for code in LANGUAGES if code in targets):
            chat_id = resolved.get(language)
            members: int | None = None
            error: str | None = None
            if chat_id is None:
                error = "not found"
            else:
                try:
                    members = await bot.get_chat_member_count(chat_id)
                except (TelegramAPIError, TelegramNetworkError) as failure:
                    error = str(failure)[:200]
            health = await self._stats.chat_deliveries(chat_id, utcnow()) if chat_id is not None else None
            statuses.append(ChannelStatus(language, targets[language], chat_id, members, error, health))
        return statuses


def last_post(status: ChannelStatus) -> datetime | None:
    """When the channel last got a post from the bot."""
    return status.deliveries.last_sent_at if status.deliveries else None
