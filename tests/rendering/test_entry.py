"""One message per entry and language; digests grouped by day or week."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.rendering import RenderedMessage, render_digest, render_entry
from domain.entries import Entry, StoredEntry
from local_telegram.html import parse_html, utf16_len
from tests.rendering.telegram import check

PUBLISHED = datetime(2025, 6, 12, 10, 30, tzinfo=UTC)
WORDPRESS_BODY = (
    '<p><img class="alignleft" src="https://igtipc.org/wp-content/uploads/forum.jpg" width="300" />'
    "В&nbsp;Шанхае основан <strong>Альянс по&nbsp;инновациям</strong> и сотрудничеству в области "
    'низкоуглеродных технологий.</p>\n<p>Подробнее &#8212; на <a href="/2025/06/12/9036">сайте Центра</a>.</p>'
    '<script type="text/javascript">var x = "<b>";</script>'
)


def stored(
    *,
    title: str = "Альянс по инновациям & низкоуглеродные технологии",
    summary: str = WORDPRESS_BODY,
    url: str | None = "https://igtipc.org/2025/06/12/9036",
    image: str | None = None,
    published: datetime | None = PUBLISHED,
    source: str = "МЦЗТИП",
    entry_id: int = 1,
) -> StoredEntry:
    entry = Entry(
        key=str(entry_id),
        url=url,
        title=title,
        summary_html=summary,
        image_url=image,
        published_at=published,
        language="ru",
    )
    return StoredEntry(
        id=entry_id,
        source_id=1,
        source_title=source,
        entry=entry,
        first_seen_at=datetime(2025, 6, 13, tzinfo=UTC),
        is_alliance=True,
        alliance_reason="keywords: альянс",
    )


def test_entry_in_russian_exactly() -> None:
    message = render_entry(stored(), "ru")
    assert message.rich is not None  # an alliance announcement is also one rich message (tests/rendering/test_rich.py)
    assert replace(message, rich=None) == RenderedMessage(
        text=(
            "<b>Альянс по инновациям &amp; низкоуглеродные технологии</b>\n"
            "12 июня 2025 · МЦЗТИП\n\n"
            "В Шанхае основан <b>Альянс по инновациям</b> и сотрудничеству в области низкоуглеродных технологий.\n\n"
            'Подробнее — на <a href="https://igtipc.org/2025/06/12/9036">сайте Центра</a>.'
        ),
        button_text="Читать на сайте",
        button_url="https://igtipc.org/2025/06/12/9036",
    )
    check(message.text)


@pytest.mark.parametrize(
    ("language", "date", "button"),
    [
        ("ru", "12 июня 2025", "Читать на сайте"),
        ("kk", "2025 жылғы 12 маусым", "Сайттан оқу"),
        ("en", "12 June 2025", "Read on the site"),
    ],
)
def test_date_and_button_are_localized(language: str, date: str, button: str) -> None:
    message = render_entry(stored(), language)
    assert f"\n{date} · МЦЗТИП\n" in message.text
    assert message.button_text == button


def test_date_is_the_day_in_kazakhstan_and_falls_back_to_first_seen() -> None:
    late = render_entry(stored(published=datetime(2025, 6, 11, 20, 0, tzinfo=UTC)), "en")
    assert "12 June 2025" in late.text  # 01:00 on the 12th in Astana
    unknown = render_entry(stored(published=None), "en")
    assert "13 June 2025" in unknown.text


def test_long_entry_is_cut_with_an_ellipsis_within_4096_units() -> None:
    body = "".join(f"<p>Предложение номер {i} про альянс 🌱. Ещё одно предложение.</p>" for i in range(400))
    message = render_entry(stored(summary=body), "ru")
    parsed = check(message.text)
    assert parsed.text.endswith("…")
    assert 4000 < utf16_len(parsed.text) <= 4096
    assert parsed.text.startswith("Альянс по инновациям & низкоуглеродные технологии\n12 июня 2025 · МЦЗТИП\n\n")


def test_entry_with_image_has_caption_and_full_fallback() -> None:
    body = "<p>" + "Текст новости об альянсе. " * 100 + "</p>"
    message = render_entry(stored(summary=body, image="https://igtipc.org/forum.jpg"), "ru")
    assert message.photo_url == "https://igtipc.org/forum.jpg"
    assert message.caption is not None
    caption = check(message.caption, 1024)
    text = check(message.text)
    assert caption.text.endswith("…")
    assert utf16_len(caption.text) > 900
    assert text.text.endswith("Текст новости об альянсе.")  # the fallback text is whole


def test_unsafe_urls_give_no_button_and_no_photo() -> None:
    message = render_entry(stored(url="javascript:alert(1)", image="data:image/png;base64,xx"), "en")
    assert message.button_url is None
    assert message.button_text is None
    assert message.photo_url is None
    assert message.caption is None
    check(message.text)


def test_hostile_title_and_source_are_escaped() -> None:
    message = render_entry(stored(title="<script>x</script> & <b>", source="A&B <i>", summary=""), "en")
    assert message.text == "<b>&lt;script&gt;x&lt;/script&gt; &amp; &lt;b&gt;</b>\n12 June 2025 · A&amp;B &lt;i&gt;"


def test_digest_of_a_day_exactly() -> None:
    entries = [
        stored(title="Старое", entry_id=1, published=PUBLISHED - timedelta(hours=3)),
        stored(title="Новое <и> свежее", entry_id=2, url="https://igtipc.org/2"),
        stored(title="Без ссылки", entry_id=3, url=None, published=PUBLISHED - timedelta(hours=1), source="gov.kz"),
    ]
    messages = render_digest(entries, "ru", "day")
    assert [m.text for m in messages] == [
        "<b>Новости за день</b>: 3 материала\n\n"
        "<i>12 июня 2025</i>\n"
        '• <a href="https://igtipc.org/2">Новое &lt;и&gt; свежее</a> — МЦЗТИП\n'
        "• Без ссылки — gov.kz\n"
        '• <a href="https://igtipc.org/2025/06/12/9036">Старое</a> — МЦЗТИП'
    ]


@pytest.mark.parametrize(
    ("language", "count", "heading"),
    [
        ("ru", 1, "Новости за неделю: 1 материал"),
        ("ru", 3, "Новости за неделю: 3 материала"),
        ("ru", 5, "Новости за неделю: 5 материалов"),
        ("ru", 21, "Новости за неделю: 21 материал"),
        ("kk", 1, "Апта жаңалықтары: 1 материал"),
        ("kk", 5, "Апта жаңалықтары: 5 материал"),
        ("en", 1, "News of the week: 1 item"),
        ("en", 2, "News of the week: 2 items"),
    ],
)
def test_digest_heading_counts_with_plural_forms(language: str, count: int, heading: str) -> None:
    entries = [stored(entry_id=i) for i in range(count)]
    text = render_digest(entries, language, "week")[0].text
    assert parse_html(text).text.startswith(heading + "\n")


def test_week_digest_groups_by_week_newest_first() -> None:
    entries = [stored(title=f"n{i}", entry_id=i, published=PUBLISHED - timedelta(days=i)) for i in range(10)]
    text = parse_html(render_digest(entries, "en", "week")[0].text).text
    assert text.index("9–15 June 2025") < text.index("2–8 June 2025")
    titles = [line.split(" — ")[0][2:] for line in text.splitlines() if line.startswith("• ")]
    assert titles == [f"n{i}" for i in range(10)]


def test_long_digest_is_split_between_items_within_the_limit() -> None:
    entries = [stored(title=f"Новость {i} " + "слово " * 40, entry_id=i) for i in range(60)]
    messages = render_digest(entries, "ru", "day")
    assert len(messages) > 1
    seen: list[str] = []
    for message in messages:
        parsed = check(message.text)
        assert parsed.text.startswith(("Новости за день", "12 июня 2025\n"))
        seen += [line.split()[2] for line in parsed.text.splitlines() if line.startswith("• ")]
    assert seen == [str(i) for i in range(60)]  # all items, in order, none split


def test_digest_item_with_a_huge_title_is_shortened_not_dropped() -> None:
    messages = render_digest([stored(title="Очень " * 5000)], "en", "day")
    assert len(messages) == 1
    assert "…</a> — МЦЗТИП" in messages[0].text
    check(messages[0].text)


def test_digest_rejects_an_unknown_period_and_is_empty_without_entries() -> None:
    with pytest.raises(ValueError, match="period"):
        render_digest([stored()], "en", "month")
    assert render_digest([], "en", "day") == []
