"""Who may change a group's or channel's subscription: its administrators, asked from Telegram each time."""

from aiogram import Bot
from aiogram.enums import ChatMemberStatus
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Chat, User

ADMIN_STATUSES = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.CREATOR)


async def may_manage(bot: Bot, chat: Chat, user: User | None, sender_chat: Chat | None = None) -> bool:
    """True in a private chat, and for the chat's creator or administrators (anonymous ones post as the chat)."""
    if chat.type == "private":
        return True
    if sender_chat is not None and sender_chat.id == chat.id:
        return True
    if user is None:
        return False
    try:
        member = await bot.get_chat_member(chat.id, user.id)
    except TelegramAPIError:
        return False
    return member.status in ADMIN_STATUSES


def topic_of(message_thread_id: int | None, is_topic_message: bool | None) -> int | None:
    """The forum topic a message was sent in, if any."""
    return message_thread_id if is_topic_message else None
