"""Answers to plain-language questions about the alliance, from the knowledge base only.

The pipeline, one module per stage (each testable alone; docs/QA.md):
normalize (words and keys) → segment (the question in a long message) → language (of the question, or the
one asked for) → entities + lexicon + parse (intent, entities, attribute) → answers (the answer, a question
back with buttons, or "not stated") → retrieval (BM25 over facts and announcements) → "don't know".

No Telegram types here: the handlers and the CLI both call `QuestionEngine.answer` and send or print its
text as it is (valid Telegram HTML).
"""

from __future__ import annotations

import asyncio
import dataclasses
import html
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from bot.i18n import Html, Localizer, localizer
from bot.rendering import strip_tags
from bot.rendering.dates import format_day, local_day
from bot.services.answers.answers import Answer, Composer, escape, org_label, source_link
from bot.services.answers.entities import Entity, EntityIndex
from bot.services.answers.lexicon import Lexicon, lexicon
from bot.services.answers.listing import MembersPage, members_page, roles_text
from bot.services.answers.normalize import words
from bot.services.answers.parse import Parse, chosen, parse
from bot.services.answers.retrieval import Passage, Retriever
from domain.entries import StoredEntry
from domain.knowledge import TEXT_LANGUAGES, KnowledgeBase, Organization, Person
from domain.localtime import KAZAKHSTAN
from storage import Database
from storage.entries import EntryRepository
from storage.kb import KnowledgeBaseRepository

__all__ = [
    "AnnouncementSource",
    "Answer",
    "InlineItem",
    "MembersPage",
    "QuestionEngine",
    "create_question_engine",
    "members_page",
    "org_label",
    "roles_text",
]

RELOAD_SECONDS = 60.0
NEWS_LIMIT = 5
SEARCH_LIMIT = 3
INDEXED_ANNOUNCEMENTS = 500
MAX_SEARCH_CHARS = 300
MAX_INLINE_NAME_WORDS = 60
# With this many words the engine cannot explain, a fact-intent is probably not what was asked: try
# retrieval first ("what was discussed about hydrogen energy?" is a news question, not the meeting fact).
RETRIEVE_FIRST_LEFTOVERS = 2


class AnnouncementSource(Protocol):
    """Stored announcements (the news the bot has ingested)."""

    async def search(self, query: str, *, limit: int = 5) -> list[StoredEntry]: ...

    async def latest(
        self, *, limit: int = 5, alliance_only: bool = True, languages: Sequence[str] = ()
    ) -> list[StoredEntry]: ...


class PostLinks(Protocol):
    """Where stories were posted in the official channels (bot.services.delivery.channels.ChannelPosts)."""

    async def post_links(self, stories: Iterable[int], language: str) -> dict[int, str]: ...


class KnowledgeBaseSource(Protocol):
    """Where the knowledge base is read from (storage.kb.KnowledgeBaseRepository)."""

    async def load(self) -> KnowledgeBase: ...


@dataclass(frozen=True, slots=True)
class InlineItem:
    """One inline-mode result: a stable id, what the list shows, and the HTML message it sends."""

    id: str
    title: str
    description: str
    text: str


@dataclass(frozen=True, slots=True)
class _Indexes:
    lexicon: Lexicon
    kb: KnowledgeBase
    names: EntityIndex
    passages: Retriever


def _build(
    kb: KnowledgeBase, announcements: list[StoredEntry], lex: Lexicon | None, names: EntityIndex | None
) -> _Indexes:
    """The indexes for a knowledge base and announcements; `names` is reused when only the news changed, the
    lexicon is compiled on the first build (80 ms)."""
    if lex is None:
        lex = lexicon()
    passages: list[Passage] = []
    for fact in kb.facts:
        for language, text in fact.text.items():
            passages.append(Passage(text, language, fact.source.url, fact.source.date.isoformat()))
    described: list[Person | Organization] = [*kb.people, *kb.organizations]
    for record in described:
        for language, text in record.description.items():
            passages.append(
                Passage(f"{record.name(language)}: {text}", language, record.source.url, record.source.date.isoformat())
            )
    for item in announcements:
        entry = item.entry
        passages.append(
            Passage(entry.title or "", "", entry.url or "", item.published.date().isoformat(), title=entry.title or "")
        )
    ignored = frozenset().union(*lex.function_words.values())
    if names is None:
        kb.warm()
        for language in TEXT_LANGUAGES:
            Composer(kb, localizer(language)).about()  # loads each language's messages before the first question
        names = EntityIndex(kb)
    return _Indexes(lex, kb, names, Retriever(passages, ignored=ignored))


