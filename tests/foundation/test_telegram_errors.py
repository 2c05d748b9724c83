"""The one table of Telegram's errors: each kind of refusal the sender and the edits meet maps to one verdict."""

from __future__ import annotations

import pytest
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import SendMessage
from hypothesis import given
from hypothesis import strategies as st

from bot.telegram.errors import RULES, Verdict, verdict

METHOD = SendMessage(chat_id=1, text="x")
UPGRADED = "Bad Request: group chat was upgraded to a supergroup chat"
NOT_MODIFIED = "Bad Request: message is not modified: specified new message content"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (TelegramRetryAfter(METHOD, "Too Many Requests: retry after 5", 5), Verdict.WAIT),
        (
            TelegramMigrateToChat(METHOD, "Bad Request: group chat was upgraded to a supergroup chat", -100),
            Verdict.FOLLOW,
        ),
        (TelegramForbiddenError(METHOD, "Forbidden: bot was blocked by the user"), Verdict.CHAT_GONE),
        (TelegramForbiddenError(METHOD, "Forbidden: user is deactivated"), Verdict.CHAT_GONE),
        (TelegramBadRequest(METHOD, "Bad Request: chat not found"), Verdict.CHAT_GONE),
        (TelegramBadRequest(METHOD, "Bad Request: can't parse entities: Unsupported start tag"), Verdict.BAD_MARKUP),
        (
            TelegramBadRequest(METHOD, "Bad Request: message is not modified: specified new message content"),
            Verdict.UNCHANGED,
        ),
        (TelegramBadRequest(METHOD, "Bad Request: wrong file identifier/HTTP URL specified"), Verdict.REFUSED_PART),
        (TelegramBadRequest(METHOD, "Bad Request: BUTTON_URL_INVALID"), Verdict.REFUSED_PART),
        (TelegramServerError(METHOD, "Internal Server Error"), Verdict.TRANSIENT),
        (TelegramNetworkError(METHOD, "Connection reset"), Verdict.TRANSIENT),
        (TelegramNotFound(METHOD, "Not Found"), Verdict.FAILED),
    ],
)
def test_each_answer_of_telegram_has_one_verdict(error, expected) -> None:
    assert verdict(error) is expected


@given(description=st.text(max_size=200))
def test_any_description_of_any_error_gets_a_verdict(description: str) -> None:
    for rule in RULES:
        error = (
            rule.error(METHOD, description) if rule.error not in (TelegramRetryAfter, TelegramMigrateToChat) else None
        )
        if error is not None:
            assert isinstance(verdict(error), Verdict)


def test_every_verdict_is_reachable() -> None:
    assert {rule.verdict for rule in RULES} == set(Verdict)
