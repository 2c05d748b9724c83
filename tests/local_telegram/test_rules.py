"""The local Telegram refuses what Telegram refuses and accepts what it accepts, method by method.

Each test sends over HTTP what a bot could send and checks the answer against the Bot API documentation
(core.telegram.org/bots/api) and the Bot API server's wording (tdlib/telegram-bot-api).
"""

from __future__ import annotations

import string
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from local_telegram import BotAPIStub
from tests.local_telegram.test_strictness import _keyboard, call

QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)
COMMAND_CHARS = string.ascii_lowercase + string.digits + "_"
TOKEN_CHARS = string.ascii_letters + string.digits + "_-"
EMOJI = "\U0001f600"  # one character, two UTF-16 units
STUB_SETTINGS = settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)


def _commands(*names: str, description: str = "Does it") -> list[dict[str, str]]:
    return [{"command": name, "description": description} for name in names]


# -- setMyCommands (#botcommand, #setmycommands) ------------------------------------------------------


@STUB_SETTINGS
@given(st.text(alphabet=COMMAND_CHARS, min_size=1, max_size=32))
async def test_a_command_of_1_to_32_lowercase_letters_digits_and_underscores_is_kept(
    stub: BotAPIStub, name: str
) -> None:
    assert (await call(stub, "setMyCommands", commands=_commands(name)))["ok"]
    assert (await call(stub, "getMyCommands"))["result"] == _commands(name)


@STUB_SETTINGS
@given(
    st.text(alphabet=COMMAND_CHARS, max_size=15),
    # printable: TDLib cleans control characters out of input strings before anything is checked
    st.characters(codec="utf-8").filter(lambda c: c not in COMMAND_CHARS + "/" and c.isprintable() and c != " "),
    st.text(alphabet=COMMAND_CHARS, max_size=15),
)
async def test_a_command_with_any_other_character_is_refused(stub: BotAPIStub, head: str, odd: str, tail: str) -> None:
    answer = await call(stub, "setMyCommands", commands=_commands(head + odd + tail))
    assert answer["description"] == "Bad Request: BOT_COMMAND_INVALID"


async def test_a_command_longer_than_32_or_empty_is_refused(stub: BotAPIStub) -> None:
    assert (await call(stub, "setMyCommands", commands=_commands("a" * 33)))["description"] == (
        "Bad Request: command length must not exceed 32"
    )
    assert (await call(stub, "setMyCommands", commands=_commands(" ")))["description"] == (
        "Bad Request: command must be non-empty"
    )


async def test_a_leading_slash_and_spaces_are_dropped_as_tdlib_does(stub: BotAPIStub) -> None:
    assert (await call(stub, "setMyCommands", commands=_commands(" /start ")))["ok"]
    assert (await call(stub, "getMyCommands"))["result"] == _commands("start")


@pytest.mark.parametrize(
    ("description", "error"),
    [
        ("", "Bad Request: command description must be non-empty"),
        ("   ", "Bad Request: command description must be non-empty"),
        ("x" * 257, "Bad Request: command description length must not exceed 256"),
        (EMOJI * 256, None),  # 256 characters, 512 UTF-16 units
        ("x", None),
    ],
)
async def test_a_description_has_1_to_256_characters(stub: BotAPIStub, description: str, error: str | None) -> None:
    answer = await call(stub, "setMyCommands", commands=_commands("start", description=description))
    assert answer.get("description") == error


@pytest.mark.parametrize(("count", "ok"), [(100, True), (101, False)])
async def test_at_most_100_commands(stub: BotAPIStub, count: int, ok: bool) -> None:
    answer = await call(stub, "setMyCommands", commands=_commands(*(f"c{i}" for i in range(count))))
    assert answer["ok"] is ok


@STUB_SETTINGS
@given(st.text(max_size=6))
async def test_a_language_code_is_two_lowercase_letters_or_empty(stub: BotAPIStub, code: str) -> None:
    answer = await call(stub, "setMyCommands", commands=_commands("start"), language_code=code)
    valid = code == "" or (len(code) == 2 and all(c in string.ascii_lowercase for c in code))
    assert answer["ok"] is valid, answer
    if not valid:
        assert answer["description"] == "Bad Request: invalid language code specified"


@pytest.mark.parametrize(
    ("scope", "error"),
    [
        ({"type": "all_group_chats"}, None),
        ({"type": "all_chat_administrators"}, None),
        ({"type": "chat", "chat_id": 7}, None),
        ({"type": "everyone"}, "Bad Request: can't parse BotCommandScope: Unsupported type specified"),
        ({"type": "chat"}, "Bad Request: can't parse BotCommandScope: Can't find field \"chat_id\""),
        ({"type": "chat_administrators", "chat_id": 7}, "Bad Request: can't use specified scope in private chats"),
        (
            {"type": "chat_member", "chat_id": -100},
            "Bad Request: can't parse BotCommandScope: Invalid user_id specified",
        ),
        ({"type": "chat_member", "chat_id": -100, "user_id": 7}, None),
    ],
)
async def test_a_scope_is_one_of_telegrams_and_fits_its_chat(
    stub: BotAPIStub, scope: dict[str, Any], error: str | None
) -> None:
    stub.user(7)
    stub.group(-100)
    answer = await call(stub, "setMyCommands", commands=_commands("start"), scope=scope)
    assert answer.get("description") == error


