"""The engine over the real repositories: stored announcements answer what the knowledge base cannot."""

from datetime import UTC, datetime

from bot.services.answers.engine import create_question_engine
from bot.services.ingestion.classifier import AllianceClassifier
from bot.services.ingestion.poller import entry_record
from domain.entries import Entry
from domain.sources import NewSource
from local_telegram.html import parse_html
from storage import Database
from storage.entries import EntryRepository
from storage.kb import KnowledgeBaseRepository
from storage.sources import SourceRepository

NOW = datetime(2025, 6, 20, 12, tzinfo=UTC)


def item(number: int, title: str) -> Entry:
    return Entry(
        key=f"guid-{number}",
        url=f"https://igtipc.org/2025/06/{number:02d}/{9000 + number}",
        title=title,
        summary_html=f"<p>{title}</p>",
        image_url=None,
        published_at=datetime(2025, 6, number, 9, tzinfo=UTC),
        language="ru",
    )


async def test_questions_beyond_the_knowledge_base_are_searched_in_stored_news(db: Database):
    await KnowledgeBaseRepository(db).ensure_seeded()
    source = await SourceRepository(db).add(
        NewSource(url="https://igtipc.org/feed/", kind="rss", language="ru", title="МЦЗТИП", interval_seconds=300)
    )
    classifier = AllianceClassifier(await KnowledgeBaseRepository(db).organization_names())
    records = [
        entry_record(item(12, "Альянс низкоуглеродных технологий: форум по водородной энергетике"), classifier),
        entry_record(item(14, "Семинар по ресурсосбережению"), classifier),
    ]
    await EntryRepository(db).store_poll(source.id, records, now=NOW, history_size=100)
    engine = create_question_engine(db)

    found = await engine.answer("Что обсуждали о водородной энергетике?", user_language="ru")
    assert found.intent == "search"
    assert found.sources == ("https://igtipc.org/2025/06/12/9012",)
    assert "https://igtipc.org/2025/06/12/9012" in parse_html(found.text).links

    latest = await engine.answer("Последние новости", user_language="ru")
    assert latest.sources == ("https://igtipc.org/2025/06/12/9012",)  # only the alliance item

    assert (await engine.answer("Какая погода в Астане?", user_language="ru")).intent == "dont-know"
