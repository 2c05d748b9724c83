"""OPML, the file every feed reader imports and exports: sources in, sources out.

Files come from outside (an admin's upload, an operator's disk), so they are parsed with defusedxml and no
DTD at all: entity expansion bombs and external entities are refused before anything is expanded or fetched.
ElementTree and defusedxml are imported by the import and the export themselves: admin actions, rare, while
every bot process would keep them resident (about 1 MB) from the start.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import format_datetime

from bot.config import LANGUAGES, Settings
from bot.services.ingestion.checking import FeedCheckError, check_feed
from bot.services.ingestion.fetching import Fetcher
from bot.services.ingestion.sources import MAX_INTERVAL_SECONDS, MIN_INTERVAL_SECONDS, new_source
from domain.sources import NewSource, Source
from storage.sources import SourceExistsError, SourceRepository

MAX_OPML_BYTES = 1024 * 1024  # a thousand feeds take about 200 KB
MAX_OUTLINES = 2000
# Attributes OPML readers do not know are ignored by them, and carry what this bot needs on a round trip.
KIND_ATTRIBUTE = "allianceKind"
INTERVAL_ATTRIBUTE = "allianceInterval"
CHECKS_AT_ONCE = 8  # feeds fetched at the same time during an import (as many as polls run at once)


class OpmlError(Exception):
    """The file is not OPML this bot can read; the text is one line."""


@dataclass(frozen=True, slots=True)
class Outline:
    """One feed of an OPML file, as written there (checked only when it is added)."""

    url: str
    title: str
    kind: str
    language: str | None
    interval_seconds: int | None


@dataclass(slots=True)
class ImportReport:
    """What an import did: sources added, already present, and refused with their reasons."""

    added: list[Source] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    languages: list[tuple[str, str]] = field(default_factory=list)  # feeds without a language in the file: which


def parse_opml(data: bytes) -> list[Outline]:
    """The feeds of an OPML file, nested categories flattened, in file order.

    Raises OpmlError for a file that is too big, not XML, hostile (a DTD, entities) or not OPML.
    """
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(f"the file is larger than {MAX_OPML_BYTES // 1024} KB")
    from xml.etree import ElementTree as ET

    import defusedxml.ElementTree as SafeElementTree
    from defusedxml import DefusedXmlException

    try:
        root = SafeElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as error:
        raise OpmlError(f"refused: the file declares a DTD or entities ({type(error).__name__})") from None
    except ET.ParseError as error:
        raise OpmlError(f"not XML: {error}") from None
    if root.tag != "opml" or root.find("body") is None:
        raise OpmlError("not an OPML file: no <opml> element with a <body>")
    outlines: list[Outline] = []
    for element in root.iter("outline"):
        url = (element.get("xmlUrl") or "").strip()
        if not url:
            continue  # a category, or an outline that is not a feed
        if len(outlines) == MAX_OUTLINES:
            raise OpmlError(f"more than {MAX_OUTLINES} feeds in one file")
        language = (element.get("language") or "").strip().lower()[:2]
        kind = (element.get(KIND_ATTRIBUTE) or "rss").strip().lower()
        interval = (element.get(INTERVAL_ATTRIBUTE) or "").strip()
        outlines.append(
            Outline(
                url=url,
                title=(element.get("title") or element.get("text") or "").strip(),
                kind=kind,
                language=language if language in LANGUAGES else None,
                interval_seconds=int(interval) if interval.isdigit() else None,
            )
        )
    return outlines


def dump_opml(sources: Iterable[Source], *, title: str, now: datetime | None = None) -> bytes:
    """Sources as an OPML 2.0 file (UTF-8); extra headers are left out, they may hold secrets."""
    from xml.etree import ElementTree as ET

    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(now or datetime.now(UTC), usegmt=True)
    body = ET.SubElement(root, "body")
    for source in sources:
        ET.SubElement(
            body,
            "outline",
            {
                "type": "rss",
                "text": source.title,
                "title": source.title,
                "xmlUrl": source.url,
                "language": source.language,
                KIND_ATTRIBUTE: source.kind,
                INTERVAL_ATTRIBUTE: str(source.interval_seconds),
            },
        )
    ET.indent(root)
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return text + b"\n"


async def import_opml(
    repository: SourceRepository, data: bytes, settings: Settings, fetcher: Fetcher | None = None
) -> ImportReport:
    """Add every feed of an OPML file that is not a source yet; each is checked as `/sources add` checks one:
    its address, then fetched and parsed (a 404 or a page that is not a feed is refused, with its reason).

    The language is the file's (`language`), else the one the feed names itself, else DEFAULT_LANGUAGE, and
    the report says which for each feed added without one in the file. Feeds are checked a few at a time (with
    `fetcher`, the poller's HTTP client).
    """
    report = ImportReport()
    known = {(source.url, source.language) for source in await repository.list_all() if not source.removed}
    gate = asyncio.Semaphore(CHECKS_AT_ONCE)

    async def checked(outline: Outline) -> tuple[Outline, NewSource | None, str | None]:
        try:
            described = new_source(
                outline.url,
                kind=outline.kind,
                language=outline.language or settings.default_language,
                settings=settings,
                title=outline.title[:256] or None,
                interval_seconds=_interval(outline.interval_seconds),
            )
        except ValueError as error:
            return outline, None, str(error)
        if outline.language is not None and (described.url, described.language) in known:
            return outline, described, None  # already a source: nothing to fetch
        async with gate:
            try:
                check = await check_feed(described, settings, fetcher)
            except FeedCheckError as error:
                return outline, None, str(error)
        if outline.language is None:
            language = check.language or settings.default_language
            described = replace(described, language=language)
            source_of = "named by the feed" if check.language else "none in the file or the feed: DEFAULT_LANGUAGE"
            report.languages.append((described.url, f"{language} ({source_of})"))
        return outline, described, None

    for outline, described, refusal in await asyncio.gather(*(checked(outline) for outline in parse_opml(data))):
        if described is None:
            report.refused.append((outline.url, refusal or ""))
            continue
        try:
            report.added.append(await repository.add(described))
        except SourceExistsError:
            report.existing.append(described.url)
    return report


def _interval(seconds: int | None) -> int | None:
    """An interval from a file, kept within the bounds `feeds set-interval` allows."""
    if seconds is None:
        return None
    return max(MIN_INTERVAL_SECONDS, min(MAX_INTERVAL_SECONDS, seconds))
