"""/broadcast: the message, the audience, a preview with the number of recipients, then now or at a time."""

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InaccessibleMessage, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.config import Settings
from bot.i18n import Localizer, localizer
from bot.services.admin.broadcasts import Approval, BroadcastService
from bot.services.delivery import SubscriptionService
from bot.telegram.alerts import AdminAlerts
from bot.telegram.callbacks import ApprovalStep, BroadcastAction, BroadcastApproval, BroadcastAudience, BroadcastStep
from bot.telegram.notices import ask_second_admins
from bot.telegram.reports import cancel_keyboard, post_report, update_report
from domain.audit import Actor
from domain.broadcasts import Audience
from domain.chats import Chat
from domain.clock import Clock
from domain.localtime import TooFarAheadError, example_time, format_moment, parse_local, zone_label

MEDIA = ("text", "photo", "document", "video")


class BroadcastDialog(StatesGroup):
    message = State()
    when = State()


def audience_keyboard(broadcast_id: int, l10n: Localizer) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for audience in Audience:
        data = BroadcastAudience(broadcast=broadcast_id, audience=audience)
        builder.button(text=l10n(f"admin-aud-{audience.value}"), callback_data=data)
    builder.adjust(1, 3, 2, 2)
    return builder.as_markup()


def confirm_keyboard(broadcast_id: int, l10n: Localizer, *, needs_approval: bool = False) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    steps = (
        (BroadcastStep.ASK, BroadcastStep.CANCEL)
        if needs_approval
        else (BroadcastStep.NOW, BroadcastStep.SCHEDULE, BroadcastStep.CANCEL)
    )
    for step in steps:
        data = BroadcastAction(broadcast=broadcast_id, action=step)
        builder.button(text=l10n(f"admin-bc-button-{step.value}"), callback_data=data)
    builder.adjust(2, 1)
    return builder.as_markup()


async def ask_message(message: Message, state: FSMContext, l10n: Localizer) -> None:
    await state.set_state(BroadcastDialog.message)
    await message.answer(l10n("admin-bc-ask"))


async def got_message(
    message: Message, state: FSMContext, chat: Chat, l10n: Localizer, broadcasts: BroadcastService
) -> None:
    if message.content_type not in MEDIA:
        await message.answer(l10n("admin-bc-unsupported"))
        return
    await state.clear()
    admin_id = message.from_user.id if message.from_user else chat.id
    draft = await broadcasts.draft(
        admin_id,
        (message.chat.id, message.message_id),
        chat.language,
        message.html_text or None,
        actor=Actor.admin(admin_id),
        content=str(message.content_type),
    )
    await message.answer(l10n("admin-bc-audience"), reply_markup=audience_keyboard(draft.id, l10n))


async def _stale(query: CallbackQuery, l10n: Localizer, text: str = "button-stale") -> None:
    await query.answer(l10n(text), show_alert=True)


def _shown(query: CallbackQuery) -> Message | None:
    """The message the button was under, when the bot can still touch it."""
    message = query.message
    return None if message is None or isinstance(message, InaccessibleMessage) else message


async def audience_chosen(
    query: CallbackQuery,
    callback_data: BroadcastAudience,
    bot: Bot,
    l10n: Localizer,
    broadcasts: BroadcastService,
) -> None:
    audience = callback_data.audience.value
    broadcast = await broadcasts.get(callback_data.broadcast)
    message = _shown(query)
    actor = Actor.admin(query.from_user.id)
    count = await broadcasts.choose_audience(broadcast.id, audience, actor=actor) if broadcast and message else None
    if broadcast is None or message is None or count is None:
        await _stale(query, l10n)
        return
    await query.answer()
    # The choice replaces the buttons: a keyboard left under it invited a second choice and a second preview.
    await message.edit_text(l10n("admin-bc-audience-chosen", audience=l10n(f"admin-aud-{audience}")))
    await message.answer(l10n("admin-bc-preview"))
    await bot.copy_message(message.chat.id, broadcast.source_chat_id, broadcast.source_message_id)
    text = l10n("admin-bc-confirm", count=count, audience=l10n(f"admin-aud-{audience}"))
    needs_approval = broadcasts.policy.needs_second_admin(audience)
    if needs_approval:
        text += "\n\n" + l10n("admin-bc-needs-approval")
    await message.answer(text, reply_markup=confirm_keyboard(broadcast.id, l10n, needs_approval=needs_approval))


async def send_now(
    query: CallbackQuery,
    callback_data: BroadcastAction,
    bot: Bot,
    l10n: Localizer,
    broadcasts: BroadcastService,
) -> None:
    broadcast = await broadcasts.get(callback_data.broadcast)
    message = _shown(query)
    ready = broadcast is not None and broadcast.audience is not None and message is not None
    started = await broadcasts.start(callback_data.broadcast, Actor.admin(query.from_user.id)) if ready else None
    if started is None or message is None:
        await _stale(query, l10n)
        return
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    await post_report(bot, broadcasts, started)


async def ask_time(
    query: CallbackQuery,
    callback_data: BroadcastAction,
    state: FSMContext,
    l10n: Localizer,
    broadcasts: BroadcastService,
    chat: Chat,
    subscriptions: SubscriptionService,
    clock: Clock,
) -> None:
    broadcast = await broadcasts.get(callback_data.broadcast)
    message = _shown(query)
    if broadcast is None or broadcast.status != "draft" or broadcast.audience is None or message is None:
        await _stale(query, l10n)
        return
    await query.answer()
    await state.set_state(BroadcastDialog.when)
    await state.update_data(broadcast=broadcast.id)
    zone_name = subscriptions.zone_of(chat)
    now = clock()
    await message.answer(
        l10n("admin-bc-when", example=example_time(now, zone_name), zone=zone_label(zone_name, l10n.language, now))
    )


