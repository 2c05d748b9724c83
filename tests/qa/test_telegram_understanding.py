"""End to end through the local Bot API stub: questions as people type them, in each language, answered in
the question's language; the ask-back buttons; 👍/👎; the admins' misses view."""

import pytest

from local_telegram import BotAPIStub
from tests.conftest import ADMIN_ID, RunningBot


@pytest.mark.parametrize(
    ("interface", "question", "first_line_starts"),
    [
        ("ru", "kto predsedatel", "Альянс возглавляют председательские организации ACCA21 (Китай)"),
        ("ru", "скока стран в альянсе?", "В альянсе 22 страны."),
        ("en", "Есть ли немецкие организации в альянсе?", "Да, Германия — среди стран альянса."),
        # Kazakh typed without its letters by a user whose interface is Russian: answered in Kazakh.
        ("ru", "альянсты ким баскарады", "Альянсты төраға ұйымдар ACCA21 (Қытай)"),
        ("ru", "kazakstannan kim bar", "Иә, Қазақстан — альянс елдерінің бірі."),
        ("kk", "whos the co chairs", "The alliance's co-chairs: IGTIPC (Kazakhstan), Shanghai Electric (China)."),
        ("kk", "Is Japan a member of the alliance?", "The alliance's knowledge base has nothing on “Japan”"),
        ("ru", "Ответь на английском: сколько стран?", "The alliance has 22 countries."),
    ],
)
async def test_questions_as_people_type_them_are_answered_in_their_language(
    app: RunningBot, stub: BotAPIStub, interface: str, question: str, first_line_starts: str
) -> None:
    user = stub.user(2101, language_code=interface)
    reply = await user.ask(question)
    assert reply.text.splitlines()[0].startswith(first_line_starts)
    rating = [button["text"] for button in reply.buttons][:2]
    assert rating == ["👍", "👎"]
    if "nothing on" in first_line_starts:  # what the bot cannot answer is offered to a person
        assert reply.buttons[-1]["text"] == "❓ Ask the Center"


async def test_what_the_knowledge_base_does_not_hold_is_not_stated(app: RunningBot, stub: BotAPIStub) -> None:
    user = stub.user(2102, language_code="ru")
    reply = await user.ask("сколько денег будет в фонде?")
    assert reply.text.startswith("В базе знаний альянса не сказано, каков размер фонда.")
    assert "планирует" not in reply.text  # not the nearby fact about the fund


async def test_an_ambiguous_question_is_asked_back_with_buttons(app: RunningBot, stub: BotAPIStub) -> None:
    user = stub.user(2103, language_code="en")
    reply = await user.ask("China: the fund or the meeting?")
    assert reply.text == "Could you say which you mean? Did you mean:"
    assert [button["text"] for button in reply.buttons] == ["The fund: China", "The meeting at the forum: China"]
    await user.callback_answer(user.press(reply, "The fund"))
    await stub.wait_until(lambda: reply.edits == 1)
    assert reply.text.startswith("The Chinese side plans a fund within the alliance")
    assert [button["text"] for button in reply.buttons] == ["👍", "👎"]


async def test_votes_and_misses_reach_the_admins_without_user_identity(app: RunningBot, stub: BotAPIStub) -> None:
    user = stub.user(2104, language_code="ru")
    for _ in range(2):
        await user.ask("Какая погода в Астане?")
    answer = await user.ask("Кто сопредседатели?")
    assert (await user.callback_answer(user.press(answer, "👎")))["text"] == "Спасибо за оценку!"
    await stub.wait_until(lambda: answer.edits == 1)
    # One rating per answer: the rating buttons go, and a 👎 offers a person instead.
    assert [button["text"] for button in answer.buttons] == ["❓ Спросить Центр"]
    admin = stub.user(ADMIN_ID, language_code="ru")
    misses = await admin.ask("/kb misses")
    assert "👍 0, 👎 1" in misses.text
    assert "1. ×2 [ru] Какая погода в Астане?" in misses.text
    assert "2. ×1 [ru] Кто сопредседатели?" in misses.text
    assert "2104" not in misses.text
    stats = await admin.ask("/stats")
    assert "👍 0, 👎 1" in stats.text


async def test_an_admin_alias_is_understood_after_the_reload(app: RunningBot, stub: BotAPIStub) -> None:
    admin = stub.user(ADMIN_ID, language_code="ru")
    added = await admin.ask("/kb alias country:DE ru Дойчланд")
    assert added.text.startswith("Готово: «Дойчланд» теперь означает country:DE.")
    refused = await admin.ask("/kb alias country:XX ru Нигде")
    assert refused.text == "В базе знаний нет «country:XX»."
    kb = await app.services.knowledge.load()
    assert "Дойчланд" in kb.country("DE").forms["ru"]
