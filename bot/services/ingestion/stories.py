"""One story, however it reaches us: the key that proves two entries are the same article, and two that only say
they look alike.

Identity (`url_key`): the article's address, normalised (scheme, host case, `www.`, default port, trailing slash,
duplicate slashes, fragment, tracking parameters such as utm_*, and the `lang` parameter, so gov.kz's ru, kk and en
pages of one news id are one story). A site's front page proves nothing: it has no key.

Likeness, never a reason to merge (government feeds repeat leads and titles all the time): the language, normalised
title and day (`title_key`); the language and a fingerprint of the text (`fingerprint`). Storage logs and records
an entry that looks like an earlier story without being it, and delivers both.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from domain.entries import Entry

# Query parameters that say who sent the reader, not what the page is; and the page's language on gov.kz. Ambiguous
# names (`ref`, `from`, `id`) stay: on some sites they are the article's number, and a wrong merge loses news.
_IGNORED_PARAMS = re.compile(
    r"^(utm_.*|fbclid|gclid|yclid|dclid|msclkid|mc_cid|mc_eid|_openstat|igshid|lang)$", re.IGNORECASE
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_NOT_WORD = re.compile(r"[^\w]+")
# A text shorter than this is too generic to tell one article from another.
MIN_FINGERPRINT_CHARS = 120


@dataclass(frozen=True, slots=True)
class StoryKeys:
    """The keys of an entry; None where the entry lacks what the key needs."""

    url_key: str | None  # identity
    title_key: str | None  # likeness only
    fingerprint: str | None  # likeness only


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def normalise_url(url: str) -> str | None:
    """The article's address without what varies between links to it; None for a non-web URL or a front page (a
    link to a whole site is no evidence of which article an item is)."""
    try:
        parts = urlsplit(url.strip())
        scheme, hostname, given_port = parts.scheme.lower(), parts.hostname, parts.port
    except ValueError:
        return None
    if scheme not in ("http", "https") or not hostname:
        return None
    host = hostname.lower().rstrip(".").removeprefix("www.")
    port = f":{given_port}" if given_port and given_port != _DEFAULT_PORTS[scheme] else ""
    # One spelling of the path: %D0%B0 and "а" are the same address, and so are "/news//1/" and "/news/1".
    path = quote(unquote(re.sub(r"/{2,}", "/", parts.path)), safe=_PATH_SAFE).rstrip("/") or "/"
    query = urlencode(
        sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _IGNORED_PARAMS.match(k))
    )
    if path == "/" and not query:
        return None
    # http and https are one page: the scheme is left out of the key.
    return urlunsplit(("", host + port, path, query, ""))


def normalise_text(text: str) -> str:
    """Words only, case-folded, accents and punctuation gone, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", stripped).split())


def story_keys(entry: Entry, plain_text: str) -> StoryKeys:
    """The keys that recognise `entry`'s story (`plain_text` is its summary as text)."""
    url = normalise_url(entry.url) if entry.url else None
    title = normalise_text(entry.title)
    day = entry.published_at.astimezone(UTC).date().isoformat() if entry.published_at else None
    body = normalise_text(plain_text)
    return StoryKeys(
        url_key=_sha1(url) if url else None,
        title_key=_sha1(f"{entry.language}|{title}|{day}") if title and day else None,
        fingerprint=_sha1(f"{entry.language}|{body}") if len(body) >= MIN_FINGERPRINT_CHARS else None,
    )
