"""The product's main path, end to end: a feed item is polled, recognized and pushed to subscribers.

The running bot (production factories, scheduler, leadership, sender) polls a local feed on
127.0.0.1; subscribers talk to it through the Bot API stub.
"""

from datetime import UTC, datetime

import pytest

from domain.sources import NewSource
from local_telegram import BotAPIStub, SentMessage, parse_html
from storage import Database
from storage.sources import SourceRepository
from tests.conftest import make_settings, start_bot
from tests.support.feeds import FeedSite, Item, rss, seed_article


@pytest.mark.slow  # several seconds: `pytest -m "not slow"` leaves it out
async def test_alliance_article_reaches_subscribers_in_their_language(
    stub: BotAPIStub, site: FeedSite, database_url: str
) -> None:
    article = seed_article()
    title, body = article.split("\n", 1)
    feed = rss(
        [
            Item(
                title="Министр провёл совещание по паводкам",
                link="http://igtipc.test/1",
                guid="1",
                published=datetime(2025, 6, 11, 9, tzinfo=UTC),
            ),
            Item(
                title=title,
                link="http://igtipc.test/2025/06/12/9036",
                guid="9036",
                description=body,
                published=datetime(2025, 6, 12, 10, tzinfo=UTC),
            ),
        ]
    )
    url = site.serve("/feed/", feed)

    def is_news(message: SentMessage) -> bool:
        return message.text.startswith(title[:40])

    ru_user = stub.user(5001, language_code="ru")
    en_user = stub.user(5002, language_code="en")
    running = await start_bot(make_settings(stub, database_url, poll_interval_seconds=10), stub)
    try:
        await ru_user.ask("/start")
        await en_user.ask("/start")
        db: Database = running.services.db
        await SourceRepository(db).add(NewSource(url, "rss", "ru", "МЦЗТИП", 10))  # polled at the next tick
        await stub.wait_until(lambda: any(is_news(m) for m in ru_user.messages()))
        await stub.wait_until(lambda: any(title[:40] in m.text for m in en_user.messages()))
    finally:
        await running.stop()

    [ru_news] = [m for m in ru_user.messages() if is_news(m)]
    assert ru_news.text.startswith(title[:60])
    assert "12 июня 2025" in ru_news.text
    assert ru_news.button("Читать")["url"] == "http://igtipc.test/2025/06/12/9036"
    assert parse_html(ru_news.html or "").text == ru_news.text
    assert not any("паводк" in m.text for m in ru_user.messages())  # not an alliance item
    # The English user reads English news: the announcement exists only in Russian, so it comes so, saying so.
    [en_news] = [m for m in en_user.messages() if title[:40] in m.text]
    assert en_news.text.startswith("Only in Russian:\n" + title[:40])
