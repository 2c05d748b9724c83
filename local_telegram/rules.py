"""Telegram's rules for a method's parameters, each beside the Bot API documentation it follows.

Pure checks, no state: each raises ApiError with the description the real Bot API answers (its wording comes
from tdlib/telegram-bot-api's Client.cpp and TDLib, which Telegram runs behind api.telegram.org; the server
lowercases the first letter after "Bad Request: "). A rule is here only when Telegram refuses the request;
what the documentation merely advises is not refused.
"""

from __future__ import annotations

import re
import string
from typing import Any
from urllib.parse import urlsplit

from local_telegram.errors import ApiError

# core.telegram.org/bots/api#botcommand, "Text of the command; 1-32 characters. Can contain only lowercase
# English letters, digits and underscores."
COMMAND_CHARS = re.compile(r"[a-z0-9_]+")
MAX_COMMAND = 32
# core.telegram.org/bots/api#botcommand, "Description of the command; 1-256 characters."
MAX_COMMAND_DESCRIPTION = 256
# core.telegram.org/bots/api#setmycommands, "At most 100 commands can be specified."
MAX_COMMANDS = 100
# core.telegram.org/bots/api#botcommandscope, the seven scopes; the last three name a chat.
SCOPES_WITHOUT_CHAT = {"default", "all_private_chats", "all_group_chats", "all_chat_administrators"}
SCOPES_WITH_CHAT = {"chat", "chat_administrators", "chat_member"}
# The ports core.telegram.org/bots/api#setwebhook lists, "Ports currently supported for webhooks: 443, 80, 88, 8443"
WEBHOOK_PORTS = {443, 80, 88, 8443}
# core.telegram.org/bots/api#setwebhook, secret_token "1-256 characters. Only characters A-Z, a-z, 0-9, _ and -
# are allowed."
SECRET_TOKEN_CHARS = set(string.ascii_letters + string.digits + "_-")
MAX_SECRET_TOKEN = 256
# core.telegram.org/bots/api#answerinlinequery, "No more than 50 results per query are allowed."
MAX_INLINE_RESULTS = 50
# core.telegram.org/bots/api#inlinequeryresultarticle, id "Unique identifier for this result, 1-64 Bytes"
MAX_RESULT_ID_BYTES = 64
# Text "1-4096 characters after entities parsing" (core.telegram.org/bots/api#sendmessage), caption "0-1024
# characters after entities parsing" (#sendphoto), message_text "1-4096 characters" (#inputtextmessagecontent)
MAX_TEXT = 4096
MAX_CAPTION = 1024
# core.telegram.org/bots/api#answercallbackquery, text "0-200 characters".
MAX_CALLBACK_TEXT = 200
# core.telegram.org/bots/api#formatting-options, "MarkdownV2", "HTML" and "Markdown"; the Bot API compares them
# lowercased and takes "none" (or no parse_mode) as plain text (telegram-bot-api Client::get_formatted_text).
PARSE_MODES = {"html", "markdown", "markdownv2"}
# What TDLib's trim() strips (td/utils/misc.h), used on commands and descriptions before they are checked.
TRIMMED = " \t\r\n\v\f\0"


def text_length(text: str) -> int:
    """Characters as Telegram counts them for the 4096/1024/200 limits: Unicode code points.

    TDLib checks `utf8_length(text) > message_text_length_max` (td/telegram/MessageContent.cpp), and a probe of
    the real API accepted 4,096 astral emoji (8,192 UTF-16 units) and refused 4,097 (FerroxLabs/wayland#934).
    Entity offsets are UTF-16 (#messageentity); the length limits are not.
    """
    return len(text)


def check_parse_mode(parse_mode: Any) -> str | None:
    """The parse mode in lower case, or None for plain text; an unknown one is refused as Telegram does."""
    mode = str(parse_mode or "").lower()
    if mode in ("", "none"):
        return None
    if mode not in PARSE_MODES:
        raise ApiError(400, "Bad Request: unsupported parse_mode")
    return mode


