"""The interface languages: the one place that lists them (settings, texts, keyboards, the knowledge base's
names and the question engine's lexicon all read this)."""

from typing import Literal, get_args

Language = Literal["ru", "kk", "en"]
LANGUAGES: tuple[Language, ...] = get_args(Language)
