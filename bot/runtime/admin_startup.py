"""The admin console's startup hook: admin command menus and the leader-only admin jobs."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.config import Settings
from bot.runtime.admin_jobs import schedule_admin_jobs
from bot.runtime.leadership import Leadership
from bot.runtime.supervision import Supervisor
from bot.services.admin.broadcasts import BroadcastService
from bot.telegram.alerts import AdminAlerts
from bot.telegram.menus import set_chat_commands, set_menu_by_app_language
from domain.clock import Clock
from storage.chats import ChatRepository
from storage.stats import StatsRepository

logger = logging.getLogger(__name__)


async def start_admin(
    bot: Bot,
    settings: Settings,
    scheduler: AsyncIOScheduler,
    broadcasts: BroadcastService,
    stats: StatsRepository,
    alerts: AdminAlerts,
    leadership: Leadership,
    chats: ChatRepository,
    supervisor: Supervisor,
    clock: Clock,
) -> None:
    """Admin commands in each admin's own menu (never the public one), and the admin jobs."""
    for admin_id in sorted(settings.admin_ids):
        chat = await chats.get(admin_id)
        try:
            if chat is not None:  # its stored language wins over the app's, as everywhere
                await set_chat_commands(bot, admin_id, chat.language, admin=True)
            else:  # not met yet (a new database): English commands for an English app before the first /start
                await set_menu_by_app_language(bot, admin_id, settings.default_language, admin=True)
        except TelegramAPIError as error:
            # An admin who never opened the bot has no chat yet; their first /start sets the menu.
            logger.info("admin.menu_skipped", extra={"admin_id": admin_id, "error": str(error)})
    schedule_admin_jobs(scheduler, bot, broadcasts, stats, alerts, leadership, supervisor=supervisor, clock=clock)
