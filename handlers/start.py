"""/start: welcome in the user's language, with a language picker; `/start kk` preselects."""

from aiogram import Bot, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import Message

from bot.commands import set_chat_commands
from bot.config import LANGUAGES
from bot.i18n import Localizer, localizer
from handlers.keyboards import language_picker
from storage.chats import Chat, ChatRepository


async def start(
    message: Message, command: CommandObject, chat: Chat, chats: ChatRepository, l10n: Localizer, bot: Bot
) -> None:
    language = chat.language
    wanted = (command.args or "").strip().lower()
    if wanted in LANGUAGES and wanted != language:
        await chats.set_language(chat.id, wanted)
        await set_chat_commands(bot, chat.id, wanted)
        language, l10n = wanted, localizer(wanted)
    name = message.from_user.first_name if message.from_user else (message.chat.title or "")
    await message.answer(l10n("welcome", name=name), reply_markup=language_picker(language))


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="start")
    router.message.register(start, CommandStart())
    return router
