"""The local Telegram is as strict as Telegram, no more and no less (TDLib's parse_html and link rules).

Each check is what the real Bot API answers; a stub stricter than Telegram would make the bot's plain-text
fallback fire where Telegram would have shown the formatting, a laxer one would hide a refusal.
"""

from __future__ import annotations

import ast
import json
import string
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from local_telegram import BotAPIStub, EntityParseError, Fault, parse_html
from local_telegram.urls import LinkError, normalise_link
from tests.support.feeds import PNG, FeedSite

PACKAGE = Path(__file__).resolve().parents[2] / "local_telegram"
TOKEN_CHARS = string.ascii_letters + string.digits + ".-"


async def call(stub: BotAPIStub, method: str, **params: Any) -> dict[str, Any]:
    body = {key: json.dumps(value) if isinstance(value, dict | list) else value for key, value in params.items()}
    async with aiohttp.ClientSession() as session, session.post(f"{stub.url}/bot{stub.token}/{method}", json=body) as r:
        answer: dict[str, Any] = await r.json()
        return answer


def test_the_package_imports_neither_the_bot_nor_the_tests() -> None:
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert name.split(".")[0] not in {"bot", "handlers", "storage", "tests"}, (path.name, name)


# -- HTML ---------------------------------------------------------------------------------------------


@given(st.integers(min_value=-(2**63), max_value=2**63 - 1).filter(bool))
def test_tg_emoji_with_a_numeric_id_is_a_custom_emoji(emoji_id: int) -> None:
    parsed = parse_html(f'<tg-emoji emoji-id="{emoji_id}">👍</tg-emoji>')
    assert [(e.type, e.custom_emoji_id) for e in parsed.entities] == [("custom_emoji", str(emoji_id))]


@given(st.text(min_size=1).filter(lambda s: not s.strip().lstrip("-+").isdecimal() or int(s.strip()) == 0))
def test_tg_emoji_without_a_numeric_id_is_refused(emoji_id: str) -> None:
    escaped = emoji_id.replace("&", "&amp;").replace('"', "&quot;")
    with pytest.raises(EntityParseError, match="Invalid custom emoji identifier"):
        parse_html(f'<tg-emoji emoji-id="{escaped}">👍</tg-emoji>')


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_characters="<>&\"' \t\n\r\v\f\x00"), min_size=1))
def test_an_unquoted_attribute_value_takes_only_letters_digits_periods_and_hyphens(value: str) -> None:
    source = f"<code class={value}>x</code>"
    if all(char in TOKEN_CHARS for char in value):
        assert parse_html(source).text == "x"
    else:
        with pytest.raises(EntityParseError, match="Unexpected end of name token at byte offset 12"):
            parse_html(source)


@given(st.sampled_from(["lt", "gt", "amp", "quot"]), st.sampled_from(["", ";"]), st.text(alphabet=" .,!1"))
def test_named_entities_decode_with_or_without_semicolon(name: str, end: str, tail: str) -> None:
    expected = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}[name]
    assert parse_html(f"a&{name}{end}{tail}!").text == f"a{expected}{tail}!"


@given(st.text(alphabet=string.ascii_letters, min_size=1).filter(lambda n: n not in {"lt", "gt", "amp", "quot"}))
def test_other_named_entities_stay_as_written(name: str) -> None:
    # Telegram does not refuse &nbsp; &copy; ...: the text shows them literally.
    assert parse_html(f"x &{name}; y").text == f"x &{name}; y"


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_characters="<&"), min_size=1))
def test_a_bare_greater_than_and_any_text_without_tags_is_accepted(text: str) -> None:
    assert parse_html(f"<b>{text}</b> 5 > 4!").text.endswith("5 > 4!")


@given(st.integers(min_value=32, max_value=0x10FFFE).filter(lambda c: not 0xD800 <= c <= 0xDFFF))
def test_numeric_entities_decode(code: int) -> None:
    # (Telegram then drops a few characters from any text: bidi controls, separators, some combining marks.)
    kept = "" if code in {0x2028, 0x2029, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x333, 0x33F, 0x30A} else chr(code)
    assert parse_html(f"a&#{code};z&#x{code:x};z&#{code}").text == f"a{kept}z{kept}z{kept}".rstrip(" \n")


def test_unescaped_less_than_is_refused_with_telegrams_message() -> None:
    with pytest.raises(EntityParseError, match='Unsupported start tag "" at byte offset 2'):
        parse_html("a < b")
    with pytest.raises(EntityParseError, match="Unclosed start tag at byte offset 2"):
        parse_html("a <b")


