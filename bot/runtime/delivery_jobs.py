"""Dispatcher hooks: the sender runs from startup to shutdown, digests are checked every quarter hour (the finest
step of any time zone's offset, so every reader's digest goes at their local hour).

Both run only in the process that holds the leadership lease, so replicas on one database never send twice.
"""

from __future__ import annotations

from aiogram import Bot
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.runtime.leadership import Leadership
from bot.runtime.supervision import Supervisor
from bot.services.delivery.fanout import Delivery
from bot.telegram.sender import Sender
from domain.clock import utcnow


async def start_delivery(
    bot: Bot,
    sender: Sender,
    delivery: Delivery,
    scheduler: AsyncIOScheduler,
    leadership: Leadership,
    supervisor: Supervisor,
) -> None:
    """Start the sender once this process leads, and the quarter-hourly digest job."""
    sender.start_when(leadership.wait_held, bot, may_claim=lambda: leadership.held, term=lambda: leadership.term)
    scheduler.add_job(
        supervisor.job("digests", send_digests),
        "cron",
        minute="0,15,30,45",
        args=[delivery, leadership],
        id="delivery-digests",
        replace_existing=True,
    )


async def send_digests(delivery: Delivery, leadership: Leadership) -> None:
    """The quarter-hourly job: queue the digests due now (on the leading process only)."""
    if leadership.held:
        await delivery.send_due_digests(utcnow())


async def stop_delivery(sender: Sender) -> None:
    """Stop the sender before the database closes; unsent rows stay in the outbox."""
    await sender.stop()
