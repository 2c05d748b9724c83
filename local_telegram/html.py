"""Telegram's HTML parse mode, as the Bot API parses it (TDLib's `parse_html` and `fix_formatted_text`).

What Telegram refuses raises EntityParseError with Telegram's message (the server answers 400 "Bad Request:
can't parse entities: <message>"); what Telegram accepts is accepted the same way, however odd: a bare `>`,
an `&` that starts no supported entity (`&nbsp;` stays as the six characters), named entities without `;`
(`&lt` is `<`), unknown attributes (ignored). A link whose URL Telegram's link rules refuse is dropped
silently (its text stays), and entities that may not nest are resolved as Telegram resolves them: of two
nested links, code or pre the outer one stays; bold, italic, underline, strikethrough and spoiler vanish
inside code and pre; a blockquote inside a blockquote is dropped. The visible text is cleaned (control
characters become spaces, `\\r` is removed) and trimmed; its length is what Telegram counts (UTF-16 units).
"""

from __future__ import annotations

from dataclasses import dataclass

from local_telegram.urls import check_link

TAGS = {
    "a",
    "b",
    "strong",
    "i",
    "em",
    "s",
    "strike",
    "del",
    "u",
    "ins",
    "tg-spoiler",
    "tg-emoji",
    "span",
    "pre",
    "code",
    "blockquote",
}
ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
SPLITTABLE = {"bold", "italic", "underline", "strikethrough", "spoiler"}
BLOCKQUOTES = {"blockquote", "expandable_blockquote"}
PRE_LIKE = {"pre", "code"}
# TDLib sorts entities of one range by these priorities; of two nested continuous entities the first stays.
PRIORITY = {
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "code": 20,
    "pre": 11,
    "text_link": 49,
    "custom_emoji": 99,
    "blockquote": 0,
    "expandable_blockquote": 0,
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
SPACES = " \t\r\n\v\f"
# Characters Telegram removes from message text (line/paragraph separators, bidi controls, some combining marks).
REMOVED = {chr(c) for c in range(0x2028, 0x202F)} | {"\u0333", "\u033f", "\u030a", "\r"}


class EntityParseError(ValueError):
    """What Telegram answers with 400 "Bad Request: can't parse entities: ..."."""


@dataclass(frozen=True, slots=True)
class Entity:
    type: str  # Bot API MessageEntity type
    offset: int  # UTF-16 units
    length: int  # UTF-16 units
    url: str | None = None  # text_link: the URL as Telegram normalises it
    language: str | None = None  # pre with <code class="language-...">
    custom_emoji_id: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedText:
    text: str  # the visible text, cleaned and trimmed as Telegram does
    tags: tuple[str, ...]  # every start tag used, in order (for assertions)
    links: tuple[str, ...]  # the href of every link that survives, as written
    entities: tuple[Entity, ...] = ()


@dataclass
class _Open:
    tag: str
    argument: str
    start: int  # code-point index in the decoded text
    byte_offset: int


@dataclass
class _Span:
    type: str
    start: int  # code points
    end: int
    argument: str = ""
    href: str = ""  # a link's href as written

    def sort_key(self) -> tuple[int, int, int]:
        return (self.start, -(self.end - self.start), PRIORITY[self.type])


def utf16_len(text: str) -> int:
    """Length as Telegram counts it."""
    return len(text.encode("utf-16-le")) // 2


def _is_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _decode_entity(source: str, position: int) -> tuple[str, int] | None:
    """TDLib's decode_html_entity: the character and the position after the entity, or None (a literal `&`)."""
    end = position + 1
    if source[end : end + 1] == "#":
        end += 1
        value = 0
        if source[end : end + 1] == "x":
            end += 1
            while end < len(source) and source[end] in "0123456789abcdefABCDEF":
                value = (value * 16 + int(source[end], 16)) & 0xFFFFFFFF
                end += 1
        else:
            while end < len(source) and source[end] in "0123456789":
                value = (value * 10 + int(source[end])) & 0xFFFFFFFF
                end += 1
        if value == 0 or value >= 0x10FFFF or end - position >= 10:
            return None
        char = chr(value)
    else:
        while end < len(source) and source[end].isascii() and source[end].isalpha():
            end += 1
        name = source[position + 1 : end]
        if name not in NAMED_ENTITIES:
            return None
        char = NAMED_ENTITIES[name]
    if source[end : end + 1] == ";":
        end += 1
    return char, end


def _byte_offset(source: str, position: int) -> int:
    return len(source[:position].encode("utf-8"))


def _at(source: str, position: int) -> str:
    """The character at `position`, or "" past the end (TDLib reads the terminating NUL)."""
    return source[position] if position < len(source) else ""


def _is_space(char: str) -> bool:
    return char == "" or char in SPACES  # TDLib's is_space counts the terminating NUL


def _start_tag(source: str, begin: int) -> tuple[_Open, int]:
    """Parse `<name attr=value ...>` at `begin`; returns the open tag and the position of its `>`."""
    offset = _byte_offset(source, begin)
    i = begin + 1
    while not _is_space(_at(source, i)) and _at(source, i) != ">":
        i += 1
    if _at(source, i) == "":
        raise EntityParseError(f"Unclosed start tag at byte offset {offset}")
    tag = source[begin + 1 : i].lower()
    if tag not in TAGS:
        raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {offset}')
    argument = ""
    while _at(source, i) != ">":
        while _at(source, i) != "" and _is_space(_at(source, i)):
            i += 1
        if _at(source, i) == ">":
            break
        name_start = i
        while not _is_space(_at(source, i)) and _at(source, i) not in ("=", ">", "/", '"', "'"):
            i += 1
        name = source[name_start:i]
        if not name:
            raise EntityParseError(f'Empty attribute name in the tag "{tag}" at byte offset {offset}')
        while _at(source, i) != "" and _is_space(_at(source, i)):
            i += 1
        if _at(source, i) != "=":
            if _at(source, i) == "":
                raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {offset}')
            if tag == "blockquote" and name == "expandable":
                argument = "1"
            continue
        i += 1
        while _at(source, i) != "" and _is_space(_at(source, i)):
            i += 1
        if _at(source, i) == "":
            raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {offset}')
        if _at(source, i) not in ('"', "'"):
            # A name token: letters, digits, periods and hyphens only, case-insensitive.
            token_start = i
            while _is_alnum(_at(source, i)) or _at(source, i) in (".", "-"):
                i += 1
            value = source[token_start:i].lower()
            if not _is_space(_at(source, i)) and _at(source, i) != ">":
                raise EntityParseError(
                    f"Unexpected end of name token at byte offset {_byte_offset(source, token_start)}"
                )
        else:
            quote = source[i]
            i += 1
            chars: list[str] = []
            while _at(source, i) not in (quote, ""):
                if source[i] == "&" and (decoded := _decode_entity(source, i)) is not None:
                    chars.append(decoded[0])
                    i = decoded[1]
                    continue
                chars.append(source[i])
                i += 1
            if _at(source, i) == quote:
                i += 1
            value = "".join(chars)
        if _at(source, i) == "":
            raise EntityParseError(f"Unclosed start tag at byte offset {offset}")
        if tag == "a" and name == "href":
            argument = value
        elif tag == "code" and name == "class" and value.startswith("language-"):
            argument = value[9:]
        elif tag == "span" and name == "class" and value.startswith("tg-"):
            argument = value[3:]
        elif tag == "tg-emoji" and name == "emoji-id":
            argument = value
        elif tag == "blockquote" and name == "expandable":
            argument = "1"
    if tag == "span" and argument != "spoiler":
        raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
    return _Open(tag, argument, 0, offset), i


def _close(opened: _Open, end: int, text: list[str], spans: list[_Span]) -> None:
    """Turn a closed non-empty tag into an entity, as TDLib does at the end tag."""
    start, tag, argument = opened.start, opened.tag, opened.argument
    if tag in ENTITY_TYPES:
        spans.append(_Span(ENTITY_TYPES[tag], start, end))
    elif tag == "tg-emoji":
        try:
            emoji_id = int(argument, 10)
        except ValueError:
            emoji_id = 0
        if emoji_id == 0 or not -(2**63) <= emoji_id < 2**63:
            raise EntityParseError("Invalid custom emoji identifier specified")
        spans.append(_Span("custom_emoji", start, end, str(emoji_id)))
    elif tag == "a":
        href = argument or "".join(text[start:end])
        url = check_link(href)
        if url is not None:
            spans.append(_Span("text_link", start, end, url, href))
    elif tag == "pre":
        last = spans[-1] if spans else None
        if last and last.type == "code" and (last.start, last.end) == (start, end) and last.argument:
            last.type = "pre"
        else:
            spans.append(_Span("pre", start, end))
    elif tag == "code":
        last = spans[-1] if spans else None
        if last and last.type == "pre" and (last.start, last.end) == (start, end) and argument:
            last.argument = argument
        else:
            spans.append(_Span("code", start, end, argument))
    elif tag == "blockquote":
        spans.append(_Span("expandable_blockquote" if argument else "blockquote", start, end))


def _tokenise(source: str) -> tuple[list[str], list[_Span], list[str]]:
    text: list[str] = []  # decoded characters
    spans: list[_Span] = []
    tags: list[str] = []
    stack: list[_Open] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "&" and (decoded := _decode_entity(source, i)) is not None:
            text.append(decoded[0])
            i = decoded[1]
            continue
        if char != "<":
            text.append(char)
            i += 1
            continue
        if _at(source, i + 1) != "/":
            opened, i = _start_tag(source, i)
            opened.start = len(text)
            stack.append(opened)
            tags.append(opened.tag)
            i += 1
            continue
        offset = _byte_offset(source, i)
        if not stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {offset}")
        j = i + 2
        while not _is_space(_at(source, j)) and _at(source, j) != ">":
            j += 1
        name = source[i + 2 : j].lower()
        while _at(source, j) != "" and _is_space(_at(source, j)):
            j += 1
        if _at(source, j) != ">":
            raise EntityParseError(f"Unclosed end tag at byte offset {offset}")
        opened = stack[-1]
        if name and name != opened.tag:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {offset}, expected "</{opened.tag}>", found "</{name}>"'
            )
        if len(text) > opened.start:
            _close(opened, len(text), text, spans)
        stack.pop()
        i = j + 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    if any(0xD800 <= ord(char) <= 0xDFFF for char in text):
        raise EntityParseError(
            "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched "
            "surrogate code units"
        )
    return text, spans, tags


