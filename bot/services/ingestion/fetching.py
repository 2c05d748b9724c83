"""What one fetch of a source is, without an HTTP client: its limits, result and errors, the request headers, and
the address rules (no loopback, private or link-local hosts unless allowed). The client is `http.HttpFetcher`
(aiohttp, imported only by what fetches); `Fetcher` is what the poller and the feed check call, so tests can pass
one of their own."""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple, Protocol
from urllib.parse import urlsplit

from domain.urls import MAX_URL_LENGTH

USER_AGENT = "AllianceNewsBot/0.1 (+https://igtipc.org; Telegram news bot of the low-carbon technology alliance)"
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


class FetchResult(NamedTuple):  # a named tuple: built on every poll, a third of a frozen dataclass's cost
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


class FetchRequest(NamedTuple):  # built on every poll, as FetchResult
    """One GET of a source: its URL, the request headers (`request_headers`) and the last answer's validators."""

    url: str
    headers: Mapping[str, str] = MappingProxyType({})
    etag: str | None = None
    last_modified: str | None = None


class Fetcher(Protocol):
    """Fetches sources (`http.HttpFetcher` in the bot): a conditional GET within the limits."""

    async def get(self, request: FetchRequest) -> FetchResult:
        """The answer (FetchError for anything but a 2xx or 304 within the limits)."""
        ...

    async def close(self) -> None:
        """Release what it holds open."""
        ...
