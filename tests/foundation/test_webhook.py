"""Webhook mode: Telegram's secret header is required; updates reach the same handlers; a body that is not an update
is refused with 400, and an update delivered more than once is handled once."""

import asyncio
import itertools
import json
import logging
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.runtime.app import WEBHOOK_PATH, create_webhook_app, webhook_url
from bot.runtime.bootstrap import bootstrap
from bot.runtime.factory import create_dispatcher
from domain.clock import utcnow
from local_telegram import BotAPIStub
from local_telegram.server import WAIT, StubUser
from storage.inbox import DONE, InboxRepository
from storage.schema import update_inbox
from tests.conftest import make_settings


async def test_webhook_checks_the_secret_and_handles_updates(stub: BotAPIStub, database_url: str) -> None:
    settings = make_settings(stub, database_url, webhook_url="https://bot.example.org", webhook_secret="s3cret-token_1")
    assert webhook_url(settings) == "https://bot.example.org" + WEBHOOK_PATH
    services = bootstrap(settings)
    await services.start()
    bot = services.bot
    assert bot is not None
    dp = create_dispatcher(services)
    user = stub.user(2001, language_code="en")
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 2001, "type": "private", "first_name": "A"},
            "from": user.as_user(),
            "text": "/help",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }
    async with TestClient(TestServer(create_webhook_app(bot, dp, settings))) as client:
        refused = await client.post(WEBHOOK_PATH, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
        assert refused.status == 401
        accepted = await client.post(
            WEBHOOK_PATH, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token_1"}
        )
        assert accepted.status == 200
        reply = await user.reply()
        assert reply.text.startswith("What I can do")
    await bot.session.close()


SECRET = "s3cret-token_1"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
_update_ids = itertools.count(1000)


@dataclass
class Webhook:
    client: TestClient[web.Request, web.Application]
    stub: BotAPIStub
    inbox: InboxRepository


@pytest.fixture
async def webhook(stub: BotAPIStub, database_url: str) -> AsyncIterator[Webhook]:
    settings = make_settings(stub, database_url, webhook_url="https://bot.example.org", webhook_secret=SECRET)
    services = bootstrap(settings)
    await services.start()
    assert services.bot is not None
    dp = create_dispatcher(services)
    async with TestClient(TestServer(create_webhook_app(services.bot, dp, settings))) as client:
        yield Webhook(client, stub, InboxRepository(services.db))


def help_update(update_id: int, user: StubUser) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": user.id, "type": "private", "first_name": "A"},
            "from": user.as_user(),
            "text": "/help",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
malformed_bodies = st.one_of(
    st.binary(max_size=200).filter(lambda body: not body.strip().startswith(b"{")),
    json_values.filter(lambda value: not isinstance(value, dict) or type(value.get("update_id")) is not int).map(
        lambda value: json.dumps(value).encode()
    ),
    # A real update id with a body that is not an update of any kind Telegram sends.
    st.tuples(st.integers(1, 2**31), st.sampled_from(["message", "callback_query", "my_chat_member"]), json_values)
    .filter(lambda parts: not isinstance(parts[2], dict))
    .map(lambda parts: json.dumps({"update_id": parts[0], parts[1]: parts[2]}).encode()),
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=malformed_bodies)
async def test_a_body_that_is_not_an_update_is_refused_with_400_and_no_traceback(
    webhook: Webhook, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.clear()
    answer = await webhook.client.post(WEBHOOK_PATH, data=body, headers=HEADERS)
    assert answer.status == 400
    assert not [record for record in caplog.records if record.exc_info or record.levelno >= logging.ERROR]
    assert [record.message for record in caplog.records if record.name == "bot.telegram.inbox"] == ["webhook.malformed"]


@settings(max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(copies=st.lists(st.integers(1, 4), min_size=1, max_size=6), order=st.randoms(use_true_random=False))
async def test_an_update_delivered_twice_or_more_is_handled_once(
    webhook: Webhook, copies: list[int], order: random.Random
) -> None:
    # Telegram repeats a delivery it did not see answered: any number of copies, in any order, some at once.
    users = [webhook.stub.user(3000 + next(_update_ids)) for _ in copies]
    updates = [help_update(next(_update_ids), user) for user in users]
    deliveries = [update for update, count in zip(updates, copies, strict=True) for _ in range(count)]
    order.shuffle(deliveries)
    half = len(deliveries) // 2
    for update in deliveries[:half]:
        assert (await webhook.client.post(WEBHOOK_PATH, json=update, headers=HEADERS)).status == 200
    answers = await asyncio.gather(
        *(webhook.client.post(WEBHOOK_PATH, json=update, headers=HEADERS) for update in deliveries[half:])
    )
    assert {answer.status for answer in answers} <= {200}
    # The event a second answer would come from: every update handled to its end.
    ids = {update["update_id"] for update in updates}
    await webhook.stub.wait_until(lambda: all(user.messages() for user in users))
    async with asyncio.timeout(WAIT):
        while {state for update_id, (state, _) in (await webhook.inbox.states()).items() if update_id in ids} != {DONE}:
            await asyncio.sleep(0.05)
    assert [len(user.messages()) for user in users] == [1] * len(users)


async def test_an_update_left_by_a_dead_replica_is_handled_by_the_leader_once(
    stub: BotAPIStub, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(
        stub, database_url, webhook_url="https://bot.example.org", webhook_secret=SECRET, lease_seconds=3
    )
    services = bootstrap(settings)
    await services.start()
    assert services.bot is not None
    user = stub.user(4001, language_code="en")
    update = help_update(77, user)
    # Another replica stored the update (Telegram got its 200) and died handling it: its claim stopped being renewed.
    inbox = InboxRepository(services.db)
    assert await inbox.receive([(77, json.dumps(update))], "replica-b:1:dead00") == {77}
    async with services.db.begin() as conn:
        await conn.execute(
            sa.update(update_inbox).values(claimed_at=utcnow() - timedelta(seconds=settings.lease_seconds + 1))
        )
    dp = create_dispatcher(services)
    async with TestClient(TestServer(create_webhook_app(services.bot, dp, settings))) as client:
        reply = await user.reply()
        assert reply.text.startswith("What I can do")
        async with asyncio.timeout(WAIT):  # its end is recorded after the reply
            while await inbox.states() != {77: (DONE, 2)}:
                await asyncio.sleep(0.05)
        # Telegram delivers it once more (it never saw the dead replica's answer): not handled again.
        caplog.set_level(logging.INFO, logger="bot.telegram.inbox")
        assert (await client.post(WEBHOOK_PATH, json=update, headers=HEADERS)).status == 200
        async with asyncio.timeout(WAIT):  # the event a second answer would come from: the copy reached the inbox
            while "update.duplicate" not in [record.message for record in caplog.records]:
                await asyncio.sleep(0.05)
    assert len(user.messages()) == 1
