"""/settings: the subscription with inline buttons; `/settings include|exclude words` sets word filters,
`/settings timezone Area/City` the chat's zone, `/settings quiet 22-08` (or `off`) its quiet hours."""

from collections.abc import Awaitable, Callable
from dataclasses import replace

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InaccessibleMessage, Message

from bot.i18n import Localizer
from bot.services.delivery import SubscriptionService
from bot.services.delivery.subscriptions import parse_quiet_hours
from bot.telegram.callbacks import SubscribeAgain, ZoneChoice, ZoneMenu
from bot.telegram.settings_panel import (
    PREFERENCE_OF,
    PREFERENCES,
    quiet_text,
    settings_keyboard,
    settings_text,
    subscribe_keyboard,
    zone_keyboard,
)
from domain.chats import Chat
from domain.clock import utcnow
from domain.localtime import zone_choices, zone_label
from domain.subscriptions import Subscription
from handlers.chat_admin import may_manage, topic_of


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


async def preference_pressed(
    query: CallbackQuery,
    callback_data: CallbackData,
    chat: Chat,
    subscriptions: SubscriptionService,
    l10n: Localizer,
    bot: Bot,
) -> None:
    """Any preference button of the panel: the table names the setter its data calls."""
    preference = PREFERENCE_OF[type(callback_data)]
    await _change(
        query,
        chat,
        subscriptions,
        l10n,
        bot,
        lambda service, chat_id: preference.change(service, chat_id, callback_data),
    )


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
    """A fresh router (a router can belong to one dispatcher only): one handler for every preference of the panel
    (the table in bot/telegram/settings_panel.py), one for subscribing again, two for the time zone."""
    router = Router(name="settings")
    router.message.register(show_settings, Command("settings"))
    for preference in PREFERENCES:
        router.callback_query.register(preference_pressed, preference.data.filter())
    router.callback_query.register(subscribe_pressed, SubscribeAgain.filter())
    router.callback_query.register(zone_menu_pressed, ZoneMenu.filter())
    router.callback_query.register(zone_chosen, ZoneChoice.filter())
    return router
