"""Question answering from the knowledge base: text normalization, entity matching, the engine."""

from bot.qa.engine import AnnouncementSource, Answer, QuestionEngine, create_question_engine
from bot.qa.throttle import QuestionThrottle, Verdict

__all__ = ["AnnouncementSource", "Answer", "QuestionEngine", "QuestionThrottle", "Verdict", "create_question_engine"]
