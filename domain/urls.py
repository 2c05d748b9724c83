"""URLs by Telegram's rules: the one check every link, image and button URL of an item goes through.

Telegram refuses a whole message (400) for one link or button it does not accept: a host without a dot, an
empty or out-of-range port, a space, a broken percent escape. Python's parsers accept most of those and raise
on others (an unclosed IPv6 bracket), so each URL is checked once, here, never raising; what fails is dropped
and the item goes out without it.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urljoin, urlsplit, urlunsplit

MAX_URL_LENGTH = 2048  # the sources.url column
WEB_SCHEMES = frozenset({"http", "https"})
LINK_SCHEMES = frozenset({"http", "https", "tg", "mailto"})  # what a text link may use
BUTTON_SCHEMES = frozenset({"http", "https", "tg"})  # what a URL button may use
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_CONTROL = re.compile(r"[\x00-\x20\x7f\s]")  # any whitespace or control character, ASCII or not
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def _valid_host(host: str) -> bool:
    if host.startswith("["):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return False
        return host.endswith("]")
    try:
        ipaddress.IPv4Address(host)
        return True
    except ValueError:
        pass
    if "." not in host.strip("."):
        return False  # Telegram refuses "localhost", "intranet" and the like
    try:
        ascii_host = host.rstrip(".").encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return all(_LABEL.match(label) for label in ascii_host.split("."))


def _normal_web(scheme: str, netloc: str, path: str, query: str, fragment: str) -> str | None:
    userinfo, _, hostport = netloc.rpartition("@")
    if hostport.startswith("["):
        host, _, rest = hostport.partition("]")
        host += "]"
        port = rest[1:] if rest.startswith(":") else None
        if rest and port is None:
            return None
    else:
        host, colon, port_text = hostport.partition(":")
        port = port_text if colon else None
    host = host.lower()
    if not host or not _valid_host(host):
        return None
    if port is not None and not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
        return None  # also an empty port ("host:/"), which Telegram refuses
    netloc = (userinfo + "@" if userinfo else "") + host + (f":{int(port)}" if port else "")
    return urlunsplit((scheme, netloc, path, query, fragment))


def telegram_url(
    raw: object, *, base: str | None = None, schemes: frozenset[str] = WEB_SCHEMES, max_length: int = MAX_URL_LENGTH
) -> str | None:
    """`raw` as an absolute URL Telegram accepts with one of `schemes`, normalised; None when it would refuse it.

    Relative URLs are resolved against `base` (which is checked the same way). Never raises.
    """
    if not isinstance(raw, str):
        return None
    url = raw.strip().replace(" ", "%20")  # a space in a path is common in feeds; in a host it still fails
    if not url or len(url) > max_length:
        return None
    try:
        if base is not None and not urlsplit(url).scheme:
            checked_base = telegram_url(base, max_length=max_length)
            if checked_base is None:
                return None
            url = urljoin(checked_base, url)
        parts = urlsplit(url)
    except ValueError:  # an unclosed IPv6 bracket, among others
        return None
    scheme = parts.scheme.lower()
    if scheme not in schemes or _CONTROL.search(url) or _BAD_ESCAPE.search(url) or len(url) > max_length:
        return None
    if scheme in WEB_SCHEMES:
        return _normal_web(scheme, parts.netloc, parts.path, parts.query, parts.fragment)
    if scheme == "tg":
        return url if parts.netloc else None
    return url if parts.path and "@" in parts.path else None  # mailto:
