"""Feed HTML into Telegram tokens: sanitized by nh3, then reshaped into lines of Telegram-formatted text.

nh3 (Ammonia, an html5ever-based sanitizer) is chosen because it parses broken HTML the way browsers do and
whitelists tags, attributes and URL schemes; the stdlib parser then only walks its well-formed output.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator

import nh3

from bot.rendering.markup import CANONICAL, MarkupParser, Token
from domain.urls import LINK_SCHEMES, telegram_url

# Raw HTML beyond this is not read at all: a news item never needs it, and it bounds the work per entry.
MAX_INPUT_CHARS = 1_000_000
# The work budget. HTML parsers (html5ever in nh3, and any tree builder) spend time per tag in proportion
# to the depth of open elements, so nesting is capped before parsing: tags deeper than MAX_DEPTH are
# dropped (their text stays), and reading stops after MAX_TAGS tags. Real news markup stays far below both.
MAX_DEPTH = 64
MAX_TAGS = 2_500
_CHUNK = 4_096
# The start of a tag: "<", an optional "/", the name. The tag ends at the next ">" (found with str.find, see
# `_tags`): one regex for the whole tag backtracks over the name and the rest for every "<" that is never
# closed ("<a<a<a...": cubic in the length, minutes for 10 KB).
_TAG_START = re.compile(r"<(/?)([A-Za-z][^\s/>]*)")
_VOID = frozenset(
    {"br", "hr", "img", "wbr", "input", "source", "track", "area", "col", "embed", "meta", "link", "base", "param"}
)
# HTML's formatting elements: a parser reopens them after a misnested close, so only their own tag ends them.
_HTML_FORMATTING = frozenset(
    {"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"}
)
# A new one of these closes the open one (HTML's implied end tags), so sloppy markup (<p>a<p>b) stays shallow.
_SELF_CLOSING_SIBLINGS = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option", "thead", "tbody", "tfoot"})

_STRUCTURE = frozenset(
    {
        "p", "br", "hr", "div", "section", "article", "header", "footer", "address",
        "h1", "h2", "h3", "h4", "h5", "h6",
        "ul", "ol", "li", "dl", "dt", "dd",
        "table", "thead", "tbody", "tfoot", "tr", "td", "th",
        "figure", "figcaption", "span",
    }
)  # fmt: skip
_TAGS = frozenset(CANONICAL) | _STRUCTURE
# Dropped with everything inside them; other unknown tags are dropped but their text is kept.
_DROP_WITH_CONTENT = frozenset(
    {
        "script", "style", "iframe", "noscript", "object", "embed", "template", "svg", "math", "video", "audio",
        "canvas", "map", "form", "button", "select", "textarea", "head", "title",
    }
)  # fmt: skip
_ATTRIBUTES = {"a": {"href"}, "span": {"class"}, "code": {"class"}, "blockquote": {"expandable"}, "ol": {"start"}}


def _tags(html: str) -> Iterator[tuple[int, int, bool, str, bool]]:
    """(start, end, closing, lower-case name, self-closed) of each tag, in one linear pass.

    A tag runs from "<name" to the next ">", as an HTML tokenizer reads it; a "<" with no ">" after it
    starts no tag, and neither does any "<" after it.
    """
    position = 0
    while (match := _TAG_START.search(html, position)) is not None:
        end = html.find(">", match.end())
        if end == -1:
            return
        yield match.start(), end + 1, bool(match.group(1)), match.group(2).lower(), html[end - 1] == "/"
        position = end + 1


def bounded_markup(html: str) -> tuple[str, bool]:
    """`html` with nesting capped at MAX_DEPTH and at most MAX_TAGS tags, in one linear pass; and whether
    nothing was cut off (tags dropped for depth do not count: their text is all there).

    Open elements are tracked the way an HTML parser treats them, erring on the deep side: a closing tag
    closes the elements opened after its own, a <p>, <li>, <td>... right after its open sibling replaces it,
    and a formatting element (<b>, <a>...) stays open until its own closing tag, since a parser reopens
    misnested formatting at the next text.
    """
    stack: list[str] = []  # open elements other than formatting ones
    formatting: Counter[str] = Counter()
    open_formatting = 0
    dropped: Counter[str] = Counter()
    pieces: list[str] = []
    position = 0
    for count, (start, end, closing, name, self_closed) in enumerate(_tags(html)):
        if count >= MAX_TAGS:
            pieces.append(html[position:start])
            return "".join(pieces), False
        if name in _VOID or self_closed:
            continue
        keep = True
        if closing:
            if dropped[name]:
                dropped[name] -= 1
                keep = False
            elif formatting[name]:
                formatting[name] -= 1
                open_formatting -= 1
            elif name in stack:  # at most MAX_DEPTH long
                while stack.pop() != name:
                    pass
        elif name in _SELF_CLOSING_SIBLINGS and stack and stack[-1] == name:
            pass  # closes its open sibling: the depth stays
        elif len(stack) + open_formatting >= MAX_DEPTH:
            dropped[name] += 1
            keep = False
        elif name in _HTML_FORMATTING:
            formatting[name] += 1
            open_formatting += 1
        else:
            stack.append(name)
        if not keep:
            pieces.append(html[position:start])
            position = end
    pieces.append(html[position:])
    return "".join(pieces), True


def _link_filter(base_url: str | None) -> Callable[[str, str, str], str | None]:
    def keep(element: str, attribute: str, value: str) -> str | None:
        if element == "a" and attribute == "href":
            return telegram_url(value, base=base_url, schemes=LINK_SCHEMES)
        return value

    return keep


def sanitize(html: str, *, base_url: str | None = None, budget: int | None = None) -> tuple[list[Token], bool]:
    """Telegram tokens for feed HTML, and whether all of it was read.

    Relative links are resolved against `base_url` (the article's address) or dropped without one. With
    `budget`, reading stops once more than that many characters of text are collected (the caller cuts anyway).
    """
    cleaned, complete = clean_html(html, base_url=base_url)
    parser = MarkupParser(flow=True)
    for start in range(0, len(cleaned), _CHUNK):
        parser.feed(cleaned[start : start + _CHUNK])
        if budget is not None and parser.builder.visible > budget:
            complete = complete and start + _CHUNK >= len(cleaned)
            break
    return parser.finish(), complete


def clean_html(html: str, *, base_url: str | None = None) -> tuple[str, bool]:
    """Feed HTML cleaned by nh3 (the tags kept, every link checked by Telegram's rules), and whether all of it
    was read: what both the split HTML messages and the rich message are built from."""
    bounded, complete = bounded_markup(html[:MAX_INPUT_CHARS])
    complete = complete and len(html) <= MAX_INPUT_CHARS
    cleaned = nh3.clean(
        bounded,
        tags=set(_TAGS),
        clean_content_tags=set(_DROP_WITH_CONTENT),
        attributes=_ATTRIBUTES,
        attribute_filter=_link_filter(base_url),  # every link checked by Telegram's rules; never raises
        url_schemes=set(LINK_SCHEMES),
        link_rel=None,
        strip_comments=True,
        url_relative="pass_through",  # resolved (or dropped) by the filter, against a base that is checked too
    )
    return cleaned, complete
