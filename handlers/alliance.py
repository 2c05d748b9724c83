"""/members (paged), /roles, /about and /latest."""

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InaccessibleMessage, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Localizer
from bot.qa import QuestionEngine
from bot.qa.engine import MembersPage, members_page, roles_text
from storage.chats import Chat

router = Router(name="alliance")
MAX_PAGE = 10_000


class MembersPageChoice(CallbackData, prefix="members"):
    page: int


def _pager(page: MembersPage, l10n: Localizer) -> InlineKeyboardMarkup | None:
    if page.pages <= 1:
        return None
    builder = InlineKeyboardBuilder()
    if page.page > 1:
        builder.button(text=l10n("qa-button-prev"), callback_data=MembersPageChoice(page=page.page - 1))
    if page.page < page.pages:
        builder.button(text=l10n("qa-button-next"), callback_data=MembersPageChoice(page=page.page + 1))
    return builder.as_markup()


@router.message(Command("members"))
async def members(message: Message, chat: Chat, questions: QuestionEngine, l10n: Localizer) -> None:
    page = await members_page(questions, chat.language, 1)
    await message.answer(page.text, reply_markup=_pager(page, l10n))


@router.callback_query(MembersPageChoice.filter(F.page.between(1, MAX_PAGE)))
async def members_turn(
    query: CallbackQuery, callback_data: MembersPageChoice, chat: Chat, questions: QuestionEngine, l10n: Localizer
) -> None:
    page = await members_page(questions, chat.language, callback_data.page)
    await query.answer()
    if query.message is not None and not isinstance(query.message, InaccessibleMessage):
        await query.message.edit_text(page.text, reply_markup=_pager(page, l10n))


@router.callback_query(F.data.startswith("members:"))
async def members_forged(query: CallbackQuery, l10n: Localizer) -> None:
    await query.answer(l10n("button-stale"), show_alert=True)


@router.message(Command("roles"))
async def roles(message: Message, chat: Chat, questions: QuestionEngine) -> None:
    await message.answer(await roles_text(questions, chat.language))


@router.message(Command("about"))
async def about(message: Message, chat: Chat, questions: QuestionEngine) -> None:
    await message.answer((await questions.about_answer(chat.language)).text)


@router.message(Command("latest"))
async def latest(message: Message, chat: Chat, questions: QuestionEngine) -> None:
    await message.answer((await questions.latest_answer(chat.language)).text)
