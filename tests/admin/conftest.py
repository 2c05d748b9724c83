"""Helpers for admin console tests: subscribers stored directly (fast), the admin as a stub user."""

from __future__ import annotations

from local_telegram import BotAPIStub, SentMessage
from local_telegram.server import StubUser
from storage.chats import ChatRepository
from storage.subscriptions import SubscriptionRepository
from tests.conftest import ADMIN_ID, RunningBot


async def add_subscribers(
    app: RunningBot, stub: BotAPIStub, count: int, *, first_id: int = 10_000, language: str = "ru"
) -> list[StubUser]:
    """`count` private subscribers the stub knows, stored without going through /start (keeps tests fast)."""
    chats: ChatRepository = app.services.chats
    repository = SubscriptionRepository(app.services.db)
    users = []
    for user_id in range(first_id, first_id + count):
        users.append(stub.user(user_id, language_code=language))
        await chats.meet(user_id, type="private", language=language, title=None, username=None)
        await repository.subscribe(user_id, languages=[language])
    return users


def admin(stub: BotAPIStub) -> StubUser:
    return stub.user(ADMIN_ID, first_name="Admin", language_code="en")


async def compose(
    user: StubUser, send: str | None = "<b>Hello</b> subscribers", *, audience: str = "Everyone"
) -> SentMessage:
    """Go through /broadcast up to the confirmation (preview and count); returns the confirmation message."""
    assert "Send the message" in (await user.ask("/broadcast")).text
    if send is not None:
        user.send(send)
    choose = await user.reply()
    assert choose.text == "Who should receive it?"
    user.press(choose, audience)
    assert (await user.reply()).text.startswith("Preview")
    preview = await user.reply()
    assert preview.kind == "copy"
    return await user.reply()


def copies(stub: BotAPIStub, users: list[StubUser]) -> int:
    return sum(1 for user in users for message in stub.sent_to(user.id) if message.kind == "copy")
