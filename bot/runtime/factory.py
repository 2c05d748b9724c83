"""Factories for the Bot and the Dispatcher over the services of `bot.runtime.bootstrap`; the tests call them too."""

from __future__ import annotations

import logging

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.config import Settings
from bot.runtime.admin_startup import start_admin
from bot.runtime.backups import start_backups
from bot.runtime.bootstrap import Services
from bot.runtime.delivery_jobs import start_delivery, stop_delivery
from bot.runtime.health import HealthServer
from bot.runtime.heap import start_heap_trim
from bot.runtime.housekeeping import start_housekeeping
from bot.runtime.leadership import Leadership
from bot.runtime.supervision import Supervisor, Watchdog, watch_stalls
from bot.services.ingestion.poller import FeedPoller
from bot.services.ingestion.scheduling import schedule_polling
from bot.telegram.alerts import AdminAlerts
from bot.telegram.channels import start_official_channels
from bot.telegram.edits import UnchangedEditIsDone
from bot.telegram.flood import FloodControl
from bot.telegram.fsm import DatabaseStorage
from bot.telegram.inbox import Inbox
from bot.telegram.menus import set_default_commands
from bot.telegram.middlewares import ChatContextMiddleware
from bot.telegram.session import FloodLimits, ResilientSession
from handlers import get_routers
from handlers.errors import apologise
from storage import Database
from storage.fsm import DialogStateRepository

logger = logging.getLogger(__name__)


class MissingTokenError(RuntimeError):
    """BOT_TOKEN is not set."""


def create_bot(settings: Settings, session: BaseSession | None = None, *, flood: FloodControl | None = None) -> Bot:
    """A Bot talking to `TELEGRAM_API_URL`, HTML parse mode by default.

    Its calls take their turns from `flood` (a new budget by default); `bootstrap` gives the sender the budget of
    its bot (`flood_of`), so the bot's calls and the sender's share one.
    """
    if settings.token is None:
        raise MissingTokenError("BOT_TOKEN")
    if session is None:
        session = ResilientSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    session.middleware(UnchangedEditIsDone())
    # Every call the bot makes waits for the shared budget and honours 429s, in this one place.
    session.middleware(FloodLimits(flood or FloodControl(settings.send_rate_per_second)))
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
    # First: an update that was handled already, or is being handled by another process, goes no further.
    dp.update.outer_middleware(services.inbox.middleware)
    dp.update.outer_middleware(ChatContextMiddleware(services.chats, services.settings))
    dp.include_routers(*get_routers())
    dp.errors.register(apologise)
    dp.startup.register(start_inbox)
    dp.startup.register(on_startup)
    dp.startup.register(start_delivery)
    dp.startup.register(start_admin)
    dp.startup.register(start_official_channels)
    dp.startup.register(start_housekeeping)
    dp.startup.register(start_heap_trim)
    dp.startup.register(start_backups)
    dp.shutdown.register(stop_delivery)  # before on_shutdown, which closes the database
    dp.shutdown.register(stop_inbox)
    dp.shutdown.register(on_shutdown)
    return dp


async def start_inbox(bot: Bot, dispatcher: Dispatcher, inbox: Inbox, leadership: Leadership) -> None:
    """Updates from getUpdates go to the inbox before they are confirmed; the leader takes over dead processes'."""
    if inbox.recorder not in bot.session.middleware:
        bot.session.middleware(inbox.recorder)
    inbox.start(bot, dispatcher, may_recover=lambda: leadership.held)


async def stop_inbox(inbox: Inbox) -> None:
    await inbox.stop()


async def on_startup(
    bot: Bot,
    settings: Settings,
    scheduler: AsyncIOScheduler,
    alerts: AdminAlerts,
    leadership: Leadership,
    health: HealthServer | None,
    poller: FeedPoller,
    supervisor: Supervisor,
    watchdog: Watchdog,
) -> None:
    alerts.attach(bot)
    supervisor.configure(alerts)
    schedule_polling(scheduler, poller, settings, may_poll=lambda: leadership.held, supervisor=supervisor)
    scheduler.add_job(
        supervisor.job("watchdog", watch_stalls),
        "interval",
        minutes=1,
        args=[watchdog, alerts],
        id="watchdog",
        replace_existing=True,
    )
    await leadership.try_acquire()  # so the first polling tick already knows whether this process leads
    leadership.start()
    if health is not None:
        await health.start()
    await _set_commands_or_retry(bot, settings.default_language, scheduler, supervisor)
    if not scheduler.running:
        scheduler.start()


COMMANDS_RETRY_JOB = "commands-retry"


async def _set_commands_or_retry(bot: Bot, language: str, scheduler: AsyncIOScheduler, supervisor: Supervisor) -> None:
    """The command menu is a nicety: when setMyCommands fails the bot starts anyway and tries again every
    minute until it works (the supervisor reports each failure, rate-limited)."""

    async def retry() -> None:
        await set_default_commands(bot, language)
        scheduler.remove_job(COMMANDS_RETRY_JOB)

    try:
        await set_default_commands(bot, language)
    except (TelegramAPIError, TelegramNetworkError) as error:
        logger.warning("commands.failed", extra={"error": str(error), "retry_in_s": 60})
        scheduler.add_job(
            supervisor.job("command-menu", retry), "interval", minutes=1, id=COMMANDS_RETRY_JOB, replace_existing=True
        )


async def on_shutdown(
    scheduler: AsyncIOScheduler,
    leadership: Leadership,
    health: HealthServer | None,
    poller: FeedPoller,
    db: Database,
    supervisor: Supervisor,
) -> None:
    if health is not None:
        await health.stop()
    if scheduler.running:
        scheduler.shutdown(wait=False)
    await poller.close()
    await leadership.stop()
    await supervisor.stop()
    await db.close()
