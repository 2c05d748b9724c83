"""The playground's demo feed: RSS per language, served by the playground itself, published round by round.

The items live in demo_feed/items.yaml (the Center's announcement from demo_feed/alliance-article-ru.txt,
its summary in kk and en, and a plain item per language); nothing is fetched from outside.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml

from bot.config import LANGUAGES

DEMO_FEED_DIR = Path(__file__).parent / "demo_feed"
FEED_TITLES = {"ru": "Демо-лента песочницы", "kk": "Ойын алаңының демо таспасы", "en": "Playground demo feed"}


@dataclass(frozen=True, slots=True)
class DemoItem:
    language: str
    guid: str
    link: str
    title: str
    summary_html: str
    date: datetime | None


def _article(path: Path) -> tuple[str, str]:
    """The title (first line) and the body as HTML paragraphs; the article repeats its title once below it."""
    paragraphs = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    title, body = paragraphs[0], [p for p in paragraphs[1:] if p != paragraphs[0]]
    return title, "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in body)


def _item(raw: dict[str, Any], directory: Path) -> DemoItem:
    if "article" in raw:
        title, summary = _article(directory / str(raw["article"]))
    else:
        title, summary = str(raw["title"]), f"<p>{html.escape(str(raw['summary']), quote=False)}</p>"
    date = raw.get("date")
    if isinstance(date, str):
        date = datetime.fromisoformat(date)
    return DemoItem(str(raw["language"]), str(raw["guid"]), str(raw["link"]), title, summary, date)


def load_rounds(directory: Path = DEMO_FEED_DIR) -> list[list[DemoItem]]:
    data = yaml.safe_load((directory / "items.yaml").read_text(encoding="utf-8"))
    return [[_item(raw, directory) for raw in round_] for round_ in data["rounds"]]


class DemoFeed:
    """Nothing is published at start; each `publish_next()` adds one round (an item per language)."""

    def __init__(self, rounds: list[list[DemoItem]] | None = None) -> None:
        self.rounds = load_rounds() if rounds is None else rounds
        self.published = 0
        self._dates: dict[str, datetime] = {}

    @property
    def total(self) -> int:
        return len(self.rounds)

    def publish_next(self) -> bool:
        """Publish the next round; False when everything is already published."""
        if self.published >= self.total:
            return False
        now = datetime.now(UTC).replace(microsecond=0)
        for item in self.rounds[self.published]:
            self._dates[item.guid] = item.date or now  # an undated item is dated when it is published
        self.published += 1
        return True

    def items(self, language: str) -> list[DemoItem]:
        """The published items of one language, newest first as feeds list them."""
        published = [item for round_ in self.rounds[: self.published] for item in round_ if item.language == language]
        return list(reversed(published))

    def rss(self, language: str) -> bytes:
        if language not in LANGUAGES:
            raise KeyError(language)
        entries = "".join(
            "<item>"
            f'<guid isPermaLink="false">{escape(item.guid)}</guid>'
            f"<title>{escape(item.title)}</title>"
            f"<link>{escape(item.link)}</link>"
            f"<pubDate>{format_datetime(self._dates[item.guid])}</pubDate>"
            f"<description>{escape(item.summary_html)}</description>"
            "</item>"
            for item in self.items(language)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<rss version="2.0"><channel><title>{escape(FEED_TITLES[language])}</title>'
            f"<link>http://127.0.0.1/</link><description>{escape(FEED_TITLES[language])}</description>"
            f"<language>{language}</language>{entries}</channel></rss>"
        ).encode()
