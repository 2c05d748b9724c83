"""Interface texts in ru, kk and en, written in Project Fluent (plural rules from CLDR via Babel).

Every text is sent in HTML parse mode, so string arguments are escaped here; pass `Html(...)` for an
argument that is already valid Telegram HTML.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path

from fluent.runtime import FluentBundle, FluentResource

from bot.config import LANGUAGES

LOCALES_DIR = Path(__file__).parent / "locales"


class Html(str):
    """A string that is already valid Telegram HTML and must not be escaped again."""

    __slots__ = ()


class MissingTextError(KeyError):
    """A text id that one of the locales lacks."""


class Localizer:
    """Texts of one language: `l10n("welcome", name=...)`."""

    def __init__(self, language: str, bundle: FluentBundle) -> None:
        self.language = language
        self._bundle = bundle

    def __call__(self, key: str, /, **args: object) -> str:
        if not self._bundle.has_message(key):
            raise MissingTextError(f"{self.language}: no text {key!r}")
        message = self._bundle.get_message(key)
        if message.value is None:
            raise MissingTextError(f"{self.language}: text {key!r} has no value")
        safe = {
            name: value if isinstance(value, Html) or not isinstance(value, str) else html.escape(value, False)
            for name, value in args.items()
        }
        text, errors = self._bundle.format_pattern(message.value, safe)
        if errors:
            raise ValueError(f"{self.language}: text {key!r}: {errors[0]}")
        return str(text)

    def has(self, key: str) -> bool:
        return bool(self._bundle.has_message(key))


def _load_bundle(language: str) -> FluentBundle:
    bundle = FluentBundle([language], use_isolating=False)
    for path in sorted((LOCALES_DIR / language).glob("*.ftl")):
        bundle.add_resource(FluentResource(path.read_text(encoding="utf-8")))
    return bundle


@cache
def localizer(language: str) -> Localizer:
    """The texts of a language; unknown codes get the first supported language."""
    code = language if language in LANGUAGES else LANGUAGES[0]
    return Localizer(code, _load_bundle(code))


def message_ids(language: str) -> set[str]:
    """All text ids a locale defines (for the completeness test)."""
    ids: set[str] = set()
    for path in (LOCALES_DIR / language).glob("*.ftl"):
        resource = FluentResource(path.read_text(encoding="utf-8"))
        ids.update(entry.id.name for entry in resource.body if hasattr(entry, "id"))
    return ids


def pick_language(code: str | None, default: str) -> str:
    """Map Telegram's `language_code` (`ru`, `kk`, `en-US` ...) to a supported language."""
    if code:
        base = code.split("-")[0].lower()
        if base in LANGUAGES:
            return base
    return default
