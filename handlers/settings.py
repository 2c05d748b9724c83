"""/settings: the subscription with inline buttons; `/settings include|exclude words` sets word filters,
`/settings timezone Area/City` the chat's zone, `/settings quiet 22-08` (or `off`) its quiet hours."""

from collections.abc import Awaitable, Callable
from dataclasses import replace

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InaccessibleMessage, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.config import LANGUAGES
from bot.i18n import Localizer, localizer
from bot.services.delivery import SubscriptionService
from bot.services.delivery.subscriptions import parse_quiet_hours
from bot.telegram.callbacks import (
    DigestHourShift,
    ModeChoice,
    NewsLanguageToggle,
    OwnLanguagesOnly,
    PauseChoice,
    QuietPreset,
    ScopeChoice,
    SubscribeAgain,
    ZoneChoice,
    ZoneMenu,
)
from domain.chats import Chat
from domain.clock import utcnow
from domain.localtime import zone_choices, zone_label
from domain.subscriptions import MODES, QUIET_PRESETS, SCOPES, Subscription
from handlers.chat_admin import may_manage, topic_of


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
        builder.button(text=text, callback_data=ScopeChoice(scope=scope))
    sizes.append(len(SCOPES))
    for code in LANGUAGES:
        text = tick(localizer(code)("language-name"), code in subscription.languages)
        builder.button(text=text, callback_data=NewsLanguageToggle(code=code))
    sizes.append(len(LANGUAGES))
    only = subscription.own_languages_only
    builder.button(
        text=tick(l10n("delivery-button-own-only"), only),
        callback_data=OwnLanguagesOnly(only=not only),
    )
    sizes.append(1)
    for mode in MODES:
        text = tick(l10n(f"delivery-button-{mode}"), subscription.mode == mode)
        builder.button(text=text, callback_data=ModeChoice(mode=mode))
    sizes.append(len(MODES))
    if subscription.mode != "instant":
        builder.button(text=l10n("delivery-button-earlier"), callback_data=DigestHourShift(hours=-1))
        builder.button(text=l10n("delivery-button-later"), callback_data=DigestHourShift(hours=1))
        sizes.append(2)
    following = (QUIET_PRESETS.index(subscription.quiet_hours) + 1) if subscription.quiet_hours in QUIET_PRESETS else 0
    builder.button(
        text=l10n("delivery-button-quiet", quiet=quiet_text(subscription, l10n)),
        callback_data=QuietPreset(preset=following % len(QUIET_PRESETS)),
    )
    builder.button(
        text=l10n("delivery-button-timezone", zone=zone_label(zone_name, l10n.language, utcnow())),
        callback_data=ZoneMenu(),
    )
    sizes.append(2)
    if subscription.paused:
        builder.button(text=l10n("delivery-button-resume"), callback_data=PauseChoice(paused=False))
    else:
        builder.button(text=l10n("delivery-button-pause"), callback_data=PauseChoice(paused=True))
    sizes.append(1)
    builder.adjust(*sizes)
    return builder.as_markup()


def zone_keyboard(zones: tuple[str, ...], current: str, l10n: Localizer) -> InlineKeyboardMarkup:
    """One button per offered zone, the current one ticked."""
    builder = InlineKeyboardBuilder()
    now = utcnow()
    for name in zones:
        label = zone_label(name, l10n.language, now)
        builder.button(text=f"✅ {label}" if name == current else label, callback_data=ZoneChoice(name=name))
    builder.adjust(2)
    return builder.as_markup()


def subscribe_keyboard(l10n: Localizer) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=l10n("delivery-button-subscribe"), callback_data=SubscribeAgain())
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


Change = Callable[[SubscriptionService, int], Awaitable[Subscription | None]]


async def _manager_pressed(query: CallbackQuery, l10n: Localizer, bot: Bot) -> Message | InaccessibleMessage | None:
    """The message under the pressed button when the presser may change this chat's settings (a group's are its
    admins'), else None after telling them why."""
    message = query.message
    if message is None:
        await query.answer(l10n("button-stale"), show_alert=True)
        return None
    if not await may_manage(bot, message.chat, query.from_user):
        await query.answer(l10n("delivery-admins-only"), show_alert=True)
        return None
    return message


async def _change(
    query: CallbackQuery, chat: Chat, subscriptions: SubscriptionService, l10n: Localizer, bot: Bot, change: Change
) -> None:
    """One preference changed: saved, then the settings message redrawn in place."""
    message = await _manager_pressed(query, l10n, bot)
    if message is None:
        return
    subscription = await change(subscriptions, chat.id)
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


async def scope_chosen(
    query: CallbackQuery,
    callback_data: ScopeChoice,
    chat: Chat,
    subscriptions: SubscriptionService,
    l10n: Localizer,
    bot: Bot,
) -> None:
    await _change(query, chat, subscriptions, l10n, bot, lambda s, chat_id: s.set_scope(chat_id, callback_data.scope))


