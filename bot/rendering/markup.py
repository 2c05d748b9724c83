"""Telegram HTML as a token list: building it with Telegram's nesting rules, and turning it back into text.

A token is either a `str` (visible text, entities already decoded), an `Open` tag or a `Close` tag. Token lists
built here are always balanced and properly nested, contain only the tags Telegram accepts, and contain no empty
elements, so any prefix of their text can be turned into valid Telegram HTML by closing the open tags.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from html.parser import HTMLParser

from domain.urls import LINK_SCHEMES, telegram_url

FORMATTING = frozenset({"b", "i", "u", "s", "tg-spoiler"})
# Source tag names that Telegram accepts, mapped to one canonical spelling.
CANONICAL = {
    "b": "b",
    "strong": "b",
    "i": "i",
    "em": "i",
    "u": "u",
    "ins": "u",
    "s": "s",
    "strike": "s",
    "del": "s",
    "tg-spoiler": "tg-spoiler",
    "a": "a",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_LANGUAGE = re.compile(r"language-[A-Za-z0-9_+#.-]{1,32}")
# A tag ends before the next "<": `<[^>]*>` would scan to the end of the text from every "<" that is never
# closed, quadratic in the length (10 s for 100,000 of them); this is linear.
_ANY_TAG = re.compile(r"<[^<>]*>")


def strip_tags(markup: str, replacement: str = "") -> str:
    """HTML as plain text: tags replaced by `replacement`, entities decoded."""
    return html.unescape(_ANY_TAG.sub(replacement, markup))


@dataclass(frozen=True, slots=True)
class Open:
    """An opening tag; `markup` is its exact text, attributes already escaped."""

    name: str
    markup: str


@dataclass(frozen=True, slots=True)
class Close:
    """A closing tag."""

    name: str

    @property
    def markup(self) -> str:
        return f"</{self.name}>"


Token = str | Open | Close

_SEPARATOR_RANK = {"": 0, " ": 1, "\n": 2, "\n\n": 3}


def escape_text(text: str) -> str:
    """Text for Telegram HTML: only <, > and & need escaping outside attributes."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link_tag(url: str) -> Open | None:
    """An `<a>` tag for `url`, or None when Telegram would refuse it (javascript:, relative, no dot in the host,
    a bad port or escape: a refused link costs the whole message a 400)."""
    checked = telegram_url(url, schemes=LINK_SCHEMES)
    if checked is None:
        return None
    return Open("a", f'<a href="{html.escape(checked, quote=True)}">')


def telegram_tag(name: str, attrs: list[tuple[str, str | None]], parent: str | None) -> Open | None:
    """The Telegram tag for a source tag with its attributes, or None when it has no Telegram equivalent."""
    canonical = CANONICAL.get(name)
    values = {key: value or "" for key, value in attrs}
    if name == "span":
        return Open("tg-spoiler", "<tg-spoiler>") if "tg-spoiler" in values.get("class", "").split() else None
    if canonical is None:
        return None
    if canonical == "a":
        return link_tag(values.get("href", ""))
    if canonical == "code" and parent == "pre":
        language = next((c for c in values.get("class", "").split() if _LANGUAGE.fullmatch(c)), None)
        if language:
            return Open("code", f'<code class="{language}">')
    if canonical == "blockquote" and "expandable" in values:
        return Open("blockquote", "<blockquote expandable>")
    return Open(canonical, f"<{canonical}>")


def nesting_allowed(name: str, inside: Collection[str], innermost: str | None) -> bool:
    """Telegram's nesting rules: formatting nests anywhere but in code; links, code and quotes don't nest.

    `inside` holds the names of the open tags (a set-like view: membership only, so each check is O(1)).
    """
    if innermost is None:
        return True
    if "code" in inside or "pre" in inside:
        # The one exception: <pre><code class="language-x"> names the language of a code block.
        return name == "code" and innermost == "pre"
    if name in FORMATTING:
        return True
    if name == "a":
        return "a" not in inside
    if name == "blockquote":
        return "a" not in inside and "blockquote" not in inside
    return not any(other in inside for other in (*FORMATTING, "a", "blockquote"))  # code and pre stand alone


