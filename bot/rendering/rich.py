"""A whole article as one rich message (Bot API 10.1-10.3 `sendRichMessage`), as plain JSON-ready dicts.

The message is InputRichMessage in its `blocks` form (core.telegram.org/bots/api#inputrichmessage, "Exactly one
of the fields html, markdown, or blocks must be used"; the blocks form is Bot API 10.2's direct block JSON), built
from the same nh3-cleaned HTML the split HTML messages are built from (`clean_html`): headings, paragraphs,
lists, links and formatting, the lead image as a photo block, an official document (a PDF) as a document block
(#inputrichblockdocument, Bot API 10.3) and the "Read on the site" / "Read in Kazakh" buttons as a buttons block
(#inputrichblockbuttons, Bot API 10.3), so every button travels inside the message.

An article that does not fit the documented limits gives None: the sender then sends the split HTML messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any

from bot.i18n import localizer
from bot.rendering.dates import format_day, local_day
from bot.rendering.sanitize import clean_html
from domain.entries import StoredEntry
from domain.localtime import KAZAKHSTAN
from domain.urls import telegram_url

# The limits of a rich message. The Bot API documents them in its rich message formatting options (the
# rich-messages page of core.telegram.org/bots/api); its text is not in the stored corpus this was written from,
# so the values are as the telegram-rich crate's limits.rs quotes that page: 32 768 characters, 500 blocks,
# 16 nesting levels, 50 media, 20 table columns. What each counts is TDLib's InputRichMessage: the total length
# of all texts, the total number of all blocks, list items and table rows, the depth of nested blocks and rich
# texts, the total number of media in all blocks.
RICH_TEXT_LIMIT = 32_768
RICH_BLOCK_LIMIT = 500
RICH_DEPTH_LIMIT = 16
RICH_MEDIA_LIMIT = 50
# #inputrichblockbuttons, buttons "List of 1-8 buttons to send".
RICH_BUTTONS_LIMIT = 8
# #inputrichblocksectionheading, size "Relative size of the text font; 1-6, 1 is the largest".
TITLE_SIZE = 1
LANGUAGES = ("ru", "kk", "en")

Block = dict[str, Any]
RichText = str | list["RichText"] | dict[str, Any]

# HTML formatting tags nh3 keeps, as RichText types (#richtext: RichTextBold, RichTextItalic, ...).
_FORMATTING = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
}
_HEADINGS = {f"h{level}": level for level in range(1, 7)}
# Tags that end a paragraph; their text starts a new one.
_BREAKING = frozenset(
    {
        "p", "div", "section", "article", "header", "footer", "address", "blockquote", "figure", "figcaption",
        "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "pre", "ul", "ol", "li", "hr",
        *_HEADINGS,
    }
)  # fmt: skip


class _Paragraph:
    """Inline text being collected: a tree of RichText nodes, whitespace collapsed as a browser would."""

    def __init__(self) -> None:
        self.root: list[RichText] = []
        self.stack: list[list[RichText]] = [self.root]
        self.visible = ""  # the text so far, for collapsing whitespace and knowing emptiness

    def open(self, node: dict[str, Any] | None) -> None:
        """Open a formatting node, or with None a plain group (a link Telegram would refuse keeps its text).

        Beyond the depth a rich message may nest, formatting is dropped and its text kept: misnested feed
        markup (a parser reopens formatting at every misnesting) could otherwise nest thousands deep.
        """
        if len(self.stack) >= RICH_DEPTH_LIMIT:
            self.stack.append(self.stack[-1])
            return
        children: list[RichText] = []
        if node is None:
            self.stack[-1].append(children)
        else:
            node["text"] = children
            self.stack[-1].append(node)
        self.stack.append(children)

    def close(self) -> None:
        if len(self.stack) > 1:
            self.stack.pop()

    def text(self, data: str, *, keep_space: bool = False) -> None:
        if not keep_space:
            words = " ".join(data.split())
            if not words:
                data = " "
            else:
                data = (" " if data[0].isspace() else "") + words + (" " if data[-1].isspace() else "")
            if data.startswith(" ") and (not self.visible or self.visible.endswith((" ", "\n"))):
                data = data[1:]
        if data:
            self.stack[-1].append(data)
            self.visible += data

    def finish(self) -> RichText | None:
        """The paragraph's RichText (trailing space trimmed, empty formatting dropped), None if it shows nothing."""
        if not self.visible.strip():
            return None
        _trim_end(self.root)
        pruned = _prune(self.root)
        return pruned[0] if len(pruned) == 1 else pruned


def _trim_end(nodes: list[RichText]) -> bool:
    """Strip trailing whitespace from the last text leaf; True once a non-blank leaf was reached."""
    while nodes:
        last = nodes[-1]
        if isinstance(last, str):
            stripped = last.rstrip()
            if stripped:
                nodes[-1] = stripped
                return True
            nodes.pop()
        elif isinstance(last, list) or (isinstance(last, dict) and isinstance(last.get("text"), list)):
            if _trim_end(last if isinstance(last, list) else last["text"]):
                return True
            nodes.pop()
        else:
            return True
    return False


