"""Ask the Center: the questions the bot cannot answer go to the admins' inquiry queue; an admin's answer goes back
to the asker and, in one step, into the knowledge base as a fact with its source (the Center's answer, its date).

Admins see a question, its language and its status, never who asked. Asking is limited per chat so the queue
cannot be flooded: a few open at once and a few a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from domain.audit import Actor, AuditTrail, record
from domain.clock import Clock, utcnow
from domain.inquiries import Inquiry, InquiryStatus
from domain.knowledge import Fact, Source
from storage.inquiries import InquiryRepository
from storage.kb import KnowledgeBaseRepository

MAX_OPEN_PER_CHAT = 3
MAX_PER_DAY_PER_CHAT = 5
MAX_ANSWER_CHARS = 3000
# The source of a fact made of the Center's answer: the Center itself, dated the day it answered.
CENTER_URL = "https://igtipc.org/"


class InquiryLimitError(Exception):
    """The chat may not ask more now: `reason` is "open" (too many waiting) or "daily" (too many today)."""

    def __init__(self, reason: str, limit: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.limit = limit


@dataclass(frozen=True, slots=True)
class InquiryPage:
    inquiries: list[Inquiry]
    counts: dict[str, int]


class InquiryDesk:
    """What the asker's "Ask the Center" button, /myquestions and the admins' /inquiries call."""

    def __init__(
        self,
        inquiries: InquiryRepository,
        knowledge: KnowledgeBaseRepository,
        audit: AuditTrail,
        *,
        clock: Clock = utcnow,
    ) -> None:
        self._inquiries = inquiries
        self._knowledge = knowledge
        self._audit = audit
        self._clock = clock

    async def ask(self, *, chat_id: int, message_id: int | None, language: str, question: str) -> Inquiry:
        """Queue a question for the Center (the same question still open is not queued twice); InquiryLimitError
        when the chat has asked too much."""
        question = question.strip()
        for earlier in await self._inquiries.of_chat(chat_id, limit=MAX_OPEN_PER_CHAT + MAX_PER_DAY_PER_CHAT):
            if earlier.status == "open" and earlier.question == question:
                return earlier
        now = self._clock()
        waiting, today = await self._inquiries.asked_since(chat_id, now - timedelta(days=1))
        if waiting >= MAX_OPEN_PER_CHAT:
            raise InquiryLimitError("open", MAX_OPEN_PER_CHAT)
        if today >= MAX_PER_DAY_PER_CHAT:
            raise InquiryLimitError("daily", MAX_PER_DAY_PER_CHAT)
        return await self._inquiries.add(
            chat_id=chat_id, message_id=message_id, language=language, question=question, at=now
        )

    async def get(self, inquiry_id: int) -> Inquiry | None:
        return await self._inquiries.get(inquiry_id)

    async def page(self, status: InquiryStatus, *, limit: int = 10) -> InquiryPage:
        """Inquiries of one status (open ones oldest first) and the count of each status."""
        return InquiryPage(await self._inquiries.by_status(status, limit=limit), await self._inquiries.counts())

    async def of_chat(self, chat_id: int, *, limit: int = 10) -> list[Inquiry]:
        """A chat's own questions, the newest first (/myquestions)."""
        return await self._inquiries.of_chat(chat_id, limit=limit)

    async def answer(self, inquiry_id: int, text: str, *, actor: Actor) -> Inquiry | None:
        """The Center's answer to an open inquiry; None when it was answered or closed meanwhile."""
        answered = await self._inquiries.answer(
            inquiry_id, answer=text.strip()[:MAX_ANSWER_CHARS], by=actor.user_id, at=self._clock()
        )
        if answered is not None:
            await record(self._audit, actor, "inquiry.answer", inquiry=inquiry_id)
        return answered

    async def close(self, inquiry_id: int, *, actor: Actor) -> Inquiry | None:
        """Close an open inquiry without an answer; None when it is not open."""
        closed = await self._inquiries.close(inquiry_id, by=actor.user_id, at=self._clock())
        if closed is not None:
            await record(self._audit, actor, "inquiry.close", inquiry=inquiry_id)
        return closed

    async def add_to_knowledge_base(self, inquiry_id: int, *, actor: Actor) -> Fact | None:
        """The answer of an answered inquiry as a fact in its language, its source the Center's answer and its
        date; None when the inquiry is not answered or is a fact already."""
        inquiry = await self._inquiries.get(inquiry_id)
        if inquiry is None or inquiry.status != "answered" or not inquiry.answer or inquiry.fact_key:
            return None
        answered = (inquiry.answered_at or self._clock()).date()
        text = f"{inquiry.question}\n{inquiry.answer}"
        fact = Fact(f"inquiry-{inquiry.id}", None, {inquiry.language: text}, Source(CENTER_URL, answered))
        if await self._inquiries.set_fact(inquiry.id, fact.key) is None or not await self._knowledge.add_fact(fact):
            return None
        await record(self._audit, actor, "inquiry.fact", inquiry=inquiry_id, fact=fact.key)
        return fact
