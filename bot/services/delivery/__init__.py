"""Delivery: subscriptions, matching, and the fan-out of entries into the outbox (the sender is in bot.telegram)."""

from bot.services.delivery.fanout import Delivery
from bot.services.delivery.subscriptions import SubscriptionService

__all__ = ["Delivery", "SubscriptionService"]