class QuestionEngine:
    """Understands a question, answers from the knowledge base, else from stored news, else says so."""

    def __init__(
        self,
        knowledge: KnowledgeBaseSource,
        announcements: AnnouncementSource | None = None,
        *,
        posts: PostLinks | None = None,
        reload_seconds: float = RELOAD_SECONDS,
    ) -> None:
        self._knowledge = knowledge
        self._announcements = announcements
        self._posts = posts
        self._reload_seconds = reload_seconds
        self._loaded_at = -float("inf")
        # The lexicon and the indexes are built at the first question, not at start: a process that is asked
        # nothing (or not yet) keeps them out of its resident memory.
        self._indexes: _Indexes | None = None
        self._news_ids: tuple[int, ...] = ()
        self._lock = asyncio.Lock()

    async def knowledge_base(self) -> KnowledgeBase:
        """The knowledge base, re-read at most every `reload_seconds` (so a `kb import` shows up)."""
        return (await self._current()).kb

    async def _current(self) -> _Indexes:
        async with self._lock:
            if time.monotonic() - self._loaded_at >= self._reload_seconds:
                kb = await self._knowledge.load()
                news = await self._latest(INDEXED_ANNOUNCEMENTS)
                news_ids = tuple(item.id for item in news)
                old = self._indexes
                changed = old is None or kb != old.kb
                if changed or news_ids != self._news_ids:
                    # Indexing 10,000 organizations takes seconds: keep the event loop free meanwhile.
                    lex = None if old is None else old.lexicon
                    names = None if old is None or changed else old.names
                    self._indexes = await asyncio.to_thread(_build, kb, news, lex, names)
                    self._news_ids = news_ids
                self._loaded_at = time.monotonic()
        assert self._indexes is not None  # built above on the first call
        return self._indexes

    async def understand(self, text: str, *, user_language: str) -> Parse:
        """The parse of a question (stages 1-3)."""
        indexes = await self._current()
        return parse(text, user_language=user_language, lexicon=indexes.lexicon, names=indexes.names)

    async def find(self, text: str) -> list[Entity]:
        """The organizations, countries and people a text names, in order of appearance."""
        indexes = await self._current()
        return [match.entity for match in indexes.names.find(words(text)[:MAX_INLINE_NAME_WORDS])]

    async def answer(self, text: str, *, user_language: str) -> Answer:
        """The answer to a question, in the question's language (or the one the user asked for)."""
        indexes = await self._current()
        question = parse(text, user_language=user_language, lexicon=indexes.lexicon, names=indexes.names)
        return await self._answer(question, indexes)

    async def choose(self, intent: str, entity: Entity | None, language: str) -> Answer:
        """The answer for the reading picked with an ask-back button."""
        indexes = await self._current()
        if intent not in indexes.lexicon.intents:
            return Answer(language, localizer(language)("qa-dont-know"), "dont-know", outcome="dont_know")
        return await self._answer(chosen(intent, entity, language), indexes)

    async def _answer(self, question: Parse, indexes: _Indexes) -> Answer:
        l10n = localizer(question.language)
        intent = question.intent
        if intent == "news":
            return await self._news(l10n)
        spec = indexes.lexicon.intents[intent] if intent is not None else None
        not_stated = spec is not None and spec.not_stated and not (spec.entity_card and question.entities)
        if (
            intent is not None
            and not not_stated
            and question.offtopic is None
            and not question.entities
            and len(question.leftovers) >= RETRIEVE_FIRST_LEFTOVERS
        ):
            retrieved = await self._retrieve(question, l10n, indexes)
            if retrieved is not None:
                return retrieved
        reply = Composer(indexes.kb, l10n).respond(question, not_stated=not_stated)
        if reply is not None and reply.lines:
            answer = reply.build()
            if answer.outcome == "answered" and not question.confident:
                answer = dataclasses.replace(answer, outcome="low")
            return answer
        return await self._retrieve(question, l10n, indexes) or Answer(
            l10n.language, l10n("qa-dont-know"), "dont-know", outcome="dont_know"
        )

    async def _retrieve(self, question: Parse, l10n: Localizer, indexes: _Indexes) -> Answer | None:
        passages = indexes.passages.best(question.text, l10n.language, limit=SEARCH_LIMIT)
        facts = [p for p in passages if not p.title]
        if facts:
            best = facts[0]
            source = source_link(best.url, date.fromisoformat(best.date), l10n.language)
            text = l10n("qa-retrieved", passage=best.text) + "\n\n" + l10n("qa-source", links=Html(source))
            return Answer(l10n.language, text, "retrieved", (best.url,), outcome="low")
        meaningful = [w.lower() for w in question.leftovers if len(w) > 2]
        found: list[StoredEntry] = []
        if self._announcements is not None and meaningful:
            found = await self._announcements.search(" ".join(meaningful)[:MAX_SEARCH_CHARS], limit=SEARCH_LIMIT)
        if not found and passages:
            urls = {p.url for p in passages}
            found = [e for e in await self._latest(INDEXED_ANNOUNCEMENTS) if e.entry.url in urls][:SEARCH_LIMIT]
        if not found:
            return None
        posts = await self._post_links(found, l10n.language)
        lines = [
            l10n("qa-search-header"),
            *(entry_line(item, l10n.language, post=posts.get(item.story)) for item in found),
        ]
        return Answer(
            l10n.language, "\n".join(lines), "search", tuple(i.entry.url for i in found if i.entry.url), outcome="low"
        )

    async def _post_links(self, items: Sequence[StoredEntry], language: str) -> dict[int, str]:
        """Story -> its post in the official channel of `language`, for the announcements an answer names."""
        if self._posts is None or not items:
            return {}
        return await self._posts.post_links([item.story for item in items], language)

    async def _latest(self, limit: int, *, languages: Sequence[str] = ()) -> list[StoredEntry]:
        if self._announcements is None:
            return []
        return await self._announcements.latest(limit=limit, alliance_only=True, languages=languages)

    async def about_answer(self, language: str) -> Answer:
        """The /about text."""
        kb = await self.knowledge_base()
        l10n = localizer(language)
        reply = Composer(kb, l10n).about()
        if reply is not None:
            return reply.build()
        return Answer(language, l10n("qa-dont-know"), "dont-know", outcome="dont_know")

    async def latest_answer(self, language: str, *, languages: Sequence[str] = (), zone: str = KAZAKHSTAN) -> Answer:
        """The /latest text: the newest alliance announcements with links, in the reader's languages (`language`,
        then `languages`) where a story has a version in them, dated as the reader writes dates in their zone."""
        return await self._news(localizer(language), languages, zone)

    async def inline_results(self, query: str, *, language: str, limit: int = 10) -> list[InlineItem]:
        """Inline mode through the same pipeline, answered in the user's language: the answer to the query
        as a question, then the people, countries and organizations it names (typed in part too), then
        announcements. Each result once."""
        indexes = await self._current()
        kb = indexes.kb
        composer = Composer(kb, localizer(language))
        if not query:
            about = composer.about()
            name = kb.fact("name")
            title = name.text.get(language, "") if name else ""
            return [InlineItem("about", title, "", about.build().text)] if about else []
        question = dataclasses.replace(
            parse(query, user_language=language, lexicon=indexes.lexicon, names=indexes.names), language=language
        )
        items: dict[str, InlineItem] = {}
        if question.intent is not None and question.intent != "news":
            answer = await self._answer(question, indexes)
            if answer.outcome not in ("dont_know", "ask"):
                item_id = f"answer:{question.intent}"[:64]
                items[item_id] = InlineItem(item_id, _plain(answer.text.split("\n")[0])[:100], "", answer.text)
        entities = list(question.entities)
        needle = " ".join(w.key for w in words(query))
        if needle and len(entities) < limit:
            for organization in kb.organizations:
                if any(needle in " ".join(w.key for w in words(n)) for n in organization.all_names()):
                    entities.append(Entity("org", organization.key))
                if len(entities) >= limit:
                    break
        for entity in dict.fromkeys(entities):
            item = self._inline_entity(composer, entity, question)
            if item is not None:
                items.setdefault(item.id, item)
        if self._announcements is not None and len(items) < limit:
            found = await self._announcements.search(query, limit=limit - len(items))
            posts = await self._post_links(found, language)
            for entry in found:
                title = entry.entry.title or entry.source_title
                item_id = f"news:{entry.id}"
                day = format_day(local_day(entry.published), language)
                text = entry_line(entry, language, post=posts.get(entry.story))
                items.setdefault(item_id, InlineItem(item_id, title, day, text))
        return list(items.values())[:limit]

    def _inline_entity(self, composer: Composer, entity: Entity, question: Parse) -> InlineItem | None:
        kb, language = composer.kb, composer.language
        card = composer.cards([entity], dataclasses.replace(question, unknown_names=()))
        if not card.lines:
            return None
        text = card.build().text
        if entity.kind == "org" and (organization := kb.organization(entity.key)):
            country = kb.country(organization.country)
            role = kb.role(organization.role)
            parts = (role.name(language) if role else "", country.name(language) if country else "")
            description = ", ".join(part for part in parts if part)
            return InlineItem(f"org:{entity.key}"[:64], org_label(organization, language), description, text)
        title = composer.entity_name(entity)
        return InlineItem(f"{entity.kind}:{entity.key}"[:64], title, _plain(card.lines[0])[:100], text)

    async def _news(self, l10n: Localizer, languages: Sequence[str] = (), zone: str = KAZAKHSTAN) -> Answer:
        """The newest alliance announcements, each story once in the first of `languages` it exists in (the
        answer's language first), dated on the reader's clock."""
        items = await self._latest(NEWS_LIMIT, languages=tuple(dict.fromkeys((l10n.language, *languages))))
        if not items:
            return Answer(l10n.language, l10n("qa-latest-empty"), "news", outcome="news")
        posts = await self._post_links(items, l10n.language)
        lines = [
            l10n("qa-latest-header"),
            *(entry_line(item, l10n.language, zone, post=posts.get(item.story)) for item in items),
        ]
        urls = tuple(i.entry.url for i in items if i.entry.url)
        return Answer(l10n.language, "\n".join(lines), "news", urls, outcome="news")


def _plain(text: str) -> str:
    """Telegram HTML as plain text, for inline titles and descriptions."""
    return strip_tags(text)


def entry_line(item: StoredEntry, language: str, zone: str = KAZAKHSTAN, *, post: str | None = None) -> str:
    """One announcement in a list: its title (a link) and its day on the reader's clock, written in `language`;
    with `post`, a link to its post in the official channel."""
    entry = item.entry
    title = escape(entry.title or item.source_title)
    day = format_day(local_day(item.published, zone), language)
    line = f'• <a href="{html.escape(entry.url)}">{title}</a> — {day}' if entry.url else f"• {title} — {day}"
    if post:
        line += f' · <a href="{html.escape(post)}">{escape(localizer(language)("qa-channel-post"))}</a>'
    return line


def create_question_engine(db: Database, *, posts: PostLinks | None = None) -> QuestionEngine:
    """The question engine over the stored knowledge base and announcements; the bot and `python -m bot ask`
    share it. Lives here rather than in the bot's wiring so that the CLI does not import aiogram. `posts` links
    the announcements an answer names to their official channel posts (the bot's; the shell has none).
    """
    return QuestionEngine(KnowledgeBaseRepository(db), EntryRepository(db), posts=posts)
