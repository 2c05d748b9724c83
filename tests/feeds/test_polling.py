"""Polling against a local feed server: what gets stored, handed over, and how often."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy import event

from domain.clock import utcnow
from storage import schema
from storage.entries import EntryRepository
from tests.feeds.conftest import Harness
from tests.support.feeds import FeedSite, Item, items, rss, seed_article


async def test_first_poll_stores_all_then_304_stores_none_then_a_new_item_appears_once(
    site: FeedSite, harness: Harness
):
    url = site.serve("/feed", rss(items(5)))
    source = await harness.add(url)

    first = await harness.poll(source)
    assert (first.outcome, first.new) == ("ok", 5)
    [handed] = harness.handed_over
    assert [e.entry.title for e in handed] == [f"News {n}" for n in range(5)]  # oldest first

    second = await harness.poll(source)
    assert (second.outcome, second.new) == ("not_modified", 0)
    assert site.hits("/feed")[-1].headers.get("If-None-Match")
    assert len(harness.handed_over) == 1

    site.serve("/feed", rss(items(6)))
    third = await harness.poll(source)
    fourth = await harness.poll(source)
    assert (third.new, fourth.new) == (1, 0)
    assert [e.entry.title for e in harness.handed_over[1]] == ["News 5"]
    assert len(await EntryRepository(harness.db).latest(limit=100, alliance_only=False)) == 6


async def test_an_item_that_drops_out_and_comes_back_is_not_new_again(site: FeedSite, harness: Harness):
    every = items(4)
    source = await harness.add(site.serve("/feed", rss(every)))
    await harness.poll(source)
    site.serve("/feed", rss(every[:2]))
    await harness.poll(source)
    site.serve("/feed", rss(every))
    back = await harness.poll(source)
    assert (back.outcome, back.new) == ("ok", 0)
    assert len(harness.handed_over) == 1


async def test_changed_content_under_the_same_guid_is_updated_in_place_not_announced(site: FeedSite, harness: Harness):
    item = Item(title="Draft title", link="http://news.local/1", guid="g-1")
    source = await harness.add(site.serve("/feed", rss([item])))
    await harness.poll(source)
    [[stored]] = harness.handed_over

    item.title = "Final title"
    site.serve("/feed", rss([item]))
    outcome = await harness.poll(source)
    assert (outcome.new, outcome.updated) == (0, 1)
    assert len(harness.handed_over) == 1
    again = await EntryRepository(harness.db).get(stored.id)
    assert again is not None
    assert again.entry.title == "Final title"


async def test_the_alliance_article_is_an_announcement_and_an_unrelated_item_is_not(site: FeedSite, harness: Harness):
    article = seed_article()
    title, body = article.split("\n", 1)
    feed = rss(
        [
            Item(title=title, link="https://igtipc.org/2025/06/12/9036", guid="9036", description=body),
            Item(
                title="Министр экологии провёл приём граждан",
                link="https://igtipc.org/2025/06/11/9000",
                guid="9000",
                description="<p>Обсуждались вопросы лесного хозяйства и водных ресурсов региона.</p>",
            ),
        ]
    )
    source = await harness.add(site.serve("/feed", feed))
    await harness.poll(source)
    [handed] = harness.handed_over
    verdicts = {e.entry.key: (e.is_alliance, e.alliance_reason) for e in handed}
    assert verdicts["9036"][0] is True
    assert verdicts["9036"][1] is not None
    assert "альянс" in verdicts["9036"][1]
    assert verdicts["9000"] == (False, None)
    [latest] = await EntryRepository(harness.db).latest()
    assert latest.entry.key == "9036"


async def test_an_organization_from_the_knowledge_base_marks_an_item(site: FeedSite, harness: Harness):
    harness.names.append("Shanghai Electric Group")
    feed = rss([Item(title="Shanghai Electric Group opens a plant", link="http://n/1", guid="1")])
    source = await harness.add(site.serve("/feed", feed))
    await harness.poll(source)
    [[entry]] = harness.handed_over
    assert (entry.is_alliance, entry.alliance_reason) == (True, "organization: Shanghai Electric Group")


async def test_duplicate_guids_in_one_feed_are_stored_once(site: FeedSite, harness: Harness):
    feed = rss(
        [Item(title="First", guid="same", link="http://n/1"), Item(title="Second", guid="same", link="http://n/2")]
    )
    source = await harness.add(site.serve("/feed", feed))
    outcome = await harness.poll(source)
    assert outcome.new == 1
    assert [e.entry.title for e in harness.handed_over[0]] == ["First"]


async def test_entries_without_link_or_title_are_kept_with_a_stable_key(site: FeedSite, harness: Harness):
    published = utcnow().replace(microsecond=0) - timedelta(hours=1)
    feed = rss(
        [
            Item(title="No link here", link=None, guid=None, published=published),
            Item(title=None, link="http://news.local/untitled", guid=None, description="<p>Body only text</p>"),
        ]
    )
    source = await harness.add(site.serve("/feed", feed))
    assert (await harness.poll(source)).new == 2
    by_title = {e.entry.title: e.entry for e in harness.handed_over[0]}
    assert by_title["No link here"].url is None
    assert by_title["Body only text"].url == "http://news.local/untitled"
    site.serve("/feed", feed + " ")  # a new ETag, same items
    assert (await harness.poll(source)).new == 0


async def test_an_empty_feed_is_a_healthy_source_with_nothing_new(site: FeedSite, harness: Harness):
    source = await harness.add(site.serve("/feed", rss([])))
    outcome = await harness.poll(source)
    assert (outcome.outcome, outcome.new) == ("ok", 0)
    assert (await harness.source(source)).consecutive_failures == 0
    assert harness.handed_over == []


async def test_future_dates_are_clamped_to_now(site: FeedSite, harness: Harness):
    future = utcnow() + timedelta(days=30)
    source = await harness.add(site.serve("/feed", rss([Item(title="From the future", guid="f", published=future)])))
    await harness.poll(source)
    [[entry]] = harness.handed_over
    assert entry.entry.published_at is not None
    assert entry.entry.published_at <= utcnow()


async def test_undated_items_keep_the_feed_order_oldest_first(site: FeedSite, harness: Harness):
    feed = rss([Item(title=f"Undated {n}", guid=f"u{n}", link=f"http://n/{n}") for n in (3, 2, 1)])
    source = await harness.add(site.serve("/feed", feed))
    await harness.poll(source)
    assert [e.entry.title for e in harness.handed_over[0]] == ["Undated 1", "Undated 2", "Undated 3"]
    assert all(e.published == e.first_seen_at for e in harness.handed_over[0])


async def test_oversized_links_and_validators_are_dropped_not_fatal(site: FeedSite, harness: Harness):
    long_link = "http://news.local/" + "a" * 3000
    feed = rss([Item(title="Long link", guid="long", link=long_link)])
    source = await harness.add(site.serve("/feed", feed, etag='"' + "e" * 600 + '"'))
    outcome = await harness.poll(source)
    assert (outcome.outcome, outcome.new) == ("ok", 1)
    assert harness.handed_over[0][0].entry.url is None
    assert (await harness.source(source)).etag is None


async def test_an_unchanged_body_without_validators_is_not_parsed_again_and_a_changed_one_is(
    site: FeedSite, harness: Harness
):
    source = await harness.add(site.serve("/plain", rss(items(3)), etag=""))  # no ETag, no Last-Modified
    assert (await harness.poll(source)).new == 3
    again = await harness.poll(source)
    assert (again.outcome, again.new, again.updated) == ("not_modified", 0, 0)
    site.serve("/plain", rss(items(4)), etag="")
    changed = await harness.poll(source)
    assert (changed.outcome, changed.new) == ("ok", 1)
    assert [len(batch) for batch in harness.handed_over] == [3, 1]


async def test_a_tick_of_304s_leases_once_and_writes_health_once(site: FeedSite, harness: Harness):
    sources = [await harness.add(site.serve(f"/f{n}", rss(items(1)))) for n in range(20)]
    assert {o.outcome for o in await harness.poller.poll_due()} == {"ok"}
    async with harness.db.begin() as conn:
        await conn.execute(sa.update(schema.sources).values(next_check_at=utcnow()))
    writes = 0

    def count(_conn: object) -> None:
        nonlocal writes
        writes += 1

    event.listen(harness.db.engine.sync_engine, "commit", count)
    try:
        outcomes = await harness.poller.poll_due()
    finally:
        event.remove(harness.db.engine.sync_engine, "commit", count)
    assert [o.outcome for o in outcomes] == ["not_modified"] * len(sources)
    # Was two transactions per source (the lease, then the health record), then a lease per 16 and health per 50:
    # now one lease for the round and one health batch, however many sources.
    assert writes == 2
    health = [await harness.source(s) for s in sources]
    assert all(h.last_outcome == "not_modified" and h.polling_until is None for h in health)
