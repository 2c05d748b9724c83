"""Question answering from the knowledge base: a pipeline of stages (see bot/services/answers/engine.py)."""

from bot.services.answers.answers import Answer, Choice
from bot.services.answers.engine import AnnouncementSource, QuestionEngine, create_question_engine
from bot.services.answers.throttle import QuestionThrottle, Verdict

__all__ = [
    "AnnouncementSource",
    "Answer",
    "Choice",
    "QuestionEngine",
    "QuestionThrottle",
    "Verdict",
    "create_question_engine",
]
