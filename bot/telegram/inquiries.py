"""Inquiries in Telegram: the admins' notice of a new question, their buttons, and the Center's answer reaching
the asker as a reply to their question, in the asker's language."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters

from bot.i18n import localizer
from bot.rendering import split_html
from bot.telegram.alerts import AdminAlerts
from bot.telegram.callbacks import AskCenter, InquiryAction, InquiryStep
from domain.inquiries import Inquiry

logger = logging.getLogger(__name__)


def ask_center_button(language: str, log_id: int, question_message_id: int | None) -> InlineKeyboardButton:
    """ "Ask the Center" under an answer the bot could not give."""
    data = AskCenter(log=log_id, question=question_message_id or 0)
    return InlineKeyboardButton(text=localizer(language)("inquiry-button-ask"), callback_data=data.pack())


def inquiry_keyboard(inquiry: Inquiry, language: str) -> InlineKeyboardMarkup | None:
    """An admin's buttons on an inquiry: answer or close while it is open; into the knowledge base once answered."""
    l10n = localizer(language)
    steps: tuple[InquiryStep, ...] = ()
    if inquiry.status == "open":
        steps = (InquiryStep.ANSWER, InquiryStep.CLOSE)
    elif inquiry.status == "answered" and inquiry.fact_key is None:
        steps = (InquiryStep.FACT,)
    if not steps:
        return None
    rows = [
        [
            InlineKeyboardButton(
                text=l10n(f"inquiry-button-{step}", id=str(inquiry.id)),
                callback_data=InquiryAction(inquiry=inquiry.id, action=step).pack(),
            )
        ]
        for step in steps
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def inquiry_text(inquiry: Inquiry, language: str) -> str:
    """One inquiry as an admin reads it: number, language, status, the question (and the answer, if any)."""
    l10n = localizer(language)
    text = l10n(
        "inquiry-line",
        id=str(inquiry.id),
        language=inquiry.language,
        status=l10n(f"inquiry-status-{inquiry.status}"),
        question=inquiry.question,
    )
    if inquiry.answer:
        text += "\n" + l10n("inquiry-line-answer", answer=inquiry.answer)
    return text


async def notify_admins(bot: Bot, alerts: AdminAlerts, inquiry: Inquiry) -> None:
    """Each admin chat gets the new question in its language, with Answer and Close; a failure is logged."""
    for chat_id, language in await alerts.audience():
        text = localizer(language)("inquiry-new", id=str(inquiry.id)) + "\n\n" + inquiry_text(inquiry, language)
        try:
            await bot.send_message(chat_id, split_html(text)[0], reply_markup=inquiry_keyboard(inquiry, language))
        except TelegramAPIError as error:
            logger.warning("inquiry.notice_failed", extra={"chat_id": chat_id, "error": str(error)})


async def deliver_answer(bot: Bot, inquiry: Inquiry) -> bool:
    """The Center's answer to the asker, a reply to their question (when it still exists), in their language;
    False when Telegram refused it (the asker blocked the bot, deleted the chat)."""
    l10n = localizer(inquiry.language)
    text = l10n("inquiry-answered", question=inquiry.question, answer=inquiry.answer or "")
    reply = (
        ReplyParameters(message_id=inquiry.message_id, allow_sending_without_reply=True) if inquiry.message_id else None
    )
    try:
        parts = split_html(text)
        for index, part in enumerate(parts):
            await bot.send_message(inquiry.chat_id, part, reply_parameters=reply if index == 0 else None)
    except TelegramAPIError as error:
        logger.info("inquiry.answer_undelivered", extra={"inquiry": inquiry.id, "error": str(error)})
        return False
    return True
