"""Who wants which entry, and how fast one chat may be written to."""

from datetime import UTC, datetime

import pytest

from bot.services.delivery.matching import parse_words, wants
from bot.telegram.flood import ChatPacer
from domain.subscriptions import Subscription
from tests.delivery.helpers import make_entry

NOW = datetime(2026, 11, 27, tzinfo=UTC)


def subscription(**changes: object) -> Subscription:
    values: dict[str, object] = {
        "chat_id": 1,
        "scope": "alliance",
        "languages": ("ru",),
        "mode": "instant",
        "digest_hour": 9,
        "paused": False,
        "include_words": (),
        "exclude_words": (),
        "message_thread_id": None,
        "subscribed_by": None,
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(changes)
    return Subscription(**values)  # type: ignore[arg-type]


def test_scope_and_languages() -> None:
    alliance_ru = make_entry(language="ru")
    ministry_ru = make_entry(language="ru", alliance=False)
    alliance_en = make_entry(language="en")
    assert wants(subscription(), alliance_ru)
    assert not wants(subscription(), ministry_ru)
    assert not wants(subscription(), alliance_en)
    everything = subscription(scope="all", languages=("ru", "en"))
    assert all(wants(everything, e) for e in (alliance_ru, ministry_ru, alliance_en))


@pytest.mark.parametrize(
    ("words", "title", "expected"),
    [
        (("солнечный",), "Солнечный парк открыт", True),  # any case, Cyrillic
        (("solar",), "SOLAR plant opened", True),
        (("solar",), "Solarium opened", False),  # whole words only
        (("wind",), "New wind-farm", True),
        (("c++",), "C++ meetup", True),  # taken literally
        (("a.b",), "axb forum", False),  # never a regex
    ],
)
def test_include_words_match_whole_words(words: tuple[str, ...], title: str, expected: bool) -> None:
    entry = make_entry(title=title, summary="")
    assert wants(subscription(include_words=words), entry) is expected


def test_exclude_words_win_and_summary_html_is_text() -> None:
    entry = make_entry(title="Forum", summary="<p>Sport&nbsp;and <b>energy</b></p>")
    assert wants(subscription(include_words=("energy",)), entry)
    assert not wants(subscription(include_words=("energy",), exclude_words=("sport",)), entry)
    assert not wants(subscription(include_words=("b",)), entry)  # tag names are not words of the text


def test_parse_words_keeps_plain_words_only() -> None:
    assert parse_words("Solar, WIND; (.*) солнце solar") == ("solar", "wind", "солнце")
    assert parse_words("") == ()


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_private_chat_gets_one_message_a_second() -> None:
    clock = FakeClock()
    pacer = ChatPacer(clock)
    assert pacer.wait(42) == 0
    pacer.record(42)
    assert pacer.wait(42) == pytest.approx(1.0)
    assert pacer.wait(43) == 0  # other chats are not held up
    clock.now += 0.6
    assert pacer.wait(42) == pytest.approx(0.4)
    clock.now += 0.4
    assert pacer.wait(42) == 0


def test_group_gets_twenty_messages_a_minute() -> None:
    clock = FakeClock()
    pacer = ChatPacer(clock)
    for _ in range(20):
        assert pacer.wait(-100) == 0
        pacer.record(-100)
        clock.now += 1
    assert pacer.wait(-100) == pytest.approx(40.0)
    clock.now += 40
    assert pacer.wait(-100) == 0
