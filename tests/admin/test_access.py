"""Only admins reach the console: anyone else gets the unknown-command answer, and admin buttons do nothing."""

from sqlalchemy import func, select

from bot.config import Settings
from bot.i18n import localizer
from bot.telegram.menus import command_menu
from local_telegram import BotAPIStub
from storage.schema import broadcasts, outbox_deliveries
from tests.admin.conftest import add_subscribers, admin, compose, copies
from tests.conftest import ADMIN_ID, RunningBot, start_bot

ADMIN_COMMANDS = [
    "/broadcast",
    "/sources",
    "/sources add http://127.0.0.1:9/feed",
    "/sources export",
    "/kb",
    "/kb import",
    "/stats",
    "/backup",
]


async def test_non_admin_gets_the_unknown_command_answer_for_every_admin_command(
    stub: BotAPIStub, app: RunningBot
) -> None:
    user = stub.user(7001, language_code="en")
    unknown = localizer("en")("unknown-command", command="/nosuch")
    assert (await user.ask("/nosuch")).text == unknown
    for command in ADMIN_COMMANDS:
        name = command.split()[0]
        assert (await user.ask(command)).text == unknown.replace("/nosuch", name)
    # Not an admin dialog either: a photo afterwards is just an unsupported message.
    user.send_media("photo", caption="not a broadcast")
    assert (await user.reply()).text == localizer("en")("not-understood")
    async with app.services.db.connect() as conn:
        assert (await conn.execute(select(func.count()).select_from(broadcasts))).scalar() == 0


async def test_admin_commands_in_a_group_are_not_the_console(stub: BotAPIStub, app: RunningBot) -> None:
    boss = admin(stub)
    group = stub.group(-100123, "Team", admins={boss.id})
    boss.send("/stats", chat=group)
    boss.send("/broadcast", chat=group)
    await stub.wait_until(lambda: len(stub.calls) > 0)
    assert (await boss.ask("/stats")).text.startswith("Statistics")  # the private chat works
    assert not any("Statistics" in m.text or "Send the message" in m.text for m in stub.sent_to(group.id))


async def test_a_captured_admin_button_pressed_by_a_non_admin_does_nothing(stub: BotAPIStub, app: RunningBot) -> None:
    users = await add_subscribers(app, stub, 3)
    boss = admin(stub)
    confirm = await compose(boss)
    intruder = stub.user(7002, language_code="en")
    sent_before = len(stub.calls_of("copyMessage"))
    for label in ("Send now", "Schedule", "Cancel"):
        query = intruder.press(confirm, data=confirm.button(label)["callback_data"])
        answer = await intruder.callback_answer(query)
        assert answer["text"] == localizer("en")("button-stale")
    forged = intruder.press(confirm, data="admb:1:now")
    assert (await intruder.callback_answer(forged))["text"] == localizer("en")("button-stale")
    assert len(stub.calls_of("copyMessage")) == sent_before
    assert copies(stub, users) == 0
    assert intruder.messages() == []
    async with app.services.db.connect() as conn:
        assert (await conn.execute(select(broadcasts.c.status))).scalar() == "draft"
        assert (await conn.execute(select(func.count()).select_from(outbox_deliveries))).scalar() == 0
    # The admin's own button still works afterwards.
    boss.press(confirm, "Send now")
    report = await boss.reply()
    await stub.wait_until(lambda: "done" in report.text)
    assert copies(stub, users) == 3


async def test_forged_or_stale_admin_buttons_from_the_admin_are_refused(stub: BotAPIStub, app: RunningBot) -> None:
    await add_subscribers(app, stub, 2)
    boss = admin(stub)
    confirm = await compose(boss)
    stale = localizer("en")("button-stale")
    for data in (
        "admb:99:now",
        "admb:99:now:",
        "admba:1:nobody",
        "admba:99:all",
        "admb:1:aud:nobody",
        "admb:1:explode",
        "admb:1:explode:",
        "admb:x:now:",
        "adms:5:pause",
        "admm:1:approve",
        "admw:99",
        "admw:x",
    ):
        query = boss.press(confirm, data=data)
        assert (await boss.callback_answer(query))["text"] == stale, data
    send_now = confirm.button("Send now")["callback_data"]
    boss.press(confirm, data=send_now)
    report = await boss.reply()
    await stub.wait_until(lambda: "done" in report.text)
    assert confirm.buttons == []  # the buttons go once used
    again = boss.press(confirm, data=send_now)  # a copy of the button pressed again: already sent, nothing happens
    assert (await boss.callback_answer(again))["text"] == stale
    assert len(stub.calls_of("copyMessage")) == 1 + 2  # the preview and the two recipients


async def test_admins_get_their_commands_in_their_own_menu_only(stub: BotAPIStub, app: RunningBot) -> None:
    public = [menu for scope, menu in stub.commands.items() if '"default"' in scope[0]]
    assert public and all("broadcast" not in {c["command"] for c in menu} for menu in public)
    boss = admin(stub)
    await boss.ask("/start")  # an admin the bot met: their menu, in their language
    admin_menu = {c["command"] for c in stub.menu(ADMIN_ID, "en")}
    assert {"broadcast", "sources", "kb", "stats", "why"} <= admin_menu
    assert "broadcast" not in {c["command"] for c in stub.menu(7002, "en")}


def described(language: str, *, admin: bool) -> list[dict[str, str]]:
    return [{"command": c.command, "description": c.description} for c in command_menu(language, admin=admin)]


async def test_an_admin_sees_the_console_menu_in_the_apps_language_before_the_first_start(
    stub: BotAPIStub, settings: Settings
) -> None:
    stub.user(ADMIN_ID, language_code="en")  # Telegram knows the chat; the bot's (fresh) database does not
    app = await start_bot(settings, stub)
    try:
        assert stub.menu(ADMIN_ID, "en") == described("en", admin=True)
        assert stub.menu(ADMIN_ID, "kk") == described("kk", admin=True)
        assert stub.menu(ADMIN_ID, "de") == described(settings.default_language, admin=True)
        assert stub.menu(7003, "en") == described("en", admin=False)  # everyone else: the public menu
        boss = stub.user(ADMIN_ID, language_code="en")
        picker = await boss.ask("/language")
        boss.press(picker, "Қазақша")
        await boss.reply()
        await stub.wait_until(lambda: stub.menu(ADMIN_ID, "en") == described("kk", admin=True))  # the choice wins
    finally:
        await app.stop()
