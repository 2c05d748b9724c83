"""What the bot does for each answer of Telegram: one table, read by every place that calls the Bot API.

Telegram's errors are told apart as aiogram's exceptions tell them (by the HTTP code: 429 TelegramRetryAfter,
403 TelegramForbiddenError, 400 TelegramBadRequest, ...) and, within a code, by the start of the description
Telegram gives (core.telegram.org/bots/api#making-requests: "description: a human-readable description of the
result"), e.g. "Bad Request: chat not found". The rows are tried in order; the first that fits decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)


class Verdict(StrEnum):
    """What to do about a refused call."""

    WAIT = "wait"  # 429: pause what it names for retry_after, then try again
    FOLLOW = "follow"  # the group became a supergroup: move to the new chat id and try again
    CHAT_GONE = "chat_gone"  # blocked, kicked, deactivated, no such chat: stop sending to the chat
    BAD_MARKUP = "bad_markup"  # the HTML was refused: try again as plain text
    UNCHANGED = "unchanged"  # an edit that changes nothing: the message already shows it, done
    REFUSED_PART = "refused_part"  # a photo, a button or a link refused: send the message with less
    TRANSIENT = "transient"  # Telegram's side or the network: try again later, with backoff
    FAILED = "failed"  # anything else: record it and stop


@dataclass(frozen=True, slots=True)
class Rule:
    error: type[TelegramAPIError]
    description: str | None  # a part of Telegram's description, lower case; None: any
    verdict: Verdict


RULES: tuple[Rule, ...] = (
    Rule(TelegramRetryAfter, None, Verdict.WAIT),
    Rule(TelegramMigrateToChat, None, Verdict.FOLLOW),
    # 403: "bot was blocked by the user", "bot was kicked from the group chat", "user is deactivated", ...
    Rule(TelegramForbiddenError, None, Verdict.CHAT_GONE),
    Rule(TelegramBadRequest, "chat not found", Verdict.CHAT_GONE),
    Rule(TelegramBadRequest, "user is deactivated", Verdict.CHAT_GONE),
    Rule(TelegramBadRequest, "bot was kicked", Verdict.CHAT_GONE),
    Rule(TelegramBadRequest, "can't parse entities", Verdict.BAD_MARKUP),
    Rule(TelegramBadRequest, "can't find end of", Verdict.BAD_MARKUP),
    Rule(TelegramBadRequest, "message is not modified", Verdict.UNCHANGED),
    Rule(TelegramBadRequest, None, Verdict.REFUSED_PART),
    Rule(TelegramServerError, None, Verdict.TRANSIENT),
    Rule(TelegramNetworkError, None, Verdict.TRANSIENT),
    Rule(TelegramNotFound, None, Verdict.FAILED),
    Rule(TelegramAPIError, None, Verdict.FAILED),
)


def verdict(error: TelegramAPIError) -> Verdict:
    """What the table says about `error` (every TelegramAPIError fits the last row)."""
    description = error.message.lower()
    for rule in RULES:
        if isinstance(error, rule.error) and (rule.description is None or rule.description in description):
            return rule.verdict
    return Verdict.FAILED
