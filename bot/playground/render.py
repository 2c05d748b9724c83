"""Telegram HTML as a tree the page builds with DOM calls (never innerHTML), so no markup reaches the page.

A node is a string (text) or {"tag": ..., "href"?: ..., "children": [...]}; tags are mapped to the few the
page styles, unknown ones keep only their text, and links only http, https and mailto.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

Node = str | dict[str, Any]
TAGS = {
    "b": "b",
    "strong": "b",
    "i": "i",
    "em": "i",
    "u": "u",
    "ins": "u",
    "s": "s",
    "strike": "s",
    "del": "s",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "a": "a",
    "tg-spoiler": "spoiler",
}
SAFE_SCHEMES = ("http://", "https://", "mailto:")


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: list[Node] = []
        self._stack: list[tuple[str, list[Node]]] = [("", self.root)]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        name = TAGS.get(tag)
        if tag == "span" and values.get("class") == "tg-spoiler":
            name = "spoiler"
        children: list[Node] = []
        if name is not None:
            node: dict[str, Any] = {"tag": name, "children": children}
            href = values.get("href") or ""
            if name == "a" and href.startswith(SAFE_SCHEMES):
                node["href"] = href
            self._stack[-1][1].append(node)
        else:
            # An unknown tag keeps its text in place, in its parent.
            children = self._stack[-1][1]
        self._stack.append((tag, children))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._stack) - 1, 0, -1):
            if self._stack[depth][0] == tag:
                del self._stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self._stack[-1][1].append(data)


def telegram_html_tree(markup: str) -> list[Node]:
    """The nodes of a message sent in HTML parse mode."""
    builder = _TreeBuilder()
    builder.feed(markup)
    builder.close()
    return builder.root
