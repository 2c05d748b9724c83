"""Turning fetched bytes into normalized entries: RSS/Atom through feedparser, gov.kz through its JSON API."""

from __future__ import annotations

import calendar
import io
import json
import logging
import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax import SAXParseException

from bot.services.ingestion.text import as_utf8_xml, decode_body, html_to_text, unescape_once
from domain.entries import Entry
from domain.urls import telegram_url

logger = logging.getLogger(__name__)

_TRUNCATED = ("no element found", "unclosed token")
_TITLE_FROM_TEXT = 120


class ParseError(Exception):
    """A body that is not what the source should serve; `kind` is short and stable for logs and health."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _http_url(base: str, link: object, notes: list[str] | None = None, what: str = "link") -> str | None:
    """An absolute http(s) URL Telegram accepts, or None; a URL given but refused is noted in `notes`.

    Longer URLs do not fit the columns (PostgreSQL would refuse the whole poll) and are junk in practice.
    """
    if not isinstance(link, str) or not link.strip():
        return None
    url = telegram_url(link, base=base)
    if url is None and notes is not None:
        notes.append(f"{what} dropped (Telegram would refuse it): {link.strip()[:200]}")
    return url


def skip_item(url: str, index: int, key: object, error: BaseException) -> None:
    """Log an item left out for an error of its own; the other items of the document go on."""
    reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    shown = str(key)[:100] if isinstance(key, str | int) else None
    logger.warning("feeds.item_skipped", extra={"url": url, "item": index, "key": shown, "reason": reason[:300]})


def _clamp(moment: datetime | None, now: datetime) -> datetime | None:
    return min(moment, now) if moment is not None else None


def _struct_time(value: object) -> datetime | None:
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _fallback_title(text: str, url: str | None) -> str:
    if text:
        return text if len(text) <= _TITLE_FROM_TEXT else text[: _TITLE_FROM_TEXT - 1].rstrip() + "…"
    return url or ""


def _rss_image(item: Mapping[str, Any], base: str, notes: list[str]) -> str | None:
    for field in ("media_content", "media_thumbnail"):
        for media in item.get(field) or []:
            if not isinstance(media, Mapping):
                continue
            url = _http_url(base, media.get("url"), notes, "image")
            if url and (field == "media_thumbnail" or str(media.get("medium", "image")) == "image"):
                return url
    for link in item.get("links") or []:
        if not isinstance(link, Mapping):
            continue
        if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/"):
            url = _http_url(base, link.get("href"), notes, "enclosure")
            if url:
                return url
    return None


# The enclosure types read as the item's official document. RSS 2.0's <enclosure> "has three required attributes.
# url says where the enclosure is located, length says how big it is in bytes, and type says what its type is, a
# standard MIME type" (RSS 2.0 specification); Atom's <link rel="enclosure"> has the same href and type (RFC 4287
# 4.2.7.2). feedparser gives both as the item's links with rel "enclosure".
DOCUMENT_TYPES = frozenset({"application/pdf", "application/x-pdf"})


def _rss_document(item: Mapping[str, Any], base: str, notes: list[str]) -> str | None:
    """The first PDF the item encloses, as an absolute http(s) URL; a PDF Telegram would refuse is noted."""
    for link in item.get("links") or []:
        if not isinstance(link, Mapping) or link.get("rel") != "enclosure":
            continue
        media = str(link.get("type") or "").split(";", maxsplit=1)[0].strip().lower()
        if media in DOCUMENT_TYPES:
            url = _http_url(base, link.get("href"), notes, "document")
            if url:
                return url
    return None


def parse_feed_document(body: bytes, *, content_type: str, url: str) -> Any:
    """feedparser's result for a body (decoded to UTF-8 first; feedparser never fetches anything itself)."""
    import feedparser  # imported by the first parse: the shell's commands that never parse do not pay for it

    headers = {"content-type": _utf8_content_type(content_type), "content-location": url}
    # A BytesIO, never bytes or str: feedparser would try to open those as a local file name or a URL.
    return feedparser.parse(io.BytesIO(as_utf8_xml(body, content_type)), response_headers=headers)


