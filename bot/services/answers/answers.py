"""Stage 4, answers: a parsed question turned into Telegram HTML from the knowledge base.

The planner reads the parse's meaning first: an off-topic question gets a short refusal that says what the bot
answers; a claim is verified (a count, a role, "the only one"); an exclusion is derived from the facts with its
basis shown (22 countries − Kazakhstan = 21); a pair of a known entity and something the knowledge base does
not hold about it is "not stated" for that pair, followed by what is known (never the card alone, which for a
country starts with "Yes"). Otherwise each intent has its registered answer (ANSWERS): entity alone, its card;
intent alone, the general answer; both, the specific answer with the entity as its subject. A tie: a question
back with a button per reading. Returns None when nothing fits, and the engine goes on to retrieval.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from bot.i18n import Html, Localizer
from bot.rendering.dates import format_day
from bot.services.answers.entities import Entity
from bot.services.answers.parse import Parse
from domain.knowledge import KnowledgeBase, Organization, Source

# Fluent refuses arguments over 1000 characters, and a message holds 4096: long lists are cut.
MAX_LIST_CHARS = 900
LEADING_ROLES = ("chair_unit", "co_chair")
# The intents that name a role, and the role.
ROLE_OF_INTENT = {"co_chairs": "co_chair", "chair_units": "chair_unit"}
# Intents answered by the engine itself (from stored announcements, asynchronously), not by a Composer.
ENGINE_INTENTS = frozenset({"news"})
# Intents that ask for a known entity's attribute which the knowledge base may lack; each names its message
# ("qa-ent-website": what its website is).
ENTITY_ATTRIBUTES = frozenset({"headquarters", "contacts", "website"})

Handler = Callable[["Composer", Parse], "Reply | None"]
ANSWERS: dict[str, Handler] = {}


def answers(*intents: str) -> Callable[[Handler], Handler]:
    """Registers the answer to intents of lexicon.yaml (tests/qa/test_engine.py checks the two agree)."""

    def register(handler: Handler) -> Handler:
        for intent in intents:
            if intent in ANSWERS:
                raise ValueError(f"two answers to the intent {intent}")
            ANSWERS[intent] = handler
        return handler

    return register


@dataclass(frozen=True, slots=True)
class Choice:
    """One reading of an ambiguous question, offered as a button."""

    intent: str
    entity: Entity | None
    label: str


@dataclass(frozen=True, slots=True)
class Answer:
    """What the bot sends: the language it answers in, Telegram HTML, and the facts' source URLs."""

    language: str
    text: str
    intent: str
    sources: tuple[str, ...] = ()
    outcome: str = "answered"  # answered, low, ask, not_stated, unknown, dont_know, search, news, refused
    choices: tuple[Choice, ...] = ()


@dataclass
class Reply:
    """An answer being written: lines of HTML and the sources they used."""

    l10n: Localizer
    intent: str
    outcome: str = "answered"
    lines: list[str] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    choices: list[Choice] = field(default_factory=list)

    def add(self, key: str, *sources: Source | None, **args: object) -> None:
        self.lines.append(self.l10n(key, **args))
        self.cite(*sources)

    def cite(self, *sources: Source | None) -> None:
        for source in sources:
            if source is not None:
                self.sources.setdefault(source.url, source)

    def build(self) -> Answer:
        text = "\n".join(self.lines)
        if self.sources:
            links = Html(", ".join(link(s, self.l10n.language) for s in self.sources.values()))
            text += "\n\n" + self.l10n("qa-source", links=links)
        return Answer(self.l10n.language, text, self.intent, tuple(self.sources), self.outcome, tuple(self.choices))


def link(source: Source, language: str) -> str:
    return source_link(source.url, source.date, language)


def source_link(url: str, day: date, language: str) -> str:
    """A source as answers cite it: its site and its date as the reader writes dates ("igtipc.org, 12 июня 2025")."""
    host = re.sub(r"^https?://(www\.)?", "", url).split("/")[0]
    return f'<a href="{html.escape(url)}">{html.escape(host)}, {format_day(day, language)}</a>'


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def org_label(organization: Organization, language: str) -> str:
    """The organization's name with its short name: «Full name (ACCA21)»."""
    name = organization.name(language)
    short = organization.short_name(language)
    return f"{name} ({short})" if short and short not in name else name


