"""Matching one word's key against many patterns: whole words, word beginnings, and one typo.

Used for question words (lexicon.py) and for names (entities.py). Lookups are dictionary
probes, never a scan: a word beginning is found by probing each prefix of the word; a typo by a deletion
neighbourhood (each pattern is stored under itself and every one-letter deletion of it, and the word is
probed the same way), then confirmed with the optimal-string-alignment distance (a swap counts once).

Only "at most one edit" is ever asked, which is a comparison of the two words from both ends (`one_edit`):
rapidfuzz did it in C++, but cost 3 MB of resident memory in every bot process for this one check.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)

# Shorter keys have too many one-typo neighbours among ordinary words ("chain" is one letter from "cain").
MIN_FUZZY_LENGTH = 5
# A typo and a long ending together leave too little of the word: "Turkmenistan" is not "Turkiye" + a typo.
MAX_TYPO_EXTRA = 2


@dataclass(frozen=True, slots=True)
class Hit(Generic[T]):
    payload: T
    exact: bool  # False: one typo away
    extra: int  # letters of the word past the pattern (an ending)


@dataclass(frozen=True, slots=True)
class _Pattern(Generic[T]):
    key: str
    payload: T
    prefix: bool
    max_extra: int  # for a prefix: how many letters may follow
    typo_key: str  # what a word with a typo is compared with (a name's whole word, not its stem)


def one_edit(a: str, b: str) -> bool:
    """True when `a` and `b` are at most one edit apart in the optimal-string-alignment sense: equal, or one
    letter substituted, inserted, deleted, or two neighbours swapped."""
    if abs(len(a) - len(b)) > 1:
        return False
    start = 0
    shorter = min(len(a), len(b))
    while start < shorter and a[start] == b[start]:
        start += 1
    if start == len(a) == len(b):
        return True
    # The first difference is at `start`: what follows it must match after one edit there.
    if len(a) == len(b):
        rest = start + 1
        swapped = rest < len(a) and a[start] == b[rest] and a[rest] == b[start] and a[rest + 1 :] == b[rest + 1 :]
        return a[rest:] == b[rest:] or swapped
    if len(a) < len(b):
        return a[start:] == b[start + 1 :]
    return a[start + 1 :] == b[start:]


def _deletions(text: str) -> set[str]:
    return {text[:n] + text[n + 1 :] for n in range(len(text))}


class KeyMatcher(Generic[T]):
    """Patterns (keys) with payloads; `match(word_key)` gives every payload the word matches."""

    def __init__(self) -> None:
        self._whole: dict[str, list[_Pattern[T]]] = {}
        self._prefix: dict[str, list[_Pattern[T]]] = {}
        self._deleted: dict[str, list[_Pattern[T]]] = {}
        self._fuzzy_lengths: set[int] = set()
        self._cache: dict[str, tuple[Hit[T], ...]] = {}

    def add(
        self,
        pattern: str,
        payload: T,
        *,
        prefix: bool = False,
        max_extra: int = 64,
        fuzzy: bool = True,
        typo_key: str | None = None,
    ) -> None:
        """`typo_key`: compare typed words with this rather than with `pattern` (a stem is too short to
        tell a typo from another word: "chanel" is one letter from "chine", three from "chinese")."""
        typo = typo_key or pattern
        entry = _Pattern(pattern, payload, prefix, max_extra, typo)
        (self._prefix if prefix else self._whole).setdefault(pattern, []).append(entry)
        if fuzzy and len(typo) >= MIN_FUZZY_LENGTH:
            self._fuzzy_lengths.add(len(typo))
            for variant in {typo, *_deletions(typo)}:
                self._deleted.setdefault(variant, []).append(entry)
        self._cache.clear()

    def match(self, word: str) -> tuple[Hit[T], ...]:
        """Exact and word-beginning hits; typo hits only when there is no exact one."""
        cached = self._cache.get(word)
        if cached is None:
            cached = self._match(word)
            if len(self._cache) < 65536:
                self._cache[word] = cached
        return cached

    def _match(self, word: str) -> tuple[Hit[T], ...]:
        hits: dict[T, Hit[T]] = {}
        for entry in self._whole.get(word, ()):
            hits[entry.payload] = Hit(entry.payload, True, 0)
        for length in range(len(word), 0, -1):
            for entry in self._prefix.get(word[:length], ()):
                extra = len(word) - length
                if extra <= entry.max_extra and entry.payload not in hits:
                    hits[entry.payload] = Hit(entry.payload, True, extra)
        if hits:
            return tuple(hits.values())
        for hit in self._typos(word):
            hits.setdefault(hit.payload, hit)
        return tuple(hits.values())

    def _typos(self, word: str) -> list[Hit[T]]:
        found: list[Hit[T]] = []
        # A prefix pattern is compared with the word's beginning of about its own length.
        lengths = {len(word)} | {n for n in range(MIN_FUZZY_LENGTH - 1, len(word)) if n + 1 in self._fuzzy_lengths}
        lengths |= {
            n for n in range(MIN_FUZZY_LENGTH, len(word)) if n in self._fuzzy_lengths or n - 1 in self._fuzzy_lengths
        }
        for length in sorted(lengths):
            if length < MIN_FUZZY_LENGTH:
                continue
            part = word[:length]
            for variant in {part, *_deletions(part)}:
                for entry in self._deleted.get(variant, ()):
                    extra = len(word) - length
                    if (extra and not entry.prefix) or extra > min(entry.max_extra, MAX_TYPO_EXTRA):
                        continue
                    if extra and part[-1] != entry.typo_key[-1]:
                        # A different last letter with more letters after it is another ending, not a typo
                        # ("байланысты" is not "байланысу…").
                        continue
                    if one_edit(part, entry.typo_key):
                        found.append(Hit(entry.payload, False, extra))
        return found


def word_matches(
    word: str, pattern: str, *, prefix: bool, max_extra: int, typo_key: str | None = None
) -> Hit[None] | None:
    """One word against one pattern, by the same rules as `KeyMatcher.match` (for checking a phrase's
    other words once its rarest one has been found)."""
    if word == pattern:
        return Hit(None, True, 0)
    if prefix and word.startswith(pattern) and len(word) - len(pattern) <= max_extra:
        return Hit(None, True, len(word) - len(pattern))
    typo = typo_key or pattern
    if len(typo) < MIN_FUZZY_LENGTH:
        return None
    for length in (len(typo) - 1, len(typo), len(typo) + 1) if prefix else (len(word),):
        extra = len(word) - length
        if length < MIN_FUZZY_LENGTH:
            continue
        if 0 <= extra <= (min(max_extra, MAX_TYPO_EXTRA) if prefix else 0) and one_edit(word[:length], typo):
            return Hit(None, False, extra)
    return None
