"""Formats and encodings: cp1251, entities, Atom relative links, redirects, and the gov.kz JSON API."""

from __future__ import annotations

import json

from aiohttp import web

from storage.sources import SourceRepository
from tests.feeds.conftest import Harness
from tests.support.feeds import FeedSite, Item, rss

RUSSIAN = "Министерство экологии: «зелёные» технологии"


async def test_cp1251_without_any_declaration_becomes_correct_text(site: FeedSite, harness: Harness):
    body = rss([Item(title=RUSSIAN, guid="1", description="<p>Текст новости</p>")], encoding=None).encode("cp1251")
    source = await harness.add(site.serve("/feed", body, content_type="application/rss+xml"))
    await harness.poll(source)
    [[entry]] = harness.handed_over
    assert entry.entry.title == RUSSIAN
    assert "Текст новости" in entry.entry.summary_html


async def test_cp1251_declared_and_utf8_mislabelled_as_cp1251_both_read_right(site: FeedSite, harness: Harness):
    declared = rss([Item(title=RUSSIAN, guid="1")], encoding="windows-1251").encode("cp1251")
    mislabelled = rss([Item(title=RUSSIAN, guid="2")], encoding=None).encode("utf-8")
    first = await harness.add(site.serve("/a", declared, content_type="text/xml"))
    second = await harness.add(site.serve("/b", mislabelled, content_type="text/xml; charset=windows-1251"))
    await harness.poller.poll_now([first.id, second.id])
    assert sorted(e.entry.title for batch in harness.handed_over for e in batch) == [RUSSIAN, RUSSIAN]


async def test_html_entities_in_titles_are_decoded_exactly_once(site: FeedSite, harness: Harness):
    # The XML holds "Tom &amp;amp; Jerry": HTML text "Tom &amp; Jerry", which reads "Tom & Jerry".
    body = rss([Item(title="Tom &amp; Jerry &#171;q&#187;", guid="1")])
    source = await harness.add(site.serve("/feed", body))
    await harness.poll(source)
    assert harness.handed_over[0][0].entry.title == "Tom & Jerry «q»"


async def test_atom_relative_links_become_absolute(site: FeedSite, harness: Harness):
    atom = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Atom</title><id>urn:feed</id><updated>2025-06-12T10:00:00Z</updated>"
        '<entry><title>Relative</title><id>urn:1</id><link href="/2025/06/12/9036"/>'
        "<updated>2025-06-12T10:00:00Z</updated><summary>s</summary></entry></feed>"
    )
    url = site.serve("/blog/atom.xml", atom, content_type="application/atom+xml")
    source = await harness.add(url)
    await harness.poll(source)
    [[entry]] = harness.handed_over
    assert entry.entry.url == site.url("/2025/06/12/9036")
    assert entry.entry.published_at is not None
    assert entry.entry.published_at.isoformat() == "2025-06-12T10:00:00+00:00"


async def test_pdf_enclosures_of_rss_and_atom_are_kept_as_the_official_document(site: FeedSite, harness: Harness):
    atom = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Atom</title><id>urn:feed</id><updated>2025-06-12T10:00:00Z</updated>"
        '<entry><title>Decree</title><id>urn:1</id><link href="/2025/06/12/9036"/>'
        '<link rel="enclosure" type="image/png" href="/lead.png"/>'
        '<link rel="enclosure" type="application/pdf" href="/files/decree.pdf" length="100"/>'
        "<updated>2025-06-12T10:00:00Z</updated><summary>s</summary></entry></feed>"
    )
    items = [
        Item(title="With PDF", guid="1", enclosure=("/files/order.pdf", "application/pdf")),
        Item(title="With audio", guid="2", enclosure=("/files/talk.mp3", "audio/mpeg")),
        Item(title="Without", guid="3"),
    ]
    first = await harness.add(site.serve("/atom.xml", atom, content_type="application/atom+xml"))
    second = await harness.add(site.serve("/rss.xml", rss(items)))
    await harness.poller.poll_now([first.id, second.id])
    stored = {e.entry.title: e for batch in harness.handed_over for e in batch}
    assert stored["Decree"].entry.document_url == site.url("/files/decree.pdf")
    assert stored["With PDF"].entry.document_url == site.url("/files/order.pdf")
    assert stored["With audio"].entry.document_url is None and stored["Without"].entry.document_url is None
    again = await harness.poller.entries.get(stored["Decree"].id)  # stored, not only parsed
    assert again is not None and again.entry.document_url == site.url("/files/decree.pdf")


