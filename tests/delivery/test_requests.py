"""A request prepared once per message is, for every recipient, the request aiogram itself would send, and
its answers (a message, or any refusal of the strict stub) come back as aiogram's own."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qsl

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramNetworkError
from aiogram.methods import SendMessage, SendPhoto, TelegramMethod
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from hypothesis import given
from hypothesis import strategies as st

from bot.config import Settings
from bot.runtime.factory import create_bot
from bot.telegram.flood import BULK, FloodControl
from bot.telegram.requests import PreparedRequest
from local_telegram import BotAPIStub, Fault
from local_telegram.server import TOKEN

BOT = create_bot(Settings(_env_file=None, bot_token="123:abc", telegram_api_url="http://127.0.0.1:9"))


def _form(method: TelegramMethod[Any]) -> list[tuple[str, Any]]:
    form = BOT.session.build_form_data(BOT, method)  # type: ignore[attr-defined]
    return sorted((options["name"], value) for options, _headers, value in form._fields)


@given(
    text=st.text(min_size=1, max_size=200),
    button=st.one_of(st.none(), st.tuples(st.text(min_size=1, max_size=20), st.just("https://example.org/a"))),
    photo=st.booleans(),
    plain=st.booleans(),
    paid=st.booleans(),
    chat_id=st.integers(-(10**13), 10**13).filter(bool),  # no chat has id 0
    thread=st.one_of(st.none(), st.integers(1, 10**6)),
)
def test_prepared_request_is_what_aiogram_sends(
    text: str, button: tuple[str, str] | None, photo: bool, plain: bool, paid: bool, chat_id: int, thread: int | None
) -> None:
    markup = (
        InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text=button[0], url=button[1])]])
        if button
        else None
    )
    options: dict[str, Any] = {"reply_markup": markup, "allow_paid_broadcast": True if paid else None}
    if plain:
        options["parse_mode"] = None
    if photo:
        template: TelegramMethod[Any] = SendPhoto(chat_id=0, photo="https://example.org/p.jpg", caption=text, **options)
        direct: TelegramMethod[Any] = SendPhoto(
            chat_id=chat_id, photo="https://example.org/p.jpg", caption=text, message_thread_id=thread, **options
        )
    else:
        template = SendMessage(chat_id=0, text=text, **options)
        direct = SendMessage(chat_id=chat_id, text=text, message_thread_id=thread, **options)
    request = PreparedRequest(BOT, template)
    prepared = request.to(chat_id, thread)
    assert prepared.__api_method__ == direct.__api_method__
    assert _form(prepared) == _form(direct)
    # The body posted for the recipient holds the fields, encoded alike, of the form aiogram's session would post.
    posted = BOT.session.build_form_data(BOT, direct)()._value  # type: ignore[attr-defined]
    assert sorted(parse_qsl(request.body(chat_id, thread).decode())) == sorted(parse_qsl(posted.decode()))


@pytest.fixture
async def stub_bot(stub: BotAPIStub) -> AsyncIterator[Bot]:
    bot = create_bot(Settings(_env_file=None, bot_token=TOKEN, telegram_api_url=stub.url))
    yield bot
    await bot.session.close()


async def test_a_prepared_send_delivers_what_a_reader_sees(stub: BotAPIStub, stub_bot: Bot) -> None:
    reader = stub.user(501)
    stub.group(-100777, "Forum", is_forum=True)
    markup = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Читать", url="https://example.org/a")]])
    request = PreparedRequest(stub_bot, SendMessage(chat_id=0, text="<b>Альянс</b> &amp; ESG", reply_markup=markup))

    message_id = await request.send(stub_bot, reader.id, None, FloodControl(1000))

    [message] = stub.messages[reader.id]
    assert message.message_id == message_id
    assert message.text == "Альянс & ESG"
    assert message.reply_markup == {"inline_keyboard": [[{"text": "Читать", "url": "https://example.org/a"}]]}
    assert [(e.type, e.offset, e.length) for e in message.entities] == [("bold", 0, 6)]
    await request.send(stub_bot, -100777, 7, FloodControl(1000))
    assert stub.messages[-100777][0].message_thread_id == 7


REFUSALS: dict[str, Any] = {
    "429": lambda stub: stub.faults.append(Fault(method="sendMessage", status=429, retry_after=3)),
    "blocked": lambda stub: stub.block(501),
    "unknown chat": lambda stub: stub.chats.pop(501),
    "migrated": lambda stub: (stub.group(-501, "Old"), stub.migrate(-501, -100501)),
    "server error": lambda stub: stub.faults.append(Fault(method="sendMessage", status=502)),
    "bad entities": None,
}


@pytest.mark.parametrize("refusal", REFUSALS)
async def test_a_refused_prepared_send_raises_what_aiogram_raises(
    refusal: str, stub: BotAPIStub, stub_bot: Bot
) -> None:
    stub.user(501)
    chat = -501 if refusal == "migrated" else 501
    text = "<b>unclosed" if refusal == "bad entities" else "<b>news</b>"
    if REFUSALS[refusal] is not None:
        REFUSALS[refusal](stub)
    request = PreparedRequest(stub_bot, SendMessage(chat_id=0, text=text))
    BULK.set(True)  # as in the sender's workers: a 429 is raised, not waited out

    with pytest.raises(TelegramAPIError) as lean:
        await request.send(stub_bot, chat, None, FloodControl(1000))
    with pytest.raises(TelegramAPIError) as direct:
        await stub_bot.send_message(chat, text)

    assert type(lean.value) is type(direct.value)
    assert lean.value.message == direct.value.message
    assert vars(lean.value).keys() == vars(direct.value).keys()
    assert {k: v for k, v in vars(lean.value).items() if k != "method"} == {
        k: v for k, v in vars(direct.value).items() if k != "method"
    }
    assert stub.messages.get(chat, []) == []


async def test_an_unreachable_api_is_a_network_error() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    bot = create_bot(Settings(_env_file=None, bot_token=TOKEN, telegram_api_url=f"http://127.0.0.1:{port}"))
    try:
        with pytest.raises(TelegramNetworkError):
            await PreparedRequest(bot, SendMessage(chat_id=0, text="x")).send(bot, 501, None, FloodControl(1000))
    finally:
        await bot.session.close()