def _prune(nodes: list[RichText]) -> list[RichText]:
    kept: list[RichText] = []
    for node in nodes:
        if isinstance(node, dict) and isinstance(node.get("text"), list):
            children = _prune(node["text"])
            if not children:
                continue
            kept.append({**node, "text": children[0] if len(children) == 1 else children})
        elif isinstance(node, list):
            kept += _prune(node)
        elif isinstance(node, str) and kept and isinstance(kept[-1], str):
            kept[-1] += node  # adjacent texts are one
        elif node != "":
            kept.append(node)
    return kept


class _BlockBuilder(HTMLParser):
    """Cleaned feed HTML into InputRichBlock dicts: paragraphs, headings, lists (nested), dividers, preformatted."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._containers: list[list[Block]] = [self.blocks]  # where finished blocks go (list items nest)
        self._lists: list[Block] = []
        self._homes: list[list[Block]] = []  # where each open list goes
        self._implicit: list[bool] = []  # opened by a stray <li>, closed with it
        self._counters: list[int | None] = []  # the next number of each open list, None for a bulleted one
        self._paragraph = _Paragraph()
        self._heading: int | None = None
        self._pre = 0

    def _flush(self) -> None:
        text = self._paragraph.finish()
        if text is not None:
            if self._heading is not None:
                block: Block = {"type": "heading", "text": text, "size": self._heading}
            elif self._pre:
                block = {"type": "pre", "text": text}
            else:
                block = {"type": "paragraph", "text": text}
            self._containers[-1].append(block)
        self._paragraph = _Paragraph()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKING:
            self._flush()
        if tag in _HEADINGS:
            self._heading = _HEADINGS[tag]
        elif tag == "pre":
            self._pre += 1
        elif tag in ("ul", "ol"):
            # placed when its first item opens: text before it (inside the list, outside an item) comes first
            self._lists.append({"type": "list", "items": []})
            self._homes.append(self._containers[-1])
            self._implicit.append(False)
            start = dict(attrs).get("start") or "1"
            # numbered as the split message numbers it (bot/rendering/markup.py)
            self._counters.append((int(start) if start.isdigit() and len(start) < 6 else 1) if tag == "ol" else None)
        elif tag == "li":
            if not self._lists or self._containers[-1] is not self._homes[-1]:
                # an item outside any list (or inside another item): a list of its own, as a browser shows it
                self.handle_starttag("ul", [])
                self._implicit[-1] = True
            current, home = self._lists[-1], self._homes[-1]
            if not home or home[-1] is not current:
                if current["items"]:  # text came between two items: the list goes on in a new block after it
                    current = self._lists[-1] = {"type": "list", "items": []}
                home.append(current)
            item: dict[str, Any] = {"blocks": []}
            number = self._counters[-1]
            if number is not None:
                # #inputrichblocklistitem: value "For ordered lists, the numeric value of the item label", type
                # "'1' for decimal numbers"
                item |= {"type": "1", "value": number}
                self._counters[-1] = number + 1
            self._lists[-1]["items"].append(item)
            self._containers.append(item["blocks"])
        elif tag == "hr":
            self._containers[-1].append({"type": "divider"})
        elif tag == "br":
            self._paragraph.text("\n", keep_space=True)
        elif tag in ("td", "th"):  # a table row reads as one line, its cells apart (as in the split message)
            self._paragraph.text(" ")
        elif tag == "a":
            href = dict(attrs).get("href")
            self._paragraph.open({"type": "url", "url": href} if href else None)
        elif tag in _FORMATTING:
            self._paragraph.open({"type": _FORMATTING[tag]})

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _FORMATTING or tag == "a":
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _BREAKING:
            self._flush()
        if tag in _HEADINGS:
            self._heading = None
        elif tag == "pre":
            self._pre = max(0, self._pre - 1)
        elif tag == "li":
            if len(self._containers) > 1:
                self._containers.pop()
            if self._implicit and self._implicit[-1]:  # the list the item opened ends with it
                self.handle_endtag("ul")
        elif tag in ("ul", "ol") and self._lists:
            closing = self._lists.pop()
            self._counters.pop()
            self._homes.pop()
            self._implicit.pop()
            # nh3 serializes well-formed HTML, so every <li> was closed; this only guards its last item
            if closing["items"] and self._containers[-1] is closing["items"][-1]["blocks"]:
                self._containers.pop()
        elif tag == "a" or tag in _FORMATTING:
            self._paragraph.close()

    def handle_data(self, data: str) -> None:
        self._paragraph.text(data, keep_space=bool(self._pre))

    def finish(self) -> list[Block]:
        self.close()
        self._flush()
        return _without_empty_lists(self.blocks)


def _without_empty_lists(blocks: list[Block]) -> list[Block]:
    kept: list[Block] = []
    for block in blocks:
        if block["type"] == "list":
            items = [item | {"blocks": _without_empty_lists(item["blocks"])} for item in block["items"]]
            items = [item for item in items if item["blocks"]]
            if items:
                kept.append({"type": "list", "items": items})
        else:
            kept.append(block)
    return kept


def _plain(text: str) -> str:
    return " ".join(text.split())


def _web(url: str | None) -> str | None:
    return telegram_url(url) if url else None


def rich_entry(
    stored: StoredEntry,
    language: str,
    zone: str = KAZAKHSTAN,
    *,
    fallback: bool = False,
    document_url: str | None = None,
    versions: Mapping[str, str] | None = None,
) -> dict[str, Any] | None:
    """The entry as an InputRichMessage dict in the reader's `language`, or None when it would break a limit.

    `document_url` is the official document (a PDF enclosure); `versions` maps another language to the address
    of the story in it, each shown as a "Read in ..." button.
    """
    message = rich_article(stored, language, zone, fallback=fallback, document_url=document_url, versions=versions)
    return message if fits(message) else None


def rich_article(
    stored: StoredEntry,
    language: str,
    zone: str = KAZAKHSTAN,
    *,
    fallback: bool = False,
    document_url: str | None = None,
    versions: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """`rich_entry` before the limits are checked."""
    entry = stored.entry
    say = localizer(language)
    blocks: list[Block] = []
    if fallback:
        blocks.append(
            {"type": "paragraph", "text": {"type": "italic", "text": say(f"rendering-only-in-{entry.language}")}}
        )
    title = _plain(entry.title)
    if title:
        blocks.append({"type": "heading", "text": title, "size": TITLE_SIZE})
    meta = format_day(local_day(stored.published, zone), language)
    source = _plain(stored.source_title)
    blocks.append({"type": "paragraph", "text": {"type": "italic", "text": f"{meta} · {source}" if source else meta}})
    image = _web(entry.image_url)
    if image:
        # #inputrichblockphoto: photo "InputMediaPhoto ... Caption is ignored"; a URL is fetched by Telegram.
        blocks.append({"type": "photo", "photo": {"type": "photo", "media": image}})
    page = _web(entry.url)
    cleaned, complete = clean_html(entry.summary_html, base_url=page)
    builder = _BlockBuilder()
    builder.feed(cleaned)
    blocks += builder.finish()
    if not complete:
        blocks.append({"type": "paragraph", "text": "…"})  # the source was too large to read whole
    document = _web(document_url)
    if document:
        # #inputrichblockdocument (Bot API 10.3): document "InputMediaDocument ... Caption is ignored".
        blocks.append({"type": "document", "document": {"type": "document", "media": document}})
    buttons = []
    if page:
        buttons.append({"text": say("rendering-read-more"), "url": page})
    for other in LANGUAGES:
        address = _web((versions or {}).get(other))
        if other != entry.language and address:
            buttons.append({"text": say(f"rendering-read-in-{other}"), "url": address})
    if buttons:
        blocks.append({"type": "buttons", "buttons": buttons[:RICH_BUTTONS_LIMIT]})
    return {"blocks": blocks}


def measure(message: Mapping[str, Any]) -> tuple[int, int, int, int]:
    """(characters of text, blocks + list items + table rows, nesting depth, media) of an InputRichMessage dict,
    counted as `fits` compares them with the limits: every text counts, buttons' too; a block is one level and
    each formatting node inside its text one more, a list item's blocks one level below the list."""
    totals = [0, 0, 0]  # text, blocks, media
    depth = _blocks(message.get("blocks") or [], 1, totals)
    return totals[0], totals[1], depth, totals[2]


