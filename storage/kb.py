"""The knowledge base: frozen records, the repository, and YAML import/export with validation.

A YAML file is validated completely before anything is written, every error names its line, and the
write is one transaction: a bad file changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

from storage.database import Database
from storage.schema.kb import kb_countries, kb_facts, kb_organizations, kb_people, kb_roles

SEED_FILE = Path(__file__).parent / "kb_seed.yaml"
MAX_FILE_BYTES = 1_000_000
TEXT_LANGUAGES = ("ru", "kk", "en")
NAME_LANGUAGES = (*TEXT_LANGUAGES, "zh")
ROLE_CODES = ("chair_unit", "co_chair", "council_member", "member", "secretariat")
FORMAT_VERSION = 1


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

    def name(self, language: str) -> str:
        return _pick(self.names, language) or self.code


@dataclass(frozen=True, slots=True)
class Role:
    code: str
    names: Mapping[str, str]
    aliases: tuple[str, ...]
    source: Source

    def name(self, language: str) -> str:
        return _pick(self.names, language) or self.code


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

    def name(self, language: str) -> str:
        return _pick(self.names, language) or self.key

    def short_name(self, language: str) -> str | None:
        return _pick(self.short_names, language)

    def all_names(self) -> list[str]:
        return _unique([*self.names.values(), *self.short_names.values(), *self.aliases])


@dataclass(frozen=True, slots=True)
class Person:
    key: str
    names: Mapping[str, str]
    aliases: tuple[str, ...]
    position: Mapping[str, str]
    organization: str | None
    description: Mapping[str, str]
    source: Source

    def name(self, language: str) -> str:
        return _pick(self.names, language) or self.key


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
        order = {code: n for n, code in enumerate(ROLE_CODES)}
        named = [o for o in self.organizations if o.role is not None]
        return sorted(named, key=lambda o: (order.get(o.role or "", 99), o.key))


def _pick(values: Mapping[str, str], language: str) -> str | None:
    """The text in a language, else English, else Russian, else any."""
    for code in (language, "en", "ru", *values):
        if values.get(code):
            return values[code]
    return None


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


class KnowledgeBaseError(Exception):
    """A YAML file that cannot be imported; `errors` lists every problem with its line."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors[:5]) + (f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""))
        self.errors = errors

    def first(self, limit: int = 20) -> tuple[list[str], int]:
        """The first `limit` problems and how many more there are (a reply lists those, not thousands)."""
        return self.errors[:limit], max(0, len(self.errors) - limit)


# --- YAML validation -----------------------------------------------------------------------------

_KEY_RE = re.compile(r"^[a-z0-9_]{1,64}$")
_CODE_RE = re.compile(r"^[A-Z]{2}$")
_URL_RE = re.compile(r"^https?://[^\s/]+\.[^\s]+$")

Check = Callable[["_Reader", yaml.Node, str], Any]


class _Reader:
    """Walks composed YAML nodes so that every error can name the line it is on."""

    def __init__(self, loader: yaml.SafeLoader) -> None:
        self._loader = loader
        self.errors: list[str] = []

    def error(self, node: yaml.Node, where: str, problem: str) -> None:
        self.errors.append(f"line {node.start_mark.line + 1}: {where}: {problem}")

    def scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return None
        try:
            return self._loader.construct_object(node, deep=True)
        except yaml.YAMLError:
            # Safe loading refuses tags such as !!python/object; report them like any bad value.
            self.error(node, "value", f"unsupported tag {node.tag}")
            return None

    def mapping(self, node: yaml.Node, where: str) -> dict[str, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, where, "expected a mapping")
            return None
        items: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = self.scalar(key_node)
            if not isinstance(key, str):
                self.error(key_node, where, "keys must be text")
            elif key in items:
                self.error(key_node, where, f"duplicate field {key!r}")
            else:
                items[key] = value_node
        return items

    def record(self, node: yaml.Node, where: str, fields: dict[str, tuple[bool, Check]]) -> dict[str, Any] | None:
        items = self.mapping(node, where)
        if items is None:
            return None
        before = len(self.errors)
        values: dict[str, Any] = {}
        for name, value_node in items.items():
            if name not in fields:
                self.error(value_node, where, f"unknown field {name!r} (expected: {', '.join(fields)})")
        for name, (required, check) in fields.items():
            if name in items:
                values[name] = check(self, items[name], f"{where}.{name}")
            elif required:
                self.error(node, where, f"missing field {name!r}")
        return values if len(self.errors) == before else None


