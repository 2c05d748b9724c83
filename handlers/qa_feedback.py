"""Buttons under answers: 👍/👎 (recorded without user identity) and the readings of an ambiguous question."""

from enum import StrEnum

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InaccessibleMessage, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Localizer
from bot.services.answers import Answer, QuestionEngine
from bot.services.answers.entities import Entity
from bot.services.answers.feedback import QuestionLog

# Telegram allows 64 bytes of callback data; a reading whose entity key does not fit is offered without it.
MAX_CALLBACK_BYTES = 64
# Outcomes that are an answer worth rating (not a question back, not "don't know").
RATED_OUTCOMES = ("answered", "low", "not_stated", "unknown", "search")


class Vote(StrEnum):
    UP = "up"
    DOWN = "down"


class EntityKind(StrEnum):
    NONE = "-"
    COUNTRY = "country"
    ORG = "org"
    PERSON = "person"


class AnswerLanguage(StrEnum):
    RU = "ru"
    KK = "kk"
    EN = "en"


class QAVote(CallbackData, prefix="qav"):
    vote: Vote
    log: int


class QAChoice(CallbackData, prefix="qac"):
    intent: str
    language: AnswerLanguage
    kind: EntityKind
    key: str


def answer_keyboard(answer: Answer, log_id: int | None) -> InlineKeyboardMarkup | None:
    """Buttons under an answer: one per reading for a question back, else 👍/👎."""
    builder = InlineKeyboardBuilder()
    if answer.choices:
        for choice in answer.choices:
            data = _choice_data(choice.intent, choice.entity, answer.language)
            builder.button(text=choice.label, callback_data=data)
        builder.adjust(1)
        return builder.as_markup()
    if log_id is None or answer.outcome not in RATED_OUTCOMES:
        return None
    builder.button(text="👍", callback_data=QAVote(vote=Vote.UP, log=log_id))
    builder.button(text="👎", callback_data=QAVote(vote=Vote.DOWN, log=log_id))
    return builder.as_markup()


def _choice_data(intent: str, entity: Entity | None, language: str) -> QAChoice:
    data = QAChoice(
        intent=intent,
        language=AnswerLanguage(language),
        kind=EntityKind(entity.kind) if entity else EntityKind.NONE,
        key=entity.key if entity else "-",
    )
    if len(data.pack().encode()) > MAX_CALLBACK_BYTES:
        data = QAChoice(intent=intent, language=AnswerLanguage(language), kind=EntityKind.NONE, key="-")
    return data


async def vote_up(query: CallbackQuery, callback_data: QAVote, question_log: QuestionLog, l10n: Localizer) -> None:
    await _vote(query, callback_data, question_log, l10n, up=True)


async def vote_down(query: CallbackQuery, callback_data: QAVote, question_log: QuestionLog, l10n: Localizer) -> None:
    await _vote(query, callback_data, question_log, l10n, up=False)


async def _vote(query: CallbackQuery, data: QAVote, question_log: QuestionLog, l10n: Localizer, *, up: bool) -> None:
    if not await question_log.vote(data.log, up=up):
        await query.answer(l10n("button-stale"), show_alert=True)
        return
    await query.answer(l10n("qa-feedback-thanks"))
    if query.message is not None and not isinstance(query.message, InaccessibleMessage):
        # One rating per answer: the buttons go once used.
        await query.message.edit_reply_markup(reply_markup=None)


async def reading_chosen(
    query: CallbackQuery, callback_data: QAChoice, questions: QuestionEngine, question_log: QuestionLog
) -> None:
    entity = None if callback_data.kind is EntityKind.NONE else Entity(callback_data.kind.value, callback_data.key)
    answer = await questions.choose(callback_data.intent, entity, callback_data.language.value)
    await query.answer()
    if query.message is None or isinstance(query.message, InaccessibleMessage):
        return
    log_id = await question_log.record(f"[{callback_data.intent}] {entity.key if entity else ''}".strip(), answer)
    await query.message.edit_text(answer.text, reply_markup=answer_keyboard(answer, log_id))


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only)."""
    router = Router(name="qa-feedback")
    router.callback_query.register(vote_up, QAVote.filter(F.vote == Vote.UP))
    router.callback_query.register(vote_down, QAVote.filter(F.vote == Vote.DOWN))
    router.callback_query.register(reading_chosen, QAChoice.filter())
    return router
