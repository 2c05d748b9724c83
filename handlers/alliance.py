"""/members (paged), /roles, /about and /latest."""

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InaccessibleMessage, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Localizer
from bot.services.answers import QuestionEngine
from bot.services.answers.engine import MembersPage, members_page, roles_text
from bot.services.delivery import SubscriptionService
from bot.telegram.channels import OfficialChannels
from domain.chats import Chat

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


async def members(message: Message, chat: Chat, questions: QuestionEngine, l10n: Localizer) -> None:
    page = await members_page(questions, chat.language, 1)
    await message.answer(page.text, reply_markup=_pager(page, l10n))


async def members_turn(
    query: CallbackQuery, callback_data: MembersPageChoice, chat: Chat, questions: QuestionEngine, l10n: Localizer
) -> None:
    page = await members_page(questions, chat.language, callback_data.page)
    await query.answer()
    if query.message is None or isinstance(query.message, InaccessibleMessage):
        return
    # A double tap (or a page past the end, clamped) asks for the page already shown: an unchanged edit is done.
    await query.message.edit_text(page.text, reply_markup=_pager(page, l10n))


async def members_forged(query: CallbackQuery, l10n: Localizer) -> None:
    await query.answer(l10n("button-stale"), show_alert=True)


async def roles(message: Message, chat: Chat, questions: QuestionEngine) -> None:
    await message.answer(await roles_text(questions, chat.language))


async def about(message: Message, chat: Chat, questions: QuestionEngine) -> None:
    await message.answer((await questions.about_answer(chat.language)).text)


async def latest(
    message: Message,
    chat: Chat,
    questions: QuestionEngine,
    subscriptions: SubscriptionService,
    official_channels: OfficialChannels,
    l10n: Localizer,
) -> None:
    """The newest announcements in the chat's languages (its subscription's news languages after its own), dated
    on its clock, and the link to the newest post of the official channel in the chat's language."""
    subscription = await subscriptions.get(chat.id)
    languages = subscription.languages if subscription else ()
    answer = await questions.latest_answer(chat.language, languages=languages, zone=subscriptions.zone_of(chat))
    channel_post = await official_channels.latest_post_url(chat.language)
    extra = "\n\n" + l10n("qa-latest-channel", url=channel_post) if channel_post else ""
    await message.answer(answer.text + extra)


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="alliance")
    router.message.register(members, Command("members"))
    router.message.register(roles, Command("roles"))
    router.message.register(about, Command("about"))
    router.message.register(latest, Command("latest"))
    router.callback_query.register(members_turn, MembersPageChoice.filter((F.page >= 1) & (F.page <= MAX_PAGE)))
    router.callback_query.register(members_forged, F.data.startswith("members:"))
    return router
