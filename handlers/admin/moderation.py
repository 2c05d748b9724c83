"""Held alliance entries: Approve sends them, Edit title asks for a new title first, Skip drops them."""

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InaccessibleMessage, Message

from bot.i18n import Localizer
from bot.services.admin.moderation import ModerationQueue
from bot.telegram.callbacks import ModerationAction, ModerationStep
from bot.telegram.notices import moderation_keyboard, moderation_text
from domain.audit import AuditTrail
from domain.chats import Chat

MAX_TITLE = 300


class TitleDialog(StatesGroup):
    title = State()


async def moderation_pressed(
    query: CallbackQuery,
    callback_data: ModerationAction,
    state: FSMContext,
    l10n: Localizer,
    moderation: ModerationQueue,
    audit: AuditTrail,
) -> None:
    found = await moderation.entry(callback_data.entry)
    message = query.message
    if found is None or message is None:
        await query.answer(l10n("button-stale"), show_alert=True)
        return
    entry, status = found
    if status != "held":
        await query.answer(l10n("admin-mod-decided"), show_alert=True)
        return
    admin_id = query.from_user.id
    action = callback_data.action
    if action is ModerationStep.TITLE:
        await query.answer()
        await state.set_state(TitleDialog.title)
        await state.update_data(entry=entry.id)
        if not isinstance(message, InaccessibleMessage):
            await message.answer(l10n("admin-mod-ask-title", title=entry.entry.title))
        return
    if action is ModerationStep.APPROVE:
        rows = await moderation.approve(entry.id, admin_id)
        if rows is None:
            await query.answer(l10n("admin-mod-decided"), show_alert=True)
            return
        await audit.record("moderation.approve", actor_id=admin_id, entry=entry.id, rows=rows)
        text = l10n("admin-mod-approved", count=rows)
    else:
        if not await moderation.skip(entry.id, admin_id):
            await query.answer(l10n("admin-mod-decided"), show_alert=True)
            return
        await audit.record("moderation.skip", actor_id=admin_id, entry=entry.id)
        text = l10n("admin-mod-skipped")
    await query.answer(text)
    if not isinstance(message, InaccessibleMessage):
        await message.edit_reply_markup(reply_markup=None)
        await message.answer(text)


async def got_title(
    message: Message, state: FSMContext, chat: Chat, l10n: Localizer, moderation: ModerationQueue, audit: AuditTrail
) -> None:
    title = (message.text or "").strip()
    if not title or len(title) > MAX_TITLE:
        await message.answer(l10n("admin-mod-bad-title", limit=MAX_TITLE))
        return
    entry_id = int((await state.get_data()).get("entry", 0))
    await state.clear()
    if not await moderation.retitle(entry_id, title):
        await message.answer(l10n("admin-mod-decided"))
        return
    found = await moderation.entry(entry_id)
    if found is None:
        await message.answer(l10n("button-stale"))
        return
    await audit.record(
        "moderation.title", actor_id=message.from_user.id if message.from_user else None, entry=entry_id, title=title
    )
    await message.answer(
        moderation_text(found[0], chat.language), reply_markup=moderation_keyboard(entry_id, chat.language)
    )


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="admin-moderation")
    router.callback_query.register(moderation_pressed, ModerationAction.filter())
    router.message.register(got_title, StateFilter(TitleDialog.title))
    return router