def _text(reader: _Reader, node: yaml.Node, where: str) -> str | None:
    value = reader.scalar(node)
    if not isinstance(value, str) or not value.strip():
        reader.error(node, where, "expected non-empty text")
        return None
    return value.strip()


def _optional_text(reader: _Reader, node: yaml.Node, where: str) -> str | None:
    return None if reader.scalar(node) is None and isinstance(node, yaml.ScalarNode) else _text(reader, node, where)


def _key(reader: _Reader, node: yaml.Node, where: str) -> str | None:
    value = reader.scalar(node)
    if not isinstance(value, str) or not _KEY_RE.match(value):
        reader.error(node, where, "expected a key of lowercase letters, digits and _ (at most 64)")
        return None
    return value


def _country_code(reader: _Reader, node: yaml.Node, where: str) -> str | None:
    value = reader.scalar(node)
    if value is None and isinstance(node, yaml.ScalarNode):
        return None
    if not isinstance(value, str) or not _CODE_RE.match(value):
        reader.error(node, where, "expected an ISO 3166-1 alpha-2 code such as DE")
        return None
    return value


def _role_code(reader: _Reader, node: yaml.Node, where: str) -> str | None:
    value = reader.scalar(node)
    if value is None and isinstance(node, yaml.ScalarNode):
        return None
    if value not in ROLE_CODES:
        reader.error(node, where, f"expected one of {', '.join(ROLE_CODES)}")
        return None
    return str(value)


def _url(reader: _Reader, node: yaml.Node, where: str) -> str | None:
    value = reader.scalar(node)
    if not isinstance(value, str) or not _URL_RE.match(value):
        reader.error(node, where, "expected an http(s) URL")
        return None
    return value


def _optional_url(reader: _Reader, node: yaml.Node, where: str) -> str | None:
    return None if reader.scalar(node) is None and isinstance(node, yaml.ScalarNode) else _url(reader, node, where)


def _date(reader: _Reader, node: yaml.Node, where: str) -> date | None:
    value = reader.scalar(node)
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    reader.error(node, where, "expected a date YYYY-MM-DD")
    return None


def _bool(reader: _Reader, node: yaml.Node, where: str) -> bool | None:
    value = reader.scalar(node)
    if not isinstance(value, bool):
        reader.error(node, where, "expected true or false")
        return None
    return value


def _number(reader: _Reader, node: yaml.Node, where: str) -> int | None:
    value = reader.scalar(node)
    if value is None and isinstance(node, yaml.ScalarNode):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        reader.error(node, where, "expected a whole number ≥ 0")
        return None
    return value


def _texts(languages: tuple[str, ...]) -> Check:
    def check(reader: _Reader, node: yaml.Node, where: str) -> dict[str, str]:
        items = reader.mapping(node, where) or {}
        result: dict[str, str] = {}
        for language, value_node in items.items():
            if language not in languages:
                reader.error(value_node, f"{where}.{language}", f"unknown language (expected: {', '.join(languages)})")
            elif (text := _text(reader, value_node, f"{where}.{language}")) is not None:
                result[language] = text
        return result

    return check


def _aliases(reader: _Reader, node: yaml.Node, where: str) -> tuple[str, ...]:
    if not isinstance(node, yaml.SequenceNode):
        reader.error(node, where, "expected a list of names")
        return ()
    values = [_text(reader, item, f"{where}[{n}]") for n, item in enumerate(node.value)]
    return tuple(_unique(v for v in values if v))


def _source(values: dict[str, Any]) -> Source:
    return Source(url=values["source_url"], date=values["source_date"])


_SOURCE_FIELDS: dict[str, tuple[bool, Check]] = {"source_url": (True, _url), "source_date": (True, _date)}

