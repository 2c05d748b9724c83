"""Telegram's HTML parse mode, checked the way the Bot API checks it.

Only Telegram's tags and attributes, properly nested and closed; text must escape `<`, `>` and `&`;
only the named entities &lt; &gt; &amp; &quot; and numeric ones. Returns the visible text, whose
length Telegram counts in UTF-16 code units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "b": set(),
    "strong": set(),
    "i": set(),
    "em": set(),
    "u": set(),
    "ins": set(),
    "s": set(),
    "strike": set(),
    "del": set(),
    "tg-spoiler": set(),
    "span": {"class"},
    "a": {"href"},
    "code": {"class"},
    "pre": set(),
    "blockquote": {"expandable"},
    "tg-emoji": {"emoji-id"},
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*(/?)>"
)
ATTRIBUTE = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>\"']+))?")
ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]*);")
URL_SCHEMES = ("http://", "https://", "tg://", "mailto:")


class EntityParseError(ValueError):
    """What Telegram answers with 400 "Bad Request: can't parse entities: ..."."""


@dataclass(frozen=True, slots=True)
class ParsedText:
    text: str  # the visible text
    tags: tuple[str, ...]  # every tag used, in order (for assertions)
    links: tuple[str, ...]  # every href


def utf16_len(text: str) -> int:
    """Length as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def _decode_entity(match: re.Match[str], offset: int) -> str:
    body = match.group(1)
    if body.startswith("#"):
        code = int(body[2:], 16) if body[1:2] in ("x", "X") else int(body[1:])
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise EntityParseError(f"invalid numeric entity at byte offset {offset}")
        return chr(code)
    if body not in NAMED_ENTITIES:
        raise EntityParseError(f"unsupported HTML entity &{body}; at byte offset {offset}")
    return NAMED_ENTITIES[body]


def _check_attributes(name: str, raw: str, offset: int) -> str | None:
    href = None
    for attr, value in ATTRIBUTE.findall(raw):
        attr = attr.lower()
        if attr not in ALLOWED_ATTRIBUTES[name]:
            raise EntityParseError(f'unsupported attribute "{attr}" of tag "{name}" at byte offset {offset}')
        value = value.strip("\"'")
        if name == "span" and attr == "class" and value != "tg-spoiler":
            raise EntityParseError(f"span class must be tg-spoiler at byte offset {offset}")
        if name == "a":
            href = ENTITY.sub(lambda m: _decode_entity(m, offset), value)
    if name == "span" and "class" not in raw:
        raise EntityParseError(f'tag "span" must have class "tg-spoiler" at byte offset {offset}')
    return href


def parse_html(source: str) -> ParsedText:
    """Parse Telegram HTML or raise EntityParseError with Telegram's kind of message."""
    text: list[str] = []
    stack: list[str] = []
    tags: list[str] = []
    links: list[str] = []
    position = 0
    while position < len(source):
        char = source[position]
        offset = len(source[:position].encode("utf-8"))
        if char == "<":
            match = TAG.match(source, position)
            if match is None:
                raise EntityParseError(f"unexpected < at byte offset {offset}: escape it as &lt;")
            closing, name, raw_attributes, self_closing = match.groups()
            name = name.lower()
            if name not in ALLOWED_ATTRIBUTES:
                kind = "end" if closing else "start"
                raise EntityParseError(f'unsupported {kind} tag "{name}" at byte offset {offset}')
            if closing:
                if not stack or stack[-1] != name:
                    expected = stack[-1] if stack else ""
                    raise EntityParseError(
                        f'unmatched end tag at byte offset {offset}, expected "</{expected}>", found "</{name}>"'
                    )
                stack.pop()
            else:
                if self_closing:
                    raise EntityParseError(f'self-closing tag "{name}" at byte offset {offset}')
                if name == "a" and "a" in stack:
                    raise EntityParseError(f"nested links at byte offset {offset}")
                href = _check_attributes(name, raw_attributes, offset)
                if name == "a":
                    if not href or not href.startswith(URL_SCHEMES):
                        raise EntityParseError(f"wrong HTTP URL at byte offset {offset}")
                    links.append(href)
                stack.append(name)
                tags.append(name)
            position = match.end()
        elif char == "&":
            match = ENTITY.match(source, position)
            if match is None:
                # Telegram leaves a lone & that starts no entity as it is.
                text.append("&")
                position += 1
                continue
            text.append(_decode_entity(match, offset))
            position = match.end()
        elif char == ">":
            raise EntityParseError(f"unexpected > at byte offset {offset}: escape it as &gt;")
        else:
            text.append(char)
            position += 1
    if stack:
        raise EntityParseError(f'can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return ParsedText("".join(text), tuple(tags), tuple(links))
