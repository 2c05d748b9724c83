"""The bot's own membership: added to a group or channel by an admin subscribes it; blocked or removed stops."""

from aiogram import Bot, Router
from aiogram.enums import ChatMemberStatus
from aiogram.types import ChatMemberUpdated

from bot.i18n import Localizer
from bot.services.delivery import SubscriptionService
from domain.chats import Chat
from handlers.chat_admin import may_manage

GONE = (ChatMemberStatus.LEFT, ChatMemberStatus.KICKED)
PRESENT = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR)


async def membership_changed(
    update: ChatMemberUpdated, chat: Chat, subscriptions: SubscriptionService, l10n: Localizer, bot: Bot
) -> None:
    status = update.new_chat_member.status
    if status in GONE:
        await subscriptions.chat_gone(chat.id, f"bot status: {status}")
        return
    was_present = update.old_chat_member.status in PRESENT
    if chat.is_private or was_present or status not in PRESENT:
        return
    if not await may_manage(bot, update.chat, update.from_user):
        return
    _, created = await subscriptions.subscribe(chat.id, chat.language, by=update.from_user.id)
    if created and update.chat.type != "channel":
        await bot.send_message(chat.id, l10n("delivery-group-subscribed"))


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="membership")
    router.my_chat_member.register(membership_changed)
    return router
