"""/settings: the subscription with inline buttons; `/settings include|exclude words` sets word filters."""

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InaccessibleMessage, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.config import LANGUAGES
from bot.delivery import SubscriptionService
from bot.i18n import Localizer, localizer
from handlers.chat_admin import may_manage, topic_of
from storage.chats import Chat
from storage.subscriptions import MODES, SCOPES, Subscription

# What each button may carry; anything else is a forged or outdated button.
ALLOWED: dict[str, set[str]] = {
    "scope": set(SCOPES),
    "lang": set(LANGUAGES),
    "mode": set(MODES),
    "hour": {"-1", "1"},
    "pause": {"0", "1"},
    "sub": {""},
}


class SettingsAction(CallbackData, prefix="dset"):
    action: str
    value: str = ""


def settings_text(subscription: Subscription, l10n: Localizer) -> str:
    """The current preferences in the chat's language."""
    hour = f"{subscription.digest_hour:02d}"
    none = l10n("delivery-words-none")
    return l10n(
        "delivery-settings",
        scope=l10n(f"delivery-scope-{subscription.scope}"),
        languages=", ".join(localizer(code)("language-name") for code in subscription.languages),
        mode=l10n(f"delivery-mode-{subscription.mode}", hour=hour),
        status=l10n("delivery-status-paused" if subscription.paused else "delivery-status-active"),
        include=", ".join(subscription.include_words) or none,
        exclude=", ".join(subscription.exclude_words) or none,
    )


def settings_keyboard(subscription: Subscription, l10n: Localizer) -> InlineKeyboardMarkup:
    """Buttons for every preference; the current choices are ticked."""

    def tick(label: str, chosen: bool) -> str:
        return f"✅ {label}" if chosen else label

    builder = InlineKeyboardBuilder()
    sizes: list[int] = []
    for scope in SCOPES:
        text = tick(l10n(f"delivery-button-{scope}"), subscription.scope == scope)
        builder.button(text=text, callback_data=SettingsAction(action="scope", value=scope))
    sizes.append(len(SCOPES))
    for code in LANGUAGES:
        text = tick(localizer(code)("language-name"), code in subscription.languages)
        builder.button(text=text, callback_data=SettingsAction(action="lang", value=code))
    sizes.append(len(LANGUAGES))
    for mode in MODES:
        text = tick(l10n(f"delivery-button-{mode}"), subscription.mode == mode)
        builder.button(text=text, callback_data=SettingsAction(action="mode", value=mode))
    sizes.append(len(MODES))
    if subscription.mode != "instant":
        builder.button(text=l10n("delivery-button-earlier"), callback_data=SettingsAction(action="hour", value="-1"))
        builder.button(text=l10n("delivery-button-later"), callback_data=SettingsAction(action="hour", value="1"))
        sizes.append(2)
    if subscription.paused:
        builder.button(text=l10n("delivery-button-resume"), callback_data=SettingsAction(action="pause", value="0"))
    else:
        builder.button(text=l10n("delivery-button-pause"), callback_data=SettingsAction(action="pause", value="1"))
    sizes.append(1)
    builder.adjust(*sizes)
    return builder.as_markup()


def subscribe_keyboard(l10n: Localizer) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=l10n("delivery-button-subscribe"), callback_data=SettingsAction(action="sub"))
    return builder.as_markup()


async def show_settings(
    message: Message, command: CommandObject, chat: Chat, subscriptions: SubscriptionService, l10n: Localizer, bot: Bot
) -> None:
    if not await may_manage(bot, message.chat, message.from_user, message.sender_chat):
        await message.answer(l10n("delivery-admins-only"))
        return
    subscription = await subscriptions.get(chat.id)
    if subscription is None:
        await message.answer(l10n("delivery-not-subscribed"), reply_markup=subscribe_keyboard(l10n))
        return
    verb, _, words = (command.args or "").strip().partition(" ")
    if verb.lower() in ("include", "exclude"):
        changed = await subscriptions.set_words(chat.id, **{verb.lower(): words})
        if changed is not None:
            subscription = changed
        await message.answer(l10n("delivery-words-saved"))
    await message.answer(settings_text(subscription, l10n), reply_markup=settings_keyboard(subscription, l10n))


async def settings_pressed(
    query: CallbackQuery,
    callback_data: SettingsAction,
    chat: Chat,
    subscriptions: SubscriptionService,
    l10n: Localizer,
    bot: Bot,
) -> None:
    message = query.message
    if callback_data.value not in ALLOWED.get(callback_data.action, set()) or message is None:
        await query.answer(l10n("button-stale"), show_alert=True)
        return
    if not await may_manage(bot, message.chat, query.from_user):
        await query.answer(l10n("delivery-admins-only"), show_alert=True)
        return
    subscription = await _apply(callback_data, chat, subscriptions, query, message)
    if subscription is None:
        await query.answer(l10n("delivery-not-subscribed"), show_alert=True)
        return
    await query.answer(l10n("delivery-saved"))
    if not isinstance(message, InaccessibleMessage):
        # Pressing the only remaining language changes nothing: an unchanged edit is done (bot/edits.py).
        await message.edit_text(settings_text(subscription, l10n), reply_markup=settings_keyboard(subscription, l10n))


async def _apply(
    action: SettingsAction,
    chat: Chat,
    subscriptions: SubscriptionService,
    query: CallbackQuery,
    message: Message | InaccessibleMessage,
) -> Subscription | None:
    value = action.value
    if action.action == "sub":
        thread = None if isinstance(message, InaccessibleMessage) else topic_of(message.message_thread_id, True)
        subscription, _ = await subscriptions.subscribe(
            chat.id, chat.language, message_thread_id=thread, by=query.from_user.id
        )
        return subscription
    if action.action == "scope":
        return await subscriptions.set_scope(chat.id, value)
    if action.action == "lang":
        return await subscriptions.toggle_language(chat.id, value)
    if action.action == "mode":
        return await subscriptions.set_mode(chat.id, value)
    if action.action == "hour":
        return await subscriptions.shift_hour(chat.id, int(value))
    return await subscriptions.set_paused(chat.id, value == "1")


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="settings")
    router.message.register(show_settings, Command("settings"))
    router.callback_query.register(settings_pressed, SettingsAction.filter())
    return router
