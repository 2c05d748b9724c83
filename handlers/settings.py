"""/settings: the subscription with inline buttons; `/settings include|exclude words` sets word filters,
`/settings timezone Area/City` the chat's zone, `/settings quiet 22-08` (or `off`) its quiet hours."""

from dataclasses import replace

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InaccessibleMessage, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.config import LANGUAGES
from bot.i18n import Localizer, localizer
from bot.services.delivery import SubscriptionService
from bot.services.delivery.subscriptions import QUIET_PRESETS, parse_quiet_hours
from domain.chats import Chat
from domain.clock import utcnow
from domain.localtime import zone_choices, zone_label
from domain.subscriptions import MODES, SCOPES, Subscription
from handlers.chat_admin import may_manage, topic_of

# What each button may carry; anything else is a forged or outdated button ("tz" is checked against the offer).
ALLOWED: dict[str, set[str]] = {
    "scope": set(SCOPES),
    "lang": set(LANGUAGES),
    "mode": set(MODES),
    "hour": {"-1", "1"},
    "pause": {"0", "1"},
    "sub": {""},
    "own": {"0", "1"},
    "quiet": {str(index) for index in range(len(QUIET_PRESETS))},
    "tzmenu": {""},
}


class SettingsAction(CallbackData, prefix="dset"):
    action: str
    value: str = ""


def quiet_text(subscription: Subscription, l10n: Localizer) -> str:
    hours = subscription.quiet_hours
    if hours is None:
        return l10n("delivery-quiet-off")
    return l10n("delivery-quiet-hours", start=f"{hours[0]:02d}", end=f"{hours[1]:02d}")


def settings_text(subscription: Subscription, l10n: Localizer, zone_name: str) -> str:
    """The current preferences in the chat's language, hours on the chat's clock with its zone shown."""
    hour = f"{subscription.digest_hour:02d}"
    none = l10n("delivery-words-none")
    zone = zone_label(zone_name, l10n.language, utcnow())
    return l10n(
        "delivery-settings",
        scope=l10n(f"delivery-scope-{subscription.scope}"),
        languages=", ".join(localizer(code)("language-name") for code in subscription.languages),
        mode=l10n(f"delivery-mode-{subscription.mode}", hour=hour, zone=zone),
        status=l10n("delivery-status-paused" if subscription.paused else "delivery-status-active"),
        include=", ".join(subscription.include_words) or none,
        exclude=", ".join(subscription.exclude_words) or none,
        zone=zone,
        quiet=quiet_text(subscription, l10n),
        fallback=l10n("delivery-fallback-skip" if subscription.own_languages_only else "delivery-fallback-send"),
    )


def settings_keyboard(subscription: Subscription, l10n: Localizer, zone_name: str) -> InlineKeyboardMarkup:
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
    only = subscription.own_languages_only
    builder.button(
        text=tick(l10n("delivery-button-own-only"), only),
        callback_data=SettingsAction(action="own", value="0" if only else "1"),
    )
    sizes.append(1)
    for mode in MODES:
        text = tick(l10n(f"delivery-button-{mode}"), subscription.mode == mode)
        builder.button(text=text, callback_data=SettingsAction(action="mode", value=mode))
    sizes.append(len(MODES))
    if subscription.mode != "instant":
        builder.button(text=l10n("delivery-button-earlier"), callback_data=SettingsAction(action="hour", value="-1"))
        builder.button(text=l10n("delivery-button-later"), callback_data=SettingsAction(action="hour", value="1"))
        sizes.append(2)
    following = (QUIET_PRESETS.index(subscription.quiet_hours) + 1) if subscription.quiet_hours in QUIET_PRESETS else 0
    builder.button(
        text=l10n("delivery-button-quiet", quiet=quiet_text(subscription, l10n)),
        callback_data=SettingsAction(action="quiet", value=str(following % len(QUIET_PRESETS))),
    )
    builder.button(
        text=l10n("delivery-button-timezone", zone=zone_label(zone_name, l10n.language, utcnow())),
        callback_data=SettingsAction(action="tzmenu"),
    )
    sizes.append(2)
    if subscription.paused:
        builder.button(text=l10n("delivery-button-resume"), callback_data=SettingsAction(action="pause", value="0"))
    else:
        builder.button(text=l10n("delivery-button-pause"), callback_data=SettingsAction(action="pause", value="1"))
    sizes.append(1)
    builder.adjust(*sizes)
    return builder.as_markup()