def test_nested_links_keep_the_outer_one() -> None:
    parsed = parse_html('<a href="https://a.kz">out <a href="https://b.kz">in</a></a>')
    assert parsed.text == "out in"
    assert parsed.links == ("https://a.kz",)


@pytest.mark.parametrize("inner", ["b", "i", "u", "s", "tg-spoiler"])
@pytest.mark.parametrize("outer", ["code", "pre"])
def test_formatting_vanishes_inside_code_and_pre(inner: str, outer: str) -> None:
    parsed = parse_html(f"<{outer}>x<{inner}>y</{inner}></{outer}> <{inner}>z</{inner}>")
    assert parsed.entities[0].type == outer
    assert len(parsed.entities) == 2  # the formatting outside stays


def test_a_link_inside_code_is_dropped_and_code_inside_pre_gives_the_language() -> None:
    assert parse_html('<code>x <a href="https://a.kz">y</a></code>').links == ()
    (pre,) = parse_html('<pre><code class="language-python">x</code></pre>').entities
    assert (pre.type, pre.language) == ("pre", "python")


def test_a_blockquote_inside_a_blockquote_is_dropped() -> None:
    parsed = parse_html("<blockquote>a<blockquote expandable>b</blockquote></blockquote>")
    assert [e.type for e in parsed.entities] == ["blockquote"]


@given(st.sampled_from(["localhost", "intranet", "http://server:8080/x", "ftp://a.kz", "http://a.kz:0/"]))
def test_a_link_telegram_refuses_is_dropped_but_its_text_stays(href: str) -> None:
    parsed = parse_html(f'<a href="{href}">read</a>')
    assert (parsed.text, parsed.links) == ("read", ())


# -- link rules ---------------------------------------------------------------------------------------

HOST_LABEL = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=10)


@given(HOST_LABEL, HOST_LABEL, st.sampled_from(["http", "https"]))
def test_a_host_with_a_dot_is_a_link(name: str, zone: str, scheme: str) -> None:
    assert normalise_link(f"{scheme}://{name}.{zone}/p") == f"{scheme}://{name}.{zone}/p"


@given(HOST_LABEL, st.sampled_from(["http://", "https://", ""]))
def test_a_host_without_a_dot_is_refused(name: str, scheme: str) -> None:
    with pytest.raises(LinkError, match="Wrong HTTP URL"):
        normalise_link(f"{scheme}{name}/p")


@given(st.one_of(st.just(""), st.integers(min_value=65536, max_value=10**8).map(str), st.just("0")))
def test_an_empty_zero_or_too_large_port_is_refused(port: str) -> None:
    with pytest.raises(LinkError, match="Wrong port number"):
        normalise_link(f"https://a.kz:{port}/")


@given(st.integers(min_value=1, max_value=65535))
def test_a_port_in_range_is_kept(port: int) -> None:
    assert normalise_link(f"http://127.0.0.1:{port}/x") == f"http://127.0.0.1:{port}/x"


def test_tg_links_are_allowed_without_port_or_https() -> None:
    assert normalise_link("tg://resolve?domain=alliance_bot") == "tg://resolve?domain=alliance_bot"
    with pytest.raises(LinkError, match="Wrong tg URL"):
        normalise_link("tg://resolve:80?domain=x")


# -- methods ------------------------------------------------------------------------------------------


def _keyboard(rows: int, per_row: int) -> dict[str, Any]:
    return {
        "inline_keyboard": [[{"text": f"{r}-{c}", "callback_data": "x"} for c in range(per_row)] for r in range(rows)]
    }


@pytest.mark.parametrize(
    ("rows", "per_row", "ok"), [(12, 8, True), (100, 1, True), (1, 9, False), (101, 1, False), (13, 8, False)]
)
async def test_keyboards_hold_at_most_100_buttons_and_8_a_row(
    stub: BotAPIStub, rows: int, per_row: int, ok: bool
) -> None:
    user = stub.user(1)
    answer = await call(stub, "sendMessage", chat_id=user.id, text="k", reply_markup=_keyboard(rows, per_row))
    assert answer["ok"] is ok
    if not ok:
        assert answer["description"] == "Bad Request: reply markup is too long"