def fits(message: Mapping[str, Any]) -> bool:
    """Whether the message keeps every documented limit of a rich message (see RICH_*_LIMIT)."""
    text, blocks, depth, media = measure(message)
    return (
        text <= RICH_TEXT_LIMIT
        and blocks <= RICH_BLOCK_LIMIT
        and depth <= RICH_DEPTH_LIMIT
        and media <= RICH_MEDIA_LIMIT
    )


def _blocks(blocks: list[Block], level: int, totals: list[int]) -> int:
    deepest = level - 1
    for block in blocks:
        totals[1] += 1
        kind = block.get("type")
        depth = level
        if kind in ("photo", "document", "video", "audio", "animation", "voice_note"):
            totals[2] += 1
        if "text" in block:
            depth = max(depth, level + _text(block["text"], totals) - 1)
        for button in block.get("buttons", []):
            _text(button["text"], totals)
        if kind == "list":
            for item in block.get("items", []):
                totals[1] += 1
                depth = max(depth, _blocks(item.get("blocks", []), level + 1, totals))
        deepest = max(deepest, depth)
    return deepest


def _text(text: RichText, totals: list[int]) -> int:
    """Count the text's characters into totals; return its nesting depth (a plain string is 1)."""
    if isinstance(text, str):
        totals[0] += len(text)
        return 1
    if isinstance(text, list):
        return max((_text(part, totals) for part in text), default=1)
    return 1 + _text(text.get("text", ""), totals)
