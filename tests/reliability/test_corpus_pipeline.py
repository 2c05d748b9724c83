"""feedparser's corpus through the whole pipeline: served over HTTP (its `Header:` lines as response headers),
polled, parsed, classified, stored, rendered, and every message checked the way the Bot API checks it."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.rendering import CAPTION_LIMIT, MESSAGE_LIMIT, render_entry
from local_telegram.html import EntityParseError, parse_html, utf16_len
from storage.entries import EntryRepository
from storage.schema import entries as entries_table
from storage.schema import sources
from tests.feeds.conftest import Harness
from tests.support.feeds import REPO_ROOT, FeedSite

CORPUS = REPO_ROOT / "tests" / "fixtures" / "feedparser_corpus"
HEADER = re.compile(rb"^Header:\s*([A-Za-z0-9-]+):[ \t]*(.*?)\s*$", re.MULTILINE)
# The description block is the leading comment; Header: lines elsewhere are feed content.
PREAMBLE = 2048


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        pytest.fail(f"the feedparser corpus is missing: expected {CORPUS}")
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name not in ("LICENSE", "README.md"))


def headers_of(body: bytes) -> dict[str, str]:
    """The file's `Header:` lines (in its leading comment) as HTTP response headers."""
    end = body.find(b"-->", 0, PREAMBLE)
    found: dict[str, str] = {}
    for name, value in HEADER.findall(body[: end if end >= 0 else PREAMBLE]):
        found[name.decode("latin-1").title()] = value.decode("latin-1")
    return found


def check_message(text: str, limit: int) -> str | None:
    """Why the Bot API would refuse this HTML (None when it would accept it)."""
    try:
        visible = parse_html(text).text
    except EntityParseError as error:
        return f"entities: {error}"
    if not visible.strip():
        return "empty"
    if utf16_len(visible) > limit:
        return f"too long: {utf16_len(visible)} > {limit}"
    return None


@pytest.mark.slow  # several seconds: `pytest -m "not slow"` leaves it out
async def test_every_corpus_file_goes_through_ingestion_and_rendering(site: FeedSite, harness: Harness):
    files = corpus_files()
    harness.names.extend(["Example Atom", "Mark Pilgrim"])  # organization names, so the classifier has work
    served_headers = 0
    for number, path in enumerate(files):
        body = path.read_bytes()
        headers = headers_of(body)
        served_headers += bool(headers)
        content_type = headers.pop("Content-Type", "application/xml")
        site.serve(f"/{number}", body, content_type=content_type, headers=headers)
    async with harness.db.begin() as conn:
        await conn.execute(
            sa.insert(sources),
            [
                {"url": site.url(f"/{n}"), "kind": "rss", "language": "en", "title": f"corpus {n}"}
                | {"interval_seconds": 300, "enabled": True, "removed": False, "consecutive_failures": 0}
                for n in range(len(files))
            ],
        )
        ids = list((await conn.execute(sa.select(sources.c.id).order_by(sources.c.id))).scalars())

    outcomes = Counter(outcome.outcome for outcome in await harness.poller.poll_now(ids))

    # Every stored entry is rendered, not only those announced (a first poll announces only recent items).
    # latest() lists one entry per story (the corpus repeats items across files); every stored entry is wanted here.
    repository = EntryRepository(harness.db)
    async with harness.db.connect() as conn:
        stored_ids = list((await conn.execute(sa.select(entries_table.c.id).order_by(entries_table.c.id))).scalars())
    entries = [found for entry_id in stored_ids if (found := await repository.get(entry_id)) is not None]
    announced = sum(len(batch) for batch in harness.handed_over)
    rendered = 0
    rejected: Counter[str] = Counter()
    for stored in entries:
        for language in ("ru", "kk", "en"):
            message = render_entry(stored, language)
            checks = [check_message(message.text, MESSAGE_LIMIT)]
            if message.photo_url:
                checks.append(check_message(message.caption or "", CAPTION_LIMIT))
            rendered += 1
            for reason in filter(None, checks):
                rejected[reason] += 1
    alliance = sum(stored.is_alliance for stored in entries)
    print(
        f"\ncorpus: {len(files)} files ({served_headers} with Header: lines served as response headers), "
        f"poll outcomes {dict(sorted(outcomes.items()))}, {len(entries)} entries stored ({alliance} alliance, "
        f"{announced} announced), "
        f"{rendered} messages rendered, {sum(rejected.values())} rejected {dict(rejected)}"
    )
    assert len(site.requests) == len(files)
    assert "error" not in outcomes and "exception" not in outcomes
    assert outcomes["ok"] > 2000
    assert len(entries) > 250  # most corpus files test feed-level elements and hold no usable item
    assert rejected == Counter()
