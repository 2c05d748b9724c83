"""Stage 2, language: which language a question is in, and whether the user asked for another one.

Evidence per language: its function words and question words (lexicon.yaml), Kazakh letters, Kazakh
endings on names (Германиядан), and the language of a name spelled exactly as the knowledge base has it.
A Cyrillic word never counts for English; a Latin word that is both English and a Latin-typed Russian or
Kazakh word ("a", "me") counts fully for English and half for the others. Ties go to the user's interface
language when it is among them, else to Russian for Cyrillic text and English for Latin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.services.answers.entities import KAZAKH_ENDINGS, RUSSIAN_ENDINGS, Match
from bot.services.answers.lexicon import LANGUAGES, Found, Lexicon
from bot.services.answers.normalize import Word, has_kazakh_letters

KAZAKH_LETTERS_WEIGHT = 3.0
NAME_WEIGHT = 0.5
ENDING_WEIGHT = 1.0
# The lexicon phrases whose language is evidence of the question's ("сколько лет", "рас па", "krome").
VOTING_KINDS = frozenset({"intent", "modifier", "offtopic", "attribute"})


@dataclass(frozen=True, slots=True)
class LanguageRequest:
    """An explicit "answer in English": the language and the word positions it took."""

    language: str
    positions: frozenset[int]


def requested_language(
    text: str, words: Sequence[Word], found: Sequence[Found], lexicon: Lexicon
) -> LanguageRequest | None:
    """The language a user asks the answer in, if they do.

    A language word counts as a request only with a request word in its clause ("ответь на английском",
    "answer in Russian please") or alone in its clause ("in kazakh: ..."); "как это по-английски?" and
    "Kazakh members" are questions, not requests.
    """
    clauses = _clauses(text, words)
    for item in found:
        if item.kind != "language":
            continue
        clause = clauses[item.start]
        members = [n for n, c in enumerate(clauses) if c == clause]
        requests = {n for f in found if f.kind == "request" for n in range(f.start, f.end) if clauses[n] == clause}
        others = [
            n
            for n in members
            if not item.start <= n < item.end and n not in requests and not lexicon.is_function_word(words[n])
        ]
        if requests or (not others and len(set(clauses)) > 1):
            # Only the request's own words leave the question: "Tell me in Russian who the co-chairs are".
            taken = set(range(item.start, item.end)) | requests
            if not others:
                taken |= set(members)
            return LanguageRequest(item.name, frozenset(taken))
    return None


def _clauses(text: str, words: Sequence[Word]) -> list[int]:
    """The clause number of each word: clauses end at : . ! ? ; and new lines."""
    numbers: list[int] = []
    clause = 0
    position = 0
    for word in words:
        if any(mark in text[position : word.start] for mark in ":.!?;\n"):
            clause += 1
        numbers.append(clause)
        position = word.start + len(word.text)
    return numbers


def detect_language(
    text: str,
    words: Sequence[Word],
    found: Sequence[Found],
    names: Sequence[Match],
    lexicon: Lexicon,
    user_language: str,
) -> str:
    """ru, kk or en (see the module's description)."""
    kazakh_letters = has_kazakh_letters(text)
    inflected = any(m.ending in KAZAKH_ENDINGS or m.ending in RUSSIAN_ENDINGS for m in names)
    if words and not kazakh_letters and not inflected and all(_in_names(n, names) for n in range(len(words))):
        # A bare name ("Kalkamanov", "SSTEC", "Кейн") is written alike in every language: the user's own. With
        # a case ending ("Германиядан") it is a word of one language.
        return user_language
    scores = dict.fromkeys(LANGUAGES, 0.0)
    if kazakh_letters:
        scores["kk"] += KAZAKH_LETTERS_WEIGHT
    for position, word in enumerate(words):
        languages = set(lexicon.function_word_languages(word))
        languages |= {f.language for f in found if f.start <= position < f.end and f.kind in VOTING_KINDS}
        _vote(scores, word, languages, 1.0)
    for match in names:
        if len(match.languages) == 1 and match.languages[0] in scores:
            # A name spelled the same in several languages (ACCA21, Германия) tells nothing.
            _vote(scores, words[match.start], set(match.languages), NAME_WEIGHT)
        if match.ending in KAZAKH_ENDINGS:
            scores["kk"] += ENDING_WEIGHT
        elif match.ending in RUSSIAN_ENDINGS and words[match.start].cyrillic:
            scores["ru"] += ENDING_WEIGHT / 2
    latin = sum(word.latin for word in words) > len(words) / 2
    if not latin:
        scores["en"] = -1.0
    elif not any(scores.values()) and any(not _in_names(n, names) for n in range(len(words))):
        # Latin letters, no word of any language known, and not only names ("Central Asia?"): English.
        return "en"
    best = max(scores.values())
    tied = [language for language, score in scores.items() if score == best]
    if user_language in tied:
        return user_language
    if len(tied) == 1:
        return tied[0]
    return "en" if latin and "en" in tied else ("ru" if "ru" in tied else tied[0])


def _vote(scores: dict[str, float], word: Word, languages: set[str], weight: float) -> None:
    if not languages:
        return
    if word.cyrillic:
        languages.discard("en")
    elif "en" in languages and len(languages) > 1:
        # "a", "me", "contact": English, and Latin-typed Russian or Kazakh too; a Latin word is more likely
        # English.
        scores["en"] += weight
        for language in languages - {"en"}:
            scores[language] += weight / 2 / (len(languages) - 1)
        return
    for language in languages:
        scores[language] += weight / len(languages)


def _in_names(position: int, names: Sequence[Match]) -> bool:
    return any(match.start <= position < match.end for match in names)
