"""Feed HTML into Telegram tokens: sanitized by nh3, then reshaped into lines of Telegram-formatted text.

nh3 (Ammonia, an html5ever-based sanitizer) is chosen because it parses broken HTML the way browsers do and
whitelists tags, attributes and URL schemes; the stdlib parser then only walks its well-formed output.
"""

from __future__ import annotations

import nh3

from bot.rendering.markup import CANONICAL, MarkupParser, Token

# Raw HTML beyond this is not read at all: a news item never needs it, and it bounds the work per entry.
MAX_INPUT_CHARS = 1_000_000
_CHUNK = 32_768

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
_URL_SCHEMES = {"http", "https", "tg", "mailto"}


def sanitize(html: str, *, base_url: str | None = None, budget: int | None = None) -> tuple[list[Token], bool]:
    """Telegram tokens for feed HTML, and whether all of it was read.

    Relative links are resolved against `base_url` (the article's address) or dropped without one. With
    `budget`, reading stops once more than that many characters of text are collected (the caller cuts anyway).
    """
    complete = len(html) <= MAX_INPUT_CHARS
    cleaned = nh3.clean(
        html[:MAX_INPUT_CHARS],
        tags=set(_TAGS),
        clean_content_tags=set(_DROP_WITH_CONTENT),
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
        url_relative=("rewrite_with_base", base_url) if base_url else "deny",
    )
    parser = MarkupParser(flow=True)
    for start in range(0, len(cleaned), _CHUNK):
        parser.feed(cleaned[start : start + _CHUNK])
        if budget is not None and parser.builder.visible > budget:
            complete = complete and start + _CHUNK >= len(cleaned)
            break
    return parser.finish(), complete
