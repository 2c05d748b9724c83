"""Which entries a subscription wants: scope, news languages and plain-word keyword filters; and which version of a
story a reader gets (their preferred language, another of theirs, or the only one there is).

The rules live here and nowhere else: `audience_of` says which scopes and news language take an entry and whether
readers of other languages may get it (the database selects those subscribers, see
`storage.subscriptions.Audience`); `wants_topic` and `choose_version` are the rest of the rule for one subscriber,
applied in Python to the candidates the database cannot queue on its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.rendering.markup import strip_tags
from domain.entries import StoredEntry
from domain.subscriptions import SCOPES, Subscription
from storage.subscriptions import Audience

MAX_WORDS = 20
MAX_WORD_LENGTH = 40
_NOT_WORD = re.compile(r"[^\w-]+")


def parse_words(text: str) -> tuple[str, ...]:
    """Plain words from what a user typed: letters, digits and hyphens only, lower-cased, no repeats."""
    words: list[str] = []
    for raw in _NOT_WORD.split(text.casefold()):
        word = raw.strip("-")[:MAX_WORD_LENGTH]
        if word and word not in words:
            words.append(word)
    return tuple(words[:MAX_WORDS])


@lru_cache(maxsize=4096)
def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    # Words are escaped, never user regexes; (?<!\w)...(?!\w) is a word boundary that also holds for Cyrillic.
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def entry_text(stored: StoredEntry) -> str:
    """Title and summary as plain text, what keywords are matched against."""
    summary = strip_tags(stored.entry.summary_html, " ")
    return f"{stored.entry.title}\n{summary}"


def contains_any(text: str, words: Sequence[str]) -> bool:
    """True when one of the words occurs in the text as a whole word, in any case."""
    return bool(words) and _pattern(tuple(words)).search(text) is not None


def audience_of(stored: StoredEntry) -> Audience:
    """The subscriptions that may want the entry: its news language, in "all" scope or, for alliance news, any scope
    and also readers of other languages (who get the only version there is, see `choose_version`)."""
    if stored.is_alliance:
        return Audience(language=stored.entry.language, scopes=SCOPES, fallback=True)
    return Audience(language=stored.entry.language, scopes=("all",))


def wants(subscription: Subscription, stored: StoredEntry, text: str | None = None) -> bool:
    """True when the subscription asks for this entry in its own language (pausing and chat state are checked
    elsewhere)."""
    return stored.entry.language in subscription.languages and wants_topic(subscription, stored, text)


def wants_topic(subscription: Subscription, stored: StoredEntry, text: str | None = None) -> bool:
    """True when the entry's subject is what the subscription asks for: its scope and word filters, any language."""
    if subscription.scope == "alliance" and not stored.is_alliance:
        return False
    if not subscription.include_words and not subscription.exclude_words:
        return True
    text = entry_text(stored) if text is None else text
    if subscription.include_words and not contains_any(text, subscription.include_words):
        return False
    return not contains_any(text, subscription.exclude_words)


@dataclass(frozen=True, slots=True)
class Version:
    """How a reader gets one version of a story: as a new message or an edit of theirs, and whether it is a
    version in a language they did not choose (said so in the message)."""

    fallback: bool
    edit: bool


def reading_order(subscription: Subscription, interface_language: str) -> tuple[str, ...]:
    """The reader's news languages, most preferred first: the interface language (if one of them), then the rest."""
    first = (interface_language,) if interface_language in subscription.languages else ()
    return first + tuple(code for code in subscription.languages if code != interface_language)


def choose_version(
    subscription: Subscription, interface_language: str, stored: StoredEntry, had: str | None
) -> Version | None:
    """What a reader who already has the story in language `had` (None: nothing of it yet) gets of this version.

    - a version in one of their languages: a new message, or an edit of theirs when it is preferred to `had`;
    - an alliance announcement in none of their languages: the version that exists, unless they chose "only my
      languages" or already have the story (other news keeps strictly to their languages: a feed per language
      would otherwise flood everyone with the other two).
    """
    order = reading_order(subscription, interface_language)
    language = stored.entry.language
    if language in order:
        if had is None:
            return Version(fallback=False, edit=False)
        rank_had = order.index(had) if had in order else len(order)
        return Version(fallback=False, edit=True) if order.index(language) < rank_had else None
    if had is not None or subscription.own_languages_only or not stored.is_alliance:
        return None
    return Version(fallback=True, edit=False)
