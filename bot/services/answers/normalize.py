"""Stage 1, normalisation: words of a question, each with a script-independent key.

The key makes one spelling of every way a word is typed in Telegram: Cyrillic, Kazakh with or without its
own letters (people type а for ә, к for қ, у for ү and ұ, о for ө, и or i for і, г for ғ, н for ң), Russian
or Kazakh typed in Latin letters ("kto predsedatel", "kim basqarady"), and English. It is anyascii's
transliteration folded further by a documented table (`_KEY_RULES`): digraphs to one letter, y/j as i,
q/k as c, doubled letters once. Words are compared by their keys (exact, as a beginning, or with one typo).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

# The Kazakh letters as people type them on a Russian keyboard.
_KAZAKH_FOLD = str.maketrans("әғқңөұүһі", "агкноуухи")
_KAZAKH_LETTERS = frozenset("әғқңөұүһі")
_WORD_RE = re.compile(r"[0-9A-Za-zА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІіÀ-ÿĞğŞşİıŪū]+")
_CYRILLIC_RE = re.compile(r"[а-яёәғқңөұүһі]", re.IGNORECASE)
_LATIN_RE = re.compile(r"[a-z]", re.IGNORECASE)

# Applied in order to anyascii's lower-case output. Each maps the spellings one sound gets, in either
# script, to one: ц is "ts" in anyascii and "c" or "ts" when typed; х is "kh" or "h"; ж "zh" or "j";
# й/ы/и "i" or "y"; к/қ "k" or "q"; ш "sh" (and Kazakh Latin ş, which anyascii gives as "s").
_KEY_RULES = (
    ("shch", "s"),
    ("sch", "s"),
    ("sh", "s"),
    ("kh", "h"),
    ("zh", "j"),
    ("dj", "j"),
    ("ts", "c"),  # not at the end of a word (see key): English plurals end in -ts
    ("tz", "c"),
    ("ph", "f"),
    ("w", "v"),
    ("q", "c"),
    ("k", "c"),
    ("x", "cs"),
    ("y", "i"),
)
_SOFT_J_RE = re.compile(r"j(?![aeiou])")  # "kakoj" (какой) is "kakoi"; "jana" (жаңа) keeps its j
_NOT_KEY_RE = re.compile(r"[^a-z0-9]")
_REPEATS_RE = re.compile(r"([a-z])\1+")  # letters only: "22" is not "2"


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a question: as typed, folded (lower case, ё→е, Kazakh letters plain) and its key."""

    text: str
    folded: str
    key: str
    start: int  # character offset in the text
    capitalized: bool
    latin: bool

    @property
    def cyrillic(self) -> bool:
        return not self.latin


def fold(text: str) -> str:
    """Lower case, ё→е, Kazakh letters as typed without them, apostrophes dropped (China's → chinas)."""
    lowered = text.lower().replace("ё", "е").translate(_KAZAKH_FOLD)
    return lowered.replace("'", "").replace("’", "").replace("ʼ", "")


@lru_cache(maxsize=131072)
def key(word: str) -> str:
    """The script-independent key of one word (see `_KEY_RULES`)."""
    # The soft sign comes out as an apostrophe, which nobody types: drop it before the rules see the letters.
    text = _NOT_KEY_RE.sub("", anyascii(fold(word)).lower())
    text = _SOFT_J_RE.sub("i", text)
    final_ts = text.endswith("ts")
    for old, new in _KEY_RULES:
        text = text.replace(old, new)
    if final_ts and text.endswith("c"):
        # "units", "contacts": English plurals, not ц (a word ending in ц is rare, and "nemets" still works).
        text = text[:-1] + "ts"
    return _REPEATS_RE.sub(r"\1", text)


def words(text: str) -> list[Word]:
    """The words of a text with their keys; punctuation and hyphens separate words."""
    found: list[Word] = []
    for match in _WORD_RE.finditer(text.replace("'", "").replace("’", "")):
        raw = match.group()
        word_key = key(raw)
        if not word_key:
            continue
        found.append(
            Word(
                text=raw,
                folded=fold(raw),
                key=word_key,
                start=match.start(),
                capitalized=raw[:1].isupper(),
                latin=bool(_LATIN_RE.search(raw)) and not _CYRILLIC_RE.search(raw),
            )
        )
    return found


def keys(text: str) -> tuple[str, ...]:
    """The keys of a phrase's words."""
    return tuple(word.key for word in words(text))


def has_kazakh_letters(text: str) -> bool:
    return any(char in _KAZAKH_LETTERS for char in text.lower())


def has_cyrillic(text: str) -> bool:
    return bool(_CYRILLIC_RE.search(text))
