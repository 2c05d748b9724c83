"""Text normalization for questions and names: tokens, stems, transliteration keys, language.

Russian and English stems come from Snowball (snowballstemmer: pure Python, no data files).
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer
from anyascii import anyascii


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TOKEN_RE = re.compile(r"[0-9a-zа-яёәғқңөұүһі]+")
_KK_LETTERS = frozenset("әғқңөұүһі")
_CYRILLIC_RE = re.compile(r"[а-яёәғқңөұүһі]")
_LATIN_RE = re.compile(r"[a-z]")

# Words that only Kazakh (or only Russian / English) uses, for telling the language of a question
# written without the Kazakh letters.
_KK_WORDS = _words("кім кімдер не ма ме ба бе па пе деген туралы бар және мен бұл осы елдер")
_RU_WORDS = _words(
    "кто что какие какая какой каких сколько из ли является входит в и о об про как когда зачем "
    "где это такой такая такое есть чем кого страны страна альянсе альянса"
)
_EN_WORDS = _words(
    "who what is are the how many which when does do of in a an member members alliance tell "
    "about list why where countries country chair chairs leads head news latest role founded aims "
    "i am my me you we our can please hello hi and or to for with on at by it this that be was were has have "
    "there any some not no yes"
)

_RU = snowballstemmer.stemmer("russian")
_EN = snowballstemmer.stemmer("english")

# No well-kept Kazakh stemmer is on PyPI, so Kazakh case, plural and possessive endings are stripped here.
_KK_SUFFIXES = tuple(
    sorted(
        _words(
            "дан ден тан тен нан нен "  # ablative
            "да де та те нда нде "  # locative
            "ға ге қа ке "  # dative
            "ның нің дың дің тың тің "  # genitive
            "ны ні ды ді ты ті "  # accusative
            "лар лер дар дер тар тер "  # plural
            "сы сі ы і"  # possessive, 3rd person
        ),
        key=len,
        reverse=True,
    )
)


def normalize(text: str) -> str:
    """Lower case, ё→е, curly apostrophes dropped (China's → chinas)."""
    return text.lower().replace("ё", "е").replace("'", "").replace("’", "").replace("ʼ", "")


def tokens(text: str) -> list[str]:
    """Words of a text, normalized; hyphens and punctuation separate words."""
    return _TOKEN_RE.findall(normalize(text))


def strip_kazakh(token: str) -> str:
    """Remove up to three Kazakh endings (case, plural, possessive), keeping a stem of three letters at least."""
    for _ in range(3):
        for suffix in _KK_SUFFIXES:
            if token.endswith(suffix) and len(token) - len(suffix) >= 3:
                token = token[: -len(suffix)]
                break
        else:
            break
    return token


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """The Snowball stem of a word (Russian for Cyrillic, English for Latin); digits stay as they are."""
    if _CYRILLIC_RE.search(token):
        return str(_RU.stemWord(token))
    if _LATIN_RE.search(token):
        return str(_EN.stemWord(token))
    return token


def stem_variants(token: str, *, kazakh: bool) -> tuple[str, ...]:
    """The stems a word may match under: as Russian/English, and with Kazakh endings removed.

    Snowball stems Китай to "кита" but Китая to "кит": a word ending in й also gets the stem without it.
    """
    variants = [stem(token)]
    if token.endswith("й") and len(token) > 3:
        variants.append(stem(token[:-1]))
    if kazakh and _CYRILLIC_RE.search(token):
        variants.append(stem(strip_kazakh(token)))
    return tuple(dict.fromkeys(variants))


_SKELETON_RULES = (
    ("kh", "h"),
    ("gh", "g"),
    ("ck", "k"),
    ("ts", "c"),
    ("tz", "c"),
    ("zh", "j"),
    ("dj", "j"),
    ("ph", "f"),
    ("w", "v"),
    ("q", "k"),
    ("y", "i"),
    ("k", "c"),
    ("x", "cs"),
)


@lru_cache(maxsize=65536)
def skeleton(text: str) -> str:
    """A script-independent sound key: Шанхай Электрик and Shanghai Electric come out nearly equal."""
    key = anyascii(text).lower()
    for old, new in _SKELETON_RULES:
        key = key.replace(old, new)
    key = re.sub(r"[^a-z0-9 ]", "", key)
    return re.sub(r"(.)\1+", r"\1", key)


def has_kazakh_letters(text: str) -> bool:
    return any(char in _KK_LETTERS for char in text.lower())


def detect_language(text: str, user_language: str) -> str:
    """ru, kk or en: Kazakh letters or words mean kk, other Cyrillic ru, English words en.

    The user's language breaks ties: Cyrillic without telling words, or a bare name such as ACCA21.
    """
    words = tokens(text)
    if has_kazakh_letters(text):
        return "kk"
    kk_hits = sum(word in _KK_WORDS for word in words)
    if _CYRILLIC_RE.search(normalize(text)):
        ru_hits = sum(word in _RU_WORDS for word in words)
        if kk_hits > ru_hits:
            return "kk"
        if ru_hits > kk_hits:
            return "ru"
        return user_language if user_language in ("ru", "kk") else "ru"
    if any(word in _EN_WORDS for word in words):
        return "en"
    return user_language
