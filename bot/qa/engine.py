"""Answers to plain-language questions about the alliance, from the knowledge base only.

No Telegram types here: the handlers and the CLI both call `QuestionEngine.answer` and send or print
its text as it is (valid Telegram HTML).
"""

from __future__ import annotations

import asyncio
import html
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.i18n import Html, Localizer, localizer
from bot.qa.matcher import Entity, EntityIndex, Match
from bot.qa.text import detect_language, tokens
from domain.entries import StoredEntry
from storage import Database
from storage.entries import EntryRepository
from storage.kb import KnowledgeBase, KnowledgeBaseRepository, Organization, Source


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


RELOAD_SECONDS = 60.0
NEWS_LIMIT = 5
SEARCH_LIMIT = 3
# A question is short; a pasted article would cost seconds of fuzzy matching for nothing.
MAX_QUESTION_WORDS = 60
MAX_SEARCH_CHARS = 300


class AnnouncementSource(Protocol):
    """Stored announcements (the news the bot has ingested)."""

    async def search(self, query: str, *, limit: int = 5) -> list[StoredEntry]: ...

    async def latest(self, *, limit: int = 5, alliance_only: bool = True) -> list[StoredEntry]: ...


class KnowledgeBaseSource(Protocol):
    """Where the knowledge base is read from (storage.kb.KnowledgeBaseRepository)."""

    async def load(self) -> KnowledgeBase: ...


@dataclass(frozen=True, slots=True)
class Answer:
    """What the bot sends: the language it answers in, Telegram HTML, and the facts' source URLs."""

    language: str
    text: str
    intent: str
    sources: tuple[str, ...] = ()


# Word beginnings that mark what a question is about, in ru, kk and en, matched on the normalized words
# outside the names the question mentions; a trailing space means the whole word ("count " is not "country").
CO_CHAIR = ("сопредседат", "co chair", "cochair", "тең төраға", "тең төрағ")
CHAIR_UNIT = ("председательск", "chair unit", "төраға ұйым")
LEADER = (
    "возглав", "руковод", "лидер", "глав", "председат", "lead", "head ", "heads", "headed", "chair",
    "басқар", "басшы", "жетекш", "төраға", "төрағ",
)  # fmt: skip
MEMBERSHIP = (
    "кім бар", "кто из", "who is from",
    "член", "участ", "вход", "состо", "есть ли", "member", "part of", "belong", "join", "in the alliance",
    "мүше", "кір", "қатыс", "бар ма",
)  # fmt: skip
COUNT = ("сколько", "how many", "number of", "қанша", "количеств", "count ", "counts")
COUNTRIES = ("стран", "countr", "елдер", "елі", "мемлекет", "государств", "nation")
ORGANIZATIONS = ("организац", "ұйым", "organi", "member", "участник", "член", "мүше", "состав", "list")
COUNCIL = ("совет", "council", "кеңес")
ROLE = ("рол", "role", "рөл", "статус", "status", "функци")
FOUNDED = ("когда", "when", "қашан", "основ", "созда", "учрежд", "found", "establish", "creat", "құрыл")
INITIATIVE = ("инициатив", "initiative", "бастама", "пояс", "belt and road", "белдеу", "bri")
AIMS = ("цел", "задач", "зачем", "aim", "goal", "purpose", "objective", "мақсат", "міндет")
FUND = ("фонд", "fund", "қор ", "қоры", "қорын", "қорға")
SECRETARIAT = ("секретариат", "secretariat", "хатшы")
NEWS = ("новост", "news", "latest", "жаңалық", "последн", "соңғы", "свеж")
NAME = ("назва", "называ", "name", "атау", "аталад")
ABOUT = (
    "что такое", "что за", "расскажи", "об альянсе", "о альянсе", "what is", "whats", "tell me", "about",
    "деген не", "туралы", "не істейді",
)  # fmt: skip
ALLIANCE = ("альянс", "alliance")
_QUESTION_WORDS = _words(
    "кто что где какие какая какой каких ли в из и а это все его их ее "
    "the is are a an of in from does do which who what whats there all any his its their "
    "кім кімдер не қай ма ме ба бе па пе және мен да де оның олардың "
    "сейчас теперь уже ещё еще также тоже пожалуйста вообще там тут здесь "
    "now currently today also too please still yet actually here қазір әлі тағы қазіргі"
)
# Words that never name an organization, country or person; the fuzzy matcher skips them.
IGNORED_WORDS = frozenset({*_QUESTION_WORDS, "альянс", "альянса", "альянсе", "альянсқа", "альянста", "alliance"})


