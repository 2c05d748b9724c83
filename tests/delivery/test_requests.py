"""A request prepared once per message is, for every recipient, the request aiogram itself would send."""

from __future__ import annotations

from typing import Any

from aiogram.methods import SendMessage, SendPhoto, TelegramMethod
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from hypothesis import given
from hypothesis import strategies as st

from bot.config import Settings
from bot.delivery.requests import PreparedRequest
from bot.factory import create_bot

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
    chat_id=st.integers(-(10**13), 10**13),
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
    prepared = PreparedRequest(BOT, template).to(chat_id, thread)
    assert prepared.__api_method__ == direct.__api_method__
    assert _form(prepared) == _form(direct)
