"""Fetching sources over HTTP with aiohttp: one shared session, conditional GET, caps on time, size and redirects.

What a fetch is (limits, result, errors, the address rules) lives in `fetching`, which imports no aiohttp: the shell's
commands that never fetch do not pay for it (a third of a second at import, most of it an SSL context).
"""

from __future__ import annotations

import asyncio
import functools
import socket
import weakref
import zlib
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from yarl import URL

from bot.services.ingestion.fetching import (
    RESERVED_HEADERS,
    USER_AGENT,
    FetchError,
    FetchLimits,
    FetchRequest,
    FetchResult,
    ForbiddenAddressError,
    address_problem,
    check_url,
    forbidden_host_reason,
    host_address,
    request_headers,
)

__all__ = [
    "RESERVED_HEADERS",
    "USER_AGENT",
    "FetchError",
    "FetchLimits",
    "FetchRequest",
    "FetchResult",
    "ForbiddenAddressError",
    "HttpFetcher",
    "PublicOnlyResolver",
    "address_problem",
    "check_url",
    "create_http_session",
    "fetch",
    "forbidden_host_reason",
    "host_address",
    "request_headers",
]

_PERMANENT = {301, 308}
_REDIRECTS = {301, 302, 303, 307, 308}
_MAX_VALIDATOR_LENGTH = 512  # the sources.etag column; longer validators are not worth keeping


class PublicOnlyResolver(AbstractResolver):
    """DNS resolution that refuses names resolving to non-public addresses.

    aiohttp connects to exactly the addresses this returns, so a name cannot pass the check with one
    address and connect to another (DNS rebinding).
    """

    def __init__(self) -> None:
        self._inner = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        for result in results:
            problem = address_problem(result["host"])
            if problem is not None:
                raise ForbiddenAddressError(
                    f"{host} resolves to {result['host']}, a {problem} address; "
                    "set ALLOW_PRIVATE_SOURCES=true to allow it"
                )
        return results

    async def close(self) -> None:
        await self._inner.close()


def create_http_session(limits: FetchLimits | None = None) -> aiohttp.ClientSession:
    """The one HTTP session for all sources; close it on shutdown.

    Decompression is ours (auto_decompress=False) so the size cap counts decompressed bytes. Unless
    `limits.allow_private`, host names are resolved by `PublicOnlyResolver` (no server-side request forgery).
    The whole of a fetch, redirects included, has one deadline of `limits.timeout_seconds` (`fetch`); the session
    adds only the connect timeout, not a second timer on every request.
    """
    limits = limits or FetchLimits()
    connector_options: dict[str, Any] = {"limit": 50, "limit_per_host": 4, "ttl_dns_cache": 300}
    if not limits.allow_private:
        connector_options["resolver"] = PublicOnlyResolver()
    return aiohttp.ClientSession(
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
        timeout=aiohttp.ClientTimeout(total=None, sock_connect=min(10.0, limits.timeout_seconds)),
        connector=aiohttp.TCPConnector(**connector_options),
        cookie_jar=aiohttp.DummyCookieJar(),
        auto_decompress=False,
    )


class HttpFetcher:
    """The bot's `Fetcher`: `fetch` over one aiohttp session for every source.

    Without a session given, it opens its own at the first fetch (a session needs a running loop) and closes it
    in `close()`; a session given is the caller's to close.
    """

    def __init__(self, limits: FetchLimits, session: aiohttp.ClientSession | None = None) -> None:
        self.limits = limits
        self._session = session
        self._owns_session = session is None

    @property
    def session(self) -> aiohttp.ClientSession | None:
        """The session fetches go through (None before the first fetch of a fetcher that opens its own)."""
        return self._session

    async def get(self, request: FetchRequest) -> FetchResult:
        if self._session is None:
            self._session = create_http_session(self.limits)
        return await fetch(
            self._session,
            request.url,
            limits=self.limits,
            etag=request.etag,
            last_modified=request.last_modified,
            headers=request.headers,
        )

    async def close(self) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None