class TokenBuilder:
    """Collects tokens, opening tags lazily (only when text follows) and holding separators until needed.

    Lazy opening drops empty elements; held separators drop leading and trailing whitespace and collapse
    runs of spaces and line breaks.
    """

    def __init__(self) -> None:
        self.tokens: list[Token] = []
        self._text: list[str] = []  # adjacent text, joined into one token at the next tag
        self.visible = 0  # code points of text emitted so far
        self._stack: list[Open] = []
        self._inside: Counter[str] = Counter()  # names on the stack, so nesting checks need no scan
        self._emitted = 0  # how many of the open tags are already in `tokens`
        self._separator = ""
        self._prefix = ""  # a list bullet waiting for the item's first text

    @property
    def innermost(self) -> str | None:
        return self._stack[-1].name if self._stack else None

    def open(self, tag: Open) -> bool:
        """Open `tag` if Telegram allows it here; False means it was dropped (its text is still kept)."""
        if not nesting_allowed(tag.name, self._inside, self.innermost):
            return False
        self._stack.append(tag)
        self._inside[tag.name] += 1
        return True

    def close(self) -> None:
        """Close the innermost open tag."""
        tag = self._stack.pop()
        self._inside[tag.name] -= 1
        if not self._inside[tag.name]:
            del self._inside[tag.name]
        if self._emitted > len(self._stack):
            self._emitted -= 1
            self.flush()
            self.tokens.append(Close(tag.name))

    def close_all(self) -> None:
        while self._stack:
            self.close()
        self.flush()

    def flush(self) -> None:
        """Put the collected text into `tokens` as one token."""
        if self._text:
            self.tokens.append("".join(self._text))
            self._text = []

    def separate(self, separator: str) -> None:
        """Ask for a space, a line break or a blank line before the next text (the strongest request wins)."""
        if self.visible and _SEPARATOR_RANK[separator] > _SEPARATOR_RANK[self._separator]:
            self._separator = separator

    def line_break(self) -> None:
        """A <br>: one more line break, at most one blank line."""
        if self.visible:
            self._separator = "\n\n" if self._separator.startswith("\n") else "\n"

    def prefix(self, text: str) -> None:
        """Text to put at the start of the next line of text only if text follows (a list bullet)."""
        self._prefix = text

    def text(self, text: str) -> None:
        """Visible text, exactly as given."""
        if not text:
            return
        if self._separator:
            self._text.append(self._separator)
            self.visible += len(self._separator)
            self._separator = ""
        if self._prefix:
            self._text.append(self._prefix)
            self.visible += len(self._prefix)
            self._prefix = ""
        if self._emitted < len(self._stack):
            self.flush()
            while self._emitted < len(self._stack):
                self.tokens.append(self._stack[self._emitted])
                self._emitted += 1
        self._text.append(text)
        self.visible += len(text)


