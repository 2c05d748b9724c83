"""feedparser's own test corpus (tests/fixtures/feedparser_corpus): every file yields entries or a clear ParseError."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.services.ingestion.classifier import AllianceClassifier
from bot.services.ingestion.parsing import ParseError, parse_rss
from bot.services.ingestion.poller import entry_record, oldest_first
from tests.support.feeds import REPO_ROOT

CORPUS = REPO_ROOT / "tests" / "fixtures" / "feedparser_corpus"


def test_every_corpus_file_parses_or_fails_cleanly():
    if not CORPUS.is_dir():
        pytest.fail(f"the feedparser corpus is missing: expected {CORPUS}")
    now = datetime.now(UTC)
    classifier = AllianceClassifier(["Shanghai Electric Group"])
    outcomes: dict[str, int] = {}
    crashes = []
    for path in sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in (".xml", ".rdf", ".json")):
        try:
            entries = parse_rss(
                path.read_bytes(), content_type="application/xml", url="http://127.0.0.1/feed", language="en", now=now
            )
            for entry in oldest_first(entries, now):
                record = entry_record(entry, classifier)
                assert record.entry.published_at is None or record.entry.published_at <= now
                assert record.entry.url is None or record.entry.url.startswith(("http://", "https://"))
            outcomes["ok"] = outcomes.get("ok", 0) + 1
        except ParseError as error:
            outcomes[error.kind] = outcomes.get(error.kind, 0) + 1
        except Exception as error:
            crashes.append(f"{path.relative_to(CORPUS)}: {error!r}")
    assert crashes == []
    assert outcomes.get("ok", 0) > 2000
    assert set(outcomes) <= {"ok", "not_a_feed", "truncated"}