_SECTIONS: dict[str, dict[str, tuple[bool, Check]]] = {
    "facts": {"key": (True, _key), "number": (False, _number), "text": (False, _texts(TEXT_LANGUAGES))},
    "roles": {"code": (True, _role_code), "names": (True, _texts(TEXT_LANGUAGES)), "aliases": (False, _aliases)},
    "countries": {
        "code": (True, _country_code),
        "names": (True, _texts(TEXT_LANGUAGES)),
        "aliases": (False, _aliases),
        "in_alliance": (True, _bool),
    },
    "organizations": {
        "key": (True, _key),
        "role": (False, _role_code),
        "country": (False, _country_code),
        "kind": (True, _text),
        "website": (False, _optional_url),
        "names": (True, _texts(NAME_LANGUAGES)),
        "short_names": (False, _texts(NAME_LANGUAGES)),
        "aliases": (False, _aliases),
        "description": (False, _texts(TEXT_LANGUAGES)),
    },
    "people": {
        "key": (True, _key),
        "names": (True, _texts(TEXT_LANGUAGES)),
        "aliases": (False, _aliases),
        "position": (True, _texts(TEXT_LANGUAGES)),
        "organization": (False, _key),
        "description": (False, _texts(TEXT_LANGUAGES)),
    },
}
_ID_FIELD = {"facts": "key", "roles": "code", "countries": "code", "organizations": "key", "people": "key"}


def parse_knowledge_base(text: str) -> KnowledgeBase:
    """Validate a YAML document and build the knowledge base; raises KnowledgeBaseError with every problem."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise KnowledgeBaseError([f"the file is larger than {MAX_FILE_BYTES // 1000} kB"])
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except RecursionError:
        # PyYAML composes nested collections recursively; a file nested this deep is no knowledge base.
        raise KnowledgeBaseError(["the file is nested too deeply to be a knowledge base"]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        raise KnowledgeBaseError([f"{line}not valid YAML: {getattr(error, 'problem', None) or error}"]) from None
    finally:
        loader.dispose()
    if root is None:
        raise KnowledgeBaseError(["line 1: the file is empty"])
    reader = _Reader(loader)
    top = reader.mapping(root, "file")
    if top is None:
        raise KnowledgeBaseError(reader.errors)
    for name, section_node in top.items():
        if name not in (*_SECTIONS, "version"):
            reader.error(section_node, name, f"unknown section (expected: version, {', '.join(_SECTIONS)})")
    if "version" in top and reader.scalar(top["version"]) != FORMAT_VERSION:
        reader.error(top["version"], "version", f"expected {FORMAT_VERSION}")
    rows: dict[str, list[tuple[yaml.Node, dict[str, Any]]]] = {}
    for section, fields in _SECTIONS.items():
        rows[section] = []
        listed = top.get(section)
        if listed is None:
            continue
        if not isinstance(listed, yaml.SequenceNode):
            reader.error(listed, section, "expected a list")
            continue
        seen: set[str] = set()
        for n, item in enumerate(listed.value):
            values = reader.record(item, f"{section}[{n}]", {**fields, **_SOURCE_FIELDS})
            if values is None:
                continue
            ident = values[_ID_FIELD[section]]
            if ident in seen:
                reader.error(item, f"{section}[{n}]", f"duplicate {_ID_FIELD[section]} {ident!r}")
                continue
            seen.add(ident)
            rows[section].append((item, values))
    _check_references(reader, rows)
    if reader.errors:
        raise KnowledgeBaseError(reader.errors)
    return _build(rows)


def _check_references(reader: _Reader, rows: dict[str, list[tuple[yaml.Node, dict[str, Any]]]]) -> None:
    roles = {values["code"] for _, values in rows["roles"]}
    countries = {values["code"] for _, values in rows["countries"]}
    organizations = {values["key"] for _, values in rows["organizations"]}
    for node, values in rows["organizations"]:
        where = f"organization {values['key']!r}"
        if values.get("role") and values["role"] not in roles:
            reader.error(node, where, f"role {values['role']!r} is not in roles")
        if values.get("country") and values["country"] not in countries:
            reader.error(node, where, f"country {values['country']!r} is not in countries")
    for node, values in rows["people"]:
        if values.get("organization") and values["organization"] not in organizations:
            reader.error(node, f"person {values['key']!r}", f"organization {values['organization']!r} is unknown")


def _build(rows: dict[str, list[tuple[yaml.Node, dict[str, Any]]]]) -> KnowledgeBase:
    def each(section: str) -> list[dict[str, Any]]:
        return [values for _, values in rows[section]]

    return KnowledgeBase(
        facts=tuple(
            Fact(key=v["key"], number=v.get("number"), text=v.get("text", {}), source=_source(v)) for v in each("facts")
        ),
        roles=tuple(
            Role(code=v["code"], names=v["names"], aliases=v.get("aliases", ()), source=_source(v))
            for v in each("roles")
        ),
        countries=tuple(
            Country(
                code=v["code"],
                names=v["names"],
                aliases=v.get("aliases", ()),
                in_alliance=v["in_alliance"],
                source=_source(v),
            )
            for v in each("countries")
        ),
        organizations=tuple(_organization(v) for v in each("organizations")),
        people=tuple(
            Person(
                key=v["key"],
                names=v["names"],
                aliases=v.get("aliases", ()),
                position=v["position"],
                organization=v.get("organization"),
                description=v.get("description", {}),
                source=_source(v),
            )
            for v in each("people")
        ),
    )


def _organization(values: Mapping[str, Any]) -> Organization:
    return Organization(
        key=values["key"],
        role=values.get("role"),
        country=values.get("country"),
        kind=values["kind"],
        website=values.get("website"),
        names=values["names"],
        short_names=values.get("short_names", {}),
        aliases=tuple(values.get("aliases", ())),
        description=values.get("description", {}),
        source=Source(url=values["source_url"], date=values["source_date"]),
    )


def read_knowledge_base_file(path: Path) -> KnowledgeBase:
    """Read and validate a YAML file (at most MAX_FILE_BYTES); raises KnowledgeBaseError."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise KnowledgeBaseError([f"{path} is {size} bytes, larger than the limit of {MAX_FILE_BYTES} bytes"])
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise KnowledgeBaseError([f"cannot read {path}: {error.strerror or error}"]) from None
    except UnicodeDecodeError:
        raise KnowledgeBaseError([f"{path} is not UTF-8 text"]) from None
    return parse_knowledge_base(text)


