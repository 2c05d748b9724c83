"""Interface texts in ru, kk and en, written in Project Fluent (plural rules from CLDR via Babel).

Every text is sent in HTML parse mode, so string arguments are escaped here; pass `Html(...)` for an
argument that is already valid Telegram HTML.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import LANGUAGES

if TYPE_CHECKING:
    from fluent.runtime import FluentBundle

LOCALES_DIR = Path(__file__).parent / "locales"


class Html(str):
    """A string that is already valid Telegram HTML and must not be escaped again."""

    __slots__ = ()


# Arguments that name a thing (a source, a broadcast, a chat) rather than count things: shown as they are
# typed in commands ("#1234"), never with the digit grouping Fluent gives numbers ("#1,234", "#1 234").
IDENTIFIERS = frozenset({"id", "user", "chat", "entry", "broadcast"})
LONG_ARGUMENT = 1000  # characters; Fluent itself refuses more than 2,500 in one argument


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
        safe = {name: _argument(name, value) for name, value in args.items()}
        # Fluent refuses a string argument longer than 2,500 characters (a long error, a whole entry): such an
        # argument goes in as a placeholder and is put in place after formatting.
        long = {name: value for name, value in safe.items() if isinstance(value, str) and len(value) > LONG_ARGUMENT}
        for index, name in enumerate(long):
            safe[name] = f"\ue000{index}\ue001"
        text, errors = self._bundle.format_pattern(message.value, safe)
        if errors:
            raise ValueError(f"{self.language}: text {key!r}: {errors[0]}")
        text = str(text)
        for index, value in enumerate(long.values()):
            text = text.replace(f"\ue000{index}\ue001", str(value))
        return text

    def has(self, key: str) -> bool:
        return bool(self._bundle.has_message(key))


def _argument(name: str, value: object) -> object:
    if isinstance(value, int) and name in IDENTIFIERS:
        return str(value)
    if isinstance(value, str) and not isinstance(value, Html):
        return html.escape(value, False)
    return value


def _load_bundle(language: str) -> FluentBundle:
    from fluent.runtime import FluentBundle, FluentResource  # with babel: at the first text, not at import

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
    from fluent.runtime import FluentResource

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