def _utf8_content_type(content_type: str) -> str:
    media = content_type.split(";", maxsplit=1)[0].strip() or "application/xml"
    return f"{media}; charset=utf-8"


def parse_rss(body: bytes, *, content_type: str, url: str, language: str, now: datetime) -> list[Entry]:
    """Entries of an RSS or Atom body, newest first as the feed lists them.

    Raises ParseError when the body is not a feed at all or was cut off.
    """
    document = parse_feed_document(body, content_type=content_type, url=url)
    error = document.get("bozo_exception")
    if isinstance(error, SAXParseException) and any(text in str(error) for text in _TRUNCATED):
        raise ParseError("truncated", f"the feed is cut off: {error}")
    if not document.get("version") and not document.entries:
        shown = content_type.split(";", maxsplit=1)[0] or "no content type"
        raise ParseError("not_a_feed", f"not an RSS or Atom feed ({shown}): {error or 'no feed elements'}")
    entries = []
    for index, item in enumerate(document.entries):
        try:
            entry = _rss_entry(item, url=url, language=language, now=now)
        except Exception as error:  # noqa: BLE001 - one item costs that item, never the others or the source
            skip_item(url, index, item.get("id") if isinstance(item, Mapping) else None, error)
            continue
        if entry is not None:
            entries.append(entry)
    return entries


SOURCE_TITLE_LIMIT = 256  # the sources table's title column


def rss_feed_title(body: bytes, *, content_type: str, url: str) -> str | None:
    """The feed's own name (RSS <channel><title>, Atom <feed><title>) as plain text, None when it has none."""
    document = parse_feed_document(body, content_type=content_type, url=url)
    title = " ".join(html_to_text(str(document.get("feed", {}).get("title", ""))).split())
    return title[:SOURCE_TITLE_LIMIT] or None


def _rss_entry(item: Mapping[str, Any], *, url: str, language: str, now: datetime) -> Entry | None:
    notes: list[str] = []
    link = _http_url(url, item.get("link"), notes)
    summary = item.get("summary", "")
    content = item.get("content") or []
    body_html = str(content[0].get("value", "")) if content else str(summary)
    title = html_to_text(str(item.get("title", "")))
    published = _struct_time(item.get("published_parsed")) or _struct_time(item.get("updated_parsed"))
    guid = str(item.get("id", "")).strip()
    key = guid or link or (f"{title}|{published.isoformat()}" if title and published else title)
    if not key:
        return None  # nothing stable to know it by: it could never be told apart from the next one
    return Entry(
        key=key,
        url=link,
        title=title or _fallback_title(html_to_text(body_html), link),
        summary_html=body_html,
        image_url=_rss_image(item, url, notes),
        published_at=_clamp(published, now),
        language=language,
        document_url=_rss_document(item, url, notes),
        notes=tuple(notes),
    )


def govkz_page_url(source_url: str, item_id: str, language: str) -> str:
    """The public page of a gov.kz news item in a language, on the same site as the API."""
    parts = urlsplit(source_url)
    projects = parse_qs(parts.query).get("projects", ["eq:ecogeo"])[0]
    project = projects.split(":")[-1] or "ecogeo"
    return f"{parts.scheme}://{parts.netloc}/memleket/entities/{project}/press/news/details/{item_id}?lang={language}"


def _iso(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_govkz(body: bytes, *, content_type: str, url: str, language: str, now: datetime) -> list[Entry]:
    """Entries of a gov.kz news API answer (a bare array or a page object with `content`).

    Raises ParseError when the answer is not JSON or not one of those shapes; items without an id are skipped,
    and so is an item that fails on its own (nested thousands deep, a number of thousands of digits), logged.
    """
    text = decode_body(body, content_type)
    try:
        items: list[object] | None = _govkz_items(json.loads(text))
    except json.JSONDecodeError as error:
        raise ParseError("bad_json", f"not JSON: {error}") from None
    except (RecursionError, ValueError):
        # One value beyond what `json` builds (too deep, an integer too long): split the items apart and read
        # each on its own, so only the item holding it is lost.
        items = None
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(url))
    entries = []
    for index, item in enumerate(items if items is not None else _govkz_item_texts(text)):
        try:
            value = json.loads(item) if isinstance(item, str) else item
            entry = _govkz_entry(value, url=url, origin=origin, language=language, now=now)
        except Exception as error:  # noqa: BLE001 - one item costs that item, never the others or the source
            skip_item(url, index, None, error)
            continue
        if entry is not None:
            entries.append(entry)
    return entries


