"""Delivery: subscriptions, fan-out of entries into the outbox, digests, and the paced sender."""

from bot.delivery.fanout import Delivery
from bot.delivery.sender import Sender, default_concurrency
from bot.delivery.subscriptions import SubscriptionService

__all__ = ["Delivery", "Sender", "SubscriptionService", "default_concurrency"]
