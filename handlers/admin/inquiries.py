"""/inquiries: the questions asked of the Center (open, answered, closed); an admin answers one in Telegram, the
answer reaches the asker as a reply to their question, and one more button adds it to the knowledge base."""

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InaccessibleMessage, Message

from bot.i18n import Localizer
from bot.rendering import split_html
from bot.services.admin.inquiries import MAX_ANSWER_CHARS, InquiryDesk
from bot.telegram.callbacks import InquiryAction, InquiryStep
from bot.telegram.inquiries import deliver_answer, inquiry_keyboard, inquiry_text
from domain.audit import Actor
from domain.inquiries import INQUIRY_STATUSES, Inquiry, InquiryStatus


class AnswerDialog(StatesGroup):
    text = State()


async def show_inquiries(message: Message, command: CommandObject, l10n: Localizer, inquiries: InquiryDesk) -> None:
    """`/inquiries` lists the open ones (oldest first), `/inquiries answered|closed` the others."""
    wanted = (command.args or "open").strip().lower()
    status: InquiryStatus = next((s for s in INQUIRY_STATUSES if s == wanted), "open")
    page = await inquiries.page(status)
    counts = {s: page.counts.get(s, 0) for s in INQUIRY_STATUSES}
    await message.answer(l10n("inquiry-title", **counts))
    if not page.inquiries:
        await message.answer(l10n("inquiry-none", status=l10n(f"inquiry-status-{status}")))
        return
    for inquiry in page.inquiries:
        text = split_html(inquiry_text(inquiry, l10n.language))[0]
        await message.answer(text, reply_markup=inquiry_keyboard(inquiry, l10n.language))


class InquiryButton(Filter):
    """An inquiry button of one action whose inquiry still exists; its handler gets `inquiry`. Anything else does
    not match, and the fallback says the button is no longer valid."""

    def __init__(self, step: InquiryStep) -> None:
        self._data = InquiryAction.filter(F.action == step)

    async def __call__(self, query: CallbackQuery, inquiries: InquiryDesk) -> bool | dict[str, Inquiry]:
        unpacked = await self._data(query)
        if not isinstance(unpacked, dict):
            return False
        data: InquiryAction = unpacked["callback_data"]
        inquiry = await inquiries.get(data.inquiry)
        return False if inquiry is None else {"inquiry": inquiry}


async def _redraw(query: CallbackQuery, inquiry: Inquiry, l10n: Localizer) -> None:
    if query.message is not None and not isinstance(query.message, InaccessibleMessage):
        await query.message.edit_reply_markup(reply_markup=inquiry_keyboard(inquiry, l10n.language))


async def answer_pressed(query: CallbackQuery, inquiry: Inquiry, state: FSMContext, l10n: Localizer) -> None:
    if inquiry.status != "open":
        await query.answer(l10n("inquiry-already", status=l10n(f"inquiry-status-{inquiry.status}")), show_alert=True)
        return
    await query.answer()
    await state.set_state(AnswerDialog.text)
    await state.update_data(inquiry=inquiry.id)
    if query.message is not None:
        await bot_reply(query, l10n("inquiry-type-answer", id=inquiry.id, limit=MAX_ANSWER_CHARS))


async def bot_reply(query: CallbackQuery, text: str) -> None:
    if query.message is not None and not isinstance(query.message, InaccessibleMessage):
        await query.message.answer(text)


async def got_answer(message: Message, state: FSMContext, bot: Bot, l10n: Localizer, inquiries: InquiryDesk) -> None:
    text = (message.text or "").strip()
    if not text or len(text) > MAX_ANSWER_CHARS:
        await message.answer(l10n("inquiry-bad-answer", limit=MAX_ANSWER_CHARS))
        return
    inquiry_id = int((await state.get_data()).get("inquiry", 0))
    await state.clear()
    actor = Actor.admin(message.from_user.id if message.from_user else None)
    answered = await inquiries.answer(inquiry_id, text, actor=actor)
    if answered is None:
        await message.answer(l10n("button-stale"))
        return
    delivered = await deliver_answer(bot, answered)
    await message.answer(
        l10n("inquiry-answer-sent" if delivered else "inquiry-answer-undelivered", id=answered.id),
        reply_markup=inquiry_keyboard(answered, l10n.language),
    )


async def close_pressed(query: CallbackQuery, inquiry: Inquiry, l10n: Localizer, inquiries: InquiryDesk) -> None:
    closed = await inquiries.close(inquiry.id, actor=Actor.admin(query.from_user.id))
    if closed is None:
        await query.answer(l10n("inquiry-already", status=l10n(f"inquiry-status-{inquiry.status}")), show_alert=True)
        return
    await query.answer(l10n("inquiry-closed", id=closed.id))
    await _redraw(query, closed, l10n)


async def fact_pressed(query: CallbackQuery, inquiry: Inquiry, l10n: Localizer, inquiries: InquiryDesk) -> None:
    fact = await inquiries.add_to_knowledge_base(inquiry.id, actor=Actor.admin(query.from_user.id))
    if fact is None:
        await query.answer(l10n("inquiry-no-fact"), show_alert=True)
        return
    await query.answer(l10n("inquiry-fact-added", key=fact.key))
    refreshed = await inquiries.get(inquiry.id)
    if refreshed is not None:
        await _redraw(query, refreshed, l10n)
    await bot_reply(query, l10n("inquiry-fact-added", key=fact.key))


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="admin-inquiries")
    router.message.register(show_inquiries, Command("inquiries"))
    router.message.register(got_answer, StateFilter(AnswerDialog.text))
    # One handler per action; a forged action, or an inquiry that is gone, falls to the fallback router.
    router.callback_query.register(answer_pressed, InquiryButton(InquiryStep.ANSWER))
    router.callback_query.register(close_pressed, InquiryButton(InquiryStep.CLOSE))
    router.callback_query.register(fact_pressed, InquiryButton(InquiryStep.FACT))
    return router
