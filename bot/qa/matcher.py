"""Finding the organizations, countries and people a question names.

Every name, short name and alias is indexed by its word stems (exact match, inflection-proof) and by
a transliteration key (fuzzy match with rapidfuzz, for typos and the other script).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.qa.text import skeleton, stem, stem_variants, strip_kazakh, tokens
from storage.kb import KnowledgeBase

# 85 on the transliteration key keeps "Малазия"→Malaysia (91) and refuses "Франция"→Germany (67).
FUZZY_THRESHOLD = 85.0
# A short word has room for one typo at most, and common words sit close: "hungry"~Hungary, "chain"~Kain.
SHORT_KEY_LENGTH = 6
SHORT_KEY_THRESHOLD = 93.0
MAX_NAME_WORDS = 10
MAX_FUZZY_WORDS = 3
MIN_FUZZY_LENGTH = 4
# Combining Kazakh and plain stems word by word is exponential, so only short names get every combination.
MAX_COMBINED_WORDS = 4


@dataclass(frozen=True, slots=True)
class Entity:
    kind: str  # org, country, person
    key: str


@dataclass(frozen=True, slots=True)
class Match:
    entity: Entity
    start: int  # token span in the question
    end: int
    score: float  # 100 for an exact stem match

    @property
    def length(self) -> int:
        return self.end - self.start


def _name_keys(words: list[str]) -> set[tuple[str, ...]]:
    """Stem tuples a name is found under: plain stems, and stems with Kazakh endings removed."""
    if len(words) <= MAX_COMBINED_WORDS:
        return set(itertools.product(*(stem_variants(word, kazakh=True) for word in words)))
    return {tuple(stem(word) for word in words), tuple(stem(strip_kazakh(word)) for word in words)}


class EntityIndex:
    """Names of a knowledge base, ready for matching questions against them."""

    def __init__(self, kb: KnowledgeBase, *, ignored_words: frozenset[str] = frozenset()) -> None:
        self._exact: dict[tuple[str, ...], set[Entity]] = {}
        fuzzy: list[tuple[str, Entity]] = []
        self._ignored = ignored_words
        names: list[tuple[Entity, str]] = []
        for organization in kb.organizations:
            names += [(Entity("org", organization.key), name) for name in organization.all_names()]
        for country in kb.countries:
            entity = Entity("country", country.code)
            names += [(entity, name) for name in [*country.names.values(), *country.aliases]]
        for person in kb.people:
            entity = Entity("person", person.key)
            names += [(entity, name) for name in [*person.names.values(), *person.aliases]]
        for entity, name in names:
            words = tokens(name)
            if not words or len(words) > MAX_NAME_WORDS:
                continue
            for key in _name_keys(words):
                self._exact.setdefault(key, set()).add(entity)
            if len(words) <= MAX_FUZZY_WORDS:
                for variant in {skeleton(" ".join(words)), skeleton(" ".join(stem(word) for word in words))}:
                    if len(variant) >= MIN_FUZZY_LENGTH:
                        fuzzy.append((variant, entity))
        fuzzy.sort(key=lambda item: len(item[0]))
        self._fuzzy_keys = [key for key, _ in fuzzy]
        self._fuzzy_entities = [entity for _, entity in fuzzy]
        self._fuzzy_lengths = [len(key) for key in self._fuzzy_keys]

    def find(self, words: list[str], *, kazakh: bool) -> list[Match]:
        """Non-overlapping matches in the question's words, longest and surest first."""
        variants = [stem_variants(word, kazakh=kazakh) for word in words]
        candidates: list[Match] = []
        for length in range(min(MAX_NAME_WORDS, len(words)), 0, -1):
            for start in range(len(words) - length + 1):
                span = variants[start : start + length]
                if length <= MAX_COMBINED_WORDS:
                    keys: Iterable[tuple[str, ...]] = itertools.product(*span)
                else:
                    keys = {tuple(v[0] for v in span), tuple(v[-1] for v in span)}
                for key in keys:
                    for entity in self._exact.get(key, ()):
                        candidates.append(Match(entity, start, start + length, 100.0))
        taken = self._choose(candidates, len(words))
        covered = {n for match in taken for n in range(match.start, match.end)}
        fuzzy: list[Match] = []
        for length in range(min(MAX_FUZZY_WORDS, len(words)), 0, -1):
            for start in range(len(words) - length + 1):
                positions = range(start, start + length)
                if any(n in covered for n in positions) or any(words[n] in self._ignored for n in positions):
                    continue
                fuzzy += self._fuzzy(words[start : start + length], start, kazakh=kazakh)
        return sorted(self._choose([*taken, *fuzzy], len(words)), key=lambda match: match.start)

    def _fuzzy(self, words: list[str], start: int, *, kazakh: bool) -> list[Match]:
        queries = {skeleton(" ".join(words)), skeleton(" ".join(stem(w) for w in words))}
        if kazakh:
            queries.add(skeleton(" ".join(stem(strip_kazakh(w)) for w in words)))
        best: dict[Entity, float] = {}
        for query in queries:
            if len(query) < MIN_FUZZY_LENGTH:
                continue
            # A ratio of at least t needs lengths within t/(200-t) of each other: compare only those.
            spread = FUZZY_THRESHOLD / (200 - FUZZY_THRESHOLD)
            low = bisect.bisect_left(self._fuzzy_lengths, int(len(query) * spread))
            high = bisect.bisect_right(self._fuzzy_lengths, int(len(query) / spread) + 1)
            cutoff = SHORT_KEY_THRESHOLD if len(query) <= SHORT_KEY_LENGTH else FUZZY_THRESHOLD
            found = process.extract(query, self._fuzzy_keys[low:high], scorer=fuzz.ratio, score_cutoff=cutoff, limit=3)
            for _, score, position in found:
                entity = self._fuzzy_entities[low + position]
                best[entity] = max(score, best.get(entity, 0.0))
        return [Match(entity, start, start + len(words), score) for entity, score in best.items()]

    @staticmethod
    def _choose(candidates: list[Match], size: int) -> list[Match]:
        chosen: list[Match] = []
        used = [False] * size
        for match in sorted(candidates, key=lambda m: (-m.length, -m.score, m.start)):
            if any(used[match.start : match.end]):
                # The same words may name one entity under several keys; keep one match only.
                continue
            chosen.append(match)
            for n in range(match.start, match.end):
                used[n] = True
        return chosen
