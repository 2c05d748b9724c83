"""Which entries a subscription wants: scope, news languages and plain-word keyword filters.

The rules live here and nowhere else: `audience_of` says which scopes and news language take an entry (the
database selects those subscribers on its matching index, see `storage.subscriptions.Audience`), and `wants`
is the whole rule for one subscription, applied in Python to the few candidates with keyword filters.
A new rule is one more clause in both `Audience` (and its SQL twin) and `wants`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import lru_cache

from domain.entries import StoredEntry
from storage.subscriptions import SCOPES, Audience, Subscription

MAX_WORDS = 20
MAX_WORD_LENGTH = 40
_TAG = re.compile(r"<[^>]*>")
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
    summary = html.unescape(_TAG.sub(" ", stored.entry.summary_html))
    return f"{stored.entry.title}\n{summary}"


def contains_any(text: str, words: Sequence[str]) -> bool:
    """True when one of the words occurs in the text as a whole word, in any case."""
    return bool(words) and _pattern(tuple(words)).search(text) is not None


def audience_of(stored: StoredEntry) -> Audience:
    """The subscriptions that may want the entry: its news language, in "all" scope or, for alliance news, any."""
    return Audience(language=stored.entry.language, scopes=SCOPES if stored.is_alliance else ("all",))


def wants(subscription: Subscription, stored: StoredEntry, text: str | None = None) -> bool:
    """True when the subscription asks for this entry (pausing and chat state are checked elsewhere)."""
    if not audience_of(stored).admits(subscription):
        return False
    if not subscription.include_words and not subscription.exclude_words:
        return True
    text = entry_text(stored) if text is None else text
    if subscription.include_words and not contains_any(text, subscription.include_words):
        return False
    return not contains_any(text, subscription.exclude_words)
