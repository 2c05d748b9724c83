"""The knowledge base as frozen records: countries, roles, organizations, people and facts, each with its source.

Every name-bearing record carries `aliases` (any language) and `forms`: per language, the other ways people
write it — adjective and demonym forms (German, немецкий, неміс), abbreviations and translated renderings.
The question engine indexes both; they are knowledge, kept in the knowledge-base file, not in code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.languages import LANGUAGES

TEXT_LANGUAGES = LANGUAGES
NAME_LANGUAGES = (*TEXT_LANGUAGES, "zh")
ROLE_CODES = ("chair_unit", "co_chair", "council_member", "member", "secretariat")

Forms = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Source:
    """Where a row comes from: the page and its date."""

    url: str
    date: date


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    names: Mapping[str, str]
    aliases: tuple[str, ...]
    in_alliance: bool
    source: Source
    forms: Forms = field(default_factory=dict)

    def name(self, language: str) -> str:
        return pick(self.names, language) or self.code

    def all_names(self) -> list[str]:
        return unique([*self.names.values(), *self.aliases, *all_forms(self.forms)])


@dataclass(frozen=True, slots=True)
class Role:
    code: str
    names: Mapping[str, str]
    aliases: tuple[str, ...]
    source: Source

    def name(self, language: str) -> str:
        return pick(self.names, language) or self.code


@dataclass(frozen=True, slots=True)
class Organization:
    key: str
    role: str | None  # None: named in the sources but not a member of the alliance
    country: str | None
    kind: str
    website: str | None
    names: Mapping[str, str]
    short_names: Mapping[str, str]
    aliases: tuple[str, ...]
    description: Mapping[str, str]
    source: Source
    forms: Forms = field(default_factory=dict)

    def name(self, language: str) -> str:
        return pick(self.names, language) or self.key

    def short_name(self, language: str) -> str | None:
        return pick(self.short_names, language)

    def all_names(self) -> list[str]:
        return unique([*self.names.values(), *self.short_names.values(), *self.aliases, *all_forms(self.forms)])


@dataclass(frozen=True, slots=True)
class Person:
    key: str
    names: Mapping[str, str]
    aliases: tuple[str, ...]
    position: Mapping[str, str]
    organization: str | None
    description: Mapping[str, str]
    source: Source
    forms: Forms = field(default_factory=dict)

    def name(self, language: str) -> str:
        return pick(self.names, language) or self.key

    def all_names(self) -> list[str]:
        return unique([*self.names.values(), *self.aliases, *all_forms(self.forms)])


@dataclass(frozen=True, slots=True)
class Fact:
    key: str
    number: int | None
    text: Mapping[str, str]
    source: Source


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything the engine answers from; small enough to hold in memory."""

    facts: tuple[Fact, ...] = ()
    roles: tuple[Role, ...] = ()
    countries: tuple[Country, ...] = ()
    organizations: tuple[Organization, ...] = ()
    people: tuple[Person, ...] = ()
    _by_key: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        index: dict[str, Any] = {}
        object.__setattr__(self, "_by_key", index)  # frozen: the lookup table is built once, here
        index.update({f"fact:{f.key}": f for f in self.facts})
        index.update({f"role:{r.code}": r for r in self.roles})
        index.update({f"country:{c.code}": c for c in self.countries})
        index.update({f"org:{o.key}": o for o in self.organizations})
        index.update({f"person:{p.key}": p for p in self.people})

    def sorted(self) -> KnowledgeBase:
        """The same knowledge base with every section in key order (the order the database gives)."""
        return KnowledgeBase(
            facts=tuple(sorted(self.facts, key=lambda f: f.key)),
            roles=tuple(sorted(self.roles, key=lambda r: r.code)),
            countries=tuple(sorted(self.countries, key=lambda c: c.code)),
            organizations=tuple(sorted(self.organizations, key=lambda o: o.key)),
            people=tuple(sorted(self.people, key=lambda p: p.key)),
        )

    def fact(self, key: str) -> Fact | None:
        found: Fact | None = self._by_key.get(f"fact:{key}")
        return found

    def role(self, code: str | None) -> Role | None:
        found: Role | None = self._by_key.get(f"role:{code}")
        return found

    def country(self, code: str | None) -> Country | None:
        found: Country | None = self._by_key.get(f"country:{code}")
        return found

    def organization(self, key: str | None) -> Organization | None:
        found: Organization | None = self._by_key.get(f"org:{key}")
        return found

    def person(self, key: str | None) -> Person | None:
        found: Person | None = self._by_key.get(f"person:{key}")
        return found

    def members(self) -> list[Organization]:
        """Member organizations in role order (chair units, co-chairs, Council members, members)."""
        cached: list[Organization] | None = self._by_key.get("members")
        if cached is None:
            # Sorted once per knowledge base: answers ask for it often, and it may hold 10,000 rows.
            order = {code: n for n, code in enumerate(ROLE_CODES)}
            named = [o for o in self.organizations if o.role is not None]
            cached = self._by_key["members"] = sorted(named, key=lambda o: (order.get(o.role or "", 99), o.key))
        return list(cached)

    def member_sources(self) -> list[Source]:
        """The distinct sources of all members (most share one article), computed once."""
        cached: list[Source] | None = self._by_key.get("member_sources")
        if cached is None:
            cached = self._by_key["member_sources"] = list({o.source.url: o.source for o in self.members()}.values())
        return list(cached)

    def warm(self) -> None:
        """Compute the cached views now (in the indexing thread) rather than on a user's question."""
        self.member_sources()
        self._groups("role")
        self._groups("country")

    def members_in_role(self, role: str | None) -> list[Organization]:
        """Members holding one role, in `members()` order."""
        return list(self._groups("role").get(role, ()))

    def members_from(self, country: str | None) -> list[Organization]:
        """Members from one country, in `members()` order."""
        return list(self._groups("country").get(country, ()))

    def _groups(self, attribute: str) -> dict[str | None, list[Organization]]:
        groups: dict[str | None, list[Organization]] | None = self._by_key.get(f"groups:{attribute}")
        if groups is None:
            groups = {}
            for organization in self.members():
                groups.setdefault(getattr(organization, attribute), []).append(organization)
            self._by_key[f"groups:{attribute}"] = groups
        return groups


def pick(values: Mapping[str, str], language: str) -> str | None:
    """The text in a language, else English, else Russian, else any."""
    for code in (language, "en", "ru", *values):
        if values.get(code):
            return values[code]
    return None


def unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def all_forms(forms: Forms) -> list[str]:
    return [form for language in forms for form in forms[language]]


class KnowledgeBaseError(Exception):
    """A YAML file that cannot be imported; `errors` lists every problem with its line."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors[:5]) + (f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""))
        self.errors = errors

    def first(self, limit: int = 20) -> tuple[list[str], int]:
        """The first `limit` problems and how many more there are (a reply lists those, not thousands)."""
        return self.errors[:limit], max(0, len(self.errors) - limit)
