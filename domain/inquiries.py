"""Questions the bot could not answer, asked of the Center: the asker's question, its status, the Center's answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

InquiryStatus = Literal["open", "answered", "closed"]
INQUIRY_STATUSES: tuple[InquiryStatus, ...] = get_args(InquiryStatus)


@dataclass(frozen=True, slots=True)
class Inquiry:
    """One question for the Center. `chat_id` and `message_id` say where the answer goes (a reply to the question);
    they are never shown to admins, who see the question, its language and its status only."""

    id: int
    chat_id: int
    message_id: int | None
    language: str
    question: str
    status: InquiryStatus
    asked_at: datetime
    answer: str | None = None
    answered_at: datetime | None = None
    fact_key: str | None = None  # the knowledge-base fact made of the answer, once an admin added it
