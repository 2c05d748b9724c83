"""/language and the language buttons; a subscribed chat is then offered its news in the new language too."""

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InaccessibleMessage, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.config import Settings
from bot.i18n import Localizer, localizer
from bot.services.delivery import SubscriptionService
from bot.telegram.callbacks import LanguageChoice, NewsLanguages, NewsLanguageStep
from bot.telegram.menus import set_chat_commands
from domain.chats import Chat, ChatLanguages
from domain.languages import Language
from handlers.chat_admin import may_manage
from handlers.keyboards import language_picker


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


def _names(codes: tuple[str, ...]) -> str:
    return ", ".join(localizer(code)("language-name") for code in codes)


def news_language_keyboard(code: Language, current: tuple[str, ...], l10n: Localizer) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    name = l10n("language-name")
    builder.button(
        text=l10n("delivery-button-news-only", language=name),
        callback_data=NewsLanguages(code=code, action=NewsLanguageStep.ONLY),
    )
    if code not in current:
        builder.button(
            text=l10n("delivery-button-news-add", language=name),
            callback_data=NewsLanguages(code=code, action=NewsLanguageStep.ADD),
        )
    builder.button(
        text=l10n("delivery-button-news-keep"), callback_data=NewsLanguages(code=code, action=NewsLanguageStep.KEEP)
    )
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
    """News in the new language only, or added (the "keep" button is `news_languages_kept`)."""
    message = query.message
    if message is None:
        await query.answer(l10n("button-stale"), show_alert=True)
        return
    if not await may_manage(bot, message.chat, query.from_user):
        await query.answer(l10n("delivery-admins-only"), show_alert=True)
        return
    subscription = await subscriptions.get(chat.id)
    if subscription is None:
        await query.answer(l10n("delivery-not-subscribed"), show_alert=True)
        return
    wanted: list[str]
    if callback_data.action is NewsLanguageStep.ONLY:
        wanted = [callback_data.code]
    else:
        wanted = sorted({*subscription.languages, callback_data.code})
    subscription = await subscriptions.set_languages(chat.id, wanted) or subscription
    await _saved(query, subscription.languages, l10n)


async def news_languages_kept(
    query: CallbackQuery, chat: Chat, subscriptions: SubscriptionService, l10n: Localizer
) -> None:
    subscription = await subscriptions.get(chat.id)
    await _saved(query, subscription.languages if subscription is not None else (), l10n)


async def _saved(query: CallbackQuery, languages: tuple[str, ...], l10n: Localizer) -> None:
    await query.answer()
    if query.message is not None and not isinstance(query.message, InaccessibleMessage):
        await query.message.edit_text(l10n("delivery-languages-saved", languages=_names(languages)), reply_markup=None)


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="language")
    router.message.register(choose_language, Command("language"))
    router.callback_query.register(language_chosen, LanguageChoice.filter())
    router.callback_query.register(
        news_languages_chosen, NewsLanguages.filter(F.action.in_({NewsLanguageStep.ONLY, NewsLanguageStep.ADD}))
    )
    router.callback_query.register(news_languages_kept, NewsLanguages.filter(F.action == NewsLanguageStep.KEEP))
    return router