def dump_knowledge_base(kb: KnowledgeBase) -> str:
    """The knowledge base as YAML in the import format (import → export → import gives the same)."""

    def source(s: Source) -> dict[str, Any]:
        return {"source_url": s.url, "source_date": s.date}

    document: dict[str, Any] = {
        "version": FORMAT_VERSION,
        "facts": [
            {
                "key": f.key,
                **({"number": f.number} if f.number is not None else {}),
                "text": dict(f.text),
                **source(f.source),
            }
            for f in kb.facts
        ],
        "roles": [
            {"code": r.code, "names": dict(r.names), "aliases": list(r.aliases), **source(r.source)} for r in kb.roles
        ],
        "countries": [
            {
                "code": c.code,
                "names": dict(c.names),
                "aliases": list(c.aliases),
                "in_alliance": c.in_alliance,
                **source(c.source),
            }
            for c in kb.countries
        ],
        "organizations": [
            {
                "key": o.key,
                "role": o.role,
                "country": o.country,
                "kind": o.kind,
                "website": o.website,
                "names": dict(o.names),
                "short_names": dict(o.short_names),
                "aliases": list(o.aliases),
                "description": dict(o.description),
                **source(o.source),
            }
            for o in kb.organizations
        ],
        "people": [
            {
                "key": p.key,
                "names": dict(p.names),
                "aliases": list(p.aliases),
                "position": dict(p.position),
                "organization": p.organization,
                "description": dict(p.description),
                **source(p.source),
            }
            for p in kb.people
        ],
    }
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=4096)


# --- the repository ------------------------------------------------------------------------------


def _src(row: Any) -> Source:
    return Source(url=row.source_url, date=row.source_date)


