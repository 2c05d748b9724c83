"""Dispatcher hooks: the sender runs from startup to shutdown, digests are checked every hour."""

from __future__ import annotations

from aiogram import Bot
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.delivery.fanout import Delivery
from bot.delivery.sender import Sender
from storage.schema.base import utcnow


async def start_delivery(bot: Bot, sender: Sender, delivery: Delivery, scheduler: AsyncIOScheduler) -> None:
    """Start the sender and the hourly digest job."""
    await sender.start(bot)
    scheduler.add_job(send_digests, "cron", minute=0, args=[delivery], id="delivery-digests", replace_existing=True)


async def send_digests(delivery: Delivery) -> None:
    """The hourly job: queue the digests due now."""
    await delivery.send_due_digests(utcnow())


async def stop_delivery(sender: Sender) -> None:
    """Stop the sender before the database closes; unsent rows stay in the outbox."""
    await sender.stop()
