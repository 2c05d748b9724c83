"""Lengths and cuts in UTF-16 code units, the unit Telegram counts message limits in."""

from __future__ import annotations

import unicodedata

_ZWJ = "\u200d"
_MARK_CATEGORIES = frozenset({"Mn", "Mc", "Me"})


def utf16_len(text: str) -> int:
    """Length of `text` in UTF-16 code units (characters outside the BMP count twice)."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def utf16_fit(text: str, units: int) -> int:
    """How many code points of `text`, from its start, fit in `units` UTF-16 units.

    Never splits a surrogate pair: a character that needs two units is left out when only one is left.
    """
    if units <= 0:
        return 0
    head = text[:units]  # at most `units` code points can fit, each takes one unit or more
    if head.isascii():
        return len(head)
    encoded = head.encode("utf-16-le")[: 2 * units]
    if len(encoded) >= 2 and 0xD8 <= encoded[-1] <= 0xDB:  # a high surrogate without its pair
        encoded = encoded[:-2]
    return len(encoded.decode("utf-16-le"))


def _extends(char: str) -> bool:
    """True for a character that belongs to the character before it (mark, joiner, modifier)."""
    code = ord(char)
    return (
        char == _ZWJ
        or 0xFE00 <= code <= 0xFE0F  # variation selectors (emoji vs text presentation)
        or 0x1F3FB <= code <= 0x1F3FF  # emoji skin tone modifiers
        or 0xE0020 <= code <= 0xE007F  # emoji tag sequences (subdivision flags)
        or 0xE0100 <= code <= 0xE01EF  # variation selectors supplement
        or unicodedata.category(char) in _MARK_CATEGORIES
    )


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def is_boundary(text: str, index: int) -> bool:
    """True when cutting `text` at `index` keeps every visible character (grapheme) whole.

    An approximation of Unicode grapheme rules good enough for cuts: combining marks, emoji modifiers,
    ZWJ sequences and flag pairs stay with their base character.
    """
    if index <= 0 or index >= len(text):
        return True
    char, previous = text[index], text[index - 1]
    if char.isascii() and previous.isascii():
        return not (previous == "\r" and char == "\n")
    if _extends(char) or previous == _ZWJ:
        return False
    if _is_regional_indicator(char) and _is_regional_indicator(previous):
        run = 0
        position = index - 1
        while position >= 0 and _is_regional_indicator(text[position]):
            run += 1
            position -= 1
        return run % 2 == 0  # flags are pairs: cut only between two complete pairs
    return True


def boundary_at_or_before(text: str, index: int) -> int:
    """The nearest index at or before `index` where `text` can be cut without breaking a character."""
    index = max(0, min(index, len(text)))
    while index > 0 and not is_boundary(text, index):
        index -= 1
    return index
