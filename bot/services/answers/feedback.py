"""The loop that learns: answers are logged without user identity, 👍/👎 recorded, misses shown to admins,
and an admin's alias goes straight into the knowledge base."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.services.answers.answers import Answer
from bot.services.answers.normalize import words
from domain.clock import utcnow
from domain.knowledge import NAME_LANGUAGES
from storage import Database
from storage.kb import KnowledgeBaseRepository
from storage.qa_log import Miss, QuestionLogRepository, Votes

KEEP_DAYS = 90
MISSES_DAYS = 30
PRUNE_EVERY_SECONDS = 3600.0
ENTITY_KINDS = ("country", "org", "person")


@dataclass(frozen=True, slots=True)
class AliasResult:
    added: bool
    problem: str | None = None  # "kind", "language", "unknown"


class QuestionLog:
    """What the handlers call; the storage behind it stays out of their sight."""

    def __init__(self, log: QuestionLogRepository, knowledge: KnowledgeBaseRepository) -> None:
        self._log = log
        self._knowledge = knowledge
        self._pruned_at = -float("inf")

    async def record(self, question: str, answer: Answer, *, now: datetime | None = None) -> int:
        """Log a question with its outcome; returns the id the 👍/👎 buttons carry."""
        now = now or utcnow()
        if time.monotonic() - self._pruned_at >= PRUNE_EVERY_SECONDS:
            self._pruned_at = time.monotonic()
            await self._log.prune(before=now - timedelta(days=KEEP_DAYS))
        return await self._log.record(
            question=question,
            normalized=normalized(question),
            language=answer.language,
            intent=answer.intent,
            outcome=answer.outcome,
            at=now,
        )

    async def question(self, log_id: int) -> tuple[str, str] | None:
        """The logged question and its language (what "Ask the Center" sends on); None once pruned."""
        return await self._log.question(log_id)

    async def vote(self, log_id: int, *, up: bool) -> bool:
        return await self._log.vote(log_id, 1 if up else -1)

    async def misses(self, *, limit: int = 15, now: datetime | None = None) -> list[Miss]:
        return await self._log.misses(since=(now or utcnow()) - timedelta(days=MISSES_DAYS), limit=limit)

    async def votes(self, *, now: datetime | None = None) -> Votes:
        return await self._log.votes(since=(now or utcnow()) - timedelta(days=MISSES_DAYS))

    async def add_alias(self, target: str, language: str, alias: str) -> AliasResult:
        """`target` is kind:key (country:DE, org:igtipc, person:kain)."""
        kind, _, key = target.partition(":")
        if kind not in ENTITY_KINDS or not key:
            return AliasResult(False, "kind")
        if language not in NAME_LANGUAGES:
            return AliasResult(False, "language")
        if not await self._knowledge.add_form(kind, key, language, alias.strip()):
            return AliasResult(False, "unknown")
        return AliasResult(True)


def normalized(question: str) -> str:
    """The grouping key of a question: its word keys (one spelling for every way of typing it)."""
    return " ".join(word.key for word in words(question))


def create_question_log(db: Database) -> QuestionLog:
    """The question log over the database (the bot's wiring calls this one function)."""
    return QuestionLog(QuestionLogRepository(db), KnowledgeBaseRepository(db))
