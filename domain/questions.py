"""What counts as a question the bot missed: one definition for /kb misses, the /stats chart and /metrics."""

from __future__ import annotations

# The answer's outcome when nothing known answered it: too unsure to answer ("low"), a question back ("ask"),
# known not to be stated ("not_stated"), nothing matched ("unknown"), "I don't know" ("dont_know"). Every other
# outcome (answered from the knowledge base, the news, a search) counts as answered.
MISSED_OUTCOMES = ("low", "ask", "not_stated", "unknown", "dont_know")


def is_missed(outcome: str) -> bool:
    """Whether an answer with this outcome counts as a missed question."""
    return outcome in MISSED_OUTCOMES
