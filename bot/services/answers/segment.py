"""Stage 2b, long messages: the sentence that holds the question, without greetings and context.

A message of several sentences is cut at . ! ? before a capital letter and at new lines; each sentence
scores by its question mark and the question words (lexicon intents) it holds, and the best one is the
question (the last among equals, since people ask after the introduction). A one-sentence message is the
question itself.
"""

from __future__ import annotations

import re

from bot.services.answers.lexicon import Lexicon, choose
from bot.services.answers.normalize import words

# A sentence ends at . ! ? before a capital letter, or at a new line: "и.о. председателя" stays one sentence.
_BOUNDARY_RE = re.compile(r"(?<=[.!?])\s+(?=[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ])|\n+")
QUESTION_MARK_WEIGHT = 1.5


def find_question(text: str, lexicon: Lexicon) -> str:
    """The part of a message that is the question."""
    sentences = [s.strip() for s in _BOUNDARY_RE.split(text) if s.strip()]
    if len(sentences) <= 1:
        return text
    best, best_score = text, 0.0
    for sentence in sentences:
        found = [f for f in choose(lexicon.find(words(sentence))) if f.kind == "intent"]
        score = sum(f.weight for f in found) + (QUESTION_MARK_WEIGHT if "?" in sentence else 0.0)
        if score >= best_score and score > 0:
            best, best_score = sentence, score
    return best
