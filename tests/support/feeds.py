"""Shared test support for feeds: a local web site on 127.0.0.1, RSS documents, the seed article.

Used by the feed tests, by every test that needs a page or an image served locally, and by the benchmarks.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.services.ingestion.fetching import FetchError, FetchRequest, FetchResult
from domain.clock import utcnow

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_ARTICLE = REPO_ROOT / "tests" / "fixtures" / "alliance-article-ru.txt"


def seed_article() -> str:
    """The Center's alliance article (ru), kept in tests/fixtures."""
    if not SEED_ARTICLE.is_file():
        raise AssertionError(f"the seed article is missing: expected {SEED_ARTICLE}")
    return SEED_ARTICLE.read_text(encoding="utf-8")


@dataclass
class Item:
    title: str | None = "Item"
    link: str | None = None
    guid: str | None = None
    description: str = "<p>Body</p>"
    published: Any = None  # a datetime or None
    enclosure: tuple[str, str] | None = None  # (url, MIME type): an RSS <enclosure>


def rss(items: Sequence[Item], *, encoding: str | None = "utf-8", title: str = "Local feed") -> str:
    """An RSS 2.0 document; `encoding=None` leaves out the XML declaration's encoding."""
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>' if encoding else '<?xml version="1.0"?>'
    parts = [declaration, '<rss version="2.0"><channel>', f"<title>{escape(title)}</title>", "<link>http://x/</link>"]
    for item in items:
        parts.append("<item>")
        if item.title is not None:
            parts.append(f"<title>{escape(item.title)}</title>")
        if item.link is not None:
            parts.append(f"<link>{escape(item.link)}</link>")
        if item.guid is not None:
            parts.append(f'<guid isPermaLink="false">{escape(item.guid)}</guid>')
        parts.append(f"<description>{escape(item.description)}</description>")
        if item.published is not None:
            parts.append(f"<pubDate>{format_datetime(item.published)}</pubDate>")
        if item.enclosure is not None:
            url, media = item.enclosure
            parts.append(f'<enclosure url="{escape(url)}" length="100" type="{escape(media)}"/>')
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "".join(parts)


def items(count: int, *, start: int = 0) -> list[Item]:
    """`count` dated items, newest first as feeds list them."""
    base = utcnow().replace(microsecond=0) - timedelta(days=1)
    made = [
        Item(title=f"News {n}", link=f"http://news.local/{n}", guid=f"guid-{n}", published=base + timedelta(minutes=n))
        for n in range(start, start + count)
    ]
    return list(reversed(made))


@dataclass
class Resource:
    body: bytes
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None


class FeedSite:
    """A local web site whose pages the tests set; answers conditional GETs with 304."""

    def __init__(self) -> None:
        self.resources: dict[str, Resource] = {}
        self.handlers: dict[str, Callable[[web.Request], Awaitable[web.StreamResponse]]] = {}
        self.requests: list[web.Request] = []
        self.app = web.Application()
        self.app.router.add_route("GET", "/{path:.*}", self._handle)
        self.server = TestServer(self.app, host="127.0.0.1")

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))

    def serve(self, path: str, body: str | bytes, **kwargs: Any) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        resource = Resource(data, **kwargs)
        if resource.etag is None and resource.status == 200:
            resource.etag = f'"{hash(data) & 0xFFFFFFFF:x}"'
        self.resources[path] = resource
        return self.url(path)

    def handle(self, path: str, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> str:
        self.handlers[path] = handler
        return self.url(path)

    def hits(self, path: str) -> list[web.Request]:
        return [request for request in self.requests if request.path == path]

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request)
        if request.path in self.handlers:
            return await self.handlers[request.path](request)
        resource = self.resources.get(request.path)
        if resource is None:
            return web.Response(status=404, text="not found")
        headers = dict(resource.headers)
        if resource.etag:
            headers["ETag"] = resource.etag
            if request.headers.get("If-None-Match") == resource.etag:
                return web.Response(status=304, headers=headers)
        return web.Response(
            status=resource.status, body=resource.body, headers=headers | {"Content-Type": resource.content_type}
        )


# A 1x1 PNG: what a page serves as an image (Telegram fetches photos given by URL).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


@contextmanager
def served_in_thread(body: str) -> Iterator[str]:
    """A local feed served from a background thread, for code that runs its own event loop (the CLI's `main()`);
    yields its URL on 127.0.0.1."""
    site = FeedSite()
    loop = asyncio.new_event_loop()
    loop.run_until_complete(site.server.start_server())
    url = site.serve("/feed", body)
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield url
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.run_until_complete(site.server.close())
        loop.close()


class StaticFetcher:
    """A `Fetcher` serving documents from memory, for tests where the HTTP of a poll adds nothing (no socket, no
    local server): `bootstrap(settings, http=fetcher)`. Conditional GET by ETag; a URL not served is a 404. What
    `http.HttpFetcher` adds (redirects, caps, address rules) is tested against `FeedSite`."""

    def __init__(self, base: str = "http://feeds.test") -> None:
        self.base = base
        self.resources: dict[str, Resource] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []

    def serve(self, path: str, body: str | bytes, **kwargs: Any) -> str:
        """Serve `body` at `base + path`; returns that URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        resource = Resource(data, **kwargs)
        if resource.etag is None and resource.status == 200:
            resource.etag = f'"{hash(data) & 0xFFFFFFFF:x}"'
        url = self.base + path
        self.resources[url] = resource
        return url

    async def get(self, request: FetchRequest) -> FetchResult:
        url, etag = request.url, request.etag
        self.requests.append((url, dict(request.headers)))
        resource = self.resources.get(url, Resource(b"not found", "text/plain", status=404))
        if not 200 <= resource.status < 300:
            raise FetchError(f"http_{resource.status}", f"HTTP {resource.status}", status=resource.status)
        if etag is not None and etag == resource.etag:
            return FetchResult(304, b"", url, None, resource.content_type, etag, None)
        return FetchResult(200, resource.body, url, None, resource.content_type, resource.etag, None)

    async def close(self) -> None:
        return None
