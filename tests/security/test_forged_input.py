"""Hostile buttons: fuzzed and captured callback data on the non-admin paths (/settings, /language, /members)."""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field

import pytest
from aiogram.filters.callback_data import CallbackData
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from bot.i18n import localizer
from bot.telegram.callbacks import (
    DigestHourShift,
    InquiryAction,
    InquiryStep,
    LanguageChoice,
    ModeChoice,
    NewsLanguageToggle,
    OwnLanguagesOnly,
    PauseChoice,
    QuietPreset,
    ScopeChoice,
    SourceAction,
    SourcePage,
    SourceStep,
    SubscribeAgain,
    ZoneChoice,
    ZoneMenu,
)
from bot.telegram.settings_panel import PREFERENCES
from domain.audit import SHELL
from domain.languages import LANGUAGES
from domain.localtime import KAZAKHSTAN, zone_choices
from domain.sources import NewSource
from domain.subscriptions import MODES, QUIET_PRESET_COUNT, SCOPES
from local_telegram import BotAPIStub, SentMessage, StubUser
from storage.sources import SourceRepository
from tests.admin.conftest import admin
from tests.conftest import RunningBot, settled

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


# Every kind of button on the /settings panel, the /sources list and an /inquiries card. Data that unpacks into
# one of them and names what exists is a button these keyboards carry (or could: a page, an offered zone).
PANEL_DATA: tuple[type[CallbackData], ...] = (
    *(preference.data for preference in PREFERENCES),
    SubscribeAgain,
    ZoneMenu,
    ZoneChoice,
    SourceAction,
    SourcePage,
    InquiryAction,
)
OFFERED_ZONES = {zone for language in LANGUAGES for zone in zone_choices(language, KAZAKHSTAN)}


@dataclass
class Panels:
    """Subscribers in ru, kk and en with their /settings panels, and the admin with /sources and an /inquiries card."""

    app: RunningBot = field(repr=False)
    stub: BotAPIStub = field(repr=False)
    pressable: list[tuple[StubUser, SentMessage]] = field(repr=False)
    source_id: int
    inquiry_id: int

    async def state(self) -> tuple[object, ...]:
        """Everything a press on these keyboards could change, and what the chats show."""
        services = self.app.services
        subscriptions = [await services.subscriptions.get(user.id) for user, _ in self.pressable]
        sources = [(s.id, s.enabled, s.interval_seconds, s.url) for s in await services.source_admin.configured()]
        inquiry = await services.inquiries.get(self.inquiry_id)
        shown = [(m.text, m.reply_markup, m.edits, len(self.stub.sent_to(u.id))) for u, m in self.pressable]
        return subscriptions, sources, inquiry, len(await services.audit.recent(1000)), shown

    def genuine(self, data: str) -> bool:
        for kind in PANEL_DATA:
            try:
                value = kind.unpack(data)
            except (TypeError, ValueError):
                continue
            if isinstance(value, ZoneChoice):
                return value.name in OFFERED_ZONES
            if isinstance(value, SourceAction):
                return value.source == self.source_id
            if isinstance(value, InquiryAction):
                return value.inquiry == self.inquiry_id
            return True
        return False


@pytest.fixture
async def panels(stub: BotAPIStub, app: RunningBot) -> Panels:
    pressable = []
    for number, language in enumerate(LANGUAGES):
        user = stub.user(6301 + number, language_code=language)
        await user.ask("/start")
        await user.reply()  # the first-taste question
        pressable.append((user, await user.ask("/settings")))
    source = await SourceRepository(app.services.db).add(
        NewSource("http://127.0.0.1:9/feed/", "rss", "en", "Center", 3600)
    )
    await app.services.source_admin.set_enabled(source.id, False, actor=SHELL)  # never polled while the test runs
    inquiry = await app.services.inquiries.ask(
        chat_id=6301, message_id=None, language="ru", question="Кто председатель?"
    )
    boss = admin(stub)
    pressable.append((boss, await boss.ask("/sources")))
    assert (await boss.ask("/inquiries")).text.startswith("Questions")
    pressable.append((boss, await boss.reply()))
    assert all(message.buttons for _, message in pressable)
    return Panels(app, stub, pressable, source.id, inquiry.id)


def forged_button() -> st.SearchStrategy[str]:
    """Callback data a hostile client could send: junk after a known prefix (or none), or well-formed data naming
    a source, an inquiry or a zone that is not there; within Telegram's 64 bytes."""
    prefixes = st.sampled_from([f"{kind.__prefix__}:" for kind in PANEL_DATA] + ["", "x:", "dsz", "adms:1:"])
    junk = st.text(st.sampled_from(ALPHABET), max_size=40)
    # Ids of rows that are not there: past the database's INTEGER and past 64 bits too, zero and negative.
    ids = st.integers(min_value=-(10**30), max_value=10**30)
    return st.one_of(
        st.builds(str.__add__, prefixes, junk),
        st.builds(
            lambda source, action, page: f"{SourceAction.__prefix__}:{source}:{action}:{page}",
            ids,
            st.sampled_from(SourceStep),
            st.just("") | ids.map(str),
        ),
        st.builds(
            lambda inquiry, action: f"{InquiryAction.__prefix__}:{inquiry}:{action}", ids, st.sampled_from(InquiryStep)
        ),
        st.builds(
            lambda name: f"{ZoneChoice.__prefix__}:{name}",
            st.text(st.sampled_from(ALPHABET.replace(":", "")), max_size=30),
        ),
    ).map(lambda data: data.encode()[:64].decode("utf-8", "ignore"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=forged_button(), which=st.integers(min_value=0, max_value=4))
@example(data=f"adms:{2**31}:pause:0", which=3)  # PostgreSQL refused the query: "Sorry, something went wrong"
@example(data=f"inq:{2**64}:close", which=4)  # past 64 bits: SQLite refused it too
async def test_any_forged_button_on_settings_sources_or_inquiries_is_refused_and_changes_nothing(
    panels: Panels, data: str, which: int
) -> None:
    assume(not panels.genuine(data))
    user, message = panels.pressable[which]
    before = await panels.state()
    answer = await user.callback_answer(user.press(message, data=data))
    assert answer.get("text") == localizer(user.language_code or "en")("button-stale")
    assert answer.get("show_alert") in (True, "true", "True")
    await settled(panels.app, panels.stub)  # the update handled to the end: nothing more can come of it
    assert await panels.state() == before