@pytest.mark.parametrize(
    "button",
    [{"text": "t"}, {"text": "t", "callback_data": ""}, {"text": "", "callback_data": "x"}],
)
async def test_every_button_has_a_text_and_an_action(stub: BotAPIStub, button: dict[str, Any]) -> None:
    user = stub.user(1)
    answer = await call(stub, "sendMessage", chat_id=user.id, text="k", reply_markup={"inline_keyboard": [[button]]})
    assert answer["ok"] is False
    assert answer["description"].startswith("Bad Request: can't parse inline keyboard button")


@pytest.mark.parametrize(
    ("button", "kept"),
    [
        ({"text": "t", "callback_data": "x", "url": "https://a.kz"}, {"text": "t", "url": "https://a.kz"}),
        ({"text": "t", "url": "", "callback_data": "x"}, {"text": "t", "callback_data": "x"}),
        ({"text": "t", "copy_text": {"text": "c"}, "callback_data": "x"}, {"text": "t", "callback_data": "x"}),
    ],
)
async def test_a_button_with_several_actions_keeps_the_first_in_telegrams_order(
    stub: BotAPIStub, button: dict[str, Any], kept: dict[str, Any]
) -> None:
    # The documentation asks for exactly one, but the Bot API takes the first and drops the rest.
    user = stub.user(1)
    answer = await call(stub, "sendMessage", chat_id=user.id, text="k", reply_markup={"inline_keyboard": [[button]]})
    assert answer["result"]["reply_markup"] == {"inline_keyboard": [[kept]]}
    assert stub.sent_to(user.id)[0].buttons == [kept]


@pytest.mark.parametrize(("data", "ok"), [("я" * 32, True), ("я" * 32 + "x", False), ("x" * 65, False)])
async def test_callback_data_has_1_to_64_bytes(stub: BotAPIStub, data: str, ok: bool) -> None:
    user = stub.user(1)
    markup = {"inline_keyboard": [[{"text": "t", "callback_data": data}]]}
    answer = await call(stub, "sendMessage", chat_id=user.id, text="k", reply_markup=markup)
    assert answer["ok"] is ok
    if not ok:
        assert answer["description"] == "Bad Request: BUTTON_DATA_INVALID"


@pytest.mark.parametrize(
    ("url", "ok"),
    [("https://a.kz/x", True), ("tg://resolve?domain=a_bot", True), ("localhost", False), ("https://a.kz:", False)],
)
async def test_button_urls_follow_telegrams_link_rules(stub: BotAPIStub, url: str, ok: bool) -> None:
    user = stub.user(1)
    markup = {"inline_keyboard": [[{"text": "t", "url": url}]]}
    answer = await call(stub, "sendMessage", chat_id=user.id, text="k", reply_markup=markup)
    assert answer["ok"] is ok
    if not ok:
        assert answer["description"].startswith(f"Bad Request: inline keyboard button URL '{url}' is invalid: ")


async def test_copying_a_message_that_does_not_exist_answers_400(stub: BotAPIStub) -> None:
    user = stub.user(1)
    answer = await call(stub, "copyMessage", chat_id=user.id, from_chat_id=user.id, message_id=424242)
    assert (answer["error_code"], answer["description"]) == (400, "Bad Request: message to copy not found")
    assert stub.sent_to(user.id) == []


async def test_the_text_of_a_photo_message_cannot_be_edited(stub: BotAPIStub, site: FeedSite) -> None:
    user = stub.user(1)
    sent = await call(stub, "sendPhoto", chat_id=user.id, photo=site.serve("/p.png", PNG, content_type="image/png"))
    message_id = sent["result"]["message_id"]
    answer = await call(stub, "editMessageText", chat_id=user.id, message_id=message_id, text="new")
    assert answer["description"] == "Bad Request: there is no text in the message to edit"
    assert stub.sent_to(user.id)[0].edits == 0


@pytest.mark.parametrize(
    ("path", "content_type", "status", "error"),
    [
        ("/page.html", "text/html", 200, "Bad Request: wrong type of the web page content"),
        ("/gone.png", "image/png", 404, "Bad Request: failed to get HTTP URL content"),
        ("/ok.png", "image/png", 200, None),
    ],
)
async def test_a_photo_by_url_must_be_an_image(
    stub: BotAPIStub, site: FeedSite, path: str, content_type: str, status: int, error: str | None
) -> None:
    user = stub.user(1)
    url = site.serve(path, PNG, content_type=content_type, status=status)
    answer = await call(stub, "sendPhoto", chat_id=user.id, photo=url)
    assert answer.get("description") == error
    assert len(site.hits(path)) == 1  # Telegram fetched it


