"""Questions in plain words: any non-command text in private chats; in groups when the bot is addressed."""

import logging
import time

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.types import Message

from bot.i18n import Localizer
from bot.metrics import record_question
from bot.qa import QuestionEngine, QuestionThrottle, Verdict
from bot.qa.feedback import QuestionLog
from handlers.qa_feedback import answer_keyboard
from storage.chats import Chat

logger = logging.getLogger(__name__)


async def _reply(
    message: Message,
    text: str,
    chat: Chat,
    questions: QuestionEngine,
    throttle: QuestionThrottle,
    question_log: QuestionLog,
    l10n: Localizer,
) -> None:
    user_id = message.from_user.id if message.from_user else message.chat.id
    verdict = throttle.check(user_id)
    if verdict is Verdict.REFUSE_WITH_NOTICE:
        await message.answer(l10n("qa-throttled"))
    if verdict is not Verdict.ALLOW:
        return
    started = time.perf_counter()
    answer = await questions.answer(text, user_language=chat.language)
    record_question(answer.intent, time.perf_counter() - started)
    logger.info("qa.answer", extra={"intent": answer.intent, "language": answer.language})
    log_id = await question_log.record(text, answer)
    await message.answer(answer.text, reply_markup=answer_keyboard(answer, log_id))


async def private_question(
    message: Message,
    chat: Chat,
    questions: QuestionEngine,
    question_throttle: QuestionThrottle,
    question_log: QuestionLog,
    l10n: Localizer,
) -> None:
    await _reply(message, message.text or "", chat, questions, question_throttle, question_log, l10n)


async def group_question(
    message: Message,
    bot: Bot,
    chat: Chat,
    questions: QuestionEngine,
    question_throttle: QuestionThrottle,
    question_log: QuestionLog,
    l10n: Localizer,
) -> None:
    me = await bot.me()
    text = message.text or ""
    mention = f"@{me.username}".lower() if me.username else None
    replied_to_bot = bool(
        message.reply_to_message
        and message.reply_to_message.from_user
        and message.reply_to_message.from_user.id == me.id
    )
    if mention and mention in text.lower():
        start = text.lower().index(mention)
        text = (text[:start] + text[start + len(mention) :]).strip()
    elif not replied_to_bot:
        return
    if text:
        await _reply(message, text, chat, questions, question_throttle, question_log, l10n)


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="questions")
    router.message.filter(F.text, ~F.text.startswith("/"))
    router.message.register(private_question, F.chat.type == ChatType.PRIVATE)
    router.message.register(group_question, F.chat.type.in_({ChatType.GROUP, ChatType.SUPERGROUP}))
    return router