# -- answerCallbackQuery (#answercallbackquery) -------------------------------------------------------


async def test_a_callback_answer_needs_a_query_a_user_made_and_only_once(stub: BotAPIStub) -> None:
    user = stub.user(1)
    await call(stub, "sendMessage", chat_id=user.id, text="k", reply_markup=_keyboard(1, 1))
    assert (await call(stub, "answerCallbackQuery", callback_query_id="4242"))["description"] == QUERY_INVALID
    query = user.press(stub.sent_to(user.id)[0], data="x")
    assert (await call(stub, "answerCallbackQuery", callback_query_id=query))["ok"]
    assert (await call(stub, "answerCallbackQuery", callback_query_id=query))["description"] == QUERY_INVALID


@pytest.mark.parametrize(("text", "ok"), [(EMOJI * 200, True), ("x" * 201, False)])
async def test_a_callback_answer_text_has_at_most_200_characters(stub: BotAPIStub, text: str, ok: bool) -> None:
    user = stub.user(1)
    await call(stub, "sendMessage", chat_id=user.id, text="k", reply_markup=_keyboard(1, 1))
    query = user.press(stub.sent_to(user.id)[0], data="x")
    assert (await call(stub, "answerCallbackQuery", callback_query_id=query, text=text))["ok"] is ok


# -- setWebhook (#setwebhook) -------------------------------------------------------------------------


@STUB_SETTINGS
@given(st.integers(min_value=1, max_value=65535))
async def test_a_webhook_listens_on_443_80_88_or_8443_only(stub: BotAPIStub, port: int) -> None:
    answer = await call(stub, "setWebhook", url=f"https://bot.example.org:{port}/hook")
    if port in (443, 80, 88, 8443):
        assert answer["ok"]
    else:
        assert answer["description"] == (
            "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
        )
    await call(stub, "deleteWebhook")


async def test_a_webhook_is_https(stub: BotAPIStub) -> None:
    answer = await call(stub, "setWebhook", url="http://bot.example.org/hook")
    assert answer["description"] == "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
    assert stub.webhook_url == ""
    assert (await call(stub, "setWebhook", url="https://bot.example.org/hook"))["ok"]
    assert (await call(stub, "setWebhook", url=""))["ok"]  # an empty URL removes the webhook


@STUB_SETTINGS
@given(st.text(max_size=300))
async def test_a_secret_token_has_up_to_256_letters_digits_underscores_and_hyphens(
    stub: BotAPIStub, token: str
) -> None:
    answer = await call(stub, "setWebhook", url="https://bot.example.org/hook", secret_token=token)
    if len(token) > 256:
        assert answer["description"] == "Bad Request: secret token is too long"
    elif not set(token) <= set(TOKEN_CHARS):
        assert answer["description"] == "Bad Request: secret token contains unallowed characters"
    else:
        assert answer["ok"]
    await call(stub, "deleteWebhook")


# -- answerInlineQuery (#answerinlinequery, #inlinequeryresultarticle, #inputtextmessagecontent) -------


def _article(result_id: str = "1", title: str = "Title", text: str = "Text") -> dict[str, Any]:
    return {
        "type": "article",
        "id": result_id,
        "title": title,
        "input_message_content": {"message_text": text},
    }


async def _answer(stub: BotAPIStub, results: list[dict[str, Any]]) -> dict[str, Any]:
    query = stub.user(1).inline("q")
    return await call(stub, "answerInlineQuery", inline_query_id=query, results=results)


@STUB_SETTINGS
@given(st.text(min_size=1).filter(lambda s: len(s.encode()) <= 64))
async def test_a_result_id_of_1_to_64_bytes_is_accepted(stub: BotAPIStub, result_id: str) -> None:
    assert (await _answer(stub, [_article(result_id)]))["ok"]


@STUB_SETTINGS
@given(st.text(min_size=17, max_size=80).filter(lambda s: len(s.encode()) > 64))
async def test_a_result_id_over_64_bytes_is_refused(stub: BotAPIStub, result_id: str) -> None:
    assert (await _answer(stub, [_article(result_id)]))["description"] == "Bad Request: RESULT_ID_INVALID"


@pytest.mark.parametrize(
    ("result", "error"),
    [
        (_article(title=""), "Bad Request: ARTICLE_TITLE_EMPTY"),
        (
            {"type": "article", "id": "1", "input_message_content": {"message_text": "t"}},
            "Bad Request: can't parse inline query result: Can't find field \"title\"",
        ),
        (_article(text=""), "Bad Request: can't parse inline query result: Input message content is not specified"),
        (
            {"type": "article", "id": "1", "title": "t"},
            "Bad Request: can't parse inline query result: Can't find field \"message_text\"",
        ),
        (_article(result_id=""), "Bad Request: RESULT_ID_INVALID"),
        (_article(text="x" * 4097), "Bad Request: MESSAGE_TOO_LONG"),
        (_article(text=EMOJI * 4096), None),
        (_article(text=" "), "Bad Request: text must be non-empty"),
    ],
)
async def test_an_article_has_a_title_and_a_text_of_1_to_4096_characters(
    stub: BotAPIStub, result: dict[str, Any], error: str | None
) -> None:
    assert (await _answer(stub, [result])).get("description") == error


