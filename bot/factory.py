"""Factories for the bot, the dispatcher and the long-lived services; the tests call them too."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.admin.broadcasts import BroadcastService
from bot.admin.charts import StatsCharts
from bot.admin.lifecycle import start_admin
from bot.admin.moderation import ModerationQueue
from bot.admin.notices import HeldEntryNotices
from bot.admin.sources import SourceAdmin
from bot.alerts import AdminAlerts
from bot.backups import Backups, start_backups
from bot.commands import set_default_commands
from bot.config import Settings
from bot.delivery import Delivery, Sender, SubscriptionService
from bot.delivery.lifecycle import start_delivery, stop_delivery
from bot.feeds.poller import FeedPoller, PollPolicy
from bot.feeds.scheduling import schedule_polling
from bot.feeds.sources import seed_default_sources
from bot.health import HealthServer
from bot.housekeeping import start_housekeeping
from bot.leadership import Leadership
from bot.middlewares import ChatContextMiddleware
from bot.qa import QuestionThrottle, create_question_engine
from bot.session import ResilientSession
from handlers import get_routers
from storage import Database
from storage.audit import AuditLog
from storage.broadcasts import BroadcastRepository
from storage.chats import ChatRepository
from storage.entries import EntryRepository
from storage.fsm import DatabaseStorage
from storage.housekeeping import Housekeeping
from storage.kb import KnowledgeBaseRepository
from storage.leases import LeaseRepository
from storage.moderation import HeldEntryRepository
from storage.outbox import Outbox
from storage.sources import SourceRepository
from storage.stats import StatsRepository
from storage.subscriptions import SubscriptionRepository


class MissingTokenError(RuntimeError):
    """BOT_TOKEN is not set."""


def create_bot(settings: Settings, session: BaseSession | None = None) -> Bot:
    """A Bot talking to `TELEGRAM_API_URL`, HTML parse mode by default."""
    if settings.token is None:
        raise MissingTokenError("BOT_TOKEN")
    if session is None:
        session = ResilientSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    return Bot(
        token=settings.token,
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def create_scheduler() -> AsyncIOScheduler:
    """The one scheduler; started in the startup hook, stopped in the shutdown hook."""
    return AsyncIOScheduler(
        timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60}
    )


def create_dependencies(settings: Settings) -> dict[str, Any]:
    """Long-lived objects that handlers and hooks receive by name."""
    db = Database(settings.database_url)
    outbox = Outbox(db)
    subscriptions = SubscriptionRepository(db)
    sender = Sender(
        outbox, rate=settings.send_rate_per_second, paid=settings.paid_broadcast, concurrency=settings.send_concurrency
    )
    leadership = Leadership(LeaseRepository(db), ttl=settings.lease_seconds)
    health = HealthServer(db, leadership, settings.health_host, settings.health_port) if settings.health_port else None
    alerts = AdminAlerts(settings)
    knowledge = KnowledgeBaseRepository(db)
    delivery = Delivery(
        subscriptions,
        outbox,
        official_channel_id=settings.official_channel_id,
        official_language=settings.default_language,
        wake=sender.wake,
    )
    chats = ChatRepository(db)
    moderation = ModerationQueue(
        HeldEntryRepository(db),
        EntryRepository(db),
        delivery,
        enabled=settings.moderation,
        on_held=HeldEntryNotices(alerts, chats, settings.default_language),
    )
    poller = FeedPoller(
        db,
        on_new_entries=moderation.announce,
        notify_admins=alerts.notify,
        organization_names=knowledge.organization_names,
        policy=PollPolicy.from_settings(settings),
    )
    return {
        "db": db,
        "chats": chats,
        "audit": AuditLog(db),
        "scheduler": create_scheduler(),
        "outbox": outbox,
        "sender": sender,
        "subscriptions": SubscriptionService(subscriptions, outbox),
        "delivery": delivery,
        "poller": poller,
        "knowledge": knowledge,
        "questions": create_question_engine(db),
        "question_throttle": QuestionThrottle(),
        "alerts": alerts,
        "leadership": leadership,
        "health": health,
        "housekeeping": Housekeeping(db),
        "moderation": moderation,
        "broadcasts": BroadcastService(BroadcastRepository(db), outbox, wake=sender.wake, forget=sender.forget_message),
        "stats": StatsRepository(db),
        "stats_charts": StatsCharts(StatsRepository(db)),
        "backups": Backups(settings),
        "source_repository": SourceRepository(db),
        "source_admin": SourceAdmin(SourceRepository(db), poller, settings),
    }


def create_dispatcher(settings: Settings, **deps: Any) -> Dispatcher:
    """The dispatcher with every router, middleware and hook; `deps` become its workflow data."""
    if not deps:
        deps = create_dependencies(settings)
    dp = Dispatcher(storage=DatabaseStorage(deps["db"]), settings=settings, **deps)
    dp.update.outer_middleware(ChatContextMiddleware(deps["chats"], settings))
    dp.include_routers(*get_routers())
    dp.startup.register(on_startup)
    dp.startup.register(start_delivery)
    dp.startup.register(start_admin)
    dp.startup.register(start_housekeeping)
    dp.startup.register(start_backups)
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
    knowledge: KnowledgeBaseRepository,
    poller: FeedPoller,
    db: Database,
) -> None:
    await knowledge.ensure_seeded()
    if settings.default_sources:
        await seed_default_sources(SourceRepository(db), settings)
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
