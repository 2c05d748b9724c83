"""End to end through the stub: what a user sees on /start, /help, /language and odd input."""

import pytest

from local_telegram import BotAPIStub
from tests.conftest import RunningBot, start_bot

pytestmark = pytest.mark.usefixtures("app")


@pytest.mark.parametrize(
    ("language_code", "greeting", "chosen"),
    [
        ("ru", "Здравствуйте, Aigerim!", "✅ Русский"),
        ("kk", "Сәлеметсіз бе, Aigerim!", "✅ Қазақша"),
        ("en", "Hello, Aigerim!", "✅ English"),
        ("de", "Здравствуйте, Aigerim!", "✅ Русский"),
    ],
)
async def test_start_greets_in_the_telegram_language(
    stub: BotAPIStub, language_code: str, greeting: str, chosen: str
) -> None:
    user = stub.user(1001, language_code=language_code)
    reply = await user.ask("/start")
    assert reply.text.startswith(greeting)
    assert [button["text"] for button in reply.buttons] == [
        chosen if chosen.endswith(name) else name for name in ("Русский", "Қазақша", "English")
    ]


async def test_deep_link_preselects_language(stub: BotAPIStub) -> None:
    user = stub.user(1002, language_code="ru")
    reply = await user.ask("/start kk")
    assert reply.text.startswith("Сәлеметсіз бе")
    assert "соңғы үш хабарландыруын" in (await user.reply()).text  # a new subscriber's first taste, in Kazakh
    help_reply = await user.ask("/help")
    assert "Мен не істей аламын" in help_reply.text


async def test_user_names_cannot_inject_markup(stub: BotAPIStub) -> None:
    user = stub.user(1003, first_name="<b>Boss</b> & co", language_code="en")
    reply = await user.ask("/start")
    assert reply.text.startswith("Hello, <b>Boss</b> & co!")  # shown literally, not as bold


async def test_language_button_changes_language_and_menu(stub: BotAPIStub) -> None:
    user = stub.user(1004, language_code="ru")
    picker = await user.ask("/language")
    assert picker.text == "Выберите язык интерфейса:"
    query = user.press(picker, "English")
    assert (await user.reply()).text == "Done: I will speak English with you."
    await user.callback_answer(query)
    await stub.wait_until(lambda: picker.edits == 1)
    assert picker.button("English")["text"] == "✅ English"
    chat_menu = stub.commands[('{"chat_id": 1004, "type": "chat"}', "")]
    assert chat_menu[1] == {"command": "help", "description": "What the bot can do"}


async def test_forged_language_button_changes_nothing(stub: BotAPIStub) -> None:
    user = stub.user(1005, language_code="en")
    picker = await user.ask("/language")
    query = user.press(picker, data="lang:xx")
    answer = await user.callback_answer(query)
    assert answer["text"] == "This button is no longer valid."
    assert (await user.ask("/help")).text.startswith("<b>What I can do</b>".replace("<b>", "").replace("</b>", ""))


@pytest.mark.parametrize(
    ("language", "inline"),
    [
        ("ru", "В любом другом чате наберите @alliance_test_bot и слово"),
        ("kk", "Кез келген басқа чатта @alliance_test_bot және бір сөзді"),
        ("en", "In any other chat, type @alliance_test_bot and a word"),
    ],
)
async def test_help_explains_inline_mode_with_the_bots_username(stub: BotAPIStub, language: str, inline: str) -> None:
    help_text = (await stub.user(1009, language_code=language).ask("/help")).text
    assert inline in help_text
    assert "@username" not in help_text
    assert "@имя" not in help_text
    assert "@атымды" not in help_text


async def test_unknown_command_points_to_help(stub: BotAPIStub) -> None:
    user = stub.user(1006, language_code="en")
    reply = await user.ask("/frobnicate now")
    assert reply.text == "I don't know the command /frobnicate. Send /help to see what I can do."


async def test_malformed_update_does_not_stop_the_bot(stub: BotAPIStub) -> None:
    user = stub.user(1007, language_code="en")
    stub.push_update({"message": {"message_id": "not a number", "chat": "nonsense"}})
    stub.push_update({"callback_query": {"id": 5}})
    reply = await user.ask("/help")
    assert reply.text.startswith("What I can do")


async def test_command_menus_are_set_for_every_language(stub: BotAPIStub) -> None:
    menus = {language: commands for (scope, language), commands in stub.commands.items() if "default" in scope}
    assert set(menus) == {"", "ru", "kk", "en"}
    assert menus["kk"][0] == {"command": "start", "description": "Бастау және тіл таңдау"}
    assert menus[""] == menus["ru"]


async def test_language_survives_a_restart(stub: BotAPIStub, app: RunningBot) -> None:
    user = stub.user(1008, language_code="ru")
    picker = await user.ask("/start")
    await user.reply()  # the first-taste question
    user.press(picker, "Қазақша")
    assert (await user.reply()).text == "Дайын: енді сізбен қазақша сөйлесемін."
    assert (await user.reply()).text.startswith("Жаңалықтарды «Қазақша» тілінде де")  # a subscriber's news offer
    await app.stop()
    restarted = await start_bot(app.settings, stub)
    try:
        assert (await user.ask("/help")).text.startswith("Мен не істей аламын")
    finally:
        await restarted.stop()
