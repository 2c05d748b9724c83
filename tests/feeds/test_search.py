"""Full-text search and reading stored entries."""

from __future__ import annotations

import pytest

from storage.entries import EntryRepository, search_terms
from tests.feeds.conftest import Harness
from tests.support.feeds import FeedSite, Item, rss, seed_article


@pytest.fixture
async def stored(site: FeedSite, harness: Harness) -> EntryRepository:
    title, body = seed_article().split("\n", 1)
    feed = rss(
        [
            Item(title=title, guid="9036", link="https://igtipc.org/2025/06/12/9036", description=body),
            Item(title="Қазақстанда жасыл технологиялар форумы өтті", guid="kk1", link="http://n/kk1"),
            Item(title="Low-carbon alliance under the Belt and Road", guid="en1", link="http://n/en1"),
            Item(title="Water resources meeting", guid="w1", link="http://n/w1", description="<p>Rivers</p>"),
        ]
    )
    source = await harness.add(site.serve("/feed", feed))
    await harness.poll(source)
    return EntryRepository(harness.db)


async def test_search_finds_inflected_words_in_every_language(stored: EntryRepository):
    [first, *_] = await stored.search("Кто входит в альянсе?")
    assert first.entry.key == "9036"
    assert {e.entry.key for e in await stored.search("технологиялары")} == {"kk1"}
    assert {e.entry.key for e in await stored.search("alliances")} == {"en1"}


@pytest.mark.parametrize(
    "query",
    ['"', 'альянс" OR', "NEAR(a b)", "*", "a AND", "title:x", "^start", "(((", "-", "'; DROP TABLE entries; --", ""],
)
async def test_search_syntax_in_a_question_never_raises(stored: EntryRepository, query: str):
    results = await stored.search(query)
    assert isinstance(results, list)


async def test_search_respects_the_limit_and_an_unknown_word_finds_nothing(stored: EntryRepository):
    assert len(await stored.search("alliance альянс water", limit=2)) == 2
    assert await stored.search("квантовый") == []


async def test_latest_and_get(stored: EntryRepository):
    alliance = await stored.latest(limit=10)
    assert {e.entry.key for e in alliance} == {"9036", "en1"}
    assert all(e.is_alliance for e in alliance)
    everything = await stored.latest(limit=10, alliance_only=False)
    assert len(everything) == 4
    fetched = await stored.get(everything[0].id)
    assert fetched == everything[0]
    assert fetched.source_title.startswith("source ")
    assert await stored.get(10_000) is None


def test_search_terms_keep_only_words():
    assert search_terms('Альянс "OR" NEAR(*) low-carbon') == ["альян", "or", "near", "low", "carbo"]
