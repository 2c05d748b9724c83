"""Property-based checks: any input gives valid Telegram HTML within limits, links and text preserved."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.rendering import render_digest, render_entry, split_html
from bot.rendering.cut import truncate_tokens
from bot.rendering.markup import serialize
from bot.rendering.sanitize import sanitize
from bot.rendering.utf16 import is_boundary
from domain.entries import Entry, StoredEntry
from local_telegram.html import REMOVED, parse_html, utf16_len
from tests.rendering.telegram import check

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SPACE = re.compile(r"[\s\u00a0\u200b\ufeff]+")

# Pieces of hostile HTML that a feed may contain, mixed freely.
SOUP = st.sampled_from(
    [
        "<b>", "</b>", "<i>", "</i>", "<strong>", "</em>", "<p>", "</p>", "<br>", "<div>", "</div>", "<li>",
        "<ul>", "</ul>", "<ol>", "<h1>", "</h1>", "<pre>", "</pre>", "<code class='language-py'>", "</code>",
        "<blockquote>", "</blockquote>", "<blockquote expandable>", '<span class="tg-spoiler">', "</span>",
        '<a href="https://igtipc.org/?a=1&amp;b=2">', '<a href="javascript:alert(1)">', '<a href="/rel">', "</a>",
        "<script>alert('<b>')</script>", "<style>p{}</style>", "<iframe src=x>frame</iframe>", "<img src=x>",
        '<p onclick="x()">', "<!-- c -->", "&nbsp;", "&amp;", "&lt;", "&gt;", "&quot;", "&#x1F331;", "&#8212;",
        "&bogus;", "&", "<", ">", "<<", "word", "Альянс", "жаңалық", "ثاني", "👨‍👩‍👧", "🇰🇿", "e\u0301", " ", "\n",
        ". ", "long sentence here. ", "\t",
    ]
)  # fmt: skip
GRAPHEMES = st.sampled_from(
    [
        "a",
        "Б",
        "ә",
        " ",
        "\n",
        "\n\n",
        ". ",
        "👍",
        "👍🏽",
        "👨‍👩‍👧",
        "🇰🇿",
        "e\u0301",
        "a\u0301\u0302",
        "❤️",
        "ש",
        "&",
        "<",
    ]
)
TAGS = st.sampled_from(["b", "i", "u", "s", "tg-spoiler", "code", "blockquote", "pre", "a"])


def stored(summary: str, title: str = "T", image: str | None = None) -> StoredEntry:
    entry = Entry("k", "https://igtipc.org/1", title, summary, image, datetime(2025, 6, 12, tzinfo=UTC), "ru")
    return StoredEntry(1, 1, "Src", entry, datetime(2025, 6, 12, tzinfo=UTC), True, None)


@FAST
@given(st.lists(SOUP, max_size=80).map("".join), st.text(max_size=50))
def test_any_feed_html_renders_valid_within_limits(summary: str, title: str) -> None:
    message = render_entry(stored(summary, title, image="https://igtipc.org/i.jpg"), "ru")
    text = check(message.text, 4096)
    assert message.caption is not None
    check(message.caption, 1024)
    assert all(link.startswith(("http://", "https://", "tg://", "mailto:")) for link in text.links)


@FAST
@given(st.text(max_size=3000))
def test_any_text_renders_valid(summary: str) -> None:
    check(render_entry(stored(summary), "kk").text, 4096)


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, str, list[str]]:
    """Well-formed feed HTML, its words, and its links."""
    words: list[str] = []
    links: list[str] = []
    parts: list[str] = []
    for index in range(draw(st.integers(1, 12))):
        text = draw(st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp", "Co", "Cn")), min_size=1))
        words.append(text)
        escaped = html.escape(text)
        kind = draw(st.sampled_from(["p", "b", "a", "li", "plain", "h2"]))
        if kind == "a":
            url = f"https://igtipc.org/{index}?q={index}&x=1"
            links.append(url)
            parts.append(f'<p><a href="{html.escape(url)}">{escaped}</a></p>')
        elif kind == "li":
            parts.append(f"<ul><li>{escaped}</li></ul>")
        elif kind == "plain":
            parts.append(f" {escaped} ")
        else:
            parts.append(f"<{kind}>{escaped}</{kind}>")
    return "".join(parts), "".join(words), links


def squeeze(text: str) -> str:
    return SPACE.sub("", text)


@FAST
@given(documents())
def test_feed_text_and_links_survive(document: tuple[str, str, list[str]]) -> None:
    source, words, links = document
    tokens, complete = sanitize(source, base_url="https://igtipc.org/")
    assert complete
    parsed = check(serialize(tokens), 10**9)
    shown = "".join(char for char in words if char not in REMOVED)  # what Telegram drops from any text
    assert squeeze(parsed.text.replace("• ", "")) == squeeze(shown)
    assert list(parsed.links) == links


@FAST
@given(documents(), st.integers(2, 300))
def test_truncation_keeps_a_prefix_and_the_limit(document: tuple[str, str, list[str]], limit: int) -> None:
    tokens, _ = sanitize(document[0])
    full = parse_html(serialize(tokens)).text
    out = check(truncate_tokens(tokens, limit), limit).text
    if out == full:
        return
    assert out.endswith("…")
    kept = out.removesuffix("…").rstrip()
    assert full.startswith(kept)


@FAST
@given(
    st.lists(st.tuples(st.lists(TAGS, max_size=3), st.lists(GRAPHEMES, min_size=1, max_size=30)), max_size=30),
    st.integers(10, 200),
)
def test_split_pieces_are_valid_whole_and_cut_between_characters(
    runs: list[tuple[list[str], list[str]]], limit: int
) -> None:
    source = []
    text = ""
    for tags, graphemes in runs:
        chunk = "".join(graphemes)
        text += chunk
        opening = "".join('<a href="https://x.kz">' if t == "a" else f"<{t}>" for t in tags)
        closing = "".join(f"</{t}>" for t in reversed(tags))
        source.append(opening + html.escape(chunk, quote=False) + closing)
    pieces = split_html("".join(source), limit)
    visible = [check(piece, limit).text for piece in pieces]
    assert all(piece.strip() for piece in visible)
    assert squeeze("".join(visible)) == squeeze(text)
    position = 0
    stripped = text
    for piece in visible:
        position = stripped.index(piece, position)
        assert is_boundary(stripped, position)
        assert is_boundary(stripped, position + len(piece))
        position += len(piece)


@FAST
@given(st.text(max_size=2000), st.integers(2, 500))
def test_split_of_arbitrary_text_fits_the_limit(text: str, limit: int) -> None:
    pieces = split_html(html.escape(text, quote=False), limit)
    assert all(utf16_len(parse_html(piece).text) <= limit for piece in pieces)


@FAST
@given(st.lists(st.tuples(st.text(max_size=400), st.integers(0, 30 * 24)), min_size=1, max_size=60))
def test_digest_messages_are_valid_and_hold_every_item(items: list[tuple[str, int]]) -> None:
    entries = []
    for index, (title, hours) in enumerate(items):
        entry = Entry(str(index), f"https://igtipc.org/{index}", title, "", None, None, "en")
        seen = datetime(2025, 6, 30, tzinfo=UTC) - timedelta(hours=hours)
        entries.append(StoredEntry(index, 1, "Src", entry, seen, True, None))
    messages = render_digest(entries, "en", "week")
    links: list[str] = []
    for message in messages:
        links += check(message.text, 4096).links
    newest_first = sorted(entries, key=lambda e: e.published, reverse=True)
    assert links == [e.entry.url for e in newest_first]
