"""Turning fetched bytes into normalized entries: RSS/Atom through feedparser, gov.kz through its JSON API."""

from __future__ import annotations

import calendar
import io
import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax import SAXParseException

import feedparser

from bot.services.ingestion.text import as_utf8_xml, decode_body, html_to_text, unescape_once
from domain.entries import Entry
from domain.urls import telegram_url

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


def parse_feed_document(body: bytes, *, content_type: str, url: str) -> Any:
    """feedparser's result for a body (decoded to UTF-8 first; feedparser never fetches anything itself)."""
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
    for item in document.entries:
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
            continue  # nothing stable to know it by: it could never be told apart from the next one
        entries.append(
            Entry(
                key=key,
                url=link,
                title=title or _fallback_title(html_to_text(body_html), link),
                summary_html=body_html,
                image_url=_rss_image(item, url, notes),
                published_at=_clamp(published, now),
                language=language,
                notes=tuple(notes),
            )
        )
    return entries


SOURCE_TITLE_LIMIT = 256  # the sources table's title column


def rss_feed_title(body: bytes, *, content_type: str, url: str) -> str | None:
    """The feed's own name (RSS <channel><title>, Atom <feed><title>) as plain text, None when it has none."""
    document = parse_feed_document(body, content_type=content_type, url=url)
    title = " ".join(html_to_text(str(document.get("feed", {}).get("title", ""))).split())
    return title[:SOURCE_TITLE_LIMIT] or None


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

    Raises ParseError when the answer is not JSON or not one of those shapes; items without an id are skipped.
    """
    try:
        data = json.loads(decode_body(body, content_type))
    except json.JSONDecodeError as error:
        raise ParseError("bad_json", f"not JSON: {error}") from None
    items = data.get("content") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ParseError("bad_shape", f"expected an array or an object with `content`, got {type(data).__name__}")
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(url))
    entries = []
    for item in items:
        if not isinstance(item, dict) or item.get("id") in (None, ""):
            continue
        item_id = str(item["id"])
        body_html = str(item.get("body") or item.get("short_description") or "")
        title = unescape_once(str(item.get("title") or ""))
        notes: list[str] = []
        page = _http_url(url, govkz_page_url(url, item_id, language), notes)
        published = _iso(item.get("publish_date")) or _iso(item.get("created_date"))
        entries.append(
            Entry(
                key=item_id,
                url=page,
                title=title or _fallback_title(html_to_text(body_html), page),
                summary_html=body_html,
                image_url=_http_url(origin, item.get("heropic"), notes, "image"),
                published_at=_clamp(published, now),
                language=language,
                notes=tuple(notes),
            )
        )
    return entries
