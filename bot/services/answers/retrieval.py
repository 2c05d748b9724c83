"""Stage 5, retrieval: when no intent fits, the knowledge-base passage or stored announcement that best
matches the question's words (BM25 with bm25s), shown with its source above a threshold.

Words are compared by the first five letters of their script-independent keys (a cheap stem that works
across Cyrillic, Kazakh and Latin typing); function words are left out. A passage is shown only when it
holds at least MIN_SHARED of the question's words (one, for a question of one or two) and at least
MIN_SHARE of them: "How does the supply chain work?" shares one word with "works under the Ministry",
which is not an answer. Nor is a passage that holds nothing the question does not: it must add at least MIN_NEW word.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.services.answers.normalize import words

if TYPE_CHECKING:
    import bm25s

STEM_LENGTH = 5
MIN_SHARED = 2
MIN_SHARE = 0.5
MIN_NEW = 1
# A question of one or two words ("стартапы поддерживают?") may share one of them with its passage.
SHORT_QUESTION = 2


@dataclass(frozen=True, slots=True)
class Passage:
    text: str
    language: str  # "" for any
    url: str
    date: str  # ISO date of the source
    title: str = ""


def stems(text: str, ignored: frozenset[str] = frozenset()) -> list[str]:
    return [w.key[:STEM_LENGTH] for w in words(text) if len(w.key) > 2 and w.key not in ignored]


class Retriever:
    """A BM25 index over passages, queried per answer language."""

    def __init__(self, passages: Sequence[Passage], *, ignored: frozenset[str] = frozenset()) -> None:
        self._passages = list(passages)
        self._ignored = ignored
        self._stems = [set(stems(p.text + " " + p.title, ignored)) for p in self._passages]
        self._index: bm25s.BM25 | None = None
        if self._passages:
            # Imported with the first index (the first question): bm25s brings numpy, about 15 MB of resident
            # memory that a bot nobody has asked anything yet does not need.
            import bm25s

            self._index = bm25s.BM25()
            self._index.index([sorted(s) or ["_"] for s in self._stems], show_progress=False)

    def best(self, question: str, language: str, *, limit: int = 3) -> list[Passage]:
        """The best passages for a question in a language (or any language), best first."""
        query = list(dict.fromkeys(stems(question, self._ignored)))
        if self._index is None or not query:
            return []
        k = min(len(self._passages), limit * 4)
        results, scores = self._index.retrieve([query], k=k, show_progress=False)
        found: list[Passage] = []
        for number, score in zip(results[0], scores[0], strict=True):
            passage = self._passages[int(number)]
            if score <= 0 or passage.language not in ("", language):
                continue
            shared = len(self._stems[int(number)] & set(query))
            needed = 1 if len(query) <= SHORT_QUESTION else MIN_SHARED
            # A passage that only repeats the question's words ("«Один пояс, один путь»" for "how do you like the
            # Belt and Road?") tells nothing: it answers only with MIN_NEW word(s) of its own.
            new = len(self._stems[int(number)] - set(query))
            if shared >= needed and shared / len(query) >= MIN_SHARE and new >= MIN_NEW:
                found.append(passage)
        return found[:limit]