_WHITESPACE = re.compile(r"[\s\u00a0\u200b\ufeff]+")
_BLOCK_BREAKS = {
    "p": "\n\n",
    "h1": "\n\n",
    "h2": "\n\n",
    "h3": "\n\n",
    "h4": "\n\n",
    "h5": "\n\n",
    "h6": "\n\n",
    "ul": "\n\n",
    "ol": "\n\n",
    "blockquote": "\n\n",
    "pre": "\n\n",
    "table": "\n\n",
    "figure": "\n\n",
    "dl": "\n\n",
    "div": "\n",
    "section": "\n",
    "article": "\n",
    "header": "\n",
    "footer": "\n",
    "li": "\n",
    "tr": "\n",
    "dt": "\n",
    "dd": "\n",
    "figcaption": "\n",
    "address": "\n",
}
_CELLS = frozenset({"td", "th"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_VOID = frozenset({"br", "hr", "img", "wbr", "input", "source", "track", "area", "col", "embed", "meta", "link"})


@dataclass(slots=True)
class _Element:
    name: str  # the source tag name
    opened: bool  # whether it opened a Telegram tag in the builder
    list_counter: int | None = None  # next number of an <ol>


class MarkupParser(HTMLParser):
    """Turns HTML into a balanced Telegram token list.

    With `flow=True` (feed HTML) whitespace is collapsed and blocks, headings and list items become lines; with
    `flow=False` (text that is already meant as Telegram HTML) text is kept exactly and unknown tags are dropped.
    Entities are decoded exactly once, here; the serializer escapes them again.
    """

    def __init__(self, *, flow: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.flow = flow
        self.builder = TokenBuilder()
        self._elements: list[_Element] = []
        self._element_names: Counter[str] = Counter()  # so a stray closing tag costs no scan
        self._lists: list[_Element] = []  # the open <ul> and <ol>, innermost last
        self._preformatted = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            if tag == "br":
                if self.flow:
                    self.builder.line_break()
                else:
                    self.builder.text("\n")
            elif tag == "hr" and self.flow:
                self.builder.separate("\n\n")
            return
        builder = self.builder
        if self.flow:
            self._start_block(tag)
        parent = builder.innermost
        element = _Element(tag, opened=False)
        if self.flow and tag in _HEADINGS:
            element.opened = builder.open(Open("b", "<b>"))
        else:
            telegram = telegram_tag(tag, attrs, parent)
            element.opened = telegram is not None and builder.open(telegram)
        if tag == "ol":
            start = dict(attrs).get("start") or "1"
            element.list_counter = int(start) if start.isdigit() and len(start) < 6 else 1
        if tag == "pre":
            self._preformatted += 1
        if tag in ("ul", "ol"):
            self._lists.append(element)
        self._elements.append(element)
        self._element_names[tag] += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            self.handle_starttag(tag, attrs)  # a self-closed non-void tag (<b/>) has no content: nothing to do

    def _start_block(self, tag: str) -> None:
        builder = self.builder
        if tag in ("ul", "ol") and self._element_names["li"]:
            builder.separate("\n")  # a nested list continues its item's lines
        elif tag in _BLOCK_BREAKS:
            builder.separate(_BLOCK_BREAKS[tag])
        elif tag in _CELLS:
            builder.separate(" ")
        if tag == "li":
            lists = self._lists
            indent = "   " * max(0, len(lists) - 1)
            if lists and lists[-1].list_counter is not None:
                builder.prefix(f"{indent}{lists[-1].list_counter}. ")
                lists[-1].list_counter += 1
            else:
                builder.prefix(f"{indent}• ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or not self._element_names[tag]:
            return  # a stray closing tag
        depth = len(self._elements) - 1
        while self._elements[depth].name != tag:  # it is open (counted), so the scan ends at it
            depth -= 1
        while len(self._elements) > depth:
            self._end(self._elements.pop())

    def _end(self, element: _Element) -> None:
        self._element_names[element.name] -= 1
        if element.name in ("ul", "ol"):
            self._lists.pop()
        if element.opened:
            self.builder.close()
        if element.name == "pre":
            self._preformatted -= 1
        if self.flow:
            if element.name in ("ul", "ol") and self._element_names["li"]:
                self.builder.separate("\n")
            elif element.name in _BLOCK_BREAKS:
                self.builder.separate(_BLOCK_BREAKS[element.name])
            elif element.name in _CELLS:
                self.builder.separate(" ")

    def handle_data(self, data: str) -> None:
        if not self.flow or self._preformatted:
            self.builder.text(data)
            return
        collapsed = _WHITESPACE.sub(" ", data)
        core = collapsed.strip(" ")
        if collapsed.startswith(" "):
            self.builder.separate(" ")
        self.builder.text(core)
        if core and collapsed.endswith(" "):
            self.builder.separate(" ")

    def finish(self) -> list[Token]:
        """Close everything still open and return the tokens."""
        self.close()
        while self._elements:
            self._end(self._elements.pop())
        self.builder.close_all()
        return self.builder.tokens


def parse_telegram_html(text: str) -> list[Token]:
    """Tokens of text meant as Telegram HTML; tolerant: unknown tags are dropped, unbalanced ones repaired."""
    parser = MarkupParser(flow=False)
    parser.feed(text)
    return parser.finish()


def serialize(tokens: list[Token]) -> str:
    """Telegram HTML text of a token list."""
    return "".join(escape_text(token) if isinstance(token, str) else token.markup for token in tokens)


def visible_text(tokens: list[Token]) -> str:
    """What the reader sees: the text without tags."""
    return "".join(token for token in tokens if isinstance(token, str))
