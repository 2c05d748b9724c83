"""Hostile buttons: fuzzed and captured callback data on the non-admin paths (/settings, /language, /members)."""

from __future__ import annotations

import random
import string

from bot.telegram.callbacks import (
    DigestHourShift,
    LanguageChoice,
    ModeChoice,
    NewsLanguageToggle,
    OwnLanguagesOnly,
    PauseChoice,
    QuietPreset,
    ScopeChoice,
    SubscribeAgain,
    ZoneMenu,
)
from domain.languages import LANGUAGES
from domain.subscriptions import MODES, QUIET_PRESET_COUNT, SCOPES
from local_telegram import BotAPIStub, SentMessage
from tests.conftest import RunningBot

VALID = {
    *(ScopeChoice(scope=scope).pack() for scope in SCOPES),
    *(NewsLanguageToggle(code=code).pack() for code in LANGUAGES),
    *(ModeChoice(mode=mode).pack() for mode in MODES),
    *(DigestHourShift(hours=hours).pack() for hours in (-1, 1)),
    *(PauseChoice(paused=paused).pack() for paused in (False, True)),
    *(OwnLanguagesOnly(only=only).pack() for only in (False, True)),
    *(QuietPreset(preset=preset).pack() for preset in range(QUIET_PRESET_COUNT)),
    SubscribeAgain().pack(),
    ZoneMenu().pack(),
    *(LanguageChoice(code=code).pack() for code in LANGUAGES),
}
ALPHABET = string.printable + "абвгд😀\u0301\u202e\x00<>&\"':"


def forged_data(rng: random.Random) -> str:
    """Callback data as a hostile client could send it: a known prefix, or none, and up to 64 bytes of junk."""
    while True:
        prefix = rng.choice(
            [
                "dsc:",
                "dsh:",
                "dsl:",
                "dsm:",
                "dsq:",
                "dsz:",
                "dsp:",
                "lang:",
                "nlang:",
                "members:",
                "members:-",
                "",
                "x:",
            ]
        )
        junk = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40)))
        data = (prefix + junk).encode("utf-8")[:64].decode("utf-8", "ignore")
        valid_page = data.startswith("members:") and data[8:].isdigit()
        if data not in VALID and not valid_page:
            return data


async def test_fuzzed_callback_data_is_always_answered_and_changes_nothing(stub: BotAPIStub, app: RunningBot):
    user = stub.user(6101, language_code="en")
    await user.ask("/start")
    await user.reply()  # the first-taste question
    panel = await user.ask("/settings")
    picker = await user.ask("/language")
    members = await user.ask("/members")
    before = await app.services.subscriptions.get(user.id)
    rng = random.Random(61)
    answers: dict[str, int] = {}
    for _ in range(60):
        data = forged_data(rng)
        message = rng.choice([panel, picker, members])
        answer = await user.callback_answer(user.press(message, data=data))
        answers[answer.get("text") or "(no text)"] = answers.get(answer.get("text") or "(no text)", 0) + 1
    print(f"\nanswers to 60 forged buttons: {answers}")
    assert set(answers) <= {"This button is no longer valid.", "(no text)"}
    assert await app.services.subscriptions.get(user.id) == before
    assert (await user.ask("/help")).text.startswith("What I can do")  # still English, still answering


async def group_panel(stub: BotAPIStub, admin, group) -> SentMessage:
    """The group's /settings panel as its admin gets it."""
    count = len(stub.sent_to(group.id))
    admin.send("/settings", chat=group)
    await stub.wait_until(lambda: len(stub.sent_to(group.id)) > count)
    return stub.sent_to(group.id)[-1]


async def test_a_group_member_cannot_use_a_captured_settings_button(stub: BotAPIStub, app: RunningBot):
    admin = stub.user(6201, language_code="en")
    member = stub.user(6202, language_code="en")
    group = stub.group(-1006203, "Alliance group", admins={admin.id})
    panel = await group_panel(stub, admin, group)
    subscribe = [
        b["callback_data"] for b in panel.buttons if b.get("callback_data", "").startswith(SubscribeAgain().pack())
    ]
    assert subscribe, panel.text
    # A member presses the captured Subscribe button first: refused.
    answer = await member.callback_answer(member.press(panel, data=subscribe[0]))
    assert answer["text"] == "Only the chat's administrators can change its news subscription."
    assert await app.services.subscriptions.get(group.id) is None
    await admin.callback_answer(admin.press(panel, data=subscribe[0]))
    panel = await group_panel(stub, admin, group)
    before = await app.services.subscriptions.get(group.id)
    assert before is not None
    pressed = 0
    for button in panel.buttons:
        if data := button.get("callback_data"):
            answer = await member.callback_answer(member.press(panel, data=data))
            assert answer["text"] == "Only the chat's administrators can change its news subscription."
            pressed += 1
    assert pressed >= 8
    assert await app.services.subscriptions.get(group.id) == before
