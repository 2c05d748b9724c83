"""Buttons under answers: 👍/👎 (recorded without user identity), the readings of an ambiguous question, and "Ask
the Center" where the bot could not answer (or the asker pressed 👎)."""

from enum import StrEnum

from aiogram import F, Router
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InaccessibleMessage, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.i18n import Localizer
from bot.services.answers import Answer, QuestionEngine
from bot.services.answers.entities import Entity
from bot.services.answers.feedback import QuestionLog
from bot.telegram.callbacks import MessageId, RowId
from bot.telegram.inquiries import ask_center_button
from domain.languages import Language

# Telegram allows 64 bytes of callback data; a reading whose entity key does not fit is offered without it.
MAX_CALLBACK_BYTES = 64
# Outcomes that are an answer worth rating (not a question back, not "don't know").
RATED_OUTCOMES = ("answered", "low", "not_stated", "unknown", "search")
# Outcomes where the bot could not answer: the asker is offered a person (the Center) at once.
UNANSWERED_OUTCOMES = ("not_stated", "unknown", "dont_know")


class Vote(StrEnum):
    UP = "up"
    DOWN = "down"


class EntityKind(StrEnum):
    NONE = "-"
    COUNTRY = "country"
    ORG = "org"
    PERSON = "person"


class QAVote(CallbackData, prefix="qav"):
    vote: Vote
    log: RowId
    question: MessageId = 0  # the asker's message, for "Ask the Center" after a 👎


class QAChoice(CallbackData, prefix="qac"):
    intent: str
    language: Language
    kind: EntityKind
    key: str


def answer_keyboard(answer: Answer, log_id: int | None, question_id: int | None = None) -> InlineKeyboardMarkup | None:
    """Buttons under an answer: one per reading for a question back, else 👍/👎, and "Ask the Center" when the
    bot could not answer. `question_id` is the asker's message (the Center's answer replies to it)."""
    builder = InlineKeyboardBuilder()
    if answer.choices:
        for choice in answer.choices:
            data = _choice_data(choice.intent, choice.entity, answer.language)
            builder.button(text=choice.label, callback_data=data)
        builder.adjust(1)
        return builder.as_markup()
    if log_id is None:
        return None
    rows: list[list[InlineKeyboardButton]] = []
    if answer.outcome in RATED_OUTCOMES:
        rows.append(
            [
                InlineKeyboardButton(text="👍", callback_data=QAVote(vote=Vote.UP, log=log_id).pack()),
                InlineKeyboardButton(
                    text="👎", callback_data=QAVote(vote=Vote.DOWN, log=log_id, question=question_id or 0).pack()
                ),
            ]
        )
    if answer.outcome in UNANSWERED_OUTCOMES:
        rows.append([ask_center_button(answer.language, log_id, question_id)])
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


def _choice_data(intent: str, entity: Entity | None, language: str) -> QAChoice:
    data = QAChoice(
        intent=intent,
        language=language,
        kind=EntityKind(entity.kind) if entity else EntityKind.NONE,
        key=entity.key if entity else "-",
    )
    if len(data.pack().encode()) > MAX_CALLBACK_BYTES:
        data = QAChoice(intent=intent, language=language, kind=EntityKind.NONE, key="-")
    return data


async def vote_up(query: CallbackQuery, callback_data: QAVote, question_log: QuestionLog, l10n: Localizer) -> None:
    await _vote(query, callback_data, question_log, l10n, up=True)


async def vote_down(query: CallbackQuery, callback_data: QAVote, question_log: QuestionLog, l10n: Localizer) -> None:
    """A 👎 is recorded, and the asker is offered a person: "Ask the Center"."""
    offer = InlineKeyboardMarkup(
        inline_keyboard=[[ask_center_button(l10n.language, callback_data.log, callback_data.question or None)]]
    )
    await _vote(query, callback_data, question_log, l10n, up=False, then=offer)


async def _vote(
    query: CallbackQuery,
    data: QAVote,
    question_log: QuestionLog,
    l10n: Localizer,
    *,
    up: bool,
    then: InlineKeyboardMarkup | None = None,
) -> None:
    if not await question_log.vote(data.log, up=up):
        await query.answer(l10n("button-stale"), show_alert=True)
        return
    await query.answer(l10n("qa-feedback-thanks"))
    if query.message is not None and not isinstance(query.message, InaccessibleMessage):
        # One rating per answer: the rating buttons go once used.
        await query.message.edit_reply_markup(reply_markup=then)


async def reading_chosen(
    query: CallbackQuery, callback_data: QAChoice, questions: QuestionEngine, question_log: QuestionLog
) -> None:
    entity = None if callback_data.kind is EntityKind.NONE else Entity(callback_data.kind.value, callback_data.key)
    answer = await questions.choose(callback_data.intent, entity, callback_data.language)
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