def _mentions(words: Sequence[str], prefixes: Iterable[str]) -> bool:
    joined = " " + " ".join(words) + " "
    return any(f" {prefix}" in joined for prefix in prefixes)


def _link(source: Source) -> str:
    host = re.sub(r"^https?://(www\.)?", "", source.url).split("/")[0]
    return f'<a href="{html.escape(source.url)}">{html.escape(host)}, {source.date.isoformat()}</a>'


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


class _Reply:
    """An answer being written: lines of HTML and the sources they used."""

    def __init__(self, l10n: Localizer, intent: str) -> None:
        self.l10n = l10n
        self.intent = intent
        self.lines: list[str] = []
        self.sources: dict[str, Source] = {}

    def add(self, key: str, *sources: Source | None, **args: object) -> None:
        self.lines.append(self.l10n(key, **args))
        for source in sources:
            if source is not None:
                self.sources.setdefault(source.url, source)

    def build(self) -> Answer:
        text = "\n".join(self.lines)
        if self.sources:
            links = Html(", ".join(_link(s) for s in self.sources.values()))
            text += "\n\n" + self.l10n("qa-source", links=links)
        return Answer(self.l10n.language, text, self.intent, tuple(self.sources))


class QuestionEngine:
    """Understands a question, answers from the knowledge base, else from stored news, else says so."""

    def __init__(
        self,
        knowledge: KnowledgeBaseSource,
        announcements: AnnouncementSource | None = None,
        *,
        reload_seconds: float = RELOAD_SECONDS,
    ) -> None:
        self._knowledge = knowledge
        self._announcements = announcements
        self._reload_seconds = reload_seconds
        self._loaded_at = -float("inf")
        self._kb = KnowledgeBase()
        self._index = EntityIndex(self._kb)
        self._lock = asyncio.Lock()

    async def knowledge_base(self) -> KnowledgeBase:
        """The knowledge base, re-read at most every `reload_seconds` (so a `kb import` shows up)."""
        async with self._lock:
            if time.monotonic() - self._loaded_at >= self._reload_seconds:
                kb = await self._knowledge.load()
                if kb != self._kb or self._loaded_at == -float("inf"):
                    # Indexing 10,000 organizations takes about a second: keep the event loop free meanwhile.
                    self._index = await asyncio.to_thread(EntityIndex, kb, ignored_words=IGNORED_WORDS)
                    self._kb = kb
                self._loaded_at = time.monotonic()
        return self._kb

    async def find(self, text: str) -> list[Entity]:
        """The organizations, countries and people a text names, in order of appearance."""
        await self.knowledge_base()
        words = tokens(text)[:MAX_QUESTION_WORDS]
        return [match.entity for match in self._index.find(words, kazakh=True)]

    async def answer(self, text: str, *, user_language: str) -> Answer:
        """The answer to a question, in the question's language (the user's language breaks ties)."""
        kb = await self.knowledge_base()
        language = detect_language(text, user_language)
        l10n = localizer(language)
        words = tokens(text)[:MAX_QUESTION_WORDS]
        matches = self._index.find(words, kazakh=language == "kk")
        covered = {n for match in matches for n in range(match.start, match.end)}
        rest = [word for n, word in enumerate(words) if n not in covered]
        reply = self._from_knowledge(kb, l10n, text, rest, matches)
        if reply is not None and reply.lines:
            return reply.build()
        return await self._from_news(l10n, rest)

    def _from_knowledge(
        self, kb: KnowledgeBase, l10n: Localizer, text: str, rest: list[str], matches: list[Match]
    ) -> _Reply | None:
        people = [m.entity.key for m in matches if m.entity.kind == "person"]
        organizations = [m.entity.key for m in matches if m.entity.kind == "org"]
        countries = [m.entity.key for m in matches if m.entity.kind == "country"]
        if people:
            return self._people(kb, l10n, people)
        if organizations:
            return self._organizations(kb, l10n, organizations, leader=_mentions(rest, LEADER))
        if countries:
            return self._countries(kb, l10n, countries)
        if _mentions(rest, NEWS):
            return None
        if _mentions(rest, SECRETARIAT):
            reply = _Reply(l10n, "secretariat")
            reply.add("qa-secretariat")
            return reply
        if _mentions(rest, MEMBERSHIP) and not _mentions(rest, COUNT):
            # "Is X a member?" with an X the knowledge base lacks, else "which countries / who is in it?".
            if _names_something(text, rest):
                return self._unknown(kb, l10n, text)
            return self._country_list(kb, l10n) if _mentions(rest, COUNTRIES) else self._members(kb, l10n)
        if _mentions(rest, CO_CHAIR):
            return self._role_list(kb, l10n, "co_chair", "qa-co-chairs")
        if _mentions(rest, CHAIR_UNIT):
            return self._role_list(kb, l10n, "chair_unit", "qa-chair-units")
        if _mentions(rest, COUNT):
            return self._counts(kb, l10n, rest)
        if _mentions(rest, LEADER):
            return self._leadership(kb, l10n)
        if _mentions(rest, COUNTRIES):
            return self._country_list(kb, l10n)
        if _mentions(rest, COUNCIL):
            return self._council(kb, l10n)
        if _mentions(rest, ORGANIZATIONS) or _mentions(rest, ROLE):
            return self._members(kb, l10n)
        if _mentions(rest, FUND):
            return self._fact(kb, l10n, "fund", "fund")
        if _mentions(rest, AIMS):
            return self._aims(kb, l10n)
        if _mentions(rest, FOUNDED):
            founded = self._fact(kb, l10n, "founding", "founded")
            if founded is not None and (initiative := kb.fact("initiative")):
                founded.add("qa-initiative", initiative.source, initiative=initiative.text.get(l10n.language, ""))
            return founded
        if _mentions(rest, INITIATIVE):
            return self._initiative(kb, l10n)
        if _mentions(rest, NAME):
            return self._name(kb, l10n)
        if _mentions(rest, ALLIANCE) and (_mentions(rest, ABOUT) or len(rest) <= 2):
            return self.about(kb, l10n)
        return None

    # --- answers --------------------------------------------------------------------------------

    def _people(self, kb: KnowledgeBase, l10n: Localizer, keys: list[str]) -> _Reply:
        reply = _Reply(l10n, "person")
        language = l10n.language
        for key in dict.fromkeys(keys):
            person = kb.person(key)
            if person is None:
                continue
            organization = kb.organization(person.organization)
            args = {"name": person.name(language), "position": person.position.get(language, "")}
            if organization is not None:
                reply.add("qa-person", person.source, org=org_label(organization, language), **args)
            else:
                reply.add("qa-person-noorg", person.source, **args)
            if description := person.description.get(language):
                reply.lines.append(_escape(_sentence(description)))
        return reply

    def _organizations(self, kb: KnowledgeBase, l10n: Localizer, keys: list[str], *, leader: bool) -> _Reply:
        reply = _Reply(l10n, "organization")
        language = l10n.language
        for key in dict.fromkeys(keys):
            organization = kb.organization(key)
            if organization is None:
                continue
            staff = [p for p in kb.people if p.organization == key]
            if leader and staff:
                reply.intent = "organization-people"
                listed = _bounded([f"{p.name(language)} — {p.position.get(language, '')}" for p in staff], l10n, "; ")
                reply.add(
                    "qa-org-people", *(p.source for p in staff), org=org_label(organization, language), people=listed
                )
                continue
            role = kb.role(organization.role)
            if role is None:
                reply.intent = "not-member"
                reply.add("qa-org-not-member", organization.source, org=org_label(organization, language))
            else:
                country = kb.country(organization.country)
                args = {"org": org_label(organization, language), "role": role.name(language)}
                if country is not None:
                    reply.add("qa-org-role", organization.source, country=country.name(language), **args)
                else:
                    reply.add("qa-org-role-nocountry", organization.source, **args)
            if description := organization.description.get(language):
                reply.lines.append(_escape(_sentence(description)))
        return reply

    def _countries(self, kb: KnowledgeBase, l10n: Localizer, codes: list[str]) -> _Reply:
        reply = _Reply(l10n, "country")
        language = l10n.language
        for code in dict.fromkeys(codes):
            country = kb.country(code)
            if country is None:
                continue
            if not country.in_alliance:
                reply.intent = "not-member"
                reply.add("qa-country-not-member", country.source, country=country.name(language))
                continue
            reply.add("qa-country-member", country.source, country=country.name(language))
            named = [o for o in kb.members() if o.country == code]
            if named:
                reply.add(
                    "qa-country-orgs",
                    *(o.source for o in named),
                    list=_bounded([f"{org_label(o, language)} — {_role_name(kb, o, language)}" for o in named], l10n),
                )
            else:
                reply.add("qa-country-council", _source_of(kb, "council_members_count"))
        return reply

    def _unknown(self, kb: KnowledgeBase, l10n: Localizer, text: str) -> _Reply:
        reply = _Reply(l10n, "unknown")
        names = _unknown_names(text)
        if names:
            reply.add("qa-unknown-name", name=" ".join(names))
        else:
            reply.add("qa-unknown-thing")
        self._add_known_countries(kb, reply)
        return reply

    def _add_known_countries(self, kb: KnowledgeBase, reply: _Reply) -> None:
        known = [c for c in kb.countries if c.in_alliance]
        total = kb.fact("countries_count")
        if known and total is not None and total.number is not None:
            reply.add(
                "qa-known-countries",
                total.source,
                *(c.source for c in known),
                list=_bounded([c.name(reply.l10n.language) for c in known], reply.l10n),
                count=total.number,
            )

    def _role_list(self, kb: KnowledgeBase, l10n: Localizer, role: str, key: str) -> _Reply | None:
        holders = [o for o in kb.members() if o.role == role]
        if not holders:
            return None
        reply = _Reply(l10n, role)
        reply.add(key, *(o.source for o in holders), list=_org_list(kb, holders, l10n.language))
        return reply

    def _leadership(self, kb: KnowledgeBase, l10n: Localizer) -> _Reply | None:
        chairs = [o for o in kb.members() if o.role == "chair_unit"]
        cochairs = [o for o in kb.members() if o.role == "co_chair"]
        if not chairs or not cochairs:
            return None
        reply = _Reply(l10n, "leadership")
        reply.add(
            "qa-leadership",
            *(o.source for o in [*chairs, *cochairs]),
            chairs=_org_list(kb, chairs, l10n.language),
            cochairs=_org_list(kb, cochairs, l10n.language),
        )
        return reply

    def _counts(self, kb: KnowledgeBase, l10n: Localizer, rest: list[str]) -> _Reply | None:
        organizations, countries, council = (
            kb.fact("organizations_count"),
            kb.fact("countries_count"),
            kb.fact("council_members_count"),
        )
        if _mentions(rest, COUNTRIES) and countries is not None:
            reply = _Reply(l10n, "count-countries")
            reply.add("qa-countries-count", countries.source, count=countries.number or 0)
            self._add_known_countries(kb, reply)
            return reply
        if _mentions(rest, COUNCIL) and council is not None:
            return self._council(kb, l10n)
        if organizations is None or countries is None or council is None:
            return None
        reply = _Reply(l10n, "count")
        members = kb.members()
        reply.add(
            "qa-counts",
            organizations.source,
            countries.source,
            council.source,
            orgs=organizations.number or 0,
            countries=countries.number or 0,
            chairs=sum(o.role == "chair_unit" for o in members),
            cochairs=sum(o.role == "co_chair" for o in members),
            council=council.number or 0,
        )
        return reply

    def _council(self, kb: KnowledgeBase, l10n: Localizer) -> _Reply | None:
        council = kb.fact("council_members_count")
        if council is None or council.number is None:
            return None
        reply = _Reply(l10n, "council")
        reply.add("qa-council", council.source, count=council.number, what=council.text.get(l10n.language, ""))
        self._add_known_countries(kb, reply)
        return reply

    def _country_list(self, kb: KnowledgeBase, l10n: Localizer) -> _Reply:
        reply = _Reply(l10n, "countries")
        self._add_known_countries(kb, reply)
        return reply

    def _members(self, kb: KnowledgeBase, l10n: Localizer) -> _Reply:
        reply = _Reply(l10n, "members")
        members = kb.members()
        listed = _bounded(
            [f"{org_label(o, l10n.language)} — {_role_name(kb, o, l10n.language)}" for o in members], l10n, "; "
        )
        reply.add("qa-members", *(o.source for o in members), list=listed)
        council = kb.fact("council_members_count")
        if council is not None and council.number:
            reply.add("qa-members-unnamed", council.source, count=council.number)
        return reply

    def _fact(self, kb: KnowledgeBase, l10n: Localizer, key: str, intent: str) -> _Reply | None:
        fact = kb.fact(key)
        if fact is None or not fact.text.get(l10n.language):
            return None
        reply = _Reply(l10n, intent)
        reply.lines.append(_escape(fact.text[l10n.language]))
        reply.sources.setdefault(fact.source.url, fact.source)
        return reply

    def _aims(self, kb: KnowledgeBase, l10n: Localizer) -> _Reply | None:
        aims = kb.fact("aims")
        if aims is None or not aims.text.get(l10n.language):
            return None
        reply = _Reply(l10n, "aims")
        reply.add("qa-aims", aims.source, aims=aims.text[l10n.language])
        return reply

    def _initiative(self, kb: KnowledgeBase, l10n: Localizer) -> _Reply | None:
        initiative = kb.fact("initiative")
        if initiative is None:
            return None
        reply = _Reply(l10n, "initiative")
        reply.add("qa-initiative", initiative.source, initiative=initiative.text.get(l10n.language, ""))
        return reply

    def _name(self, kb: KnowledgeBase, l10n: Localizer) -> _Reply | None:
        name = kb.fact("name")
        if name is None:
            return None
        reply = _Reply(l10n, "name")
        reply.add("qa-name", name.source, name=name.text.get(l10n.language, ""))
        if (note := kb.fact("name_note")) and note.text.get(l10n.language):
            reply.lines.append(_escape(note.text[l10n.language]))
        return reply

    def about(self, kb: KnowledgeBase, l10n: Localizer) -> _Reply | None:
        """What the alliance is: name, initiative, counts, aims (also the /about text)."""
        name, initiative = kb.fact("name"), kb.fact("initiative")
        organizations, countries = kb.fact("organizations_count"), kb.fact("countries_count")
        if name is None or initiative is None or organizations is None or countries is None:
            return None
        language = l10n.language
        reply = _Reply(l10n, "about")
        reply.add(
            "qa-about",
            name.source,
            initiative.source,
            organizations.source,
            countries.source,
            name=name.text.get(language, ""),
            initiative=initiative.text.get(language, ""),
            orgs=organizations.number or 0,
            countries=countries.number or 0,
            what=organizations.text.get(language, ""),
        )
        aims = self._aims(kb, l10n)
        if aims is not None:
            reply.lines += aims.lines
        return reply

    async def about_answer(self, language: str) -> Answer:
        """The /about text."""
        kb = await self.knowledge_base()
        reply = self.about(kb, localizer(language))
        if reply is not None:
            return reply.build()
        return Answer(language, localizer(language)("qa-dont-know"), "dont-know")

    async def latest_answer(self, language: str) -> Answer:
        """The /latest text: the newest alliance announcements with links."""
        return await self._news(localizer(language))

    async def inline_results(self, query: str, *, language: str, limit: int = 10) -> list[InlineItem]:
        """Organizations and announcements matching an inline query (names typed in part match too)."""
        kb = await self.knowledge_base()
        language = detect_language(query, language) if query else language
        l10n = localizer(language)
        if not query:
            about = self.about(kb, l10n)
            return [InlineItem("about", _plain_title(kb, language), "", about.build().text)] if about else []
        keys = [
            m.entity.key for m in self._index.find(tokens(query), kazakh=language == "kk") if m.entity.kind == "org"
        ]
        needle = " ".join(tokens(query))
        keys += [
            o.key for o in kb.organizations if needle and any(needle in " ".join(tokens(n)) for n in o.all_names())
        ]
        items: list[InlineItem] = []
        for key in list(dict.fromkeys(keys))[:limit]:
            organization = kb.organization(key)
            if organization is None:
                continue
            country = kb.country(organization.country)
            role = kb.role(organization.role)
            description = ", ".join(
                part
                for part in (role.name(language) if role else "", country.name(language) if country else "")
                if part
            )
            text = self._organizations(kb, l10n, [key], leader=False).build().text
            items.append(InlineItem(f"org:{key}"[:64], org_label(organization, language), description, text))
        if self._announcements is not None and len(items) < limit:
            for entry in await self._announcements.search(query, limit=limit - len(items)):
                items.append(
                    InlineItem(
                        f"news:{entry.id}",
                        entry.entry.title or entry.source_title,
                        entry.published.date().isoformat(),
                        _entry_line(entry),
                    )
                )
        return items

    # --- news -----------------------------------------------------------------------------------

    async def _from_news(self, l10n: Localizer, rest: list[str]) -> Answer:
        if _mentions(rest, NEWS):
            return await self._news(l10n)
        # Search only the words that carry meaning: "кто" or "alliance" would match every announcement.
        meaningful = [w for w in rest if w not in IGNORED_WORDS and len(w) > 2]
        if self._announcements is not None and meaningful:
            query = " ".join(meaningful)[:MAX_SEARCH_CHARS]
            found = await self._announcements.search(query, limit=SEARCH_LIMIT)
            if found:
                lines = [l10n("qa-search-header"), *(_entry_line(item) for item in found)]
                return Answer(
                    l10n.language, "\n".join(lines), "search", tuple(i.entry.url for i in found if i.entry.url)
                )
        return Answer(l10n.language, l10n("qa-dont-know"), "dont-know")

    async def _news(self, l10n: Localizer) -> Answer:
        items = await self._announcements.latest(limit=NEWS_LIMIT, alliance_only=True) if self._announcements else []
        if not items:
            return Answer(l10n.language, l10n("qa-latest-empty"), "news")
        lines = [l10n("qa-latest-header"), *(_entry_line(item) for item in items)]
        return Answer(l10n.language, "\n".join(lines), "news", tuple(i.entry.url for i in items if i.entry.url))


