"""The question words as data: bot/services/answers/lexicon.yaml compiled into key matchers (see that file's header).

Loading checks the file (an unknown intent in `beats`, an empty trigger) so a bad edit fails loudly: in the
tests, which load it, and in the bot at the first question (the engine compiles it then, not at start, to keep
it out of the memory of a bot that is asked nothing).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.services.answers.keymatch import KeyMatcher
from bot.services.answers.normalize import Word, key, keys
from domain.languages import LANGUAGES as INTERFACE_LANGUAGES

LEXICON_FILE = Path(__file__).with_name("lexicon.yaml")
LANGUAGES: tuple[str, ...] = INTERFACE_LANGUAGES
# A word beginning shorter than this would match half the dictionary; such entries must be whole words.
MIN_PREFIX_LENGTH = 3


class LexiconError(ValueError):
    """lexicon.yaml is malformed."""


@dataclass(frozen=True, slots=True)
class Trigger:
    """A word or phrase that signals an intent (group 0) or one of its all_of groups (1, 2, ...)."""

    intent: str
    language: str
    group: int
    weight: float
    words: tuple[tuple[str, bool], ...]  # (key, is a word beginning)
    length: int  # letters in the keys: the more, the more specific


@dataclass(frozen=True, slots=True)
class Intent:
    name: str
    weight: float
    groups: int  # 0: any trigger; n: all n groups must match
    beats: frozenset[str]
    not_stated: bool
    entity_card: bool  # not stated for the alliance, but a named entity's card answers it


@dataclass(frozen=True, slots=True)
class Found:
    """A phrase of the lexicon found in a question: words start..end."""

    kind: str  # intent, institution, body, language, request, modifier, offtopic, attribute
    name: str  # intent name, institution name, requested language, modifier, off-topic kind, attribute
    language: str  # the language of the entry
    start: int
    end: int
    weight: float
    group: int
    exact: bool
    length: int


def _split(entry: str) -> tuple[tuple[str, bool], ...]:
    parts: list[tuple[str, bool]] = []
    for raw in entry.split():
        prefix = raw.endswith("*")
        word_keys = keys(raw.rstrip("*"))
        for n, word_key in enumerate(word_keys):
            parts.append((word_key, prefix and n == len(word_keys) - 1 and len(word_key) >= MIN_PREFIX_LENGTH))
    return tuple(parts)


class _PhraseIndex:
    """Phrases (sequences of word patterns) found in a list of words, longest and most specific first."""

    def __init__(self) -> None:
        self._matcher: KeyMatcher[tuple[int, int]] = KeyMatcher()
        self._phrases: list[tuple[Found, tuple[tuple[str, bool], ...]]] = []

    def add(self, template: Found, words: tuple[tuple[str, bool], ...], *, fuzzy: bool = True) -> None:
        if not words:
            raise LexiconError(f"empty entry for {template.kind} {template.name}")
        number = len(self._phrases)
        self._phrases.append((template, words))
        for position, (word_key, prefix) in enumerate(words):
            self._matcher.add(word_key, (number, position), prefix=prefix, fuzzy=fuzzy)

    def find(self, question: list[Word]) -> list[Found]:
        hits = [{(h.payload): h.exact for h in self._matcher.match(word.key)} for word in question]
        found: list[Found] = []
        for start in range(len(question)):
            for (number, position), exact in hits[start].items():
                if position != 0:
                    continue
                template, words = self._phrases[number]
                end = start + len(words)
                if end > len(question):
                    continue
                exacts = [exact]
                for offset in range(1, len(words)):
                    other = hits[start + offset].get((number, offset))
                    if other is None:
                        break
                    exacts.append(other)
                else:
                    found.append(
                        Found(
                            template.kind,
                            template.name,
                            template.language,
                            start,
                            end,
                            template.weight,
                            template.group,
                            all(exacts),
                            template.length,
                        )
                    )
        return found


class Lexicon:
    """Function words, intents and the other word lists of lexicon.yaml."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.function_words: dict[str, frozenset[str]] = {
            language: frozenset(key(word) for word in data["words"][language]) for language in LANGUAGES
        }
        self.intents: dict[str, Intent] = {}
        self._phrases = _PhraseIndex()
        for name, spec in data["intents"].items():
            groups = spec.get("all_of", [])
            beats = frozenset(spec.get("beats", []))
            weight = float(spec.get("weight", 1.0))
            self.intents[name] = Intent(
                name,
                weight,
                len(groups),
                beats,
                bool(spec.get("not_stated", False)),
                bool(spec.get("entity_card", False)),
            )
            self._add_entries("intent", name, spec, weight, 0)
            for number, group in enumerate(groups, start=1):
                self._add_entries("intent", name, group, weight, number)
        for name, intent in self.intents.items():
            if unknown := intent.beats - self.intents.keys():
                raise LexiconError(f"intent {name}: beats unknown intents {sorted(unknown)}")
        for requested, spec in data["languages_requested"].items():
            self._add_entries("language", requested, spec, 1.0, 0)
        self._add_entries("request", "request", data["request_words"], 1.0, 0)
        for name, spec in data["institutions"].items():
            self._add_entries("institution", name, spec, 1.0, 0)
        self._add_entries("body", "body", data["generic_bodies"], 1.0, 0)
        for kind, section in (("modifier", "modifiers"), ("offtopic", "offtopic"), ("attribute", "attributes")):
            for name, spec in data[section].items():
                # Exact words only: a typo guess must not turn a question into a refusal ("position" is
                # one letter from "positions", not "politics", but such guesses are too cheap here).
                self._add_entries(kind, name, spec, 1.0, 0, fuzzy=False)
        # Number words by key, so "dvadcat", "двадцать" and "жиырма"/"jiyrma" are read alike.
        self.numbers: dict[str, int] = {}
        self.number_languages: dict[str, frozenset[str]] = {}
        for language in LANGUAGES:
            for word, value in data["numbers"][language].items():
                self.numbers[key(word)] = int(value)
                self.number_languages[key(word)] = self.number_languages.get(key(word), frozenset()) | {language}
        self._alliance: KeyMatcher[str] = KeyMatcher()
        for entry in data["alliance_words"]:
            ((word_key, prefix),) = _split(entry)
            self._alliance.add(word_key, "alliance", prefix=prefix)

    def _add_entries(
        self, kind: str, name: str, spec: Mapping[str, Any], weight: float, group: int, *, fuzzy: bool = True
    ) -> None:
        for language in LANGUAGES:
            for entry in spec.get(language, ()):
                words = _split(str(entry))
                length = sum(len(word_key) for word_key, _ in words)
                self._phrases.add(Found(kind, name, language, 0, 0, weight, group, True, length), words, fuzzy=fuzzy)

    def find(self, question: list[Word]) -> list[Found]:
        """Every lexicon phrase in the question, overlapping ones included."""
        return self._phrases.find(question)

    def names_the_alliance(self, word: Word) -> bool:
        return bool(self._alliance.match(word.key))

    def is_function_word(self, word: Word) -> bool:
        return any(word.key in self.function_words[language] for language in LANGUAGES)

    def function_word_languages(self, word: Word) -> list[str]:
        return [language for language in LANGUAGES if word.key in self.function_words[language]]


def choose(found: Iterable[Found]) -> list[Found]:
    """Non-overlapping phrases: longer spans first, then more specific entries; ties are all kept."""
    chosen: list[Found] = []
    taken: dict[int, tuple[int, int]] = {}
    for item in sorted(found, key=lambda f: (-(f.end - f.start), -f.length, not f.exact, f.start)):
        rank = (item.end - item.start, item.length)
        span = range(item.start, item.end)
        if all(n not in taken or taken[n] == rank for n in span):
            chosen.append(item)
            for n in span:
                taken[n] = rank
    return chosen


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The lexicon of bot/services/answers/lexicon.yaml, loaded once."""
    return Lexicon(yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8")))