class _Decoder:
    """Streams a gzip or deflate body and stops once the decompressed size passes the cap (gzip bombs)."""

    def __init__(self, encoding: str, max_bytes: int) -> None:
        self._max = max_bytes
        self._size = 0
        self._parts: list[bytes] = []
        if encoding in ("", "identity"):
            self._zlib = None
        elif encoding in ("gzip", "x-gzip", "deflate"):
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 32)  # 32: gzip or zlib header, detected
        else:
            raise FetchError("bad_encoding", f"unsupported Content-Encoding {encoding!r}")

    def feed(self, chunk: bytes) -> None:
        if self._zlib is None:
            self._add(chunk)
            return
        try:
            data = self._zlib.decompress(chunk, self._max + 1 - self._size)
            self._add(data)
            while self._zlib.unconsumed_tail:
                data = self._zlib.decompress(self._zlib.unconsumed_tail, self._max + 1 - self._size)
                self._add(data)
        except zlib.error as error:
            raise FetchError("bad_encoding", f"broken compressed body: {error}") from None

    def _add(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._max:
            raise FetchError("too_large", f"body larger than {self._max} bytes (decompressed)")
        self._parts.append(data)

    def finish(self) -> bytes:
        if self._zlib is not None:
            self._add(self._zlib.flush())
        return b"".join(self._parts)


async def fetch(
    session: aiohttp.ClientSession,
    url: str,
    *,
    limits: FetchLimits,
    etag: str | None = None,
    last_modified: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> FetchResult:
    """GET a URL with conditional headers, following redirects by hand (limit, http/https only).

    Raises FetchError for anything but a 2xx or 304 answer within the limits. `headers` is only read.
    """
    request_headers = dict(headers or {})
    if etag:
        request_headers["If-None-Match"] = etag
    if last_modified:
        request_headers["If-Modified-Since"] = last_modified
    current = url
    permanent = True
    try:
        async with _deadline(limits.timeout_seconds):
            for _hop in range(limits.max_redirects + 1):
                problem = _url_problem(current, limits.allow_private)
                if problem is not None:
                    raise FetchError(*problem)
                async with session.get(_parsed(current), headers=request_headers, allow_redirects=False) as response:
                    if response.status == 304:  # most polls: no body, no redirect
                        return _result(response, b"", url=url, current=current, permanent=permanent)
                    if response.status in _REDIRECTS and "Location" in response.headers:
                        permanent = permanent and response.status in _PERMANENT
                        current = urljoin(current, response.headers["Location"])
                        continue
                    return await _read(response, url=url, current=current, permanent=permanent, limits=limits)
    except TimeoutError:
        raise FetchError("timeout", f"no complete answer within {limits.timeout_seconds:g} s") from None
    except aiohttp.ClientConnectorError as error:
        if isinstance(error.os_error, ForbiddenAddressError):
            raise FetchError("forbidden_address", f"refused {current}: {error.os_error}") from None
        raise FetchError("connection", f"cannot connect: {error.os_error or error}") from None
    except aiohttp.ClientError as error:
        raise FetchError("connection", f"{type(error).__name__}: {error}") from None
    raise FetchError("too_many_redirects", f"more than {limits.max_redirects} redirects")


class _Deadlines:
    """Deadlines of one length for the tasks of one event loop, kept by one timer: `asyncio.timeout` for many fetches
    at a fraction of its cost (a timer handle made, pushed on the loop's heap and cancelled per fetch was a third of a
    304's cost over a bare aiohttp request).

    The deadlines come due in the order they were set (one length), so a dict in insertion order is their queue; the
    one timer is armed at the oldest deadline and, when it fires, times out what is due and is armed again at the
    next one. A fetch that ends first leaves its deadline's dict slot only.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, seconds: float) -> None:
        self._loop = loop
        self._seconds = seconds
        self._pending: dict[_Deadline, float] = {}
        self._timer: asyncio.TimerHandle | None = None

    def add(self, deadline: _Deadline) -> None:
        when = self._loop.time() + self._seconds
        self._pending[deadline] = when
        if self._timer is None:
            self._timer = self._loop.call_at(when, self._expire)

    def remove(self, deadline: _Deadline) -> None:
        self._pending.pop(deadline, None)

    def _expire(self) -> None:
        self._timer = None
        now = self._loop.time()
        while self._pending:
            deadline, when = next(iter(self._pending.items()))
            if when > now:
                self._timer = self._loop.call_at(when, self._expire)
                return
            del self._pending[deadline]
            deadline.expire()


class _Deadline:
    """`asyncio.timeout(seconds)` kept by `_Deadlines`: the same states, cancellation and TimeoutError."""

    __slots__ = ("_cancelling", "_deadlines", "_expired", "_task")

    def __init__(self, deadlines: _Deadlines) -> None:
        self._deadlines = deadlines
        self._expired = False

    async def __aenter__(self) -> None:
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("a deadline must be used inside a task")
        self._task = task
        self._cancelling = task.cancelling()
        self._deadlines.add(self)

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, _tb: object) -> None:
        self._deadlines.remove(self)
        if self._expired and self._task.uncancel() <= self._cancelling and exc_type is asyncio.CancelledError:
            raise TimeoutError from exc

    def expire(self) -> None:
        self._expired = True
        self._task.cancel()


_DEADLINES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[float, _Deadlines]] = weakref.WeakKeyDictionary()


def _deadline(seconds: float) -> _Deadline:
    """A TimeoutError if the block takes longer than `seconds` (an `asyncio.timeout` of a shared timer)."""
    loop = asyncio.get_running_loop()
    kept = _DEADLINES.get(loop)
    if kept is None:
        kept = _DEADLINES[loop] = {}
    deadlines = kept.get(seconds)
    if deadlines is None:
        deadlines = kept[seconds] = _Deadlines(loop, seconds)
    return _Deadline(deadlines)


@functools.lru_cache(maxsize=4096)
def _url_problem(url: str, allow_private: bool) -> tuple[str, str] | None:
    """Why a URL must not be fetched, as a failure kind and message, or None. Cached: a source's URL is checked
    on every poll, and the answer depends on the URL alone (names are checked again after DNS resolution)."""
    try:
        check_url(url)
    except ValueError as error:
        return "bad_url", f"{error}: {url}"
    reason = None if allow_private else forbidden_host_reason(urlsplit(url).hostname or "")
    return None if reason is None else ("forbidden_address", f"refused {url}: {reason}")


def _result(response: aiohttp.ClientResponse, body: bytes, *, url: str, current: str, permanent: bool) -> FetchResult:
    headers = response.headers
    return FetchResult(
        status=response.status,
        body=body,
        url=current,
        permanent_url=current if permanent and current != url else None,
        content_type=headers.get("Content-Type", ""),
        etag=_validator(headers.get("ETag")),
        last_modified=_validator(headers.get("Last-Modified"), 128),
    )


async def _read(
    response: aiohttp.ClientResponse, *, url: str, current: str, permanent: bool, limits: FetchLimits
) -> FetchResult:
    """A 2xx answer's body, within the limits (a 304 has none: `_result` at once)."""
    if not 200 <= response.status < 300:
        raise FetchError(
            f"http_{response.status}", f"HTTP {response.status} {response.reason or ''}".strip(), status=response.status
        )
    declared = response.content_length
    if declared is not None and declared > limits.max_bytes:
        raise FetchError("too_large", f"body of {declared} bytes is over the {limits.max_bytes} byte cap")
    decoder = _Decoder(response.headers.get("Content-Encoding", "").strip().lower(), limits.max_bytes)
    received = 0
    async for chunk in response.content.iter_chunked(64 * 1024):
        received += len(chunk)
        if received > limits.max_bytes:
            raise FetchError("too_large", f"body larger than {limits.max_bytes} bytes")
        decoder.feed(chunk)
    return _result(response, decoder.finish(), url=url, current=current, permanent=permanent)


@functools.lru_cache(maxsize=4096)
def _parsed(url: str) -> URL:
    """A source's URL as aiohttp's URL, parsed once: aiohttp parses a string URL on every request (yarl's parse and
    encoding were a tenth of a 304's cost over the bare request)."""
    return URL(url)


def _validator(value: str | None, limit: int = _MAX_VALIDATOR_LENGTH) -> str | None:
    return value if value and len(value) <= limit else None
