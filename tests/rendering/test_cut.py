"""Truncation and splitting: limits in UTF-16 units of visible text, cuts at boundaries, tags balanced."""

from __future__ import annotations

import time

import pytest

from bot.rendering import split_html, truncate_html
from local_telegram.html import parse_html, utf16_len
from tests.rendering.telegram import check


def test_short_text_is_left_alone() -> None:
    text = '<b>Hi</b> &amp; <a href="https://x.kz">bye</a>'
    assert truncate_html(text, 4096) == text
    assert split_html(text) == [text]


def test_limit_counts_visible_text_not_markup() -> None:
    # 4000 visible characters in far more than 4096 characters of markup still fit one message.
    text = "".join(f'<a href="https://igtipc.org/{i:04}">ab</a>' for i in range(2000))
    assert len(text) > 4096
    assert truncate_html(text) == text
    assert split_html(text) == [text]
    # Entities count once: "&amp;" is one visible character.
    assert truncate_html("&amp;" * 4096) == "&amp;" * 4096


def test_truncation_prefers_a_sentence_and_closes_tags() -> None:
    text = "<b>First sentence here. Second <i>sentence is long</i></b> and more words follow"
    assert truncate_html(text, 40) == "<b>First sentence here. Second <i>sentence…</i></b>"
    assert truncate_html(text, 30) == "<b>First sentence here. …</b>"
    assert truncate_html("One. Two three four", 5) == "One.…"  # no room for the space


def test_truncation_never_cuts_an_entity_or_a_tag_attribute() -> None:
    text = '<a href="https://x.kz/?a=1&amp;b=2">&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;&lt;</a>'
    assert truncate_html(text, 5) == '<a href="https://x.kz/?a=1&amp;b=2">&lt;&lt;&lt;&lt;…</a>'


def test_truncation_keeps_emoji_and_combining_marks_whole() -> None:
    assert truncate_html("ab👍🏽cd", 5) == "ab…"  # the thumbs-up with its skin tone needs 4 units
    assert truncate_html("cafe\u0301 au lait", 6) == "cafe\u0301…"
    assert truncate_html("cafe\u0301 au lait", 5) == "caf…"  # "é" is two code points: both or neither
    assert truncate_html("xe\u0301e\u0301e\u0301e\u0301", 4) == "xe\u0301…"
    family = "👨\u200d👩\u200d👧"
    assert truncate_html("a" + family + "b", 8) == "a…"


def test_truncation_of_a_long_word_is_hard_but_valid() -> None:
    out = truncate_html("<b>" + "x" * 5000 + "</b>", 100)
    assert out == "<b>" + "x" * 99 + "…</b>"


def test_split_at_paragraphs_reopens_tags() -> None:
    paragraph = "Word " * 150  # 750 characters
    text = f"<b>{paragraph.strip()}\n\n{paragraph.strip()}</b>\n\n<i>tail</i>"
    pieces = split_html(text, 1000)
    assert pieces == [f"<b>{paragraph.strip()}</b>", f"<b>{paragraph.strip()}</b>\n\n<i>tail</i>"]


def test_split_link_spanning_a_cut_is_linked_in_both_pieces() -> None:
    text = '<a href="https://x.kz">' + "word " * 40 + "</a>"
    pieces = split_html(text, 64)
    assert len(pieces) > 2
    for piece in pieces:
        parsed = check(piece, 64)
        assert parsed.links == ("https://x.kz",)


def test_split_keeps_every_character_but_boundary_whitespace() -> None:
    text = "Альянс 🇰🇿 и 🇨🇳: " * 500 + "e\u0301" * 300
    pieces = split_html(text, 100)
    assert all(utf16_len(parse_html(p).text) <= 100 for p in pieces)
    assert "".join(parse_html(p).text for p in pieces).replace(" ", "") == text.replace(" ", "")


def test_split_rejects_a_limit_with_no_room() -> None:
    with pytest.raises(ValueError, match="limit"):
        split_html("text", 1)


def test_split_of_broken_input_is_repaired() -> None:
    pieces = split_html("<b>bold <unknown>x</unknown> <i>open", 4096)
    assert pieces == ["<b>bold x <i>open</i></b>"]


def test_ten_megabytes_split_in_linear_time() -> None:
    text = ("Слово за словом 🌱 и e\u0301. " * 400 + "\n\n") * 1200  # about 11 MB
    started = time.process_time()  # CPU time: other processes on shared cores do not count
    pieces = split_html(text)
    assert time.process_time() - started < 10
    assert all(utf16_len(parse_html(piece).text) <= 4096 for piece in pieces[:50])
    assert len(pieces) > 2500


def test_code_block_cut_in_two_keeps_its_language_in_both_pieces() -> None:
    code = "\n".join(f"x{i} = {i}" for i in range(30))
    pieces = split_html(f'<pre><code class="language-python">{code}</code></pre>', 100)
    assert len(pieces) > 1
    for piece in pieces:
        assert piece.startswith('<pre><code class="language-python">x')
        assert piece.endswith("</code></pre>")
        check(piece, 100)
