"""Rendered messages go through the real aiogram Bot to the strict Bot API stub and are accepted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.rendering import RenderedMessage, render_digest, render_entry, split_html
from bot.runtime.factory import create_bot
from local_telegram import BotAPIStub
from tests.conftest import make_settings
from tests.rendering.test_entry import stored
from tests.support.feeds import PNG, FeedSite

HOSTILE = (
    "<p onclick='x()'>Альянс &nbsp;<b>основан<i> в Шанхае</b></i> &lt;3 &amp; 5 > 4</p>"
    "<script>document.write('<b>')</script><iframe>x</iframe>"
    '<a href="javascript:alert(1)">js</a> <a href="https://a.kz">out<a href="https://b.kz">in</a></a>'
    + "<p>Очень длинный абзац про низкоуглеродные технологии 🌱 и e\u0301. </p>"
    * 120
)


@pytest.fixture
async def bot(stub: BotAPIStub, tmp_path: Path) -> AsyncIterator[Bot]:
    bot = create_bot(make_settings(stub, f"sqlite+aiosqlite:///{tmp_path}/t.sqlite3"))
    yield bot
    await bot.session.close()


async def send(bot: Bot, chat_id: int, message: RenderedMessage, *, as_photo: bool) -> None:
    markup = None
    if message.button_text and message.button_url:
        button = InlineKeyboardButton(text=message.button_text, url=message.button_url)
        markup = InlineKeyboardMarkup(inline_keyboard=[[button]])
    if as_photo and message.photo_url:
        await bot.send_photo(chat_id, message.photo_url, caption=message.caption, reply_markup=markup)
    else:
        await bot.send_message(chat_id, message.text, reply_markup=markup)


async def test_hostile_entry_is_accepted_as_text_and_as_photo(stub: BotAPIStub, bot: Bot, site: FeedSite) -> None:
    user = stub.user(5001)
    # Telegram fetches a photo given by URL; the stub fetches it from this local site.
    image = site.serve("/forum.jpg", PNG, content_type="image/png")
    message = render_entry(stored(summary=HOSTILE, image=image), "kk")
    await send(bot, user.id, message, as_photo=False)
    await send(bot, user.id, message, as_photo=True)
    text, photo = stub.sent_to(user.id)
    assert text.kind == "text"
    assert photo.kind == "photo"
    assert text.text.startswith("Альянс по инновациям & низкоуглеродные технологии\n2025 жылғы 12 маусым · МЦЗТИП")
    assert "Альянс основан в Шанхае <3 & 5 > 4" in text.text
    assert "document.write" not in text.text
    assert text.text.endswith("…")
    assert photo.text.endswith("…")
    assert text.button("Сайттан оқу")["url"] == "https://igtipc.org/2025/06/12/9036"


async def test_split_broadcast_and_digest_are_accepted(stub: BotAPIStub, bot: Bot) -> None:
    user = stub.user(5002)
    broadcast = "<b>Объявление</b>\n\n" + "<i>Строка с эмодзи 👨‍👩‍👧 и флагом 🇰🇿.</i>\n" * 300
    pieces = split_html(broadcast)
    assert len(pieces) > 1
    for piece in pieces:
        await bot.send_message(user.id, piece)
    digest = render_digest([stored(title=f"Новость {i} " * 20, entry_id=i) for i in range(80)], "ru", "week")
    for message in digest:
        await bot.send_message(user.id, message.text)
    sent = stub.sent_to(user.id)
    assert len(sent) == len(pieces) + len(digest)
    assert sent[0].text.startswith("Объявление\n\nСтрока с эмодзи 👨‍👩‍👧 и флагом 🇰🇿.")
