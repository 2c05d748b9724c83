"""/language and the language buttons; a subscribed chat is then offered its news in the new language too."""

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InaccessibleMessage, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.config import LANGUAGES, Settings
from bot.i18n import Localizer, localizer
from bot.services.delivery import SubscriptionService
from bot.telegram.menus import set_chat_commands
from domain.chats import Chat, ChatLanguages
from handlers.chat_admin import may_manage
from handlers.keyboards import LanguageChoice, language_picker


async def choose_language(message: Message, chat: Chat, l10n: Localizer) -> None:
    await message.answer(l10n("language-choose"), reply_markup=language_picker(chat.language))


async def language_chosen(
    query: CallbackQuery,
    callback_data: LanguageChoice,
    chat: Chat,
    chats: ChatLanguages,
    l10n: Localizer,
    bot: Bot,
    settings: Settings,
    subscriptions: SubscriptionService,
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
        subscription = await subscriptions.get(chat.id)
        if subscription is not None and subscription.languages != (callback_data.code,):
            # News follows the interface language only when the reader says so.
            await query.message.answer(
                chosen(
                    "delivery-language-offer",
                    language=chosen("language-name"),
                    languages=_names(subscription.languages),
                ),
                reply_markup=news_language_keyboard(callback_data.code, subscription.languages, chosen),
            )


class NewsLanguages(CallbackData, prefix="nlang"):
    code: str
    action: str  # only, add or keep


def _names(codes: tuple[str, ...]) -> str:
    return ", ".join(localizer(code)("language-name") for code in codes)


def news_language_keyboard(code: str, current: tuple[str, ...], l10n: Localizer) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    name = l10n("language-name")
    builder.button(
        text=l10n("delivery-button-news-only", language=name), callback_data=NewsLanguages(code=code, action="only")
    )
    if code not in current:
        builder.button(
            text=l10n("delivery-button-news-add", language=name), callback_data=NewsLanguages(code=code, action="add")
        )
    builder.button(text=l10n("delivery-button-news-keep"), callback_data=NewsLanguages(code=code, action="keep"))
    builder.adjust(1)
    return builder.as_markup()


async def news_languages_chosen(
    query: CallbackQuery,
    callback_data: NewsLanguages,
    chat: Chat,
    subscriptions: SubscriptionService,
    l10n: Localizer,
    bot: Bot,
) -> None:
    message = query.message
    if callback_data.code not in LANGUAGES or callback_data.action not in ("only", "add", "keep") or message is None:
        await query.answer(l10n("button-stale"), show_alert=True)
        return
    if not await may_manage(bot, message.chat, query.from_user):
        await query.answer(l10n("delivery-admins-only"), show_alert=True)
        return
    subscription = await subscriptions.get(chat.id)
    if subscription is None:
        await query.answer(l10n("delivery-not-subscribed"), show_alert=True)
        return
    if callback_data.action == "only":
        subscription = await subscriptions.set_languages(chat.id, [callback_data.code]) or subscription
    elif callback_data.action == "add":
        wanted = {*subscription.languages, callback_data.code}
        subscription = await subscriptions.set_languages(chat.id, sorted(wanted)) or subscription
    await query.answer()
    if not isinstance(message, InaccessibleMessage):
        await message.edit_text(
            l10n("delivery-languages-saved", languages=_names(subscription.languages)), reply_markup=None
        )


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="language")
    router.message.register(choose_language, Command("language"))
    router.callback_query.register(language_chosen, LanguageChoice.filter())
    router.callback_query.register(news_languages_chosen, NewsLanguages.filter())
    return router
