"""Ask the Center: the button under an answer the bot could not give sends the question to the admins' queue;
/myquestions shows the chat's questions and what became of them."""

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InaccessibleMessage, Message

from bot.i18n import Localizer
from bot.rendering import split_html
from bot.services.admin.inquiries import InquiryDesk, InquiryLimitError
from bot.services.answers.feedback import QuestionLog
from bot.telegram.alerts import AdminAlerts
from bot.telegram.callbacks import AskCenter
from bot.telegram.inquiries import notify_admins
from domain.chats import Chat


async def ask_center(
    query: CallbackQuery,
    callback_data: AskCenter,
    bot: Bot,
    chat: Chat,
    l10n: Localizer,
    question_log: QuestionLog,
    inquiries: InquiryDesk,
    alerts: AdminAlerts,
) -> None:
    logged = await question_log.question(callback_data.log)
    if logged is None or query.message is None:
        await query.answer(l10n("button-stale"), show_alert=True)
        return
    question, language = logged
    try:
        inquiry = await inquiries.ask(
            chat_id=query.message.chat.id,
            message_id=callback_data.question or None,
            language=language,
            question=question,
        )
    except InquiryLimitError as error:
        await query.answer(l10n(f"inquiry-limit-{error.reason}", limit=error.limit), show_alert=True)
        return
    await query.answer(l10n("inquiry-sent-short"))
    if not isinstance(query.message, InaccessibleMessage):
        await query.message.edit_reply_markup(reply_markup=None)  # asked once
        await query.message.answer(l10n("inquiry-sent", id=inquiry.id))
    await notify_admins(bot, alerts, inquiry)


async def my_questions(message: Message, chat: Chat, l10n: Localizer, inquiries: InquiryDesk) -> None:
    mine = await inquiries.of_chat(chat.id)
    if not mine:
        await message.answer(l10n("inquiry-mine-none"))
        return
    lines = [l10n("inquiry-mine-title")]
    for inquiry in mine:
        line = l10n(
            "inquiry-mine-line",
            id=inquiry.id,
            status=l10n(f"inquiry-status-{inquiry.status}"),
            question=inquiry.question[:200],
        )
        if inquiry.answer:
            line += "\n" + l10n("inquiry-line-answer", answer=inquiry.answer)
        lines.append(line)
    for part in split_html("\n\n".join(lines)):
        await message.answer(part)


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="inquiries")
    router.callback_query.register(ask_center, AskCenter.filter())
    router.message.register(my_questions, Command("myquestions"))
    return router
