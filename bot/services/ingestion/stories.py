"""One story, however it reaches us: keys that recognise the same article across sources, guids and languages.

Three keys, any one of which links an entry to an earlier story:
- the article URL, normalised (scheme and host case, `www.`, trailing slash, fragment, tracking parameters such
  as utm_*, and the `lang` parameter, so gov.kz's ru, kk and en pages of one news id are one story);
- the language, the normalised title and the day it was published (a republication under a new guid);
- the language and a fingerprint of the text (the same article from another source, titled differently).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from domain.entries import Entry

# Query parameters that say who sent the reader, not what the page is; and the page's language on gov.kz.
_IGNORED_PARAMS = re.compile(
    r"^(utm_.*|fbclid|gclid|yclid|mc_cid|mc_eid|_openstat|from|ref|lang|igshid)$", re.IGNORECASE
)
_NOT_WORD = re.compile(r"[^\w]+")
# A text shorter than this is too generic to tell one article from another.
MIN_FINGERPRINT_CHARS = 120


@dataclass(frozen=True, slots=True)
class StoryKeys:
    """The keys of an entry; None where the entry lacks what the key needs."""

    url_key: str | None
    title_key: str | None
    fingerprint: str | None


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def normalise_url(url: str) -> str | None:
    """The article's address without what varies between links to it; None for a non-web URL."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    path = re.sub(r"/{2,}", "/", parts.path).rstrip("/") or "/"
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query) if not _IGNORED_PARAMS.match(k)))
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
