"""Ask the Center, end to end through the local Telegram: a question the bot cannot answer goes to the admins'
queue, an admin answers it in Telegram, the answer reaches the asker as a reply to their question and becomes a
fact with its source in one more step; the asker follows it with /myquestions. Every step in the asker's language;
the admins never see who asked."""

from __future__ import annotations

import json

import pytest

from local_telegram import BotAPIStub
from tests.admin.conftest import admin
from tests.conftest import RunningBot, make_settings, start_bot

UNKNOWN = {
    "ru": "Сколько стоит билет на самолёт до Пекина?",
    "kk": "Пекинге ұшақ билеті қанша тұрады?",
    "en": "How much is a plane ticket to Beijing?",
}
ASK = {"ru": "Спросить Центр", "kk": "Орталықтан сұрау", "en": "Ask the Center"}


async def test_a_question_the_bot_cannot_answer_reaches_a_person_and_comes_back(
    stub: BotAPIStub, app: RunningBot
) -> None:
    asker = stub.user(7101, first_name="Aigerim", username="aigerim_k", language_code="kk")
    boss = admin(stub)
    await boss.ask("/start")
    question = asker.send(UNKNOWN["kk"])["message"]["message_id"]
    answer = await asker.reply()
    asked = asker.press(answer, ASK["kk"])
    assert (await asker.callback_answer(asked))["text"] == "Орталыққа жіберілді."
    sent = await asker.reply()
    assert sent.text.startswith("Сұрағыңыз Орталыққа №1 нөмірімен жіберілді.")

    notice = await boss.reply()
    while "new question for the Center" not in notice.text:
        notice = await boss.reply()
    assert UNKNOWN["kk"] in notice.text
    assert "Aigerim" not in notice.text and "aigerim" not in notice.text and "7101" not in notice.text
    assert [b["text"] for b in notice.buttons] == ["✍️ Answer #1", "✖️ Close #1"]

    listing = await boss.ask("/inquiries")
    assert listing.text.startswith("Questions for the Center: 1 waiting, 0 answered, 0 closed.")
    item = await boss.reply()
    assert item.text == f"#1 [kk] waiting for an answer\n{UNKNOWN['kk']}"
    boss.press(item, "Answer #1")
    assert (await boss.reply()).text.startswith("Type the Center's answer to question #1")
    done = await boss.ask("Билеттерді әуе компаниясынан сатып алыңыз; Орталық билет сатпайды.")
    assert done.text == "The answer to #1 was sent to the asker."

    delivered = await asker.reply()
    assert delivered.text.startswith(f"📩 Орталық «{UNKNOWN['kk']}» сұрағыңызға жауап береді:")
    assert "Орталық билет сатпайды" in delivered.text
    assert json.loads(delivered.params["reply_parameters"])["message_id"] == question  # a reply to the question

    mine = await asker.ask("/myquestions")
    assert "№1 (жауап берілді)" in mine.text

    captured = done.button("Add #1 to the knowledge base")["callback_data"]
    added = boss.press(done, data=captured)
    assert "inquiry-1" in (await boss.callback_answer(added))["text"]
    kb = await app.services.knowledge.load()
    [fact] = [fact for fact in kb.facts if fact.key == "inquiry-1"]
    assert "Орталық билет сатпайды" in fact.text["kk"]
    assert fact.source.url == "https://igtipc.org/"
    await stub.wait_until(lambda: done.buttons == [])  # the button goes once used
    again = boss.press(done, data=captured)  # pressed again from an old copy of the message
    assert (await boss.callback_answer(again))["text"] == "Only an answered question can be added, once."


UNKNOWN_MORE = (
    "How much is a plane ticket to Beijing?",
    "What is the weather in Astana tomorrow?",
    "Where can I buy solar panels cheaply?",
    "Which bank gives the best loan rate?",
)


@pytest.mark.slow
async def test_a_thumbs_down_offers_the_center_and_asking_is_limited(stub: BotAPIStub, database_url: str) -> None:
    app = await start_bot(make_settings(stub, database_url, question_burst=20), stub)
    try:
        asker = stub.user(7201, language_code="en")
        await asker.ask("/start")
        await asker.reply()  # the first-taste question
        rated = await asker.ask("Who are the co-chairs of the alliance?")
        down = asker.press(rated, "👎")
        assert (await asker.callback_answer(down))["text"] == "Thank you for the rating!"
        await stub.wait_until(lambda: rated.buttons != [] and rated.buttons[0]["text"] == "❓ Ask the Center")
        assert [b["text"] for b in rated.buttons] == ["❓ Ask the Center"]

        captured = rated.button("Ask the Center")["callback_data"]
        first = asker.press(rated, data=captured)
        assert (await asker.callback_answer(first))["text"] == "Sent to the Center."
        await asker.reply()
        again = asker.press(rated, data=captured)  # pressed again from an old copy of the message
        assert (await asker.callback_answer(again))["text"] == "Sent to the Center."  # the same one, not a second
        await asker.reply()
        assert [i.id for i in await app.services.inquiries.of_chat(asker.id)] == [1]

        answers = []
        for question in UNKNOWN_MORE:
            unknown = await asker.ask(question)
            answers.append(await asker.callback_answer(asker.press(unknown, ASK["en"])))
            if answers[-1]["text"] == "Sent to the Center.":
                await asker.reply()
        assert [a["text"] for a in answers[:2]] == ["Sent to the Center."] * 2
        assert answers[2]["text"].startswith("You already have 3 questions waiting for the Center.")
        assert str(answers[2]["show_alert"]).lower() == "true"  # an alert the asker must close
        assert len(await app.services.inquiries.of_chat(asker.id)) == 3
    finally:
        await app.stop()