class KnowledgeBaseRepository:
    """Reads and replaces the knowledge base tables."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(self) -> KnowledgeBase:
        """The whole knowledge base, in a stable order."""
        async with self._db.connect() as conn:
            facts = (await conn.execute(sa.select(kb_facts).order_by(kb_facts.c.key))).all()
            roles = (await conn.execute(sa.select(kb_roles).order_by(kb_roles.c.code))).all()
            countries = (await conn.execute(sa.select(kb_countries).order_by(kb_countries.c.code))).all()
            organizations = (await conn.execute(sa.select(kb_organizations).order_by(kb_organizations.c.key))).all()
            people = (await conn.execute(sa.select(kb_people).order_by(kb_people.c.key))).all()
        return KnowledgeBase(
            facts=tuple(Fact(key=r.key, number=r.number, text=r.text, source=_src(r)) for r in facts),
            roles=tuple(Role(code=r.code, names=r.names, aliases=tuple(r.aliases), source=_src(r)) for r in roles),
            countries=tuple(
                Country(code=r.code, names=r.names, aliases=tuple(r.aliases), in_alliance=r.in_alliance, source=_src(r))
                for r in countries
            ),
            organizations=tuple(_organization(r._mapping) for r in organizations),
            people=tuple(
                Person(
                    key=r.key,
                    names=r.names,
                    aliases=tuple(r.aliases),
                    position=r.position,
                    organization=r.organization,
                    description=r.description,
                    source=_src(r),
                )
                for r in people
            ),
        )

    async def replace(self, kb: KnowledgeBase) -> None:
        """Replace the whole knowledge base in one transaction."""
        async with self._db.begin() as conn:
            for table in (kb_people, kb_organizations, kb_facts, kb_countries, kb_roles):
                await conn.execute(sa.delete(table))
            if kb.roles:
                await conn.execute(
                    sa.insert(kb_roles),
                    [
                        {"code": r.code, "names": dict(r.names), "aliases": list(r.aliases), **_cols(r.source)}
                        for r in kb.roles
                    ],
                )
            if kb.countries:
                await conn.execute(
                    sa.insert(kb_countries),
                    [
                        {
                            "code": c.code,
                            "names": dict(c.names),
                            "aliases": list(c.aliases),
                            "in_alliance": c.in_alliance,
                            **_cols(c.source),
                        }
                        for c in kb.countries
                    ],
                )
            if kb.organizations:
                await conn.execute(
                    sa.insert(kb_organizations),
                    [
                        {
                            "key": o.key,
                            "role": o.role,
                            "country": o.country,
                            "kind": o.kind,
                            "website": o.website,
                            "names": dict(o.names),
                            "short_names": dict(o.short_names),
                            "aliases": list(o.aliases),
                            "description": dict(o.description),
                            **_cols(o.source),
                        }
                        for o in kb.organizations
                    ],
                )
            if kb.people:
                await conn.execute(
                    sa.insert(kb_people),
                    [
                        {
                            "key": p.key,
                            "names": dict(p.names),
                            "aliases": list(p.aliases),
                            "position": dict(p.position),
                            "organization": p.organization,
                            "description": dict(p.description),
                            **_cols(p.source),
                        }
                        for p in kb.people
                    ],
                )
            if kb.facts:
                await conn.execute(
                    sa.insert(kb_facts),
                    [{"key": f.key, "number": f.number, "text": dict(f.text), **_cols(f.source)} for f in kb.facts],
                )

    async def is_empty(self) -> bool:
        """True when nothing has been loaded yet."""
        async with self._db.connect() as conn:
            facts = (await conn.execute(sa.select(sa.func.count()).select_from(kb_facts))).scalar_one()
            organizations = (await conn.execute(sa.select(sa.func.count()).select_from(kb_organizations))).scalar_one()
        return int(facts) + int(organizations) == 0

    async def ensure_seeded(self, seed: Path = SEED_FILE) -> bool:
        """Load the seed file on first run; True when it was loaded now."""
        if not await self.is_empty():
            return False
        try:
            await self.replace(read_knowledge_base_file(seed))
        except sa.exc.IntegrityError:
            # Another replica seeded it at the same moment; its transaction won and ours rolled back.
            return False
        return True

    async def organization_names(self) -> list[str]:
        """Every name, short name and alias, in every language, of the alliance's member organizations.

        Organizations that are only mentioned in the sources (a ministry, the SCO) are left out, so
        that news classified by these names is really about the alliance.
        """
        async with self._db.connect() as conn:
            rows = (
                await conn.execute(
                    sa.select(kb_organizations.c.names, kb_organizations.c.short_names, kb_organizations.c.aliases)
                    .where(kb_organizations.c.role.is_not(None))
                    .order_by(kb_organizations.c.key)
                )
            ).all()
        return _unique(name for row in rows for name in [*row.names.values(), *row.short_names.values(), *row.aliases])


def _cols(source: Source) -> dict[str, Any]:
    return {"source_url": source.url, "source_date": source.date}
