"""/privacy: what the bot keeps and for how long; /mydata: all of it as a file; /forget: delete it, after a button.

In a group or channel, /mydata and /forget are for the chat's admins (the data is the chat's, not one member's).
"""

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, InaccessibleMessage, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.config import Settings
from bot.i18n import Localizer
from bot.services.answers.feedback import KEEP_DAYS as QUESTION_KEEP_DAYS
from bot.services.privacy import PersonalData
from bot.telegram.callbacks import ForgetChoice, ForgetStep
from domain.chats import Chat
from domain.clock import utcnow
from handlers.chat_admin import may_manage


async def privacy(message: Message, l10n: Localizer, settings: Settings) -> None:
    await message.answer(
        l10n(
            "privacy-text",
            outbox_days=settings.outbox_retention_days,
            audit_days=settings.audit_retention_days,
            question_days=QUESTION_KEEP_DAYS,
        )
    )


async def _allowed(message: Message, bot: Bot, l10n: Localizer) -> bool:
    if await may_manage(bot, message.chat, message.from_user, message.sender_chat):
        return True
    await message.answer(l10n("privacy-admins-only"))
    return False


async def my_data(message: Message, bot: Bot, chat: Chat, l10n: Localizer, personal_data: PersonalData) -> None:
    if not await _allowed(message, bot, l10n):
        return
    now = utcnow()
    document = await personal_data.export(chat.id, now)
    await message.answer_document(
        BufferedInputFile(document, filename=f"mydata-{now:%Y-%m-%d}.json"), caption=l10n("privacy-mydata-caption")
    )


def forget_keyboard(chat_id: int, l10n: Localizer) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=l10n("privacy-forget-yes"), callback_data=ForgetChoice(chat=chat_id, action=ForgetStep.CONFIRM))
    builder.button(text=l10n("privacy-forget-no"), callback_data=ForgetChoice(chat=chat_id, action=ForgetStep.KEEP))
    builder.adjust(1)
    return builder.as_markup()


async def forget(message: Message, bot: Bot, chat: Chat, l10n: Localizer) -> None:
    if not await _allowed(message, bot, l10n):
        return
    await message.answer(l10n("privacy-forget-ask"), reply_markup=forget_keyboard(chat.id, l10n))


async def forget_chosen(
    query: CallbackQuery,
    callback_data: ForgetChoice,
    bot: Bot,
    chat: Chat,
    l10n: Localizer,
    personal_data: PersonalData,
) -> None:
    message = query.message
    if message is None or isinstance(message, InaccessibleMessage) or callback_data.chat != chat.id:
        await query.answer(l10n("button-stale"), show_alert=True)
        return
    if not await may_manage(bot, message.chat, query.from_user):
        await query.answer(l10n("privacy-admins-only"), show_alert=True)
        return
    await query.answer()
    if callback_data.action is ForgetStep.KEEP:
        await message.edit_text(l10n("privacy-forget-kept"))
        return
    await personal_data.forget(chat.id)
    await message.edit_text(l10n("privacy-forget-done"))


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="privacy")
    router.message.register(privacy, Command("privacy"))
    router.message.register(my_data, Command("mydata"))
    router.message.register(forget, Command("forget"))
    router.callback_query.register(forget_chosen, ForgetChoice.filter(F.action.in_(list(ForgetStep))))
    return router
