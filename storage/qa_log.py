"""The question log: questions the engine missed or was unsure of, and the 👍/👎 given to its answers.

Rows hold what was asked, its language, the intent and the outcome, never who asked. They are grouped by
`normalized` (the question's word keys), so "kto predsedatel" and "кто председатель" count as one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from domain.questions import MISSED_OUTCOMES
from storage.database import Database
from storage.schema.kb import qa_log

MAX_QUESTION_CHARS = 500


@dataclass(frozen=True, slots=True)
class Miss:
    """One group of similar missed questions: an example, its language, how often, the last time."""

    normalized: str
    example: str
    language: str
    count: int
    last_asked: datetime


@dataclass(frozen=True, slots=True)
class Votes:
    up: int
    down: int
    missed: int  # questions logged as missed in the period


class QuestionLogRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self, *, question: str, normalized: str, language: str, intent: str, outcome: str, at: datetime
    ) -> int:
        """Log one question; its id is what a 👍/👎 button refers to."""
        async with self._db.begin() as conn:
            result = await conn.execute(
                sa.insert(qa_log)
                .values(
                    asked_at=at,
                    question=question[:MAX_QUESTION_CHARS],
                    normalized=normalized[:MAX_QUESTION_CHARS],
                    language=language,
                    intent=intent[:32],
                    outcome=outcome,
                )
                .returning(qa_log.c.id)
            )
            return int(result.scalar_one())

    async def question(self, log_id: int) -> tuple[str, str] | None:
        """A logged question and its language; None when the row is gone (pruned)."""
        async with self._db.connect() as conn:
            row = (
                await conn.execute(sa.select(qa_log.c.question, qa_log.c.language).where(qa_log.c.id == log_id))
            ).first()
        return (row.question, row.language) if row else None

    async def vote(self, log_id: int, vote: int) -> bool:
        """Record 👍 (+1) or 👎 (-1) for a logged answer; False when the row is gone (pruned)."""
        async with self._db.begin() as conn:
            result = await conn.execute(sa.update(qa_log).where(qa_log.c.id == log_id).values(vote=vote))
        return bool(result.rowcount)

    async def misses(self, *, since: datetime, limit: int) -> list[Miss]:
        """The most frequent missed questions since a moment, most frequent first; 👎 answers count too."""
        missed = sa.or_(qa_log.c.outcome.in_(MISSED_OUTCOMES), qa_log.c.vote == -1)
        query = (
            sa.select(
                qa_log.c.normalized,
                sa.func.min(qa_log.c.question).label("example"),
                sa.func.min(qa_log.c.language).label("language"),
                sa.func.count().label("count"),
                sa.func.max(qa_log.c.asked_at).label("last_asked"),
            )
            .where(missed, qa_log.c.asked_at >= since)
            .group_by(qa_log.c.normalized)
            .order_by(sa.desc("count"), sa.desc("last_asked"))
            .limit(limit)
        )
        async with self._db.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [Miss(r.normalized, r.example, r.language, int(r.count), r.last_asked) for r in rows]

    async def votes(self, *, since: datetime) -> Votes:
        query = sa.select(
            sa.func.count().filter(qa_log.c.vote == 1),
            sa.func.count().filter(qa_log.c.vote == -1),
            sa.func.count().filter(qa_log.c.outcome.in_(MISSED_OUTCOMES)),
        ).where(qa_log.c.asked_at >= since)
        async with self._db.connect() as conn:
            up, down, missed = (await conn.execute(query)).one()
        return Votes(int(up), int(down), int(missed))

    async def prune(self, *, before: datetime) -> int:
        async with self._db.begin() as conn:
            result = await conn.execute(sa.delete(qa_log).where(qa_log.c.asked_at < before))
        return int(result.rowcount)
