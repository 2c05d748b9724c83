"""Telegram's rules for a rich message (`sendRichMessage`, Bot API 10.1-10.3), each beside its documentation.

Pure checks, no state: `check_rich_message` raises ApiError for an InputRichMessage Telegram refuses, and answers
what a reader sees (the text, the media, the buttons). Sources: core.telegram.org/bots/api ("#anchor" below) and
its rich-messages page. The documentation gives the rules but not the wording of the refusals, and this
stub's copy of telegram-bot-api (Client.cpp) predates rich messages: every description here is the stub's own,
"Bad Request: " and a lower-case sentence as the Bot API words its other refusals, so a test can tell which
rule refused. The html and markdown forms need Telegram's rich HTML and Markdown parsers, which this stub does
not have: it answers 400 naming itself, as it does for MarkdownV2 text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from local_telegram.errors import ApiError
from local_telegram.urls import LinkError, normalise_link

# The rich message limits (core.telegram.org/bots/api, rich message formatting options; the values as the
# telegram-rich crate's limits.rs quotes that page: 32 768 characters, 500 blocks, 16 nesting levels, 50 media,
# 20 table columns). What each counts is TDLib's InputRichMessage: the total length of all texts (custom emoji
# alternative text and formula source included), the total number of all blocks, list items and table rows, the
# depth of nested blocks and rich texts, the total number of media in all blocks.
MAX_TEXT = 32_768
MAX_BLOCKS = 500
MAX_DEPTH = 16
MAX_MEDIA = 50
# #inputrichblockbuttons, buttons "List of 1-8 buttons to send".
MAX_ROW_BUTTONS = 8
# #inputrichblockbuttons, align "Currently, must be one of 'left', 'center', or 'right'".
ALIGNS = {"left", "center", "right"}
# #richmessagebutton, style "Must be one of 'danger', 'success', 'primary' or 'link' ... The style 'link' is
# allowed only for callback buttons".
STYLES = {"danger", "success", "primary", "link"}
# #richmessagebutton: "Exactly one of the fields other than text and style must be used to specify the type".
BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "disabled",
)
# #richmessagebutton, callback_data "Data to be sent in a callback query to the bot when the button is pressed,
# 1-64 bytes".
MAX_CALLBACK_DATA_BYTES = 64
# #inputrichblocklistitem, type "For ordered lists, the type of the item label".
LABEL_TYPES = {"a", "A", "i", "I", "1"}
# #inputrichblocksectionheading, size "Relative size of the text font; 1-6".
HEADING_SIZES = range(1, 7)
# #richtext: "a String for plain text, an Array of RichText, or any of" these types.
RICH_TEXT_TYPES = {
    "bold", "italic", "underline", "strikethrough", "spoiler", "date_time", "text_mention", "subscript",
    "superscript", "marked", "code", "custom_emoji", "mathematical_expression", "url", "email_address",
    "phone_number", "bank_card_number", "mention", "hashtag", "cashtag", "bot_command", "button", "anchor",
    "anchor_link", "reference", "reference_link",
}  # fmt: skip
# #inputrichblock: the block types (10.2's 21, and 10.3's buttons, expandable_blockquote and document).
TEXT_BLOCKS = {"paragraph", "heading", "pre", "footer", "pullquote", "expandable_blockquote"}
MEDIA_BLOCKS = {"photo": "photo", "document": "document"}  # block type -> its InputMedia field
NOT_MODELLED = {
    "mathematical_expression", "anchor", "blockquote", "collage", "slideshow", "table", "details", "map",
    "animation", "audio", "video", "voice_note", "thinking",
}  # fmt: skip


@dataclass
class RichContent:
    """What a reader of the rich message sees: its text (a line a text block, list items after "• "), its media
    (URLs or uploads) and its buttons."""

    text: str = ""
    media: list[tuple[str, Any]] = field(default_factory=list)  # (photo|document, the media parameter)
    buttons: list[dict[str, Any]] = field(default_factory=list)
    chars: int = 0  # of every text, buttons' included ("Total length of all texts")
    blocks: int = 0
    depth: int = 0
    lines: list[str] = field(default_factory=list)


def check_rich_message(message: Any) -> RichContent:
    """Check an InputRichMessage (#inputrichmessage) and answer what it shows, or raise Telegram's refusal."""
    if not isinstance(message, dict):
        raise ApiError(400, "Bad Request: rich message must be an object")
    forms = [name for name in ("html", "markdown", "blocks") if message.get(name) is not None]
    # "Exactly one of the fields html, markdown, or blocks must be used" (#inputrichmessage)
    if len(forms) != 1:
        raise ApiError(400, "Bad Request: exactly one of html, markdown or blocks must be used in a rich message")
    if forms[0] != "blocks":
        raise ApiError(400, f"Bad Request: the local Telegram does not parse rich {forms[0]}")
    blocks = message["blocks"]
    if not isinstance(blocks, list):
        raise ApiError(400, "Bad Request: rich message blocks must be an array")
    content = RichContent()
    content.depth = _blocks(blocks, 1, content)
    content.text = "\n".join(content.lines)
    if content.chars > MAX_TEXT:
        raise ApiError(400, "Bad Request: rich message text is too long")
    if content.blocks > MAX_BLOCKS:
        raise ApiError(400, "Bad Request: rich message has too many blocks")
    if content.depth > MAX_DEPTH:
        raise ApiError(400, "Bad Request: rich message is nested too deeply")
    if len(content.media) > MAX_MEDIA:
        raise ApiError(400, "Bad Request: rich message has too many media")
    return content


def _blocks(blocks: list[Any], level: int, content: RichContent, indent: str = "", label: str = "") -> int:
    """Check the blocks; their lines go to `content`, the first after `label` (a list item's), all indented."""
    deepest = level - 1
    for block in blocks:
        lines = len(content.lines)
        deepest = max(deepest, _block(block, level, content, indent + (label or ""), indent))
        if len(content.lines) > lines and label:
            label, indent = "", indent + " " * len(label)
    return deepest


def _block(block: Any, level: int, content: RichContent, prefix: str, indent: str) -> int:
    if not isinstance(block, dict) or not isinstance(block.get("type"), str):
        raise ApiError(400, "Bad Request: rich block type must be specified")
    kind = block["type"]
    content.blocks += 1
    if kind in TEXT_BLOCKS:
        if kind == "heading" and block.get("size") not in HEADING_SIZES:
            raise ApiError(400, "Bad Request: heading size must be between 1 and 6")
        words: list[str] = []
        depth = _rich_text(_required(block, "text", kind), 1, words)
        content.lines.append(prefix + "".join(words))
        content.chars += sum(map(len, words))
        return level + depth - 1
    if kind == "divider":
        return level
    if kind == "list":
        items = _required(block, "items", kind)
        if not isinstance(items, list) or not items:
            raise ApiError(400, "Bad Request: a rich list must have items")
        deepest = level
        for item in items:
            # #inputrichblocklistitem: blocks "The content of the item"
            if not isinstance(item, dict) or not isinstance(item.get("blocks"), list):
                raise ApiError(400, "Bad Request: a rich list item must have blocks")
            # #inputrichblocklistitem: type "must be one of 'a' ..., 'A' ..., 'i' ..., 'I' ..., or '1'"
            if item.get("type") is not None and item["type"] not in LABEL_TYPES:
                raise ApiError(400, "Bad Request: unsupported list item label type")
            if item.get("value") is not None and not isinstance(item["value"], int):
                raise ApiError(400, "Bad Request: list item value must be a number")
            content.blocks += 1
            label = f"{item['value']}. " if item.get("value") is not None else "• "
            deepest = max(deepest, _blocks(item["blocks"], level + 1, content, indent, label))
        return deepest
    if kind in MEDIA_BLOCKS:
        media = _required(block, MEDIA_BLOCKS[kind], kind)
        # #inputrichblockphoto / #inputrichblockdocument: an InputMediaPhoto / InputMediaDocument
        if not isinstance(media, dict) or media.get("type") != MEDIA_BLOCKS[kind] or not media.get("media"):
            raise ApiError(400, f"Bad Request: there is no {kind} in the rich block")
        content.media.append((kind, media["media"]))
        return level
    if kind == "buttons":
        buttons = _required(block, "buttons", kind)
        if not isinstance(buttons, list) or not 1 <= len(buttons) <= MAX_ROW_BUTTONS:
            raise ApiError(400, "Bad Request: a rich button row must have 1-8 buttons")
        if block.get("align") is not None and block["align"] not in ALIGNS:
            raise ApiError(400, "Bad Request: unsupported button alignment")
        for button in buttons:
            kept = _button(button)
            content.chars += len(kept["text"])
            content.buttons.append(kept)
        return level
    if kind in NOT_MODELLED:
        raise ApiError(400, f"Bad Request: the local Telegram does not check rich {kind} blocks")
    raise ApiError(400, f"Bad Request: unsupported rich block type {kind!r}")


def _required(block: dict[str, Any], name: str, kind: str) -> Any:
    if block.get(name) is None:
        raise ApiError(400, f"Bad Request: field {name!r} of the rich {kind} block must be specified")
    return block[name]


def _rich_text(text: Any, level: int, words: list[str]) -> int:
    """Collect the visible text of a RichText (#richtext) into `words`; answer its nesting depth."""
    if isinstance(text, str):
        words.append(text)
        return level
    if isinstance(text, list):
        return max((_rich_text(part, level, words) for part in text), default=level)
    if not isinstance(text, dict) or text.get("type") not in RICH_TEXT_TYPES:
        raise ApiError(400, "Bad Request: unsupported rich text type")
    if text["type"] == "url":
        # #richtexturl: url "URL of the link"; Telegram's link rules as for any link
        try:
            normalise_link(str(text.get("url") or ""))
        except LinkError as error:
            raise ApiError(400, f"Bad Request: rich text URL is invalid: {error}") from None
    if "text" not in text:
        return level
    return _rich_text(text["text"], level + 1, words)


def _button(button: Any) -> dict[str, Any]:
    """#richmessagebutton, checked as Telegram documents it; the button as the stub keeps it."""
    if not isinstance(button, dict):
        raise ApiError(400, "Bad Request: rich message button must be an object")
    words: list[str] = []
    _rich_text(button.get("text", ""), 1, words)
    text = "".join(words)
    if not text:
        raise ApiError(400, "Bad Request: rich message button text is empty")
    actions = [name for name in BUTTON_ACTIONS if button.get(name) not in (None, "")]
    if len(actions) != 1:
        raise ApiError(400, "Bad Request: exactly one action must be specified for a rich message button")
    action = actions[0]
    style = button.get("style")
    if style is not None and (style not in STYLES or (style == "link" and action != "callback_data")):
        raise ApiError(400, "Bad Request: unsupported rich message button style")
    if action == "callback_data" and len(str(button[action]).encode()) > MAX_CALLBACK_DATA_BYTES:
        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    if action == "url":
        try:
            normalise_link(str(button["url"]))
        except LinkError as error:
            raise ApiError(400, f"Bad Request: rich message button URL '{button['url']}' is invalid: {error}") from None
    return {"text": text, action: button[action]}