@pytest.mark.parametrize(("count", "ok"), [(50, True), (51, False)])
async def test_at_most_50_results(stub: BotAPIStub, count: int, ok: bool) -> None:
    assert (await _answer(stub, [_article(str(i)) for i in range(count)]))["ok"] is ok


async def test_an_inline_answer_needs_a_query_a_user_made(stub: BotAPIStub) -> None:
    answer = await call(stub, "answerInlineQuery", inline_query_id="777", results=[_article()])
    assert answer["description"] == QUERY_INVALID


# -- texts, captions and parse modes (#sendmessage, #formatting-options) ------------------------------


@pytest.mark.parametrize(("text", "ok"), [(EMOJI * 4096, True), ("я" * 4096, True), (EMOJI * 4097, False)])
async def test_a_text_has_at_most_4096_characters_not_utf16_units(stub: BotAPIStub, text: str, ok: bool) -> None:
    user = stub.user(1)
    answer = await call(stub, "sendMessage", chat_id=user.id, text=text)
    assert answer["ok"] is ok
    if not ok:
        assert answer["description"] == "Bad Request: message is too long"


@pytest.mark.parametrize(
    ("text", "parse_mode", "error"),
    [
        ("", None, "Bad Request: message text is empty"),
        (" \n ", None, "Bad Request: text must be non-empty"),
        ("<b> </b>", "HTML", "Bad Request: text must be non-empty"),
        ("<b>x</b>", "none", None),  # "none" is plain text: the tags stay as written
        ("<b>x</b>", "NONE", None),
        ("x", "hTmL", None),
        ("x", "rich", "Bad Request: unsupported parse_mode"),
    ],
)
async def test_empty_texts_and_parse_modes_as_telegram_answers(
    stub: BotAPIStub, text: str, parse_mode: str | None, error: str | None
) -> None:
    user = stub.user(1)
    params = {"parse_mode": parse_mode} if parse_mode else {}
    answer = await call(stub, "sendMessage", chat_id=user.id, text=text, **params)
    assert answer.get("description") == error
    if parse_mode and parse_mode.lower() == "none":
        assert stub.sent_to(user.id)[-1].text == "<b>x</b>"


# -- edits (#editmessagetext, #editmessagecaption, #editmessagereplymarkup) ----------------------------


async def test_an_identical_edit_is_not_modified_with_telegrams_words_for_every_method(stub: BotAPIStub) -> None:
    user = stub.user(1)
    markup = _keyboard(1, 1)
    sent = await call(stub, "sendMessage", chat_id=user.id, text="same", reply_markup=markup)
    message_id = sent["result"]["message_id"]
    target = {"chat_id": user.id, "message_id": message_id}
    assert (await call(stub, "editMessageText", **target, text="same", reply_markup=markup))["description"] == (
        NOT_MODIFIED
    )
    assert (await call(stub, "editMessageReplyMarkup", **target, reply_markup=markup))["description"] == NOT_MODIFIED
    stub.files["doc"] = b"x"
    sent = await call(stub, "sendDocument", chat_id=user.id, document="doc", caption="same")
    target["message_id"] = sent["result"]["message_id"]
    assert (await call(stub, "editMessageCaption", **target, caption="same"))["description"] == NOT_MODIFIED


@pytest.mark.parametrize(("limit", "count"), [(0, 1), (-5, 1), (2, 2), (1000, 3), (None, 3)])
async def test_get_updates_clamps_its_limit_to_1_100(stub: BotAPIStub, limit: int | None, count: int) -> None:
    user = stub.user(1)
    for text in ("a", "b", "c"):
        user.send(text)
    params = {} if limit is None else {"limit": limit}
    assert len((await call(stub, "getUpdates", timeout=0, **params))["result"]) == count


async def test_a_reply_names_a_message_of_the_chat_unless_allowed_without_it(stub: BotAPIStub) -> None:
    user = stub.user(1)
    said = user.send("hello")["message"]["message_id"]
    ok = await call(stub, "sendMessage", chat_id=user.id, text="r", reply_parameters={"message_id": said})
    assert ok["ok"]
    mine = ok["result"]["message_id"]
    assert (await call(stub, "sendMessage", chat_id=user.id, text="r", reply_parameters={"message_id": mine}))["ok"]
    missing = {"message_id": 999_999}
    answer = await call(stub, "sendMessage", chat_id=user.id, text="r", reply_parameters=missing)
    assert answer["description"] == "Bad Request: message to be replied not found"
    missing["allow_sending_without_reply"] = True
    assert (await call(stub, "sendMessage", chat_id=user.id, text="r", reply_parameters=missing))["ok"]
    legacy = await call(stub, "sendMessage", chat_id=user.id, text="r", reply_to_message_id=999_999)
    assert legacy["description"] == "Bad Request: message to be replied not found"