async def test_a_permanent_redirect_moves_the_source_and_a_temporary_one_does_not(site: FeedSite, harness: Harness):
    site.serve("/new-home", rss([Item(title="Moved", guid="1")]))
    site.serve("/old", "", status=301, headers={"Location": "/new-home"})
    site.serve("/temp", "", status=302, headers={"Location": "/new-home"})
    moved = await harness.add(site.url("/old"))
    temporary = await harness.add(site.url("/temp"), language="en")
    await harness.poller.poll_now([moved.id, temporary.id])
    assert (await harness.source(moved)).url == site.url("/new-home")
    assert (await harness.source(temporary)).url == site.url("/temp")


def _govkz_item(item_id: int, title: str) -> dict[str, object]:
    return {
        "id": item_id,
        "title": title,
        "slug": f"news-{item_id}",
        "created_date": "2025-06-12T10:15:00.000+05:00",
        "publish_date": "2025-06-12T10:20:00.000+05:00",
        "body": "<p>Тело новости</p>",
        "short_description": "Кратко",
        "heropic": "/uploads/2025/6/12/hero.jpg",
    }


API = "/api/v1/public/content-manager/news?sort-by=created_date:DESC&projects=eq:ecogeo&page=1&size=20"


async def test_govkz_bare_array_and_page_object_yield_the_same_entries(site: FeedSite, harness: Harness):
    languages: list[str] = []

    async def api(request: web.Request) -> web.StreamResponse:
        languages.append(request.headers.get("Accept-Language", ""))
        items = [_govkz_item(101, "Новость &quot;МЭПР&quot;")]
        payload: object = items if request.headers.get("Accept-Language") == "ru" else {"content": items, "total": 1}
        return web.json_response(payload)

    site.handle("/api/v1/public/content-manager/news", api)
    ru = await harness.add(site.url(API), kind="govkz", language="ru")
    kk = await harness.add(site.url(API), kind="govkz", language="kk")
    await harness.poller.poll_now([ru.id, kk.id])
    assert sorted(languages) == ["kk", "ru"]
    entries = {batch[0].entry.language: batch[0].entry for batch in harness.handed_over}
    origin = site.url("/").rstrip("/")
    assert entries["ru"].url == f"{origin}/memleket/entities/ecogeo/press/news/details/101?lang=ru"
    assert entries["kk"].url == f"{origin}/memleket/entities/ecogeo/press/news/details/101?lang=kk"
    assert entries["ru"].image_url == f"{origin}/uploads/2025/6/12/hero.jpg"
    assert entries["ru"].title == 'Новость "МЭПР"'
    assert entries["ru"].published_at is not None
    assert entries["ru"].published_at.isoformat() == "2025-06-12T05:20:00+00:00"


async def test_govkz_answer_of_the_wrong_shape_is_a_failure_not_a_crash(site: FeedSite, harness: Harness):
    site.handle("/api/v1/public/content-manager/news", _json({"error": "unexpected", "items": None}))
    source = await harness.add(site.url(API), kind="govkz", language="en")
    outcome = await harness.poll(source)
    assert outcome.outcome == "bad_shape"
    assert (await harness.source(source)).consecutive_failures == 1


async def test_govkz_403_alerts_the_admins_once_per_refusal_streak(site: FeedSite, harness: Harness):
    async def refuse(request: web.Request) -> web.StreamResponse:
        return web.Response(status=403, text="Forbidden")

    site.handle("/api/v1/public/content-manager/news", refuse)
    source = await harness.add(site.url(API), kind="govkz", language="ru")
    first = await harness.poll(source)
    await harness.poll(source)
    assert first.outcome == "http_403"
    [alert] = harness.alerts
    assert "gov.kz refused" in alert
    assert "403" in alert
    health = await SourceRepository(harness.db).get(source.id)
    assert health is not None
    assert (health.consecutive_failures, health.enabled) == (2, True)


def _json(payload: object):
    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(text=json.dumps(payload), content_type="application/json")

    return handler


async def test_govkz_answer_that_is_not_json_is_a_failure(site: FeedSite, harness: Harness):
    site.handle("/api/v1/public/content-manager/news", _text("<html>maintenance</html>"))
    source = await harness.add(site.url(API), kind="govkz", language="kk")
    assert (await harness.poll(source)).outcome == "bad_json"


async def test_gov_kz_items_without_an_id_are_skipped_and_the_rest_stored(site: FeedSite, harness: Harness):
    payload = {"content": [{"title": "no id"}, "junk", _govkz_item(7, "Жаңалық")]}
    site.handle("/api/v1/public/content-manager/news", _json(payload))
    source = await harness.add(site.url(API), kind="govkz", language="kk")
    assert (await harness.poll(source)).new == 1
    assert harness.handed_over[0][0].entry.title == "Жаңалық"


def _text(body: str):
    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(text=body, content_type="text/html")

    return handler
