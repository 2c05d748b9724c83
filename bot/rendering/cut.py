"""Cutting Telegram HTML to Telegram's limits: truncation with an ellipsis, and splitting into several messages.

Limits count what the reader sees (text after entity parsing) in UTF-16 units. Cuts fall at a paragraph, line,
sentence or word boundary when one is near enough, never inside a tag, an entity or a character (surrogate pair,
combining mark, emoji sequence); tags open at a cut are closed there and, when splitting, reopened in the next piece.
"""

from __future__ import annotations

import re

from bot.rendering.markup import Open, Token, escape_text, parse_telegram_html, serialize, visible_text
from bot.rendering.utf16 import boundary_at_or_before, utf16_fit, utf16_len

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
ELLIPSIS = "…"

_PARAGRAPH = re.compile(r"\n[^\S\n]*\n")
_LINE = re.compile(r"\n")
_SENTENCE = re.compile(r"[.!?…][\"'»”)\]]*(?=\s)")
_WORD = re.compile(r"\s")
_DANGLING = " \t\n\r\u00a0,;:-–—(«“"
# Boundary kinds, best first, each with how much of the allowed length a cut there may give up at most.
_SPLIT_BOUNDARIES = ((_PARAGRAPH, 0.7), (_LINE, 0.7), (_SENTENCE, 0.5), (_WORD, 0.9))
_TRUNCATE_BOUNDARIES = ((_PARAGRAPH, 0.25), (_LINE, 0.25), (_SENTENCE, 0.35), (_WORD, 0.5))


def _cut_index(text: str, start: int, end: int, boundaries: tuple[tuple[re.Pattern[str], float], ...]) -> int:
    """Where to end a piece of `text` that starts at `start` and may reach `end` (exclusive)."""
    for pattern, max_loss in boundaries:
        lowest = end - int((end - start) * max_loss)
        last = None
        for match in pattern.finditer(text, max(start, lowest - 1), end):
            last = match
        if last is not None:
            # A sentence ends after its punctuation; the other boundaries are the whitespace itself.
            index = last.end() if pattern is _SENTENCE else last.start()
            if index > start and index >= lowest:
                return index
    index = boundary_at_or_before(text, end)
    return index if index > start else end


def _render_ranges(tokens: list[Token], ranges: list[tuple[int, int]], tail: str = "") -> list[str]:
    """Telegram HTML for each range of visible text: its tags opened before and closed after it."""
    pieces: list[str] = []
    stack: list[Open] = []
    emitted = 0
    out: list[str] = []
    offset = 0
    current = 0

    def finish() -> None:
        nonlocal emitted, out
        if tail:
            out.append(escape_text(tail))
        out.extend(f"</{tag.name}>" for tag in reversed(stack[:emitted]))
        pieces.append("".join(out))
        out = []
        emitted = 0

    for token in tokens:
        if current >= len(ranges):
            break
        if isinstance(token, str):
            token_start = offset
            offset += len(token)
            while current < len(ranges):
                start, end = ranges[current]
                low, high = max(token_start, start), min(offset, end)
                if low < high:
                    while emitted < len(stack):
                        out.append(stack[emitted].markup)
                        emitted += 1
                    out.append(escape_text(token[low - token_start : high - token_start]))
                if offset < end:
                    break
                finish()
                current += 1
        elif isinstance(token, Open):
            stack.append(token)
        else:
            stack.pop()
            if emitted > len(stack):
                emitted -= 1
                out.append(token.markup)
    if current < len(ranges) and out:
        finish()
    return pieces


def truncate_tokens(tokens: list[Token], limit: int = MESSAGE_LIMIT, *, ellipsis: str = ELLIPSIS) -> str:
    """Telegram HTML of `tokens` whose visible text is at most `limit` UTF-16 units, ending in `ellipsis` if cut."""
    text = visible_text(tokens)
    room = utf16_fit(text, limit)
    if room == len(text):
        return serialize(tokens)
    end = utf16_fit(text, limit - utf16_len(ellipsis))
    cut = _cut_index(text, 0, end, _TRUNCATE_BOUNDARIES)
    kept = text[:cut].rstrip(_DANGLING)
    if not kept:
        return escape_text(ellipsis)
    if kept.endswith(ellipsis):
        tail = ""
    elif kept.endswith((".", "!", "?")) and utf16_len(kept) + utf16_len(ellipsis) < limit:
        tail = " " + ellipsis  # "end of sentence. …" reads better than "sentence.…"
    else:
        tail = ellipsis
    return _render_ranges(tokens, [(0, len(kept))], tail)[0]


def truncate_html(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """Telegram HTML `text` cut to `limit` UTF-16 units of visible text, with an ellipsis when cut."""
    return truncate_tokens(parse_telegram_html(text), limit)


def split_tokens(tokens: list[Token], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Telegram HTML pieces of `tokens`, each at most `limit` UTF-16 units of visible text."""
    if limit < 2:
        raise ValueError("limit must leave room for at least one character")
    text = visible_text(tokens)
    ranges: list[tuple[int, int]] = []
    start = len(text) - len(text.lstrip())
    while start < len(text):
        room = utf16_fit(text[start : start + limit], limit)
        cut = len(text) if start + room >= len(text) else _cut_index(text, start, start + room, _SPLIT_BOUNDARIES)
        end = start + len(text[start:cut].rstrip())
        if end > start:
            ranges.append((start, end))
        start = cut
        while start < len(text) and text[start].isspace():
            start += 1
    return _render_ranges(tokens, ranges)


def split_html(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split Telegram HTML `text` into messages of at most `limit` UTF-16 units of visible text each.

    Pieces break at paragraph, line, sentence or word boundaries when possible; each piece is valid Telegram HTML
    on its own (tags spanning a cut are closed and reopened). Unknown tags are dropped, their text kept.
    """
    return split_tokens(parse_telegram_html(text), limit)
