"""Factories for the Bot and the Dispatcher over the services of `bot.container`; the tests call them too."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.admin.lifecycle import start_admin
from bot.alerts import AdminAlerts
from bot.commands import set_default_commands
from bot.config import Settings
from bot.container import Services
from bot.delivery.lifecycle import start_delivery, stop_delivery
from bot.edits import UnchangedEditIsDone
from bot.feeds.poller import FeedPoller
from bot.feeds.scheduling import schedule_polling
from bot.fsm import DatabaseStorage
from bot.health import HealthServer
from bot.housekeeping import start_housekeeping
from bot.leadership import Leadership
from bot.middlewares import ChatContextMiddleware
from bot.session import ResilientSession
from handlers import get_routers
from handlers.errors import apologise
from storage import Database
from storage.fsm import DialogStateRepository


class MissingTokenError(RuntimeError):
    """BOT_TOKEN is not set."""


def create_bot(settings: Settings, session: BaseSession | None = None) -> Bot:
    """A Bot talking to `TELEGRAM_API_URL`, HTML parse mode by default."""
    if settings.token is None:
        raise MissingTokenError("BOT_TOKEN")
    if session is None:
        session = ResilientSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    session.middleware(UnchangedEditIsDone())
    return Bot(
        token=settings.token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def create_dispatcher(services: Services) -> Dispatcher:
    """The dispatcher with every router, middleware and hook; the services become its workflow data."""
    dp = Dispatcher(
        storage=DatabaseStorage(DialogStateRepository(services.db)), services=services, **services.workflow_data()
    )
    dp.update.outer_middleware(ChatContextMiddleware(services.chats, services.settings))
    dp.include_routers(*get_routers())
    dp.errors.register(apologise)
    dp.startup.register(on_startup)
    dp.startup.register(start_delivery)
    dp.startup.register(start_admin)
    dp.startup.register(start_housekeeping)
    dp.shutdown.register(stop_delivery)  # before on_shutdown, which closes the database
    dp.shutdown.register(on_shutdown)
    return dp


async def on_startup(
    bot: Bot,
    settings: Settings,
    scheduler: AsyncIOScheduler,
    alerts: AdminAlerts,
    leadership: Leadership,
    health: HealthServer | None,
    poller: FeedPoller,
) -> None:
    schedule_polling(scheduler, poller, settings, may_poll=lambda: leadership.held)
    alerts.attach(bot)
    await leadership.try_acquire()  # so the first polling tick already knows whether this process leads
    leadership.start()
    if health is not None:
        await health.start()
    await set_default_commands(bot, settings.default_language)
    if not scheduler.running:
        scheduler.start()


async def on_shutdown(
    scheduler: AsyncIOScheduler, leadership: Leadership, health: HealthServer | None, poller: FeedPoller, db: Database
) -> None:
    if health is not None:
        await health.stop()
    if scheduler.running:
        scheduler.shutdown(wait=False)
    await poller.close()
    await leadership.stop()
    await db.close()
