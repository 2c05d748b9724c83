"""/start: welcome in the user's language, with a language picker; `/start kk` preselects. A new subscriber chooses
between the latest three announcements now and only new ones."""

from aiogram import Bot, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InaccessibleMessage, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.config import LANGUAGES, Settings
from bot.i18n import Localizer, localizer
from bot.services.delivery import SubscriptionService
from bot.telegram.menus import set_chat_commands
from domain.chats import Chat, ChatLanguages
from handlers.chat_admin import may_manage, topic_of
from handlers.keyboards import language_picker


async def start(
    message: Message,
    command: CommandObject,
    chat: Chat,
    chats: ChatLanguages,
    l10n: Localizer,
    bot: Bot,
    subscriptions: SubscriptionService,
    settings: Settings,
) -> None:
    language = chat.language
    wanted = (command.args or "").strip().lower()
    if wanted in LANGUAGES and wanted != language:
        await chats.set_language(chat.id, wanted)
        await set_chat_commands(bot, chat.id, wanted, admin=settings.is_admin(chat.id))
        language, l10n = wanted, localizer(wanted)
    elif chat.is_private and settings.is_admin(chat.id):
        await set_chat_commands(bot, chat.id, language, admin=True)  # an admin's first /start brings their menu
    name = message.from_user.first_name if message.from_user else (message.chat.title or "")
    # Private users are subscribed at once (before the welcome); a group or channel only by one of its admins.
    created = False
    if chat.is_private:
        _, created = await subscriptions.subscribe(chat.id, language)
    await message.answer(l10n("welcome", name=name), reply_markup=language_picker(language))
    if not chat.is_private and await may_manage(bot, message.chat, message.from_user, message.sender_chat):
        thread = topic_of(message.message_thread_id, message.is_topic_message)
        by = message.from_user.id if message.from_user else None
        _, created = await subscriptions.subscribe(chat.id, language, message_thread_id=thread, by=by)
        if created:
            await message.answer(l10n("delivery-group-subscribed"))
    if created:
        # Only a new subscription is offered the backlog: /start again, or a resumed pause, never repeats it.
        await message.answer(l10n("delivery-taste-ask"), reply_markup=taste_keyboard(l10n))


class TasteChoice(CallbackData, prefix="taste"):
    now: bool


def taste_keyboard(l10n: Localizer) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=l10n("delivery-button-taste-now"), callback_data=TasteChoice(now=True))
    builder.button(text=l10n("delivery-button-taste-new"), callback_data=TasteChoice(now=False))
    builder.adjust(1)
    return builder.as_markup()


async def taste_chosen(
    query: CallbackQuery,
    callback_data: TasteChoice,
    chat: Chat,
    subscriptions: SubscriptionService,
    l10n: Localizer,
    bot: Bot,
) -> None:
    message = query.message
    if message is None or not await may_manage(bot, message.chat, query.from_user):
        await query.answer(l10n("delivery-admins-only"), show_alert=True)
        return
    await query.answer()
    text = (
        l10n("delivery-taste-sent", count=await subscriptions.first_taste(chat))
        if callback_data.now
        else l10n("delivery-taste-none")
    )
    if not isinstance(message, InaccessibleMessage):
        # The buttons go: the choice is made once.
        await message.edit_text(text, reply_markup=None)


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="start")
    router.message.register(start, CommandStart())
    router.callback_query.register(taste_chosen, TasteChoice.filter())
    return router