@dataclass(frozen=True, slots=True)
class InlineItem:
    """One inline-mode result: a stable id, what the list shows, and the HTML message it sends."""

    id: str
    title: str
    description: str
    text: str


def _plain_title(kb: KnowledgeBase, language: str) -> str:
    name = kb.fact("name")
    return name.text.get(language, "") if name else ""


def create_question_engine(db: Database) -> QuestionEngine:
    """The question engine over the stored knowledge base and announcements; the bot and `python -m bot ask`
    share it.

    Lives here rather than in bot.factory so that the CLI does not import aiogram (seconds of start-up).
    """
    return QuestionEngine(KnowledgeBaseRepository(db), EntryRepository(db))


def org_label(organization: Organization, language: str) -> str:
    """The organization's name with its short name: «Full name (ACCA21)»."""
    name = organization.name(language)
    short = organization.short_name(language)
    return f"{name} ({short})" if short and short not in name else name


def _org_list(kb: KnowledgeBase, organizations: list[Organization], language: str) -> str:
    parts: list[str] = []
    for organization in organizations:
        country = kb.country(organization.country)
        label = organization.short_name(language) or organization.name(language)
        parts.append(f"{label} ({country.name(language)})" if country else label)
    return _bounded(parts, localizer(language))


# Fluent refuses arguments over 1000 characters, and a message holds 4096: long lists are cut.
MAX_LIST_CHARS = 900


