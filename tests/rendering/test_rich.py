"""Generated article bodies render to a rich message the strict local Telegram accepts, holding all the text the
split message holds, or to None (too large or too deep), when the split HTML messages go instead."""

from __future__ import annotations

import re
from dataclasses import replace

from aiogram.types import InputRichMessage
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.rendering import render_entry, strip_tags
from bot.rendering.rich import RICH_DEPTH_LIMIT, RICH_TEXT_LIMIT, measure, rich_article, rich_entry
from local_telegram.rich import check_rich_message
from tests.delivery.helpers import make_entry
from tests.rendering.test_properties import SOUP

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Compared without whitespace and list labels: the two place them differently (a split message indents nested items
# and may number an empty one), the words and their order are what must agree.
LAYOUT = re.compile(r"[\s\u00a0\u200b\ufeff•]+|\d+\.")
BLOCKS = st.sampled_from(["<h2>", "</h2>", "<h3>", "</h3>", "<ul>", "</ul>", "<ol>", "</ol>", "<li>", "</li>", "<hr>"])
BODIES = st.one_of(
    st.lists(st.one_of(SOUP, BLOCKS), max_size=80).map("".join),
    st.integers(1, 40).map(lambda depth: "<ul><li>deep" * depth),  # deeper than a rich message may nest
    st.integers(1, 12).map(lambda size: "<p>" + "Long alliance article text. " * 300 * size + "</p>"),
)


def _letters(text: str) -> str:
    return LAYOUT.sub("", text)


@FAST
@given(body=BODIES, language=st.sampled_from(["ru", "kk", "en"]), image=st.booleans(), kazakh=st.booleans())
def test_rich_rendering_is_accepted_or_falls_back(body: str, language: str, image: bool, kazakh: bool) -> None:
    stored = make_entry("Alliance announcement", language="ru", summary=body)
    if image:
        stored = replace(stored, entry=replace(stored.entry, image_url="https://example.org/lead.jpg"))
    versions = {"kk": "https://example.org/kk/1"} if kazakh else {}
    rich = rich_entry(stored, language, versions=versions)
    split = render_entry(stored, language)
    if rich is None:
        text, _blocks, depth, _media = measure(rich_article(stored, language))
        assert text > RICH_TEXT_LIMIT or depth > RICH_DEPTH_LIMIT  # only a limit sends the split messages
        assert split.text  # and they exist
        return
    content = check_rich_message(rich)  # the strict stub's rules: raises on anything Telegram refuses
    InputRichMessage.model_validate(rich)  # and aiogram's model of it, which the sender sends through
    assert content.text.startswith("Alliance announcement")
    reader_sees = _letters(content.text)
    split_text = strip_tags(split.text)
    if not split_text.endswith("…"):  # the split message holds the whole article: the rich one holds the same
        assert _letters(split_text) == reader_sees
    else:
        assert reader_sees.startswith(_letters(split_text[:-1]))
    buttons = [button["text"] for button in content.buttons]
    assert len(buttons) == (2 if kazakh else 1)