def _govkz_items(data: object) -> list[object]:
    items = data.get("content") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ParseError("bad_shape", f"expected an array or an object with `content`, got {type(data).__name__}")
    return items


def _govkz_entry(item: object, *, url: str, origin: str, language: str, now: datetime) -> Entry | None:
    if not isinstance(item, dict):
        return None
    raw_id = item.get("id")
    if isinstance(raw_id, bool) or not isinstance(raw_id, int | str) or raw_id == "":
        return None  # no id, or a list or object where gov.kz has a number: nothing stable to know it by
    item_id = str(raw_id)
    body_html = str(item.get("body") or item.get("short_description") or "")
    title = unescape_once(str(item.get("title") or ""))
    notes: list[str] = []
    page = _http_url(url, govkz_page_url(url, item_id, language), notes)
    published = _iso(item.get("publish_date")) or _iso(item.get("created_date"))
    return Entry(
        key=item_id,
        url=page,
        title=title or _fallback_title(html_to_text(body_html), page),
        summary_html=body_html,
        image_url=_http_url(origin, item.get("heropic"), notes, "image"),
        published_at=_clamp(published, now),
        language=language,
        notes=tuple(notes),
    )


# Splitting a JSON document without building it: strings (escapes included) and brackets are all that matter.
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_JSON_SCALAR = re.compile(r"[^,:\[\]{}\s]+")
_JSON_SPACE = re.compile(r"\s*")


def _value_end(text: str, start: int) -> int:
    """Where the JSON value starting at `start` ends, found with a counter instead of recursion (any depth)."""
    opening = text[start : start + 1]
    if opening == '"':
        match = _JSON_STRING.match(text, start)
    elif opening in ("[", "{"):
        depth = 0
        for token in _JSON_TOKEN.finditer(text, start):
            depth += {"[": 1, "{": 1, "]": -1, "}": -1}.get(token.group(), 0)
            if depth == 0:
                return token.end()
        match = None
    else:
        match = _JSON_SCALAR.match(text, start)
    if match is None:
        raise ParseError("bad_json", f"not JSON: a value at character {start} does not end")
    return match.end()


def _skip_space(text: str, position: int) -> int:
    match = _JSON_SPACE.match(text, position)
    return match.end() if match else position


def _govkz_item_texts(text: str) -> list[str]:
    """The JSON text of each item of a gov.kz answer (a bare array, or the `content` array of an object)."""
    position = _skip_space(text, 0)
    if text[position : position + 1] == "{":
        position = _member(text, position + 1, "content")
    if text[position : position + 1] != "[":
        raise ParseError("bad_shape", "expected an array or an object with `content`")
    items: list[str] = []
    position = _skip_space(text, position + 1)
    while text[position : position + 1] != "]":
        end = _value_end(text, position)
        items.append(text[position:end])
        position = _skip_space(text, end)
        if text[position : position + 1] == ",":
            position = _skip_space(text, position + 1)
        elif text[position : position + 1] != "]":
            raise ParseError("bad_json", f"not JSON: expected , or ] at character {position}")
    return items


def _member(text: str, position: int, name: str) -> int:
    """Where the value of the object member `name` starts (the object's members begin at `position`)."""
    while True:
        position = _skip_space(text, position)
        if text[position : position + 1] != '"':
            raise ParseError("bad_shape", f"expected an array or an object with `{name}`")
        key_end = _value_end(text, position)
        key = json.loads(text[position:key_end])
        position = _skip_space(text, key_end)
        if text[position : position + 1] != ":":
            raise ParseError("bad_json", f"not JSON: expected : at character {position}")
        position = _skip_space(text, position + 1)
        if key == name:
            return position
        position = _skip_space(text, _value_end(text, position))
        if text[position : position + 1] != ",":
            raise ParseError("bad_shape", f"expected an array or an object with `{name}`")
        position += 1
