"""Held alliance entries: Approve sends them, Edit title asks for a new title first, Skip drops them."""

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InaccessibleMessage, Message

from bot.i18n import Localizer
from bot.services.admin.moderation import ModerationQueue
from bot.telegram.callbacks import ModerationAction, ModerationStep
from bot.telegram.notices import moderation_keyboard, moderation_text
from domain.audit import Actor
from domain.chats import Chat
from domain.entries import StoredEntry

MAX_TITLE = 300


class TitleDialog(StatesGroup):
    title = State()


async def _held(
    query: CallbackQuery, callback_data: ModerationAction, l10n: Localizer, moderation: ModerationQueue
) -> StoredEntry | None:
    """The entry a moderation button names while it is still held; otherwise None, the admin told why."""
    found = await moderation.entry(callback_data.entry)
    if found is None or query.message is None:
        await query.answer(l10n("button-stale"), show_alert=True)
        return None
    entry, status = found
    if status != "held":
        await query.answer(l10n("admin-mod-decided"), show_alert=True)
        return None
    return entry


async def _decided(query: CallbackQuery, text: str) -> None:
    """The buttons go; the chat keeps a line saying what was decided."""
    await query.answer(text)
    if query.message is not None and not isinstance(query.message, InaccessibleMessage):
        await query.message.edit_reply_markup(reply_markup=None)
        await query.message.answer(text)


async def title_pressed(
    query: CallbackQuery,
    callback_data: ModerationAction,
    state: FSMContext,
    l10n: Localizer,
    moderation: ModerationQueue,
) -> None:
    entry = await _held(query, callback_data, l10n, moderation)
    if entry is None:
        return
    await query.answer()
    await state.set_state(TitleDialog.title)
    await state.update_data(entry=entry.id)
    if query.message is not None and not isinstance(query.message, InaccessibleMessage):
        await query.message.answer(l10n("admin-mod-ask-title", title=entry.entry.title))


async def approve_pressed(
    query: CallbackQuery, callback_data: ModerationAction, l10n: Localizer, moderation: ModerationQueue
) -> None:
    entry = await _held(query, callback_data, l10n, moderation)
    if entry is None:
        return
    rows = await moderation.approve(entry.id, Actor.admin(query.from_user.id))
    if rows is None:
        await query.answer(l10n("admin-mod-decided"), show_alert=True)
        return
    await _decided(query, l10n("admin-mod-approved", count=rows))


async def skip_pressed(
    query: CallbackQuery, callback_data: ModerationAction, l10n: Localizer, moderation: ModerationQueue
) -> None:
    entry = await _held(query, callback_data, l10n, moderation)
    if entry is None:
        return
    if not await moderation.skip(entry.id, Actor.admin(query.from_user.id)):
        await query.answer(l10n("admin-mod-decided"), show_alert=True)
        return
    await _decided(query, l10n("admin-mod-skipped"))


async def got_title(
    message: Message, state: FSMContext, chat: Chat, l10n: Localizer, moderation: ModerationQueue
) -> None:
    title = (message.text or "").strip()
    if not title or len(title) > MAX_TITLE:
        await message.answer(l10n("admin-mod-bad-title", limit=MAX_TITLE))
        return
    entry_id = int((await state.get_data()).get("entry", 0))
    await state.clear()
    actor = Actor.admin(message.from_user.id if message.from_user else None)
    if not await moderation.retitle(entry_id, title, actor):
        await message.answer(l10n("admin-mod-decided"))
        return
    found = await moderation.entry(entry_id)
    if found is None:
        await message.answer(l10n("button-stale"))
        return
    await message.answer(
        moderation_text(found[0], chat.language), reply_markup=moderation_keyboard(entry_id, chat.language)
    )


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="admin-moderation")
    router.callback_query.register(approve_pressed, ModerationAction.filter(F.action == ModerationStep.APPROVE))
    router.callback_query.register(title_pressed, ModerationAction.filter(F.action == ModerationStep.TITLE))
    router.callback_query.register(skip_pressed, ModerationAction.filter(F.action == ModerationStep.SKIP))
    router.message.register(got_title, StateFilter(TitleDialog.title))
    return router