def check_commands(raw: Any) -> list[dict[str, str]]:
    """setMyCommands' `commands`, as Telegram stores them (trimmed, without a leading slash)."""
    if raw is None or raw == "":
        return []
    if not isinstance(raw, list):
        raise ApiError(400, "Bad Request: expected an Array of BotCommand")
    commands: list[dict[str, str]] = []
    for item in raw:
        if not isinstance(item, dict):
            raise ApiError(400, "Bad Request: can't parse BotCommand: expected an Object")
        for name in ("command", "description"):
            if not isinstance(item.get(name), str):
                raise ApiError(400, f"Bad Request: can't parse BotCommand: Can't find field \"{name}\"")
        # TDLib's set_commands (td/telegram/BotCommand.cpp) trims both and drops one leading "/" before checking.
        command = item["command"].strip(TRIMMED).removeprefix("/")
        description = item["description"].strip(TRIMMED)
        if not command:
            raise ApiError(400, "Bad Request: command must be non-empty")
        if len(command) > MAX_COMMAND:  # "1-32 characters" (#botcommand)
            raise ApiError(400, f"Bad Request: command length must not exceed {MAX_COMMAND}")
        if not description:
            raise ApiError(400, "Bad Request: command description must be non-empty")
        if len(description) > MAX_COMMAND_DESCRIPTION:  # "1-256 characters" (#botcommand)
            raise ApiError(400, f"Bad Request: command description length must not exceed {MAX_COMMAND_DESCRIPTION}")
        commands.append({"command": command, "description": description})
    # The server itself refuses uppercase, hyphens or any other character (#botcommand, quoted above).
    if any(not COMMAND_CHARS.fullmatch(command["command"]) for command in commands):
        raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
    if len(commands) > MAX_COMMANDS:  # "At most 100 commands can be specified." (#setmycommands)
        raise ApiError(400, "Bad Request: BOT_COMMANDS_TOO_MUCH")
    return commands


def check_language_code(raw: Any) -> str:
    """setMyCommands' `language_code`: "A two-letter ISO 639-1 language code. If empty, commands will be applied
    to all users from the given scope" (#setmycommands); TDLib's validate_bot_language_code takes two letters a-z."""
    code = str(raw or "")
    if code and not (len(code) == 2 and all("a" <= char <= "z" for char in code)):
        raise ApiError(400, "Bad Request: invalid language code specified")
    return code


def check_scope(raw: Any) -> dict[str, Any]:
    """A BotCommandScope (#botcommandscope); the chat it names is checked by the caller, who knows the chats."""
    if raw is None or raw == "":
        return {"type": "default"}
    if not isinstance(raw, dict):
        raise ApiError(400, "Bad Request: can't parse BotCommandScope: BotCommandScope must be an Object")
    kind = raw.get("type")
    if not isinstance(kind, str):
        raise ApiError(400, "Bad Request: can't parse BotCommandScope: Can't find field \"type\"")
    if kind in SCOPES_WITHOUT_CHAT:
        return {"type": kind}
    if kind not in SCOPES_WITH_CHAT:
        raise ApiError(400, "Bad Request: can't parse BotCommandScope: Unsupported type specified")
    # #botcommandscopechat: chat_id "Unique identifier for the target chat or username of the target supergroup"
    if raw.get("chat_id") in (None, ""):
        raise ApiError(400, "Bad Request: can't parse BotCommandScope: Can't find field \"chat_id\"")
    if kind == "chat_member" and not (isinstance(raw.get("user_id"), int) and raw["user_id"] > 0):
        raise ApiError(400, "Bad Request: can't parse BotCommandScope: Invalid user_id specified")
    return raw


