"""The local Telegram's rules for sendRichMessage, each as documented (local_telegram/rich.py cites them)."""

from __future__ import annotations

from typing import Any

import pytest

from local_telegram.errors import ApiError
from local_telegram.rich import MAX_BLOCKS, MAX_DEPTH, MAX_MEDIA, MAX_TEXT, check_rich_message


def paragraph(text: Any) -> dict[str, Any]:
    return {"type": "paragraph", "text": text}


def refused(message: Any) -> str:
    with pytest.raises(ApiError) as caught:
        check_rich_message(message)
    assert caught.value.code == 400
    return caught.value.description


def nested(depth: int) -> Any:
    text: Any = "x"
    for _ in range(depth - 1):
        text = {"type": "bold", "text": text}
    return text


def test_exactly_one_form() -> None:
    assert "exactly one of html, markdown or blocks" in refused({})
    assert "exactly one of html, markdown or blocks" in refused({"blocks": [], "html": "<p>a</p>"})
    assert "does not parse rich html" in refused({"html": "<p>a</p>"})  # the stub has no rich HTML parser


def test_text_blocks_show_their_text_and_lists_their_items() -> None:
    content = check_rich_message(
        {
            "blocks": [
                {"type": "heading", "text": "Title", "size": 1},
                paragraph(["Hello ", {"type": "url", "url": "https://example.org", "text": "link"}]),
                {"type": "list", "items": [{"blocks": [paragraph("one")]}, {"blocks": [paragraph("two")]}]},
            ]
        }
    )
    assert content.text == "Title\nHello link\n• one\n• two"
    assert content.blocks == 7  # three blocks, two list items and a paragraph in each


@pytest.mark.parametrize("size", [0, 7, None, "1"])
def test_heading_size_is_one_to_six(size: Any) -> None:
    assert "heading size" in refused({"blocks": [{"type": "heading", "text": "T", "size": size}]})


def test_the_limits_hold_to_the_character_block_level_and_medium() -> None:
    check_rich_message({"blocks": [paragraph("a" * MAX_TEXT)]})
    assert "too long" in refused({"blocks": [paragraph("a" * (MAX_TEXT + 1))]})
    check_rich_message({"blocks": [paragraph("a")] * MAX_BLOCKS})
    assert "too many blocks" in refused({"blocks": [paragraph("a")] * (MAX_BLOCKS + 1)})
    check_rich_message({"blocks": [paragraph(nested(MAX_DEPTH))]})
    assert "nested too deeply" in refused({"blocks": [paragraph(nested(MAX_DEPTH + 1))]})
    photo = {"type": "photo", "photo": {"type": "photo", "media": "https://example.org/p.jpg"}}
    check_rich_message({"blocks": [photo] * MAX_MEDIA})
    assert "too many media" in refused({"blocks": [photo] * (MAX_MEDIA + 1)})


def test_media_blocks_need_their_media() -> None:
    assert "there is no photo" in refused({"blocks": [{"type": "photo", "photo": {"type": "document", "media": "x"}}]})
    assert "'document'" in refused({"blocks": [{"type": "document"}]})


def test_buttons_one_to_eight_with_exactly_one_action() -> None:
    url = {"text": "Site", "url": "https://example.org"}
    content = check_rich_message({"blocks": [{"type": "buttons", "buttons": [url]}]})
    assert content.buttons == [{"text": "Site", "url": "https://example.org"}]
    assert "1-8 buttons" in refused({"blocks": [{"type": "buttons", "buttons": []}]})
    assert "1-8 buttons" in refused({"blocks": [{"type": "buttons", "buttons": [url] * 9}]})
    assert "exactly one action" in refused({"blocks": [{"type": "buttons", "buttons": [{"text": "No action"}]}]})
    both = {"text": "Two", "url": "https://example.org", "callback_data": "x"}
    assert "exactly one action" in refused({"blocks": [{"type": "buttons", "buttons": [both]}]})
    link_style = {"text": "L", "url": "https://example.org", "style": "link"}  # "link" is for callback buttons
    assert "style" in refused({"blocks": [{"type": "buttons", "buttons": [link_style]}]})
    bad_url = {"text": "Bad", "url": "javascript:alert(1)"}
    assert "is invalid" in refused({"blocks": [{"type": "buttons", "buttons": [bad_url]}]})


def test_unknown_blocks_and_texts_are_refused() -> None:
    assert "unsupported rich block type" in refused({"blocks": [{"type": "marquee"}]})
    assert "unsupported rich text type" in refused({"blocks": [paragraph({"type": "blink", "text": "x"})]})
    assert "does not check rich table" in refused({"blocks": [{"type": "table", "cells": []}]})