def _bounded(parts: list[str], l10n: Localizer, separator: str = ", ") -> str:
    """Parts joined until MAX_LIST_CHARS, then "and N more"."""
    shown: list[str] = []
    length = 0
    for part in parts:
        if shown and length + len(part) + len(separator) > MAX_LIST_CHARS:
            break
        shown.append(part)
        length += len(part) + len(separator)
    text = separator.join(shown)
    if len(shown) < len(parts):
        text += " " + l10n("qa-more", count=len(parts) - len(shown))
    return text


def _role_name(kb: KnowledgeBase, organization: Organization, language: str) -> str:
    role = kb.role(organization.role)
    return role.name(language) if role else ""


def _source_of(kb: KnowledgeBase, key: str) -> Source | None:
    fact = kb.fact(key)
    return fact.source if fact else None


def _sentence(text: str) -> str:
    text = text.strip()
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


_TOPIC_WORDS = (
    CO_CHAIR, CHAIR_UNIT, LEADER, MEMBERSHIP, COUNT, COUNTRIES, ORGANIZATIONS, COUNCIL, ROLE, FOUNDED, INITIATIVE,
    AIMS, FUND, SECRETARIAT, NEWS, NAME, ABOUT, ALLIANCE,
)  # fmt: skip


def _is_topic_word(word: str) -> bool:
    return word in IGNORED_WORDS or any(_mentions([word], group) for group in _TOPIC_WORDS)