def bounded(parts: Iterable[str], l10n: Localizer, separator: str = ", ", *, total: int | None = None) -> str:
    """Parts joined until MAX_LIST_CHARS, then "and N more". Parts are taken lazily: with `total` given, a
    list of 10,000 organizations costs the few labels shown."""
    items = parts if total is not None else list(parts)
    count = total if total is not None else len(items)  # type: ignore[arg-type]
    shown: list[str] = []
    length = 0
    for part in items:
        if shown and length + len(part) + len(separator) > MAX_LIST_CHARS:
            break
        shown.append(part)
        length += len(part) + len(separator)
    text = separator.join(shown)
    if len(shown) < count:
        text += " " + l10n("qa-more", count=count - len(shown))
    return text


def sentence(text: str) -> str:
    text = text.strip()
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


class Composer:
    """Writes answers from one knowledge base in one language."""

    def __init__(self, kb: KnowledgeBase, l10n: Localizer) -> None:
        self.kb = kb
        self.l10n = l10n
        self.language = l10n.language

    # --- the decision -------------------------------------------------------------------------------

    def respond(self, question: Parse, *, not_stated: bool) -> Reply | None:
        """The answer to a parsed question, or None when nothing in the knowledge base fits."""
        if question.offtopic is not None:
            return self.refusal(question.offtopic)
        planned = self._plan(question)
        if planned is not None:
            return planned
        intent = question.intent
        if intent is not None and question.tied and not not_stated:
            readings = [self._reading(question, name) for name in (intent, *question.tied)]
            texts = {tuple(reply.lines) if reply else () for reply in readings}
            if len(texts) > 1:
                return self.ask_back(question)
            # Every reading gives the same answer ("what does IGTIPC do in the alliance"): no need to ask.
        if not_stated and intent is not None:
            return self.not_stated(intent)
        return self._reading(question, intent)

    def _reading(self, question: Parse, intent: str | None) -> Reply | None:
        handler = ANSWERS.get(intent) if intent is not None else None
        if handler is not None:
            return handler(self, question)
        if question.entities:
            return self.cards(list(question.entities), question)
        return None

    # --- the planner: modifiers, claims and (entity, attribute) pairs -------------------------------------

    def _plan(self, question: Parse) -> Reply | None:
        """The answers the question's meaning decides before its intent: in order, a number claimed ("30
        countries?"), an exclusion or a subset to count, a role claimed for a body ("is SSTEC a co-chair",
        "the only chair unit"), a role's holders with some left out, and what is not known about a named entity."""
        asked = {*question.attributes, *([question.intent] if question.intent else [])}
        for number, counted in question.numbers:
            if (reply := self.verify_count(number, self._counted(counted, asked))) is not None:
                return reply
        if question.excluded or question.excluded_groups:
            if "count" in asked and (reply := self.count_except(question, asked)) is not None:
                return reply
            roles = [ROLE_OF_INTENT[i] for i in sorted(asked) if i in ROLE_OF_INTENT] or (
                list(LEADING_ROLES) if "leadership" in asked else []
            )
            if roles and (reply := self.holders_except(question, tuple(roles))) is not None:
                return reply
        role_intents = [i for i in sorted(asked) if i in ROLE_OF_INTENT]
        orgs = _of(question, "org")
        if role_intents and orgs:
            return self.verify_role(
                orgs,
                ROLE_OF_INTENT[role_intents[0]],
                only="only" in question.modifiers,
                countries=_of(question, "country"),
            )
        countries = _of(question, "country")
        if "count" in asked and role_intents and countries:
            return self.count_from(ROLE_OF_INTENT[role_intents[0]], countries)
        if question.entities:
            return self._entity_not_stated(question, asked)
        if "claim" in question.modifiers and question.unknown_names:
            # "Is it true that France is a member?": a name the knowledge base does not hold is never a yes.
            return self.unknown(question)
        return None

    def _counted(self, counted: str, asked: set[str]) -> str:
        """What a number counts: a role's holders, countries, the Council, or (any body) the organizations."""
        if counted in ("co_chairs", "chair_units", "countries", "council"):
            return counted
        return "council" if "council" in asked else "organizations"

    def _count_of(self, counted: str) -> tuple[int, Reply] | None:
        """How many there are of what is counted, and the answer that says so with its source."""
        if counted in ROLE_OF_INTENT:
            key = "qa-co-chairs" if counted == "co_chairs" else "qa-chair-units"
            reply = self.role_list(ROLE_OF_INTENT[counted], key)
            return (len(self.kb.members_in_role(ROLE_OF_INTENT[counted])), reply) if reply else None
        fact = {"countries": "countries_count", "council": "council_members_count"}.get(counted, "organizations_count")
        found = self.kb.fact(fact)
        if found is None or found.number is None:
            return None
        reply = self.council() if counted == "council" else self.counts(countries_only=counted == "countries")
        return (found.number, reply) if reply else None

    def verify_count(self, claimed: int, counted: str) -> Reply | None:
        """A claimed number checked against the facts: "yes" with the fact, or "no" with the fact."""
        known = self._count_of(counted)
        if known is None:
            return None
        actual, fact = known
        reply = Reply(self.l10n, "claim")
        if claimed == actual:
            reply.add("qa-claim-yes", actual=actual)
        else:
            reply.add("qa-claim-no", actual=actual, claimed=claimed)
        reply.lines += fact.lines
        reply.sources.update(fact.sources)
        return reply

    def count_except(self, question: Parse, asked: set[str]) -> Reply | None:
        """A count with some left out, derived from the facts and shown with its basis: "22 − 1 = 21"."""
        countries_asked = "countries" in asked and not question.body
        counted = (
            "countries"
            if countries_asked
            else next(
                (
                    i
                    for i in ("co_chairs", "chair_units", "council")
                    if i in asked and i not in question.excluded_groups
                ),
                "organizations",
            )
        )
        known = self._count_of(counted)
        if known is None:
            return None
        total, reply = known
        minus: list[str] = []
        removed = 0
        underivable: list[str] = []
        for entity in question.excluded:
            name = self.entity_name(entity)
            if counted == "countries" and entity.kind == "country":
                country = self.kb.country(entity.key)
                if country is not None and country.in_alliance:
                    removed += 1
                    minus.append(name)
            elif counted != "countries" and entity.kind == "org":
                organization = self.kb.organization(entity.key)
                if organization is not None and organization.role and _holds(organization.role, counted):
                    removed += 1
                    minus.append(name)
            else:
                underivable.append(name)
        for group in sorted(question.excluded_groups):
            if counted in ("countries", group):
                continue
            holders = self._group(group)
            if holders is None:
                continue
            count, label = holders
            removed += count
            minus.append(label)
        if underivable or not minus:
            reply.add("qa-except-unknown", excluded=", ".join(underivable or minus))
            return reply
        reply.add("qa-except", excluded=", ".join(minus), rest=f"{total} − {removed} = {total - removed}")
        reply.intent = "derived"
        return reply

    def _group(self, group: str) -> tuple[int, str] | None:
        """How many organizations a group left out holds, and how it is named ("МЦЗТИП, Shanghai Electric")."""
        if group == "council":
            council = self.kb.fact("council_members_count")
            role = self.kb.role("council_member")
            if council is None or council.number is None:
                return None
            return council.number, role.name(self.language) if role else str(council.number)
        roles = LEADING_ROLES if group == "leadership" else (ROLE_OF_INTENT[group],)
        holders = [o for role in roles for o in self.kb.members_in_role(role)]
        return (len(holders), self.org_list(holders)) if holders else None

    def holders_except(self, question: Parse, roles: tuple[str, ...]) -> Reply | None:
        """The holders of roles with some left out ("co-chairs not from China")."""
        left_out = {e.key for e in question.excluded}
        if not left_out:
            return None
        holders = [o for role in roles for o in self.kb.members_in_role(role)]
        kept = [o for o in holders if o.key not in left_out and o.country not in left_out]
        reply = Reply(self.l10n, "derived")
        names = ", ".join(self.entity_name(e) for e in question.excluded)
        listed = self.org_list(kept) if kept else self.l10n("qa-role-nobody")
        reply.add("qa-except", *_sources(holders), excluded=names, rest=listed)
        return reply

    def verify_role(self, orgs: list[str], role: str, *, only: bool, countries: list[str]) -> Reply:
        """Is this body a co-chair (a chair unit), or the only one (from these countries)? Yes or no with its
        card, and the holders."""
        holders = [o for o in self.kb.members_in_role(role) if not countries or o.country in countries]
        reply = Reply(self.l10n, "claim")
        holds = all((o := self.kb.organization(key)) is not None and o.role == role for key in orgs)
        if holds and not (only and len(holders) > len(orgs)):
            reply.add("qa-claim-role-yes")
        else:
            reply.add("qa-claim-role-no")
        card = self.organizations(orgs, leader=False)
        reply.lines += card.lines
        reply.sources.update(card.sources)
        if not holds or only:
            listing = self.role_list(role, "qa-co-chairs" if role == "co_chair" else "qa-chair-units")
            if listing is not None:
                reply.lines += listing.lines
                reply.sources.update(listing.sources)
        return reply

    def count_from(self, role: str, countries: list[str]) -> Reply | None:
        """How many of a role's holders come from these countries, with them named."""
        holders = self.kb.members_in_role(role)
        if not holders:
            return None
        found = [o for o in holders if o.country in countries]
        reply = Reply(self.l10n, "derived")
        reply.add(
            "qa-count-of",
            *_sources(holders),
            count=len(found),
            total=len(holders),
            list=self.org_list(found) if found else self.l10n("qa-role-nobody"),
        )
        return reply

    def _entity_not_stated(self, question: Parse, asked: set[str]) -> Reply | None:
        """A named entity and something the knowledge base does not hold about it: "not stated" for that pair,
        then what is known. Never the card alone: a country's card starts with "Yes"."""
        entity = question.entities[0]
        what = self._missing(entity, question, asked)
        if what is None:
            return None
        reply = Reply(self.l10n, "not-stated-entity", outcome="not_stated")
        reply.add("qa-entity-not-stated", name=self.entity_name(entity), what=self.l10n(f"qa-ent-{what}"))
        known = self.cards(list(question.entities), question, neutral=True)
        if known.lines:
            reply.add("qa-entity-known")
            reply.lines += known.lines
            reply.sources.update(known.sources)
        return reply

    def _missing(self, entity: Entity, question: Parse, asked: set[str]) -> str | None:
        """Which attribute of this entity the question asks for that the knowledge base does not hold."""
        if question.asked is not None:
            return question.asked
        intent = question.intent
        if entity.kind == "org":
            organization = self.kb.organization(entity.key)
            if organization is None:
                return None
            if intent == "leadership" and not any(p.organization == entity.key for p in self.kb.people):
                return "head"
            if intent in ENTITY_ATTRIBUTES and not (intent == "website" and organization.website):
                return intent
        if intent == "founded" and entity.kind != "country":
            return "founded"
        if entity.kind == "country" and "count" in asked and "countries" not in asked:
            return "count-from"
        if entity.kind != "org" and intent in ENTITY_ATTRIBUTES:
            return intent
        return None

    def refusal(self, kind: str) -> Reply:
        """Opinions, politics, insults, prompt injections: a short, polite answer that says what the bot does."""
        reply = Reply(self.l10n, "refusal", outcome="refused")
        reply.add(f"qa-refusal-{kind}")
        reply.add("qa-refusal-can")
        return reply

    @answers("leadership")
    def _on_leadership(self, question: Parse) -> Reply | None:
        orgs = _of(question, "org")
        if orgs:
            return self.organizations(orgs, leader=True)
        if people := _of(question, "person"):
            return self.people(people)
        if countries := _of(question, "country"):
            return self.role_holders(LEADING_ROLES, countries, "leadership")
        return self.leadership()

    @answers("co_chairs")
    def _on_co_chairs(self, question: Parse) -> Reply | None:
        if orgs := _of(question, "org"):
            return self.organizations(orgs, leader=False)
        if "count" in question.attributes or not _of(question, "country"):
            return self.role_list("co_chair", "qa-co-chairs")
        return self.role_holders(("co_chair",), _of(question, "country"), "co_chairs")

    @answers("chair_units")
    def _on_chair_units(self, question: Parse) -> Reply | None:
        if orgs := _of(question, "org"):
            return self.organizations(orgs, leader=False)
        if not _of(question, "country"):
            return self.role_list("chair_unit", "qa-chair-units")
        return self.role_holders(("chair_unit",), _of(question, "country"), "chair_units")

    @answers("membership")
    def _on_membership(self, question: Parse) -> Reply | None:
        countries = _of(question, "country")
        if question.institution and countries and not _of(question, "org"):
            found = [
                o.key
                for o in self.kb.organizations
                if o.country in countries and question.institution in o.kind.lower()
            ]
            return self.organizations(found, leader=False) if found else self.unknown(question)
        if question.entities:
            return self.cards(list(question.entities), question)
        if question.unknown_names or question.leftovers:
            return self.unknown(question)
        if "countries" in question.attributes:
            return self.country_list()
        return self.members()

    @answers("countries")
    def _on_countries(self, question: Parse) -> Reply | None:
        if question.entities:
            return self.cards(list(question.entities), question)
        if question.unknown_names:
            return self.unknown(question)
        return self.country_list()

    @answers("count")
    def _on_count(self, question: Parse) -> Reply | None:
        attributes = question.attributes
        countable = attributes & {"countries", "council", "membership", "co_chairs", "chair_units"}
        if not (countable or question.body or question.mentions_alliance or question.entities) and question.leftovers:
            return None  # "how many is two plus two" counts nothing of the alliance
        if "co_chairs" in attributes:
            return self.role_list("co_chair", "qa-co-chairs")
        if "chair_units" in attributes:
            return self.role_list("chair_unit", "qa-chair-units")
        if "council" in attributes:
            return self.council()
        if question.entities and "countries" not in attributes:
            return self.cards(list(question.entities), question)
        return self.counts(countries_only="countries" in attributes and not question.body)

    @answers("council")
    def _on_council(self, question: Parse) -> Reply | None:
        return self.council()

    @answers("role")
    def _on_role(self, question: Parse) -> Reply | None:
        if question.entities:
            return self.cards(list(question.entities), question)
        return self.roles()

    @answers("activity")
    def _on_activity(self, question: Parse) -> Reply | None:
        if question.entities:
            return self.cards(list(question.entities), question)
        return self.about() if question.mentions_alliance or not question.leftovers else None

    @answers("founded")
    def _on_founded(self, question: Parse) -> Reply | None:
        reply = self.fact("founding", "founded")
        if reply is not None and (initiative := self.kb.fact("initiative")):
            reply.add("qa-initiative", initiative.source, initiative=initiative.text.get(self.language, ""))
        return reply

    @answers("initiative")
    def _on_initiative(self, question: Parse) -> Reply | None:
        initiative = self.kb.fact("initiative")
        if initiative is None:
            return None
        reply = Reply(self.l10n, "initiative")
        reply.add("qa-initiative", initiative.source, initiative=initiative.text.get(self.language, ""))
        return reply

    @answers("aims")
    def _on_aims(self, question: Parse) -> Reply | None:
        return self.aims()

    @answers("fund")
    def _on_fund(self, question: Parse) -> Reply | None:
        return self.fact("fund", "fund")

    @answers("meeting")
    def _on_meeting(self, question: Parse) -> Reply | None:
        return self.fact("meeting", "meeting")

    @answers("speech")
    def _on_speech(self, question: Parse) -> Reply | None:
        reply = self.fact("founding", "speech")
        if reply is not None and (people := _of(question, "person")):
            reply.lines += self.people(people).lines
        return reply

    @answers("name")
    def _on_name(self, question: Parse) -> Reply | None:
        if question.entities:
            return self.cards(list(question.entities), question)
        name = self.kb.fact("name")
        if name is None:
            return None
        reply = Reply(self.l10n, "name")
        reply.add("qa-name", name.source, name=name.text.get(self.language, ""))
        if (note := self.kb.fact("name_note")) and note.text.get(self.language):
            reply.lines.append(escape(note.text[self.language]))
        return reply

    @answers("secretariat")
    def _on_secretariat(self, question: Parse) -> Reply | None:
        reply = Reply(self.l10n, "secretariat", outcome="not_stated")
        reply.add("qa-secretariat")
        return reply

    @answers("about")
    def _on_about(self, question: Parse) -> Reply | None:
        if question.entities:
            return self.cards(list(question.entities), question)
        if question.leftovers and not question.mentions_alliance:
            return None
        return self.about()

    @answers("who")
    def _on_who(self, question: Parse) -> Reply | None:
        if question.entities:
            return self.cards(list(question.entities), question)
        if question.unknown_names:
            return self.unknown(question)
        return None

    @answers(
        "budget",
        "headquarters",
        "fees",
        "joining",
        "next_meeting",
        "contacts",
        "website",
        "venue",
        "staff",
        "fund_amount",
    )
    def _on_not_stated(self, question: Parse) -> Reply | None:
        if question.entities and question.intent in ENTITY_ATTRIBUTES:
            # A named body with what the question asks (its website): its card holds what is known.
            return self.cards(list(question.entities), question)
        return self.not_stated(question.intent or "")

    # --- building blocks ----------------------------------------------------------------------------

    def cards(self, entities: list[Entity], question: Parse, *, neutral: bool = False) -> Reply:
        """The entities' cards; `neutral`: as what is known, without the "Yes" that answers "is X a member"."""
        reply = Reply(self.l10n, "card")
        for entity in dict.fromkeys(entities):
            if entity.kind == "country":
                built = self.countries([entity.key], neutral=neutral)
            elif entity.kind == "person":
                built = self.people([entity.key])
            else:
                built = self.organizations([entity.key], leader=False)
            reply.lines += built.lines
            reply.sources.update(built.sources)
            if built.intent == "not-member" or len(entities) == 1:
                reply.intent = built.intent
        if question.unknown_names and not neutral:
            reply.add("qa-unknown-name", name=" ".join(question.unknown_names))
        return reply

    def people(self, keys: list[str]) -> Reply:
        reply = Reply(self.l10n, "person")
        for key in dict.fromkeys(keys):
            person = self.kb.person(key)
            if person is None:
                continue
            organization = self.kb.organization(person.organization)
            args = {"name": person.name(self.language), "position": person.position.get(self.language, "")}
            if organization is not None:
                reply.add("qa-person", person.source, org=org_label(organization, self.language), **args)
            else:
                reply.add("qa-person-noorg", person.source, **args)
            if description := person.description.get(self.language):
                reply.lines.append(escape(sentence(description)))
        return reply

    def organizations(self, keys: list[str], *, leader: bool) -> Reply:
        reply = Reply(self.l10n, "organization")
        language = self.language
        for key in dict.fromkeys(keys):
            organization = self.kb.organization(key)
            if organization is None:
                continue
            staff = [p for p in self.kb.people if p.organization == key]
            if leader and staff:
                reply.intent = "organization-people"
                listed = bounded(
                    [f"{p.name(language)} — {p.position.get(language, '')}" for p in staff], self.l10n, "; "
                )
                reply.add(
                    "qa-org-people", *(p.source for p in staff), org=org_label(organization, language), people=listed
                )
                continue
            role = self.kb.role(organization.role)
            if role is None:
                reply.intent = "not-member"
                reply.add("qa-org-not-member", organization.source, org=org_label(organization, language))
            else:
                country = self.kb.country(organization.country)
                args = {"org": org_label(organization, language), "role": role.name(language)}
                if country is not None:
                    reply.add("qa-org-role", organization.source, country=country.name(language), **args)
                else:
                    reply.add("qa-org-role-nocountry", organization.source, **args)
            if description := organization.description.get(language):
                reply.lines.append(escape(sentence(description)))
            if organization.website:
                site = html.escape(organization.website)
                link_text = html.escape(re.sub(r"^https?://", "", organization.website))
                reply.add("qa-org-website", site=Html(f'<a href="{site}">{link_text}</a>'))
        return reply

    def countries(self, codes: list[str], *, neutral: bool = False) -> Reply:
        reply = Reply(self.l10n, "country")
        for code in dict.fromkeys(codes):
            country = self.kb.country(code)
            if country is None:
                continue
            if not country.in_alliance:
                reply.intent = "not-member"
                reply.add("qa-country-not-member", country.source, country=country.name(self.language))
                continue
            key = "qa-country-member-plain" if neutral else "qa-country-member"
            reply.add(key, country.source, country=country.name(self.language))
            named = self.kb.members_from(code)
            if named:
                labels = (f"{org_label(o, self.language)} — {self.role_name(o)}" for o in named)
                reply.add("qa-country-orgs", *_sources(named), list=bounded(labels, self.l10n, total=len(named)))
            else:
                reply.add("qa-country-council", self.source_of("council_members_count"))
        return reply

    def role_holders(self, roles: tuple[str, ...], countries: list[str], intent: str) -> Reply:
        """Organizations holding these roles that come from these countries."""
        reply = Reply(self.l10n, intent)
        holders = [o for country in countries for o in self.kb.members_from(country) if o.role in roles]
        if not holders:
            return self.countries(countries)
        reply.add(
            "qa-holders",
            *_sources(holders),
            list=bounded(
                (f"{org_label(o, self.language)} — {self.role_name(o)}" for o in holders), self.l10n, total=len(holders)
            ),
            country=", ".join(c.name(self.language) for c in self.kb.countries if c.code in countries),
        )
        return reply

    def unknown(self, question: Parse) -> Reply:
        reply = Reply(self.l10n, "unknown", outcome="unknown")
        if question.unknown_names:
            reply.add("qa-unknown-name", name=" ".join(question.unknown_names))
        else:
            reply.add("qa-unknown-thing")
        self.add_known_countries(reply)
        return reply

    def add_known_countries(self, reply: Reply) -> None:
        known = [c for c in self.kb.countries if c.in_alliance]
        total = self.kb.fact("countries_count")
        if known and total is not None and total.number is not None:
            reply.add(
                "qa-known-countries",
                total.source,
                *(c.source for c in known),
                list=", ".join(c.name(self.language) for c in known),
                count=total.number,
            )

    def leadership(self) -> Reply | None:
        chairs = self.kb.members_in_role("chair_unit")
        cochairs = self.kb.members_in_role("co_chair")
        if not chairs and not cochairs:
            return None
        reply = Reply(self.l10n, "leadership")
        reply.add(
            "qa-leadership",
            *_sources(chairs + cochairs),
            chairs=self.org_list(chairs),
            cochairs=self.org_list(cochairs),
        )
        return reply

    def role_list(self, role: str, key: str) -> Reply | None:
        holders = self.kb.members_in_role(role)
        if not holders:
            return None
        reply = Reply(self.l10n, role)
        reply.add(key, *_sources(holders), list=self.org_list(holders))
        return reply

    def counts(self, *, countries_only: bool) -> Reply | None:
        organizations, countries = self.kb.fact("organizations_count"), self.kb.fact("countries_count")
        council = self.kb.fact("council_members_count")
        if countries_only and countries is not None:
            reply = Reply(self.l10n, "count")
            reply.add("qa-countries-count", countries.source, count=countries.number or 0)
            self.add_known_countries(reply)
            return reply
        if organizations is None or countries is None or council is None:
            return None
        reply = Reply(self.l10n, "count")
        reply.add(
            "qa-counts",
            organizations.source,
            countries.source,
            council.source,
            orgs=organizations.number or 0,
            countries=countries.number or 0,
            chairs=len(self.kb.members_in_role("chair_unit")),
            cochairs=len(self.kb.members_in_role("co_chair")),
            council=council.number or 0,
        )
        return reply

    def council(self) -> Reply | None:
        council = self.kb.fact("council_members_count")
        if council is None or council.number is None:
            return None
        reply = Reply(self.l10n, "council")
        reply.add("qa-council", council.source, count=council.number, what=council.text.get(self.language, ""))
        self.add_known_countries(reply)
        return reply

    def country_list(self) -> Reply:
        reply = Reply(self.l10n, "countries")
        self.add_known_countries(reply)
        return reply

    def members(self) -> Reply:
        reply = Reply(self.l10n, "members")
        members = self.kb.members()
        labels = (f"{org_label(o, self.language)} — {self.role_name(o)}" for o in members)
        listed = bounded(labels, self.l10n, "; ", total=len(members))
        reply.add("qa-members", *self.kb.member_sources(), list=listed)
        council = self.kb.fact("council_members_count")
        if council is not None and council.number:
            reply.add("qa-members-unnamed", council.source, count=council.number)
        return reply

    def fact(self, key: str, intent: str) -> Reply | None:
        fact = self.kb.fact(key)
        if fact is None or not fact.text.get(self.language):
            return None
        reply = Reply(self.l10n, intent)
        reply.lines.append(escape(fact.text[self.language]))
        reply.cite(fact.source)
        return reply

    def about(self) -> Reply | None:
        """What the alliance is: name, initiative, counts, aims (also the /about text)."""
        kb = self.kb
        name, initiative = kb.fact("name"), kb.fact("initiative")
        organizations, countries = kb.fact("organizations_count"), kb.fact("countries_count")
        if name is None or initiative is None or organizations is None or countries is None:
            return None
        reply = Reply(self.l10n, "about")
        reply.add(
            "qa-about",
            name.source,
            initiative.source,
            organizations.source,
            countries.source,
            name=name.text.get(self.language, ""),
            initiative=initiative.text.get(self.language, ""),
            orgs=organizations.number or 0,
            countries=countries.number or 0,
            what=organizations.text.get(self.language, ""),
        )
        aims = self.aims()
        if aims is not None:
            reply.lines += aims.lines
        return reply

    def aims(self) -> Reply | None:
        aims = self.kb.fact("aims")
        if aims is None or not aims.text.get(self.language):
            return None
        reply = Reply(self.l10n, "aims")
        reply.add("qa-aims", aims.source, aims=aims.text[self.language])
        return reply

    def roles(self) -> Reply:
        """Every role and who holds it, or that it is not known (also the /roles text)."""
        kb, l10n = self.kb, self.l10n
        reply = Reply(l10n, "roles")
        reply.add("qa-roles-title")
        council, organizations = kb.fact("council_members_count"), kb.fact("organizations_count")
        for role in kb.roles:
            holders = kb.members_in_role(role.code)
            if holders:
                listed = escape(self.org_list(holders))
            elif role.code == "council_member" and council is not None and council.number:
                listed = l10n("qa-role-council", count=council.number)
            elif role.code == "member" and organizations is not None and organizations.number:
                listed = l10n("qa-role-all", count=organizations.number)
            else:
                listed = l10n("qa-role-nobody")
            reply.add("qa-role-line", role.source, role=role.name(self.language), list=Html(listed))
        return reply

    def not_stated(self, intent: str) -> Reply:
        """The knowledge base does not hold this; say where an official answer may be found."""
        reply = Reply(self.l10n, intent, outcome="not_stated")
        reply.add("qa-not-stated", what=self.l10n(f"qa-attr-{intent.replace('_', '-')}"))
        official = [o for role in LEADING_ROLES for o in self.kb.members_in_role(role) if o.website]
        if official:
            sites = ", ".join(
                f'{escape(org_label(o, self.language))}: <a href="{html.escape(o.website or "")}">'
                f"{html.escape(re.sub(r'^https?://', '', o.website or ''))}</a>"
                for o in official
            )
            reply.add("qa-not-stated-where", sites=Html(sites))
        return reply

    def ask_back(self, question: Parse) -> Reply:
        reply = Reply(self.l10n, "ask", outcome="ask")
        entity = question.entities[0] if question.entities else None
        subject = self.entity_name(entity) if entity else ""
        reply.add("qa-ask-back")
        for intent in (question.intent or "", *question.tied):
            label = self.l10n(f"qa-choice-{intent.replace('_', '-')}")
            if subject:
                label = f"{label}: {subject}"
            reply.choices.append(Choice(intent, entity, label))
        return reply

    def entity_name(self, entity: Entity) -> str:
        if entity.kind == "country" and (country := self.kb.country(entity.key)):
            return country.name(self.language)
        if entity.kind == "person" and (person := self.kb.person(entity.key)):
            return person.name(self.language)
        if organization := self.kb.organization(entity.key):
            return organization.short_name(self.language) or organization.name(self.language)
        return entity.key

    # --- helpers ------------------------------------------------------------------------------------

    def org_list(self, organizations: list[Organization]) -> str:
        return bounded((self._short_label(o) for o in organizations), self.l10n, total=len(organizations))

    def _short_label(self, organization: Organization) -> str:
        country = self.kb.country(organization.country)
        label = organization.short_name(self.language) or organization.name(self.language)
        return f"{label} ({country.name(self.language)})" if country else label

    def role_name(self, organization: Organization) -> str:
        role = self.kb.role(organization.role)
        return role.name(self.language) if role else ""

    def source_of(self, key: str) -> Source | None:
        fact = self.kb.fact(key)
        return fact.source if fact else None


def _sources(organizations: list[Organization]) -> list[Source]:
    """The distinct sources of many organizations (most share one article)."""
    return list({o.source.url: o.source for o in organizations}.values())


def _holds(role: str, counted: str) -> bool:
    """Whether a body with this role is among what is counted (organizations, or one role's holders)."""
    return (
        counted == "organizations"
        or ROLE_OF_INTENT.get(counted) == role
        or (counted == "council" and role == "council_member")
    )


def _of(question: Parse, kind: str) -> list[str]:
    return [e.key for e in question.entities if e.kind == kind]
