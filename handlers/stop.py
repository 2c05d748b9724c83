"""/stop: leave the news subscription."""

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.i18n import Localizer
from bot.services.delivery import SubscriptionService
from domain.chats import Chat
from handlers.chat_admin import may_manage


async def stop(message: Message, chat: Chat, subscriptions: SubscriptionService, l10n: Localizer, bot: Bot) -> None:
    if not await may_manage(bot, message.chat, message.from_user, message.sender_chat):
        await message.answer(l10n("delivery-admins-only"))
        return
    removed = await subscriptions.stop(chat.id)
    await message.answer(l10n("delivery-stopped" if removed else "delivery-not-stopped"))


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="stop")
    router.message.register(stop, Command("stop"))
    return router