def zone_keyboard(zones: tuple[str, ...], current: str, l10n: Localizer) -> InlineKeyboardMarkup:
    """One button per offered zone, the current one ticked."""
    builder = InlineKeyboardBuilder()
    now = utcnow()
    for name in zones:
        label = zone_label(name, l10n.language, now)
        builder.button(
            text=f"✅ {label}" if name == current else label, callback_data=SettingsAction(action="tz", value=name)
        )
    builder.adjust(2)
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
    verb, _, rest = (command.args or "").strip().partition(" ")
    verb = verb.lower()
    if verb == "timezone":
        # A chat's zone matters also when it is not subscribed (an admin's scheduling dialog).
        found = await subscriptions.set_timezone(chat.id, rest) if rest.strip() else None
        if found is None:
            if rest.strip():
                await message.answer(l10n("delivery-timezone-unknown", zone=rest.strip()[:64]))
            zones = zone_choices(chat.language, subscriptions.timezone)
            await message.answer(
                l10n("delivery-timezone-choose"), reply_markup=zone_keyboard(zones, subscriptions.zone_of(chat), l10n)
            )
            return
        chat = replace(chat, timezone=found)
        await message.answer(l10n("delivery-timezone-saved", zone=zone_label(found, l10n.language, utcnow())))
    subscription = await subscriptions.get(chat.id)
    if subscription is None:
        if verb != "timezone":
            await message.answer(l10n("delivery-not-subscribed"), reply_markup=subscribe_keyboard(l10n))
        return
    if verb in ("include", "exclude"):
        changed = await subscriptions.set_words(chat.id, **{verb: rest})
        if changed is not None:
            subscription = changed
        await message.answer(l10n("delivery-words-saved"))
    elif verb == "quiet":
        hours = parse_quiet_hours(rest)
        if hours is False:
            await message.answer(l10n("delivery-quiet-bad"))
        else:
            changed = await subscriptions.set_quiet_hours(chat.id, hours if isinstance(hours, tuple) else None)
            if changed is not None:
                subscription = changed
            await message.answer(l10n("delivery-quiet-saved", quiet=quiet_text(subscription, l10n)))
    zone_name = subscriptions.zone_of(chat)
    await message.answer(
        settings_text(subscription, l10n, zone_name), reply_markup=settings_keyboard(subscription, l10n, zone_name)
    )


async def settings_pressed(
    query: CallbackQuery,
    callback_data: SettingsAction,
    chat: Chat,
    subscriptions: SubscriptionService,
    l10n: Localizer,
    bot: Bot,
) -> None:
    message = query.message
    offered = set(zone_choices(chat.language, subscriptions.timezone))
    allowed = offered if callback_data.action == "tz" else ALLOWED.get(callback_data.action, set())
    if callback_data.value not in allowed or message is None:
        await query.answer(l10n("button-stale"), show_alert=True)
        return
    if not await may_manage(bot, message.chat, query.from_user):
        await query.answer(l10n("delivery-admins-only"), show_alert=True)
        return
    if callback_data.action == "tzmenu":
        await query.answer()
        if not isinstance(message, InaccessibleMessage):
            zones = zone_choices(chat.language, subscriptions.timezone)
            await message.answer(
                l10n("delivery-timezone-choose"), reply_markup=zone_keyboard(zones, subscriptions.zone_of(chat), l10n)
            )
        return
    if callback_data.action == "tz":
        found = await subscriptions.set_timezone(chat.id, callback_data.value)
        label = zone_label(found or callback_data.value, l10n.language, utcnow())
        await query.answer(l10n("delivery-timezone-saved", zone=label))
        if not isinstance(message, InaccessibleMessage):
            await message.edit_text(l10n("delivery-timezone-saved", zone=label), reply_markup=None)
        return
    subscription = await _apply(callback_data, chat, subscriptions, query, message)
    if subscription is None:
        await query.answer(l10n("delivery-not-subscribed"), show_alert=True)
        return
    await query.answer(l10n("delivery-saved"))
    if not isinstance(message, InaccessibleMessage):
        # Pressing the only remaining language changes nothing: an unchanged edit is done (bot/telegram/edits.py).
        zone_name = subscriptions.zone_of(chat)
        await message.edit_text(
            settings_text(subscription, l10n, zone_name), reply_markup=settings_keyboard(subscription, l10n, zone_name)
        )


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
    if action.action == "own":
        return await subscriptions.set_own_languages_only(chat.id, value == "1")
    if action.action == "mode":
        return await subscriptions.set_mode(chat.id, value)
    if action.action == "hour":
        return await subscriptions.shift_hour(chat.id, int(value))
    if action.action == "quiet":
        return await subscriptions.set_quiet_hours(chat.id, QUIET_PRESETS[int(value)])
    return await subscriptions.set_paused(chat.id, value == "1")


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="settings")
    router.message.register(show_settings, Command("settings"))
    router.callback_query.register(settings_pressed, SettingsAction.filter())
    return router