async def test_a_photo_from_anywhere_but_this_machine_fails(stub: BotAPIStub) -> None:
    user = stub.user(1)
    answer = await call(stub, "sendPhoto", chat_id=user.id, photo="https://igtipc.org/forum.jpg")
    assert answer["description"] == "Bad Request: failed to get HTTP URL content"


async def test_allowed_updates_are_honoured_until_changed(stub: BotAPIStub) -> None:
    user = stub.user(1)
    await call(stub, "getUpdates", allowed_updates=["callback_query"], timeout=0)
    user.send("dropped")
    query = user.press(await _sent(stub, user.id), data="d")
    answer = await call(stub, "getUpdates", timeout=0)  # not given: the previous setting stays
    assert [u["callback_query"]["id"] for u in answer["result"]] == [query]
    await call(stub, "getUpdates", allowed_updates=[], timeout=0)  # empty: Telegram's default types
    user.send("kept")
    texts = [u["message"]["text"] for u in (await call(stub, "getUpdates", timeout=0))["result"] if "message" in u]
    assert texts == ["kept"]


async def _sent(stub: BotAPIStub, chat_id: int) -> Any:
    await call(stub, "sendMessage", chat_id=chat_id, text="m", reply_markup=_keyboard(1, 1))
    return stub.sent_to(chat_id)[-1]


@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(min_value=1, max_value=90), min_size=1, max_size=4))
async def test_429_with_a_varying_retry_after_on_edits_and_callback_answers(
    stub: BotAPIStub, retries: list[int]
) -> None:
    user = stub.user(1)
    message = await _sent(stub, user.id)
    query = user.press(message, data="x")
    stub.faults[:] = [
        Fault(method="editMessageText", status=429, retry_after=tuple(retries), times=len(retries)),
        Fault(method="answerCallbackQuery", status=429, retry_after=tuple(retries), times=len(retries)),
    ]
    for method, params in (
        ("editMessageText", {"chat_id": user.id, "message_id": message.message_id, "text": "edited"}),
        ("answerCallbackQuery", {"callback_query_id": query}),
    ):
        seen = [(await call(stub, method, **params))["parameters"]["retry_after"] for _ in retries]
        assert seen == retries
        assert (await call(stub, method, **params))["ok"] is True  # the rule is spent
    stub.faults.clear()


# -- command menus ------------------------------------------------------------------------------------


def _menu(*names: str) -> list[dict[str, str]]:
    return [{"command": name, "description": name.title()} for name in names]


async def test_menus_are_kept_per_scope_and_language_and_resolved_in_telegrams_order(stub: BotAPIStub) -> None:
    stub.user(501, language_code="en")
    chat = {"type": "chat", "chat_id": 501}
    assert (await call(stub, "setMyCommands", commands=_menu("start")))["ok"]
    assert (await call(stub, "setMyCommands", commands=_menu("help"), language_code="en"))["ok"]
    assert stub.menu(501, "en") == _menu("help")  # default + language before default
    assert stub.menu(501, "kk") == _menu("start")
    await call(stub, "setMyCommands", commands=_menu("private"), scope={"type": "all_private_chats"})
    assert stub.menu(501, "en") == _menu("private")  # all private chats before default, whatever the language
    await call(stub, "setMyCommands", commands=_menu("mine"), scope=chat)
    await call(stub, "setMyCommands", commands=_menu("mine_en"), scope=chat, language_code="en")
    assert stub.menu(501, "en") == _menu("mine_en")  # chat + language first
    assert stub.menu(501, "ru") == _menu("mine")
    assert stub.menu(502, "en") == _menu("private")  # another chat keeps the wider menus
    got = await call(stub, "getMyCommands", scope=chat, language_code="en")
    assert got == {"ok": True, "result": _menu("mine_en")}
    assert (await call(stub, "deleteMyCommands", scope=chat, language_code="en"))["ok"]
    assert stub.menu(501, "en") == _menu("mine")  # the next scope in the order shows again
    assert (await call(stub, "getMyCommands", scope=chat, language_code="en"))["result"] == []
    await call(stub, "setMyCommands", commands=[], scope=chat)  # an empty list deletes too
    assert stub.menu(501, "en") == _menu("private")


async def test_a_chat_menu_for_a_chat_the_bot_never_met_is_refused(stub: BotAPIStub) -> None:
    answer = await call(stub, "setMyCommands", commands=_menu("start"), scope={"type": "chat", "chat_id": 404})
    assert answer == {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
