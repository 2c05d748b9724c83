"""Stage 3a, names: the organizations, countries and people a question names.

Every name, short name, alias and form of the knowledge base is split into word keys (normalize.py).
A name word matches a question word exactly, as its beginning with an ending after it (Германиядан,
китайские: the last one or two letters of a longer name word may change), or with one typo. Only each
name's rarest word goes into the key index, so a question probes a few dictionary entries however many
organizations there are; the name's other words are then checked in place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from bot.services.answers.keymatch import KeyMatcher, word_matches
from bot.services.answers.normalize import Word, keys
from domain.knowledge import Forms, KnowledgeBase

MAX_NAME_WORDS = 12
# The alliance's own name is recognised by its words' first letters (keys), from words this long:
# "сотрудничеству", "sotrudnichestvu" and "ынтымақтастық" are its words, "по" and "and" are not.
OWN_NAME_STEM = 6
MIN_OWN_NAME_WORD = 4
# A person's name word shortened to its first letters ("Kalkam" for Kalkamanov) is read from this many on.
MIN_SHORTENED = 5
# Endings a name word may take, in letters of the key: Kazakh stacks plural, possessive and case.
MAX_ENDING = 6
# Kazakh case, plural and possessive endings (as keys) that tell a Kazakh question from a Russian one.
KAZAKH_ENDINGS = frozenset(
    [
        "dan",
        "den",
        "tan",
        "ten",
        "nan",
        "nen",
        "da",
        "de",
        "ta",
        "te",
        "na",
        "ne",
        "ga",
        "ge",
        "ca",
        "ce",
        "nin",
        "din",
        "tin",
        "ni",
        "di",
        "ti",
        "si",
        "lar",
        "ler",
        "dar",
        "der",
        "tar",
        "ter",
        "dagi",
        "degi",
        "tagi",
        "tegi",
        "ndagi",
        "ndegi",
        "men",
        "ben",
        "pen",
        "mn",
        "lic",
        "lic",
        "dic",
        "tic",
    ]
)
RUSSIAN_ENDINGS = frozenset(
    ["a", "u", "e", "i", "om", "ov", "ev", "am", "ah", "ami", "ei", "oi", "iu", "ia", "ie", "ii"]
)


@dataclass(frozen=True, slots=True)
class Entity:
    kind: str  # org, country, person
    key: str


@dataclass(frozen=True, slots=True)
class Match:
    entity: Entity
    start: int  # word span in the question
    end: int
    exact: bool  # False: a typo somewhere
    languages: tuple[str, ...]  # the languages of the name matched exactly, e.g. ("en",) for "Germany"
    ending: str  # what followed the name's last word ("dan" in Германиядан)

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class _Name:
    entity: Entity
    words: tuple[str, ...]
    languages: tuple[str, ...]


def _rule(word_key: str, *, last: bool = True) -> tuple[str, bool, int]:
    """How a name word is matched: its stem, whether as a beginning, and how many letters may follow."""
    if len(word_key) <= 3 or word_key.isdigit():
        return word_key, False, 0
    if len(word_key) == 4:
        return word_key, True, 4
    # An adjective before the noun changes more of its ending: Новая → Новой, Новую.
    cut = 3 if not last and len(word_key) >= 6 else 1 if len(word_key) <= 6 else 2
    return word_key[:-cut], True, MAX_ENDING + cut


class EntityIndex:
    """The names of a knowledge base, ready for matching questions against them."""

    def __init__(self, kb: KnowledgeBase) -> None:
        names: list[_Name] = []
        for organization in kb.organizations:
            entity = Entity("org", organization.key)
            names += _names(
                entity, organization.names, organization.short_names, organization.aliases, organization.forms
            )
        for country in kb.countries:
            names += _names(Entity("country", country.code), country.names, {}, country.aliases, country.forms)
        for person in kb.people:
            names += _names(Entity("person", person.key), person.names, {}, person.aliases, person.forms)
        frequency = Counter(word for name in names for word in set(name.words))
        self._names = names
        # The first two letters of each entity's name words: a capitalized word beside a name found, beginning
        # like one of its words, is that name mistyped ("Jansh Kain"), not an unknown name.
        self._initials: dict[Entity, frozenset[str]] = {}
        for name in names:
            self._initials[name.entity] = self._initials.get(name.entity, frozenset()) | {w[:2] for w in name.words}
        # Every word of every name: such a word typed as it is is not a question word with a typo ("Center"
        # is not "кеңсе*", office, with one letter changed).
        self.vocabulary = frozenset(word for name in names for word in name.words)
        own = kb.fact("name")
        self.own_name_stems = frozenset(
            word[:OWN_NAME_STEM]
            for text in (own.text.values() if own else ())
            for word in keys(text)
            if len(word) >= MIN_OWN_NAME_WORD
        )
        # People's names shortened to their first letters, each kept only when it leads to one person. People
        # only: they are few, and a body's name is asked in full or by its short name.
        shortened: dict[str, set[Entity]] = {}
        for name in names:
            if name.entity.kind == "person":
                for word in name.words:
                    for length in range(MIN_SHORTENED, len(word) - 1):
                        shortened.setdefault(word[:length], set()).add(name.entity)
        self._shortened = {prefix: next(iter(found)) for prefix, found in shortened.items() if len(found) == 1}
        self._anchors: KeyMatcher[tuple[int, int]] = KeyMatcher()
        for number, name in enumerate(names):
            # The rarest word, and the longest among equals: it finds the fewest candidates.
            position = min(range(len(name.words)), key=lambda n: (frequency[name.words[n]], -len(name.words[n])))
            stem, prefix, extra = _rule(name.words[position], last=position == len(name.words) - 1)
            self._anchors.add(stem, (number, position), prefix=prefix, max_extra=extra, typo_key=name.words[position])

    def in_vocabulary(self, word: Word) -> bool:
        """Whether a word is a word of some name, as it is or with an ending of one or two letters ("Center's")."""
        return any(word.key[: len(word.key) - cut] in self.vocabulary for cut in (0, 1, 2) if len(word.key) - cut >= 4)

    def part_of(self, word: Word, entity: Entity) -> bool:
        """Whether a word beside a name found may be a mistyped word of that name (it begins like one)."""
        return word.key[:2] in self._initials.get(entity, frozenset())

    def find(
        self, question: list[Word], *, skip: frozenset[int] = frozenset(), no_anchor: frozenset[int] = frozenset()
    ) -> list[Match]:
        """Non-overlapping matches, longest and surest first, in question order; `skip`: positions that are
        question words, never names; `no_anchor`: positions that may be inside a name but never its rarest word."""
        candidates: list[Match] = []
        for position, word in enumerate(question):
            if position in no_anchor:
                continue
            for hit in self._anchors.match(word.key):
                number, anchor = hit.payload
                match = self._align(question, position - anchor, number, skip)
                if match is not None:
                    candidates.append(match)
        covered = {n for match in candidates for n in range(match.start, match.end)}
        for position, word in enumerate(question):
            entity = self._shortened.get(word.key)
            if entity is not None and position not in covered | skip | no_anchor:
                # Not exact: it counts only where a typo would (a question about someone, or written as a name).
                candidates.append(Match(entity, position, position + 1, False, (), ""))
        return sorted(_choose(candidates), key=lambda m: m.start)

    def _align(self, question: list[Word], start: int, number: int, skip: frozenset[int]) -> Match | None:
        name = self._names[number]
        end = start + len(name.words)
        if start < 0 or end > len(question):
            return None
        if len(name.words) == 1 and start in skip:
            # A question word alone is never a name; inside a longer name it may be ("председатель правления").
            return None
        exact = True
        for offset, name_word in enumerate(name.words):
            stem, prefix, extra = _rule(name_word, last=offset == len(name.words) - 1)
            # Only the last word of a name takes an ending ("Новой Зеландии" has two, so allow each).
            hit = word_matches(question[start + offset].key, stem, prefix=prefix, max_extra=extra, typo_key=name_word)
            if hit is None:
                return None
            exact = exact and hit.exact
        last = question[end - 1].key
        ending = last[len(name.words[-1]) :] if last.startswith(name.words[-1]) else ""
        whole = all(question[start + n].key == w for n, w in enumerate(name.words))
        return Match(name.entity, start, end, exact, name.languages if whole else (), ending)


def _names(
    entity: Entity,
    names: Mapping[str, str],
    short_names: Mapping[str, str],
    aliases: tuple[str, ...],
    forms: Forms,
) -> list[_Name]:
    spelled: dict[tuple[str, ...], set[str]] = {}

    def add(text: str, language: str | None) -> None:
        word_keys = keys(text)
        # A number alone is no name: "中国21世纪议程" keeps only its "21" in the alphabets keys are made of.
        if word_keys and len(word_keys) <= MAX_NAME_WORDS and not all(k.isdigit() for k in word_keys):
            languages = spelled.setdefault(word_keys, set())
            if language:
                languages.add(language)

    for mapping in (names, short_names):
        for language, text in mapping.items():
            add(text, language)
    for alias in aliases:
        add(alias, None)
    for language, texts in forms.items():
        for text in texts:
            add(text, language)
    return [_Name(entity, word_keys, tuple(sorted(languages))) for word_keys, languages in spelled.items()]


def _choose(candidates: list[Match]) -> list[Match]:
    chosen: list[Match] = []
    used: set[int] = set()
    for match in sorted(candidates, key=lambda m: (-m.length, not m.exact, not m.languages, m.start)):
        span = set(range(match.start, match.end))
        if span & used:
            # The same words may name one entity under several spellings; keep one match only.
            continue
        chosen.append(match)
        used |= span
    return chosen
