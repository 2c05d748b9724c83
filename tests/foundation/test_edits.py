"""An edit that changes nothing is done, for every edit the bot makes; other refusals still raise."""

import pytest
from aiogram.exceptions import TelegramBadRequest

from bot.runtime.factory import create_bot
from local_telegram import BotAPIStub


async def test_an_unchanged_edit_is_done_and_a_real_refusal_still_raises(stub: BotAPIStub, settings) -> None:
    user = stub.user(4200, language_code="en")
    bot = create_bot(settings)
    try:
        sent = await bot.send_message(user.id, "<b>Report</b>: 3 sent")
        assert await bot.edit_message_text("<b>Report</b>: 3 sent", chat_id=user.id, message_id=sent.message_id)
        assert await bot.edit_message_reply_markup(chat_id=user.id, message_id=sent.message_id, reply_markup=None)
        with pytest.raises(TelegramBadRequest, match="message to edit not found"):
            await bot.edit_message_text("other", chat_id=user.id, message_id=sent.message_id + 1000)
    finally:
        await bot.session.close()
    assert user.messages()[-1].text == "Report: 3 sent"
