"""Text helpers for ingestion: body decoding (cp1251 and UTF-8, declared or not) and HTML to plain text."""

from __future__ import annotations

import codecs
import html
import re
from html.parser import HTMLParser

_XML_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._-]+)", re.IGNORECASE)
_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
# Sites in Kazakhstan that send neither a charset nor UTF-8 almost always send Windows-1251.
FALLBACK_ENCODING = "cp1251"


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_encoding(body: bytes, content_type: str = "") -> str | None:
    """The encoding the body's XML declaration names, else the Content-Type charset (known codecs only)."""
    match = _XML_DECLARATION.match(body[:256])
    declared = _codec(match.group(1).decode("ascii")) if match else None
    if declared is None:
        charset = _CHARSET.search(content_type)
        declared = _codec(charset.group(1)) if charset else None
    return declared


def decode_body(body: bytes, content_type: str = "") -> str:
    """Text of a body whatever it declares: a BOM wins, then valid UTF-8, then the declared encoding, then cp1251.

    Valid UTF-8 is trusted over a declaration because servers here often label UTF-8 as windows-1251 and
    vice versa, while cp1251 Cyrillic is practically never valid UTF-8.
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body.decode(name, errors="replace")
    declared = declared_encoding(body, content_type)
    if declared and declared.startswith(("utf-16", "utf-32")):
        return body.decode(declared, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared and declared != "utf-8":
        try:
            return body.decode(declared)
        except UnicodeDecodeError:
            pass
    return body.decode(FALLBACK_ENCODING, errors="replace")


def as_utf8_xml(body: bytes, content_type: str = "") -> bytes:
    """The body re-encoded as UTF-8 with its XML declaration saying so, for feedparser to read as is."""
    text = decode_body(body, content_type)
    text = re.sub(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])[A-Za-z0-9._-]+""", r"\1utf-8", text, count=1)
    return text.encode("utf-8")


class _TextExtractor(HTMLParser):
    _BLOCKS = frozenset({"p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"})
    _SKIP = frozenset({"script", "style"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Plain text of an HTML fragment: tags dropped, entities decoded once, whitespace collapsed."""
    if "<" not in markup and "&" not in markup:
        return " ".join(markup.split())
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    return " ".join("".join(extractor.parts).split())


def unescape_once(text: str) -> str:
    """Entities decoded exactly once, whitespace collapsed (for titles that come as plain text)."""
    return " ".join(html.unescape(text).split())
