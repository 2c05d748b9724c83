"""Fetching sources over HTTP: one shared session, conditional GET, caps on time, size and redirects."""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import re
import socket
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from domain.urls import MAX_URL_LENGTH

USER_AGENT = "AllianceNewsBot/0.1 (+https://igtipc.org; Telegram news bot of the low-carbon technology alliance)"
_PERMANENT = {301, 308}
_REDIRECTS = {301, 302, 303, 307, 308}
_MAX_VALIDATOR_LENGTH = 512  # the sources.etag column; longer validators are not worth keeping
# Set by the fetcher or the HTTP client, never by a source's extra headers: decompression is ours (gzip and
# deflate only), conditional GET uses the stored validators, and framing belongs to the client.
RESERVED_HEADERS = frozenset(
    {
        "accept-encoding",
        "if-none-match",
        "if-modified-since",
        "host",
        "content-length",
        "transfer-encoding",
        "connection",
        "te",
        "upgrade",
        "expect",
    }
)


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """How long and how much one fetch may take."""

    timeout_seconds: float = 20.0
    max_bytes: int = 5 * 1024 * 1024  # after decompression; feeds are far smaller
    max_redirects: int = 5
    allow_private: bool = False  # ALLOW_PRIVATE_SOURCES: loopback, private and link-local hosts may be fetched


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A completed fetch: a body (empty for 304), the final URL and the cache validators."""

    status: int
    body: bytes
    url: str  # where the body came from, after redirects
    permanent_url: str | None  # set when every redirect on the way was permanent
    content_type: str
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class FetchError(Exception):
    """A fetch that failed; `kind` is short and stable for logs and health (timeout, http_404, too_large...)."""

    def __init__(self, kind: str, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status


def request_headers(accept: str, language: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The headers of every request to a source, its polls and the admin's check before adding it alike.

    Accept comes from the source's kind, Accept-Language is its language (gov.kz serves each language from one
    URL by it); the source's extra headers (a User-Agent or cookie a WAF wants) come last and win.
    """
    headers = {"Accept": accept, "Accept-Language": language}
    headers.update({name: value for name, value in (extra or {}).items() if name.lower() not in RESERVED_HEADERS})
    return headers


def check_url(url: str) -> str:
    """The URL if it is absolute http(s) with a host; otherwise ValueError with a one-line reason."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        shown = f"{parts.scheme}://" if parts.scheme else "no scheme"
        raise ValueError(f"only http:// and https:// URLs can be fetched, got {shown}")
    if not parts.hostname:
        raise ValueError("the URL has no host name")
    if len(url.strip()) > MAX_URL_LENGTH:
        raise ValueError(f"the URL is longer than {MAX_URL_LENGTH} characters")
    return url.strip()


class ForbiddenAddressError(OSError):
    """A source host that is (or resolves to) a loopback, private, link-local or otherwise non-public address."""


# The 96-bit NAT64 prefixes: the last 32 bits are the IPv4 address a NAT64 gateway forwards to (RFC 6052, 8215).
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/96"))
_NUMERIC_HOST = re.compile(r"[0-9a-fA-FxX.]+")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def host_address(host: str) -> IPAddress | None:
    """The IP address a URL host denotes, in any spelling a resolver accepts, or None for a name.

    Besides the standard forms this reads what `inet_aton` (and so getaddrinfo and every HTTP client) reads:
    `0x7f.1`, `2130706433`, `017700000001`, `127.1` are all 127.0.0.1.
    """
    host = host.strip("[]").rstrip(".").split("%", 1)[0]  # an IPv6 zone id is not part of the address
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if not _NUMERIC_HOST.fullmatch(host):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries to: IPv4-mapped, 6to4, Teredo's client, NAT64."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if any(ip in prefix for prefix in _NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_problem(address: str) -> str | None:
    """Why an IP address must not be fetched from ("loopback", "private"...), or None for a public address.

    An IPv6 address that carries an IPv4 one (::ffff:127.0.0.1, 6to4 2002:7f00:1::, NAT64 64:ff9b::7f00:1) is
    judged by the IPv4 address it reaches.
    """
    ip = host_address(address)
    if ip is None:
        return "unparsable"
    if isinstance(ip, ipaddress.IPv6Address) and (inner := _embedded_ipv4(ip)) is not None:
        ip = inner
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
    )
    for name, hit in checks:
        if hit:
            return name
    return None if ip.is_global else "non-public"


def forbidden_host_reason(host: str) -> str | None:
    """A one-line reason when a URL host is an IP literal (in any spelling) or a name that is never public, and
    not public; None otherwise.

    Names are checked again after DNS resolution (`PublicOnlyResolver`), on every request and redirect.
    """
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return f"{host} is a loopback host; set ALLOW_PRIVATE_SOURCES=true to allow it"
    ip = host_address(host)
    if ip is None:
        return None
    problem = address_problem(str(ip))
    if problem is None:
        return None
    shown = f"{host} ({ip})" if _NUMERIC_HOST.fullmatch(host) and host != str(ip) else host  # 0x7f.1 (127.0.0.1)
    return f"{shown} is a {problem} address; set ALLOW_PRIVATE_SOURCES=true to allow it"


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
    headers: dict[str, str] | None = None,
) -> FetchResult:
    """GET a URL with conditional headers, following redirects by hand (limit, http/https only).

    Raises FetchError for anything but a 2xx or 304 answer within the limits.
    """
    request_headers = dict(headers or {})
    if etag:
        request_headers["If-None-Match"] = etag
    if last_modified:
        request_headers["If-Modified-Since"] = last_modified
    current = url
    permanent = True
    try:
        async with asyncio.timeout(limits.timeout_seconds):
            for _hop in range(limits.max_redirects + 1):
                problem = _url_problem(current, limits.allow_private)
                if problem is not None:
                    raise FetchError(*problem)
                async with session.get(current, headers=request_headers, allow_redirects=False) as response:
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


async def _read(
    response: aiohttp.ClientResponse, *, url: str, current: str, permanent: bool, limits: FetchLimits
) -> FetchResult:
    if response.status != 304 and not 200 <= response.status < 300:
        raise FetchError(
            f"http_{response.status}", f"HTTP {response.status} {response.reason or ''}".strip(), status=response.status
        )
    body = b""
    if response.status != 304:
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
        body = decoder.finish()
    return FetchResult(
        status=response.status,
        body=body,
        url=current,
        permanent_url=current if permanent and current != url else None,
        content_type=response.headers.get("Content-Type", ""),
        etag=_validator(response.headers.get("ETag")),
        last_modified=_validator(response.headers.get("Last-Modified"), 128),
    )


def _validator(value: str | None, limit: int = _MAX_VALIDATOR_LENGTH) -> str | None:
    return value if value and len(value) <= limit else None
