"""/stats charts: a real PNG through the stub, captioned in the admin's language, and the figures behind it."""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from bot.i18n import localizer
from bot.rendering.dates import format_day
from bot.services.admin.charts import Panel, draw
from domain.clock import utcnow
from local_telegram import BotAPIStub
from storage import Database
from storage.qa_log import MISSED_OUTCOMES
from storage.schema import chats, outbox_deliveries, outbox_messages, qa_log, subscriptions
from storage.stats import StatsRepository
from tests.admin.conftest import add_subscribers
from tests.conftest import ADMIN_ID, RunningBot

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def assert_png(content: bytes) -> tuple[int, int]:
    assert content.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(content))
    image.verify()  # a truncated or corrupt file raises here
    assert image.format == "PNG"
    return image.size


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
async def test_stats_sends_a_png_chart_captioned_in_the_admins_language(
    stub: BotAPIStub, app: RunningBot, language: str
) -> None:
    await add_subscribers(app, stub, 3, first_id=30_000, language="ru")
    await add_subscribers(app, stub, 1, first_id=31_000, language="kk")
    boss = stub.user(ADMIN_ID, first_name="Admin", language_code=language)
    summary = await boss.ask("/stats")
    assert summary.kind == "text"
    picture = await boss.reply(timeout=60)  # the first chart of a process imports matplotlib
    assert picture.kind == "photo"
    assert picture.upload is not None
    width, height = assert_png(picture.upload.content)
    assert width >= 800
    assert height >= 600
    today = utcnow().date()
    l10n = localizer(language)
    first = format_day(today - timedelta(days=29), language)
    assert picture.text == l10n("admin-chart-caption", first=first, last=format_day(today, language))


@settings(max_examples=8, deadline=None)
@given(
    days=st.integers(min_value=1, max_value=60),
    series=st.dictionaries(st.sampled_from(["ru", "kk", "en", "sent"]), st.integers(0, 10**6), max_size=4),
    bars=st.booleans(),
)
def test_any_figures_draw_a_valid_png(days: int, series: dict[str, int], bars: bool) -> None:
    window = [date(2025, 1, 1) + timedelta(days=n) for n in range(days)]
    lines = {label: [value * n // days for n in range(days)] for label, value in series.items()}
    panels = [Panel("Қазақша — Русский", lines, bars=bars), Panel("empty", {})]
    assert_png(draw(window, panels, "no data yet"))


async def _reset(db: Database) -> None:
    async with db.begin() as conn:
        for table in (outbox_deliveries, outbox_messages, subscriptions, chats, qa_log):
            await conn.execute(sa.delete(table))


day_offsets = st.integers(min_value=-40, max_value=0)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    subscribers=st.lists(
        st.tuples(day_offsets, st.sampled_from(["ru", "kk", "en"]), st.booleans(), st.booleans()), max_size=25
    ),
    deliveries=st.lists(st.tuples(day_offsets, st.sampled_from(["sent", "failed", "blocked", "queued"])), max_size=25),
    questions=st.lists(
        st.tuples(day_offsets, st.sampled_from(["answered", "news", "search", *MISSED_OUTCOMES])), max_size=25
    ),
)
async def test_history_counts_listening_subscribers_deliveries_and_questions_by_utc_day(
    db: Database,
    subscribers: list[tuple[int, str, bool, bool]],
    deliveries: list[tuple[int, str]],
    questions: list[tuple[int, str]],
) -> None:
    await _reset(db)
    today = date(2025, 3, 31)

    def at(offset: int) -> datetime:
        # Late in the UTC day: a time zone slip would move it to the next day.
        return datetime(today.year, today.month, today.day, 23, 30, tzinfo=UTC) + timedelta(days=offset)

    async with db.begin() as conn:
        for n, (offset, language, active, paused) in enumerate(subscribers):
            await conn.execute(
                sa.insert(chats).values(id=n + 1, type="private", language=language, active=active, created_at=at(-60))
            )
            await conn.execute(
                sa.insert(subscriptions).values(chat_id=n + 1, languages=language, paused=paused, created_at=at(offset))
            )
        message_id = (await conn.execute(sa.insert(outbox_messages).values(kind="entry"))).inserted_primary_key[0]  # type: ignore[index]
        for n, (offset, status) in enumerate(deliveries):
            await conn.execute(
                sa.insert(outbox_deliveries).values(
                    message_id=message_id,
                    chat_id=n,
                    status=status,
                    sent_at=at(offset) if status == "sent" else None,
                    next_attempt_at=at(offset),
                )
            )
        for offset, outcome in questions:
            await conn.execute(
                sa.insert(qa_log).values(
                    asked_at=at(offset), question="q", normalized="q", language="ru", intent="x", outcome=outcome
                )
            )
    first = today - timedelta(days=29)
    history = await StatsRepository(db).history(first, today)
    assert history.days == [first + timedelta(days=n) for n in range(30)]
    for index, day in enumerate(history.days):
        offset = (day - today).days
        listening = Counter(lang for o, lang, active, paused in subscribers if active and not paused and o <= offset)
        for language, line in history.subscribers_by_language.items():
            assert line[index] == listening[language]
        assert set(listening) <= set(history.subscribers_by_language)
        assert history.sent[index] == sum(1 for o, status in deliveries if status == "sent" and o == offset)
        assert history.failed[index] == sum(
            1 for o, status in deliveries if status in ("failed", "blocked") and o == offset
        )
        assert history.answered[index] == sum(
            1 for o, outcome in questions if outcome not in MISSED_OUTCOMES and o == offset
        )
        assert history.not_known[index] == sum(
            1 for o, outcome in questions if outcome in MISSED_OUTCOMES and o == offset
        )


async def test_the_chart_shows_questions_answered_and_not_known_per_day(stub: BotAPIStub, app: RunningBot) -> None:
    reader = stub.user(32_000, language_code="ru")
    assert "Сопредседатели альянса" in (await reader.ask("Кто сопредседатели?")).text
    assert "Не знаю ответа" in (await reader.ask("Какая погода на Марсе завтра?")).text
    boss = stub.user(ADMIN_ID, first_name="Admin", language_code="en")
    await boss.ask("/stats")
    picture = await boss.reply(timeout=60)
    assert picture.kind == "photo"
    assert picture.upload is not None
    width, height = assert_png(picture.upload.content)
    assert width >= 800
    assert height >= 900  # three charts stacked
    l10n = localizer("en")
    history = await app.services.stats.history(utcnow().date() - timedelta(days=29), utcnow().date())
    (questions,) = [p for p in app.services.stats_charts.panels(history, l10n) if p.title == "Questions per day"]
    assert questions.bars
    assert {label: line[-1] for label, line in questions.series.items()} == {"answered": 1, "not known": 1}
    assert sum(questions.series["answered"]) == 1
