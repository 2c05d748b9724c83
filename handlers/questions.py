"""Questions in plain words: any non-command text in private chats; in groups when the bot is addressed.

Two aiogram pieces do the gatekeeping, so the handler only answers: the `Addressed` filter decides whether a
text is a question for the bot (and hands over the question without the mention), and the throttling
middleware, which runs only for texts that passed the filter, keeps a flood of questions from one user away.
"""

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import Filter
from aiogram.types import Message, TelegramObject

from bot.i18n import Localizer
from bot.runtime.metrics import record_question
from bot.services.answers import QuestionEngine, QuestionThrottle, Verdict
from bot.services.answers.feedback import QuestionLog
from domain.chats import Chat
from handlers.qa_feedback import answer_keyboard

logger = logging.getLogger(__name__)


class Addressed(Filter):
    """A question for the bot: any text in a private chat; in a group, a text that mentions the bot (the
    mention is taken out) or replies to one of its messages. Passes the question on as `question`."""

    async def __call__(self, message: Message, bot: Bot) -> bool | dict[str, Any]:
        text = (message.text or "").strip()
        if message.chat.type == ChatType.PRIVATE:
            return {"question": text} if text else False
        me = await bot.me()
        mention = f"@{me.username}".lower() if me.username else None
        if mention and mention in text.lower():
            start = text.lower().index(mention)
            text = (text[:start] + text[start + len(mention) :]).strip()
        else:
            replied = message.reply_to_message
            if not (replied and replied.from_user and replied.from_user.id == me.id):
                return False
        return {"question": text} if text else False


class QuestionThrottling(BaseMiddleware):
    """Each user may ask `QUESTION_RATE_PER_SECOND` questions a second (`QUESTION_BURST` at once); the first
    refusal in a row says so, the next ones are silent (answering each would itself be a flood)."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        throttle: QuestionThrottle = data["question_throttle"]
        user = data.get("event_from_user")
        chat = data.get("event_chat")
        verdict = throttle.check(user.id if user else chat.id if chat else 0)
        if verdict is Verdict.ALLOW:
            return await handler(event, data)
        if verdict is Verdict.REFUSE_WITH_NOTICE and isinstance(event, Message):
            l10n: Localizer = data["l10n"]
            await event.answer(l10n("qa-throttled"))
        return None


async def answer_question(
    message: Message, question: str, chat: Chat, questions: QuestionEngine, question_log: QuestionLog
) -> None:
    started = time.perf_counter()
    answer = await questions.answer(question, user_language=chat.language)
    record_question(answer.outcome, time.perf_counter() - started)
    logger.info("qa.answer", extra={"intent": answer.intent, "language": answer.language})
    log_id = await question_log.record(question, answer)
    await message.answer(answer.text, reply_markup=answer_keyboard(answer, log_id, message.message_id))


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="questions")
    router.message.filter(F.text, ~F.text.startswith("/"))
    router.message.middleware(QuestionThrottling())  # inner: only texts the filters let through count
    router.message.register(
        answer_question, F.chat.type.in_({ChatType.PRIVATE, ChatType.GROUP, ChatType.SUPERGROUP}), Addressed()
    )
    return router