async def cancel(
    query: CallbackQuery,
    callback_data: BroadcastAction,
    bot: Bot,
    l10n: Localizer,
    broadcasts: BroadcastService,
    clock: Clock,
) -> None:
    broadcast = await broadcasts.get(callback_data.broadcast)
    message = _shown(query)
    if broadcast is None or message is None:
        await _stale(query, l10n)
        return
    cancelled = await broadcasts.cancel(broadcast.id, actor=Actor.admin(query.from_user.id))
    if cancelled is None:
        await _stale(query, l10n, "admin-bc-already-over")
        return
    await query.answer(l10n("admin-bc-cancelled"))
    if cancelled.report_message_id is not None:
        await update_report(bot, await broadcasts.progress(cancelled, clock()), final=True)
    else:
        await message.edit_reply_markup(reply_markup=None)
        await message.answer(l10n("admin-bc-cancelled"))


async def got_time(
    message: Message,
    state: FSMContext,
    l10n: Localizer,
    broadcasts: BroadcastService,
    chat: Chat,
    subscriptions: SubscriptionService,
    clock: Clock,
) -> None:
    text = (message.text or "").strip()
    # The admin types their own clock's time; the zone is the one /settings shows them.
    zone_name = subscriptions.zone_of(chat)
    now = clock()
    try:
        due = parse_local(text, zone_name, now)
    except TooFarAheadError as error:
        await message.answer(l10n("admin-bc-too-far", latest=format_moment(error.latest, l10n.language, zone_name)))
        return
    if due is None:
        zone = zone_label(zone_name, l10n.language, now)
        await message.answer(l10n("admin-bc-bad-time", example=example_time(now, zone_name), zone=zone))
        return
    broadcast_id = int((await state.get_data()).get("broadcast", 0))
    await state.clear()
    broadcast = await broadcasts.get(broadcast_id)
    actor = Actor.admin(message.from_user.id if message.from_user else message.chat.id)
    if broadcast is None or not await broadcasts.schedule(broadcast_id, due, actor=actor):
        await message.answer(l10n("button-stale"))
        return
    await message.answer(
        l10n("admin-bc-scheduled", when=format_moment(due, l10n.language, zone_name)),
        reply_markup=cancel_keyboard(broadcast),
    )


async def ask_approval(
    query: CallbackQuery,
    callback_data: BroadcastAction,
    l10n: Localizer,
    broadcasts: BroadcastService,
    alerts: AdminAlerts,
    settings: Settings,
    chat: Chat,
    subscriptions: SubscriptionService,
) -> None:
    message = _shown(query)
    actor = Actor.admin(query.from_user.id)
    pending = await broadcasts.request_approval(callback_data.broadcast, actor) if message else None
    expires_at = broadcasts.policy.expires_at(pending) if pending else None
    if pending is None or message is None or expires_at is None:
        await _stale(query, l10n)
        return
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    told = await ask_second_admins(alerts, pending, expires_at, settings.timezone)
    until = format_moment(expires_at, l10n.language, subscriptions.zone_of(chat))
    text = l10n("admin-bc-approval-asked", admins=told, until=until)
    await message.answer(text, reply_markup=cancel_keyboard(pending))


async def approve(
    query: CallbackQuery,
    callback_data: BroadcastApproval,
    bot: Bot,
    l10n: Localizer,
    broadcasts: BroadcastService,
) -> None:
    outcome, broadcast = await broadcasts.approve(callback_data.broadcast, Actor.admin(query.from_user.id))
    if outcome is not Approval.SENT or broadcast is None:
        await query.answer(l10n(f"admin-bc-approval-{outcome.value}"), show_alert=True)
        return
    await query.answer(l10n("admin-bc-approval-sent"))
    message = _shown(query)
    if message is not None:
        await message.edit_text(l10n("admin-bc-approved", id=broadcast.id))
    await post_report(bot, broadcasts, broadcast)


async def reject(
    query: CallbackQuery,
    callback_data: BroadcastApproval,
    bot: Bot,
    l10n: Localizer,
    broadcasts: BroadcastService,
) -> None:
    broadcast = await broadcasts.get(callback_data.broadcast)
    if broadcast is None or not await broadcasts.reject(broadcast.id, Actor.admin(query.from_user.id)):
        await query.answer(l10n("admin-bc-approval-gone"), show_alert=True)
        return
    await query.answer(l10n("admin-bc-rejected"))
    message = _shown(query)
    if message is not None:
        await message.edit_text(l10n("admin-bc-rejected-by-you", id=broadcast.id))
    drafter = localizer(broadcast.report_language)
    await bot.send_message(broadcast.created_by, drafter("admin-bc-rejected-drafter", id=broadcast.id))


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="admin-broadcast")
    router.message.register(ask_message, Command("broadcast"))
    router.message.register(got_message, StateFilter(BroadcastDialog.message))
    router.message.register(got_time, StateFilter(BroadcastDialog.when))
    router.callback_query.register(audience_chosen, BroadcastAudience.filter())
    router.callback_query.register(send_now, BroadcastAction.filter(F.action == BroadcastStep.NOW))
    router.callback_query.register(ask_time, BroadcastAction.filter(F.action == BroadcastStep.SCHEDULE))
    router.callback_query.register(cancel, BroadcastAction.filter(F.action == BroadcastStep.CANCEL))
    router.callback_query.register(ask_approval, BroadcastAction.filter(F.action == BroadcastStep.ASK))
    router.callback_query.register(approve, BroadcastApproval.filter(F.action == ApprovalStep.APPROVE))
    router.callback_query.register(reject, BroadcastApproval.filter(F.action == ApprovalStep.REJECT))
    return router
