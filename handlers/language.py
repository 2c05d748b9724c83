"""/language and the language buttons."""

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InaccessibleMessage, Message

from bot.commands import set_chat_commands
from bot.config import LANGUAGES, Settings
from bot.i18n import Localizer, localizer
from handlers.chat_admin import may_manage
from handlers.keyboards import LanguageChoice, language_picker
from storage.chats import Chat, ChatRepository


async def choose_language(message: Message, chat: Chat, l10n: Localizer) -> None:
    await message.answer(l10n("language-choose"), reply_markup=language_picker(chat.language))


async def language_chosen(
    query: CallbackQuery,
    callback_data: LanguageChoice,
    chat: Chat,
    chats: ChatRepository,
    l10n: Localizer,
    bot: Bot,
    settings: Settings,
) -> None:
    if callback_data.code not in LANGUAGES:
        await query.answer(l10n("button-stale"), show_alert=True)
        return
    message = query.message
    if message is not None and not await may_manage(bot, message.chat, query.from_user):
        await query.answer(l10n("language-admins-only"), show_alert=True)  # a group's language is its admins'
        return
    await chats.set_language(chat.id, callback_data.code)
    await set_chat_commands(bot, chat.id, callback_data.code, admin=settings.is_admin(chat.id))
    chosen = localizer(callback_data.code)
    await query.answer()
    if query.message is not None and not isinstance(query.message, InaccessibleMessage):
        await query.message.answer(chosen("language-changed"))
        await query.message.edit_reply_markup(reply_markup=language_picker(callback_data.code))


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="language")
    router.message.register(choose_language, Command("language"))
    router.callback_query.register(language_chosen, LanguageChoice.filter())
    return router
