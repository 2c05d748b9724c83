"""Checks of rendered output: the stub's strict Telegram HTML parser plus Telegram's nesting rules."""

from __future__ import annotations

import re

from local_telegram.html import ParsedText, parse_html, utf16_len

_TAG = re.compile(r"<(/?)([a-z-]+)[^>]*>")
_FORMATTING = {"b", "i", "u", "s", "tg-spoiler"}


def check(html: str, limit: int = 4096) -> ParsedText:
    """Parse `html` as Telegram would, check the nesting rules and the visible length; return the parse."""
    parsed = parse_html(html)
    assert utf16_len(parsed.text) <= limit, f"{utf16_len(parsed.text)} > {limit}"
    stack: list[str] = []
    for closing, name in _TAG.findall(html):
        if closing:
            stack.pop()
            continue
        inside = set(stack)
        if inside & {"code", "pre"}:
            assert name == "code", f"<{name}> inside {stack}"
            assert stack[-1] == "pre", f"<{name}> inside {stack}"
        elif name == "a":
            assert "a" not in inside, f"nested link in {stack}"
        elif name == "blockquote":
            assert not inside & {"a", "blockquote"}, f"<blockquote> inside {stack}"
        elif name in {"code", "pre"}:
            assert not inside & (_FORMATTING | {"a", "blockquote"}), f"<{name}> inside {stack}"
        stack.append(name)
    return parsed
