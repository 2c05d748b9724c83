"""Test doubles for the question engine: the seed knowledge base and stored announcements in memory."""

from collections.abc import Sequence
from datetime import UTC, datetime

from domain.entries import Entry, StoredEntry
from storage.entries import one_per_story
from storage.kb import SEED_FILE, KnowledgeBase, read_knowledge_base_file


class SeedKnowledge:
    def __init__(self, kb: KnowledgeBase | None = None) -> None:
        self.kb = kb or read_knowledge_base_file(SEED_FILE)
        self.loads = 0

    async def load(self) -> KnowledgeBase:
        self.loads += 1
        return self.kb


def stored(number: int, title: str, url: str | None = None, *, alliance: bool = True) -> StoredEntry:
    entry = Entry(
        key=f"k{number}",
        url=url if url is not None else f"https://igtipc.org/2025/06/{number:02d}/{number}",
        title=title,
        summary_html="",
        image_url=None,
        published_at=datetime(2025, 6, number, 10, tzinfo=UTC),
        language="ru",
    )
    return StoredEntry(
        id=number,
        source_id=1,
        source_title="IGTIPC",
        entry=entry,
        first_seen_at=datetime(2025, 6, number, 11, tzinfo=UTC),
        is_alliance=alliance,
        alliance_reason="keywords" if alliance else None,
    )


class FakeAnnouncements:
    """Plain word search over titles, newest first; records what the engine asked."""

    def __init__(self, entries: list[StoredEntry]) -> None:
        self.entries = entries
        self.searches: list[str] = []

    async def search(self, query: str, *, limit: int = 5) -> list[StoredEntry]:
        self.searches.append(query)
        words = [w for w in query.lower().split() if len(w) > 3]
        found = [e for e in self.entries if any(w.strip("?!.,") in e.entry.title.lower() for w in words)]
        return found[:limit]

    async def latest(
        self, *, limit: int = 5, alliance_only: bool = True, languages: Sequence[str] = ()
    ) -> list[StoredEntry]:
        items = [e for e in self.entries if e.is_alliance or not alliance_only]
        return one_per_story(sorted(items, key=lambda e: e.published, reverse=True), languages)[:limit]
