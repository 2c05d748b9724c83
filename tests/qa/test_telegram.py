"""End to end through the local Bot API stub: questions, /members paging, inline mode, groups, throttling."""

import dataclasses

import pytest

from bot.runtime.metrics import REGISTRY
from local_telegram import BotAPIStub
from local_telegram.server import BOT_ID, BOT_USERNAME
from storage.kb import SEED_FILE, Organization, read_knowledge_base_file
from tests.conftest import RunningBot, settled, start_bot


@pytest.mark.parametrize(
    ("question", "first_line", "source_line"),
    [
        (
            "Кто сопредседатели альянса?",
            "Сопредседатели альянса: МЦЗТИП (Казахстан), Shanghai Electric (Китай).",
            "Источник: igtipc.org, 12 июня 2025",
        ),
        ("Германиядан кім бар?", "Иә, Германия — альянс елдерінің бірі.", "Дереккөз: igtipc.org, 2025 жылғы 12 маусым"),
        (
            "Is France a member?",
            "The alliance's knowledge base has nothing on “France”, so I cannot say yes.",
            "Source: igtipc.org, 12 June 2025",
        ),
    ],
)
async def test_a_question_in_each_language_is_answered_in_that_language(
    app: RunningBot, stub: BotAPIStub, question: str, first_line: str, source_line: str
) -> None:
    answered_before = REGISTRY.get_sample_value("bot_question_latency_seconds_count") or 0
    user = stub.user(2001, language_code="ru")
    reply = await user.ask(question)
    lines = reply.text.splitlines()
    assert (lines[0], lines[-1]) == (first_line, source_line)
    assert reply.params["parse_mode"] == "HTML"
    assert REGISTRY.get_sample_value("bot_question_latency_seconds_count") == answered_before + 1


async def test_members_list_pages_with_buttons_and_ignores_forged_pages(stub: BotAPIStub, settings, caplog) -> None:
    seed = read_knowledge_base_file(SEED_FILE)
    template = seed.organization("acca21")
    assert isinstance(template, Organization)
    extra = tuple(
        dataclasses.replace(
            template, key=f"uni{n:02d}", names={"en": f"University {n:02d}"}, short_names={}, aliases=()
        )
        for n in range(1, 11)
    )
    running = await start_bot(settings, stub)
    try:
        await running.services.knowledge.replace(dataclasses.replace(seed, organizations=seed.organizations + extra))
        user = stub.user(2002, language_code="en")
        first = await user.ask("/members")
        assert first.text.startswith("Members of the alliance (page 1 of 2)")
        assert "1. Administrative Centre for China's Agenda 21 (ACCA21) — chair unit, China" in first.text
        assert [b["text"] for b in first.buttons] == ["Next ▶️"]
        await user.callback_answer(user.press(first, "Next"))
        await stub.wait_until(lambda: first.edits == 1)
        assert first.text.startswith("Members of the alliance (page 2 of 2)")
        assert "…and 22 Council members whose names are not known." in first.text
        assert [b["text"] for b in first.buttons] == ["◀️ Back"]
        past_the_end = user.press(first, data="members:7")  # clamped to page 2, already shown
        assert (await user.callback_answer(past_the_end)) == {"callback_query_id": past_the_end}
        for forged in ("members:999999999", "members:-1", "members:abc", "members:"):
            answer = await user.callback_answer(user.press(first, data=forged))
            assert answer["text"] == "This button is no longer valid."
        assert first.edits == 1
        assert "Traceback" not in caplog.text and "not modified" not in caplog.text
    finally:
        await running.stop()


async def test_inline_query_offers_organizations(app: RunningBot, stub: BotAPIStub) -> None:
    user = stub.user(2003, language_code="en")
    answer = await user.inline_answer(user.inline("Shanghai Elec"))
    titles = [result["title"] for result in answer["results"]]
    assert titles[0] == "Shanghai Electric Group"
    message = answer["results"][0]["input_message_content"]["message_text"]
    assert "is a co-chair of the alliance; country: China." in message
    nothing = await user.inline_answer(user.inline("zzzz qqqq"))
    assert [r["title"] for r in nothing["results"]] == ["Nothing found"]


async def test_groups_get_answers_only_when_the_bot_is_addressed(app: RunningBot, stub: BotAPIStub) -> None:
    group = stub.group(-100777, "Partners")
    user = stub.user(2004, language_code="en")
    user.send("Who are the co-chairs?", chat=group)
    user.send(f"@{BOT_USERNAME} how many countries?", chat=group)
    await stub.wait_until(lambda: len(stub.sent_to(group.id)) >= 1)
    user.send(
        "Is Malaysia a member?",
        chat=group,
        reply_to_message={
            "message_id": 1,
            "date": 0,
            "chat": group.as_chat(),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Bot"},
        },
    )
    await stub.wait_until(lambda: len(stub.sent_to(group.id)) >= 2)
    await settled(app, stub)  # the unaddressed question is handled too: had it been answered, it would show now
    texts = [m.text for m in stub.sent_to(group.id)]
    assert texts[0].startswith("The alliance has 22 countries.")
    assert texts[1].startswith("Yes, Malaysia is among the alliance's countries.")
    assert len(texts) == 2


async def test_too_many_questions_get_one_polite_answer(stub: BotAPIStub, settings) -> None:
    slow = settings.model_copy(update={"question_rate_per_second": 0.001, "question_burst": 1})
    running = await start_bot(slow, stub)
    try:
        user = stub.user(2005, language_code="kk")
        for question in ("ACCA21", "SSTEC", "IGTIC"):
            user.send(question)
        # Updates are handled concurrently: which question wins the token is not fixed, the outcome is.
        texts = [(await user.reply()).text, (await user.reply()).text]
        await settled(running, stub)  # all three questions handled: a third reply would show now
        assert len(user.messages()) == 2
        notice = "Сұрақтар тым жиі келіп жатыр — бір секунд күтіп, қайта сұраңыз."
        assert texts.count(notice) == 1
        answer = next(text for text in texts if text != notice)
        assert "альянста" in answer and "рөлін атқарады" in answer
    finally:
        await running.stop()
