"""The knowledge base's YAML file: reading, validation (every error names its line) and export.

A file is validated completely before anything is built; `storage.kb` writes it in one transaction, so a
bad file changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from domain.knowledge import (
    NAME_LANGUAGES,
    ROLE_CODES,
    TEXT_LANGUAGES,
    Country,
    Fact,
    Forms,
    KnowledgeBase,
    Organization,
    Person,
    Role,
    Source,
    unique,
)

SEED_FILE = Path(__file__).parent / "kb_seed.yaml"
MAX_FILE_BYTES = 1_000_000
FORMAT_VERSION = 1


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
    return tuple(unique(v for v in values if v))


def _forms(reader: _Reader, node: yaml.Node, where: str) -> dict[str, tuple[str, ...]]:
    items = reader.mapping(node, where) or {}
    result: dict[str, tuple[str, ...]] = {}
    for language, value_node in items.items():
        if language not in NAME_LANGUAGES:
            reader.error(value_node, f"{where}.{language}", f"unknown language (expected: {', '.join(NAME_LANGUAGES)})")
        elif forms := _aliases(reader, value_node, f"{where}.{language}"):
            result[language] = forms
    return result


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
        "forms": (False, _forms),
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
        "forms": (False, _forms),
        "description": (False, _texts(TEXT_LANGUAGES)),
    },
    "people": {
        "key": (True, _key),
        "names": (True, _texts(TEXT_LANGUAGES)),
        "aliases": (False, _aliases),
        "forms": (False, _forms),
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
                forms=v.get("forms", {}),
            )
            for v in each("countries")
        ),
        organizations=tuple(organization_record(v) for v in each("organizations")),
        people=tuple(
            Person(
                key=v["key"],
                names=v["names"],
                aliases=v.get("aliases", ()),
                position=v["position"],
                organization=v.get("organization"),
                description=v.get("description", {}),
                source=_source(v),
                forms=v.get("forms", {}),
            )
            for v in each("people")
        ),
    )


def organization_record(values: Mapping[str, Any]) -> Organization:
    """An organization from validated YAML values or a database row (the same field names)."""
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
        forms=forms_record(values.get("forms")),
    )


def forms_record(value: Mapping[str, Any] | None) -> Forms:
    """Forms as tuples (JSON gives lists)."""
    return {language: tuple(forms) for language, forms in (value or {}).items()}


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
    document: dict[str, Any] = {
        "version": FORMAT_VERSION,
        "facts": [fact_row(f) for f in kb.facts],
        "roles": [role_row(r) for r in kb.roles],
        "countries": [country_row(c) for c in kb.countries],
        "organizations": [organization_row(o) for o in kb.organizations],
        "people": [person_row(p) for p in kb.people],
    }
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=4096)


# One row per record, in the file's field order; the repository writes the same rows into its tables.


def source_row(source: Source) -> dict[str, Any]:
    return {"source_url": source.url, "source_date": source.date}


def fact_row(f: Fact) -> dict[str, Any]:
    return {"key": f.key, "number": f.number, "text": dict(f.text), **source_row(f.source)}


def role_row(r: Role) -> dict[str, Any]:
    return {"code": r.code, "names": dict(r.names), "aliases": list(r.aliases), **source_row(r.source)}


def country_row(c: Country) -> dict[str, Any]:
    return {
        "code": c.code,
        "names": dict(c.names),
        "aliases": list(c.aliases),
        "forms": _forms_row(c.forms),
        "in_alliance": c.in_alliance,
        **source_row(c.source),
    }


def organization_row(o: Organization) -> dict[str, Any]:
    return {
        "key": o.key,
        "role": o.role,
        "country": o.country,
        "kind": o.kind,
        "website": o.website,
        "names": dict(o.names),
        "short_names": dict(o.short_names),
        "aliases": list(o.aliases),
        "forms": _forms_row(o.forms),
        "description": dict(o.description),
        **source_row(o.source),
    }


def person_row(p: Person) -> dict[str, Any]:
    return {
        "key": p.key,
        "names": dict(p.names),
        "aliases": list(p.aliases),
        "forms": _forms_row(p.forms),
        "position": dict(p.position),
        "organization": p.organization,
        "description": dict(p.description),
        **source_row(p.source),
    }


def _forms_row(forms: Forms) -> dict[str, list[str]]:
    return {language: list(values) for language, values in forms.items()}
