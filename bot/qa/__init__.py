"""Question answering from the knowledge base: a pipeline of stages (see bot/qa/engine.py)."""

from bot.qa.answers import Answer, Choice
from bot.qa.engine import AnnouncementSource, QuestionEngine, create_question_engine
from bot.qa.throttle import QuestionThrottle, Verdict

__all__ = [
    "AnnouncementSource",
    "Answer",
    "Choice",
    "QuestionEngine",
    "QuestionThrottle",
    "Verdict",
    "create_question_engine",
]
