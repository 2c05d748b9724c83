"""Telegram's link rules (TDLib's parse_url and LinkManager::check_link), for links in text and button URLs.

A link without a scheme is an http link; only http, https and tg (and ton) schemes are allowed; the host
must contain a dot (so `localhost` is refused, `127.0.0.1` is not) unless it is an IPv6 address; a port
must be 1-65535 (an empty port after `:` is refused); tg links take no port, user or https.
"""

from __future__ import annotations

import ipaddress

HOST_SYMBOLS = set("abcdefghijklmnopqrstuvwxyz0123456789.-_!$,~*'();&+=")
HEX = set("0123456789abcdef")


class LinkError(ValueError):
    """Why Telegram refuses a link, in Telegram's words ("Wrong HTTP URL", ...)."""


def _read_till(text: str, position: int, stops: str) -> int:
    while position < len(text) and text[position] not in stops:
        position += 1
    return position


def parse_url(link: str) -> tuple[str, str, str, bool, int, str]:
    """(protocol, userinfo, host, is_ipv6, specified_port, query) or LinkError."""
    end = _read_till(link, 0, ":/?#@[]")
    protocol = "http"
    position = 0
    if link.startswith("://", end):
        scheme = link[:end].lower()
        if scheme not in ("http", "https"):
            raise LinkError("Unsupported URL protocol")
        protocol = scheme
        position = end + 3
    authority_end = _read_till(link, position, "/?#")
    authority = link[position:authority_end]
    port = 0
    colon = len(authority) - 1
    while colon > 0 and authority[colon] not in ":]@":
        colon -= 1
    userinfo_host = authority
    if colon > 0 and authority[colon] == ":":
        digits = authority[colon + 1 :]
        while len(digits) > 1 and digits[0] == "0":
            digits = digits[1:]
        port = int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 9 else -1
        port = port or -1
        userinfo_host = authority[:colon]
    if port < 0 or port > 65535:
        raise LinkError("Wrong port number specified in the URL")
    at = userinfo_host.rfind("@")
    userinfo = userinfo_host[:at] if at >= 0 else ""
    host = userinfo_host[at + 1 :]
    is_ipv6 = False
    if host.startswith("[") and host.endswith("]") and len(host) >= 2:
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise LinkError("Wrong IPv6 address specified in the URL") from None
        is_ipv6 = True
    if not host:
        raise LinkError("URL host is empty")
    if host == ".":
        raise LinkError("Host is invalid")
    query = link[authority_end:].rstrip(" \t\r\n\v\f") or "/"
    if not query.startswith("/"):
        query = "/" + query
    query = "".join(f"%{ord(c):02X}" if ord(c) <= 0x20 else c for c in query)
    host = host.lower()
    i = 0
    while i < len(host):
        char = host[i]
        if is_ipv6:
            if not (i == 0 or i + 1 == len(host) or char in ":." or char in HEX or char.isdigit()):
                raise LinkError("Wrong IPv6 URL host")
        elif char == "%":
            if host[i + 1 : i + 2] in HEX and host[i + 2 : i + 3] in HEX and len(host) > i + 2:
                i += 3
                continue
            raise LinkError("Wrong percent-encoded symbol in URL host")
        elif char not in HOST_SYMBOLS and ord(char) < 128:
            raise LinkError("Wrong URL host")
        i += 1
    return protocol, userinfo, host, is_ipv6, port, query


def normalise_link(link: str) -> str:
    """The link as Telegram stores it, or LinkError with Telegram's reason."""
    scheme = ""
    rest = link
    for prefix in ("tg:", "ton:", "tonsite:"):
        if link[: len(prefix)].lower() == prefix:
            scheme, rest = prefix[:-1], link[len(prefix) :]
            if rest.startswith("//"):
                rest = rest[2:]
            break
    protocol, userinfo, host, is_ipv6, port, query = parse_url(rest)
    if scheme:
        if rest[:7].lower() == "http://" or protocol == "https" or userinfo or port or is_ipv6:
            raise LinkError("Wrong tg URL" if scheme == "tg" else "Wrong ton URL")
        if query.startswith("/?"):
            query = query[1:]
        allowed_dot = scheme == "tonsite"
        if any(not (c.isascii() and c.isalnum()) and c not in "-_" and not (allowed_dot and c == ".") for c in host):
            raise LinkError("Unallowed characters in URL host")
        return f"{scheme}://{host}{query}"
    if "." not in host and not is_ipv6:
        raise LinkError("Wrong HTTP URL")
    authority = (f"{userinfo}@" if userinfo else "") + host + (f":{port}" if port else "")
    return f"{protocol}://{authority}{query}"


def check_link(link: str) -> str | None:
    """The normalised link, or None where Telegram would refuse it (a link in text is then dropped)."""
    try:
        return normalise_link(link)
    except LinkError:
        return None