def check_webhook(url: str, secret_token: str) -> None:
    """setWebhook's `url` and `secret_token` (an empty url removes the webhook and is always accepted)."""
    if not url:
        return
    # The Bot API parses the URL with HTTPS as the default scheme (td::parse_url in Client::do_set_webhook).
    parts = urlsplit(url if "://" in url else f"https://{url}")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or port == -1:
        raise ApiError(400, "Bad Request: invalid webhook URL specified")
    if len(secret_token) > MAX_SECRET_TOKEN:  # "1-256 characters" (#setwebhook)
        raise ApiError(400, "Bad Request: secret token is too long")
    if not set(secret_token) <= SECRET_TOKEN_CHARS:  # "Only characters A-Z, a-z, 0-9, _ and - are allowed."
        raise ApiError(400, "Bad Request: secret token contains unallowed characters")
    # url: "HTTPS URL to send updates to" (#setwebhook); the wording is WebhookActor::start_up's.
    if parts.scheme.lower() != "https":
        raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
    if (port or 443) not in WEBHOOK_PORTS:  # "Ports currently supported for webhooks: 443, 80, 88, 8443."
        raise ApiError(400, "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")


def check_inline_results(raw: Any) -> list[dict[str, Any]]:
    """answerInlineQuery's `results`: their count, ids and the fields Telegram requires of each type.

    Text content is parsed by the caller (it knows the parse modes); what is checked here needs no parsing.
    """
    if raw is None or raw == "":
        return []
    if not isinstance(raw, list):
        raise ApiError(400, "Bad Request: expected an Array of inline query results")
    if len(raw) > MAX_INLINE_RESULTS:  # "No more than 50 results per query are allowed." (#answerinlinequery)
        raise ApiError(400, "Bad Request: too many inline query results specified")
    for result in raw:
        _check_inline_result(result)
    # id: "Unique identifier for this result, 1-64 Bytes" (#inlinequeryresultarticle and every other type)
    ids = [str(result["id"]) for result in raw]
    if any(not 1 <= len(result_id.encode()) <= MAX_RESULT_ID_BYTES for result_id in ids):
        raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
    if len(set(ids)) != len(ids):
        raise ApiError(400, "Bad Request: RESULT_ID_DUPLICATE")
    return raw


def _check_inline_result(result: Any) -> None:
    """Telegram-bot-api's get_inline_query_result: type and id always, and for an article (the only type the
    stub checks further) a title and the content of the message to send."""
    prefix = "Bad Request: can't parse inline query result: "
    if not isinstance(result, dict):
        raise ApiError(400, prefix + "Inline query result must be an object")
    if not isinstance(result.get("type"), str):
        raise ApiError(400, prefix + 'Can\'t find field "type"')
    if not isinstance(result.get("id"), str | int):  # JSON numbers are read as their text, as by TDLib's parser
        raise ApiError(400, prefix + 'Can\'t find field "id"')
    if result["type"].lower() != "article":
        return
    # #inlinequeryresultarticle: input_message_content "Content of the message to be sent" (not optional);
    # #inputtextmessagecontent: message_text "Text of the message to be sent, 1-4096 characters".
    content = result.get("input_message_content")
    if content is None:
        if not isinstance(result.get("message_text"), str):  # the legacy field the Bot API still reads
            raise ApiError(400, prefix + 'Can\'t find field "message_text"')
        if not result["message_text"]:
            raise ApiError(400, prefix + "Message text is empty")
    elif not isinstance(content, dict) or not _has_content(content):
        raise ApiError(400, prefix + "Input message content is not specified")
    # #inlinequeryresultarticle: title "Title of the result" (not optional); an empty one the server refuses.
    if not isinstance(result.get("title"), str):
        raise ApiError(400, prefix + 'Can\'t find field "title"')
    if not result["title"]:
        raise ApiError(400, "Bad Request: ARTICLE_TITLE_EMPTY")


def _has_content(content: dict[str, Any]) -> bool:
    """One of the InputMessageContent kinds (#inputmessagecontent); an empty message_text is none of them."""
    if content.get("message_text"):
        return True
    return any(key in content for key in ("latitude", "phone_number", "payload"))