async def news_language_toggled(
    query: CallbackQuery,
    callback_data: NewsLanguageToggle,
    chat: Chat,
    subscriptions: SubscriptionService,
    l10n: Localizer,
    bot: Bot,
) -> None:
    await _change(
        query, chat, subscriptions, l10n, bot, lambda s, chat_id: s.toggle_language(chat_id, callback_data.code)
    )


async def own_languages_chosen(
    query: CallbackQuery,
    callback_data: OwnLanguagesOnly,
    chat: Chat,
    subscriptions: SubscriptionService,
    l10n: Localizer,
    bot: Bot,
) -> None:
    await _change(
        query, chat, subscriptions, l10n, bot, lambda s, chat_id: s.set_own_languages_only(chat_id, callback_data.only)
    )


async def mode_chosen(
    query: CallbackQuery,
    callback_data: ModeChoice,
    chat: Chat,
    subscriptions: SubscriptionService,
    l10n: Localizer,
    bot: Bot,
) -> None:
    await _change(query, chat, subscriptions, l10n, bot, lambda s, chat_id: s.set_mode(chat_id, callback_data.mode))


async def digest_hour_shifted(
    query: CallbackQuery,
    callback_data: DigestHourShift,
    chat: Chat,
    subscriptions: SubscriptionService,
    l10n: Localizer,
    bot: Bot,
) -> None:
    await _change(query, chat, subscriptions, l10n, bot, lambda s, chat_id: s.shift_hour(chat_id, callback_data.hours))


async def quiet_preset_chosen(
    query: CallbackQuery,
    callback_data: QuietPreset,
    chat: Chat,
    subscriptions: SubscriptionService,
    l10n: Localizer,
    bot: Bot,
) -> None:
    hours = QUIET_PRESETS[callback_data.preset]
    await _change(query, chat, subscriptions, l10n, bot, lambda s, chat_id: s.set_quiet_hours(chat_id, hours))


async def pause_chosen(
    query: CallbackQuery,
    callback_data: PauseChoice,
    chat: Chat,
    subscriptions: SubscriptionService,
    l10n: Localizer,
    bot: Bot,
) -> None:
    await _change(query, chat, subscriptions, l10n, bot, lambda s, chat_id: s.set_paused(chat_id, callback_data.paused))


async def subscribe_pressed(
    query: CallbackQuery, chat: Chat, subscriptions: SubscriptionService, l10n: Localizer, bot: Bot
) -> None:
    message = query.message
    thread = None if message is None or isinstance(message, InaccessibleMessage) else message.message_thread_id

    async def subscribe(service: SubscriptionService, chat_id: int) -> Subscription | None:
        subscription, _ = await service.subscribe(
            chat_id, chat.language, message_thread_id=topic_of(thread, True), by=query.from_user.id
        )
        return subscription

    await _change(query, chat, subscriptions, l10n, bot, subscribe)


async def zone_menu_pressed(
    query: CallbackQuery, chat: Chat, subscriptions: SubscriptionService, l10n: Localizer, bot: Bot
) -> None:
    message = await _manager_pressed(query, l10n, bot)
    if message is None:
        return
    await query.answer()
    if not isinstance(message, InaccessibleMessage):
        zones = zone_choices(chat.language, subscriptions.timezone)
        await message.answer(
            l10n("delivery-timezone-choose"), reply_markup=zone_keyboard(zones, subscriptions.zone_of(chat), l10n)
        )


async def zone_chosen(
    query: CallbackQuery,
    callback_data: ZoneChoice,
    chat: Chat,
    subscriptions: SubscriptionService,
    l10n: Localizer,
    bot: Bot,
) -> None:
    if callback_data.name not in zone_choices(chat.language, subscriptions.timezone):
        await query.answer(l10n("button-stale"), show_alert=True)  # not a zone this chat was offered
        return
    message = await _manager_pressed(query, l10n, bot)
    if message is None:
        return
    found = await subscriptions.set_timezone(chat.id, callback_data.name)
    label = zone_label(found or callback_data.name, l10n.language, utcnow())
    await query.answer(l10n("delivery-timezone-saved", zone=label))
    if not isinstance(message, InaccessibleMessage):
        await message.edit_text(l10n("delivery-timezone-saved", zone=label), reply_markup=None)


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only); one handler per button."""
    router = Router(name="settings")
    router.message.register(show_settings, Command("settings"))
    router.callback_query.register(scope_chosen, ScopeChoice.filter())
    router.callback_query.register(news_language_toggled, NewsLanguageToggle.filter())
    router.callback_query.register(own_languages_chosen, OwnLanguagesOnly.filter())
    router.callback_query.register(mode_chosen, ModeChoice.filter())
    router.callback_query.register(digest_hour_shifted, DigestHourShift.filter())
    router.callback_query.register(quiet_preset_chosen, QuietPreset.filter())
    router.callback_query.register(pause_chosen, PauseChoice.filter())
    router.callback_query.register(subscribe_pressed, SubscribeAgain.filter())
    router.callback_query.register(zone_menu_pressed, ZoneMenu.filter())
    router.callback_query.register(zone_chosen, ZoneChoice.filter())
    return router