def _without_nested(spans: list[_Span]) -> list[_Span]:
    """TDLib's remove_intersecting_entities: of nested entities the first (outer) one stays."""
    kept: list[_Span] = []
    last_end = 0
    for span in sorted(spans, key=_Span.sort_key):
        if span.start >= last_end:
            kept.append(span)
            last_end = span.end
    return kept


def _fix_nesting(spans: list[_Span]) -> list[_Span]:
    splittable = [s for s in spans if s.type in SPLITTABLE]
    quotes = _without_nested([s for s in spans if s.type in BLOCKQUOTES])
    continuous = _without_nested([s for s in spans if s.type not in SPLITTABLE | BLOCKQUOTES])
    # A blockquote may contain continuous entities but nothing may cross or contain it.
    continuous = [
        s
        for s in continuous
        if not any(q.end > s.start and (q.end < s.end or s.start < q.start < s.end) for q in quotes)
    ]
    # Bold and its kind cannot be part of code or pre: the parts inside them are cut out.
    holes = sorted((s.start, s.end) for s in continuous if s.type in PRE_LIKE)
    pieces: list[_Span] = []
    for span in splittable:
        start = span.start
        for hole_start, hole_end in holes:
            if hole_end <= start or hole_start >= span.end:
                continue
            if hole_start > start:
                pieces.append(_Span(span.type, start, hole_start))
            start = max(start, hole_end)
        if start < span.end:
            pieces.append(_Span(span.type, start, span.end))
    return sorted(continuous + quotes + pieces, key=_Span.sort_key)


