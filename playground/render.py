"""Telegram HTML as a tree the page builds with DOM calls (never innerHTML), so no markup reaches the page.

The bot's own Telegram HTML parser (bot.rendering.markup) gives balanced tokens; a node is then a string
(text) or {"tag": ..., "href"?: ..., "children": [...]}. Links keep only http, https and mailto.
"""

from __future__ import annotations

import html
import re
from typing import Any

from bot.rendering.markup import Open, parse_telegram_html

Node = str | dict[str, Any]
PAGE_LINK_SCHEMES = ("http://", "https://", "mailto:")
_HREF = re.compile(r'href="([^"]*)"')


def telegram_html_tree(markup: str) -> list[Node]:
    """The nodes of a message sent in HTML parse mode."""
    root: list[Node] = []
    stack = [root]
    for token in parse_telegram_html(markup):
        if isinstance(token, str):
            stack[-1].append(token)
        elif isinstance(token, Open):
            children: list[Node] = []
            node: dict[str, Any] = {
                "tag": "spoiler" if token.name == "tg-spoiler" else token.name,
                "children": children,
            }
            href = _HREF.search(token.markup)
            if token.name == "a" and href and html.unescape(href.group(1)).startswith(PAGE_LINK_SCHEMES):
                node["href"] = html.unescape(href.group(1))
            stack[-1].append(node)
            stack.append(children)
        elif len(stack) > 1:
            stack.pop()
    return root