def _names_something(text: str, rest: list[str]) -> bool:
    """Whether a membership question names something besides question and topic words."""
    return bool(_unknown_names(text)) or any(len(word) > 2 and not _is_topic_word(word) for word in rest)


_NAME_RE = re.compile(r"\b[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][\w-]*")


def _unknown_names(text: str) -> list[str]:
    """Capitalized words that are neither question words nor topic words: the name asked about."""
    found = []
    for word in _NAME_RE.findall(text):
        normal = tokens(word)
        if not normal or _is_topic_word(normal[0]):
            continue
        found.append(word)
    return found[:4]


def _entry_line(item: StoredEntry) -> str:
    entry = item.entry
    title = _escape(entry.title or item.source_title)
    date = item.published.date().isoformat()
    if entry.url:
        return f'• <a href="{html.escape(entry.url)}">{title}</a> — {date}'
    return f"• {title} — {date}"


MEMBERS_PAGE_SIZE = 8


@dataclass(frozen=True, slots=True)
class MembersPage:
    text: str
    page: int  # 1-based, clamped to the pages there are
    pages: int


async def members_page(engine: QuestionEngine, language: str, page: int) -> MembersPage:
    """One page of the /members list: named members with role and country, then the unnamed count."""
    kb = await engine.knowledge_base()
    l10n = localizer(language)
    members = kb.members()
    pages = max(1, -(-len(members) // MEMBERS_PAGE_SIZE))
    page = min(max(page, 1), pages)
    lines = [l10n("qa-members-title", page=page, pages=pages)]
    for number, organization in enumerate(
        members[(page - 1) * MEMBERS_PAGE_SIZE : page * MEMBERS_PAGE_SIZE], start=(page - 1) * MEMBERS_PAGE_SIZE + 1
    ):
        country = kb.country(organization.country)
        where = f", {_escape(country.name(language))}" if country else ""
        role = _escape(_role_name(kb, organization, language))
        lines.append(f"{number}. {_escape(org_label(organization, language))} — {role}{where}")
    council = kb.fact("council_members_count")
    if page == pages and council is not None and council.number:
        lines.append(l10n("qa-members-unnamed", count=council.number))
    sources = {o.source.url: o.source for o in members}
    if sources:
        lines.append("\n" + l10n("qa-source", links=Html(", ".join(_link(s) for s in sources.values()))))
    return MembersPage("\n".join(lines), page, pages)


async def roles_text(engine: QuestionEngine, language: str) -> str:
    """The /roles text: every role and who holds it, or that it is not known."""
    kb = await engine.knowledge_base()
    l10n = localizer(language)
    lines = [l10n("qa-roles-title")]
    council, organizations = kb.fact("council_members_count"), kb.fact("organizations_count")
    for role in kb.roles:
        holders = [o for o in kb.members() if o.role == role.code]
        if holders:
            listed = _escape(_org_list(kb, holders, language))
        elif role.code == "council_member" and council is not None and council.number:
            listed = l10n("qa-role-council", count=council.number)
        elif role.code == "member" and organizations is not None and organizations.number:
            listed = l10n("qa-role-all", count=organizations.number)
        else:
            listed = l10n("qa-role-nobody")
        lines.append(l10n("qa-role-line", role=role.name(language), list=Html(listed)))
    if kb.roles:
        lines.append("\n" + l10n("qa-source", links=Html(_link(kb.roles[0].source))))
    return "\n".join(lines)