def _clean(text: list[str], spans: list[_Span]) -> str:
    """Control characters become spaces, some characters are removed; entities shrink with them."""
    kept: list[str] = []
    index_map: list[int] = []  # old index -> new index
    for char in text:
        index_map.append(len(kept))
        if char in REMOVED:
            continue
        kept.append(" " if ord(char) < 32 and char != "\n" else char)
    index_map.append(len(kept))
    for span in spans:
        span.start, span.end = index_map[span.start], index_map[span.end]
    cleaned = "".join(kept)
    # Trailing spaces and newlines go; leading ones only before the first entity.
    end = len(cleaned.rstrip(" \n"))
    first = min((s.start for s in spans if s.end > s.start), default=end)
    start = 0
    while start < min(first, end) and cleaned[start] in " \n":
        start += 1
    for span in spans:
        span.start, span.end = max(span.start, start) - start, min(span.end, end) - start
    return cleaned[start:end]


def plain_text(source: str) -> str:
    """A text sent without parse mode, as Telegram keeps it (cleaned and trimmed)."""
    return _clean(list(source), [])


def parse_html(source: str) -> ParsedText:
    """Parse Telegram HTML or raise EntityParseError with Telegram's message."""
    chars, spans, tags = _tokenise(source)
    spans = _fix_nesting(spans)
    text = _clean(chars, spans)
    entities: list[Entity] = []
    links: list[str] = []
    for span in spans:
        if span.end <= span.start:
            continue
        offset, length = utf16_len(text[: span.start]), utf16_len(text[span.start : span.end])
        if span.type == "text_link":
            entities.append(Entity("text_link", offset, length, url=span.argument))
            links.append(span.href)
        elif span.type == "custom_emoji":
            entities.append(Entity("custom_emoji", offset, length, custom_emoji_id=span.argument))
        elif span.type == "pre":
            entities.append(Entity("pre", offset, length, language=span.argument or None))
        else:
            entities.append(Entity(span.type, offset, length))
    return ParsedText(text, tuple(tags), tuple(links), tuple(entities))
