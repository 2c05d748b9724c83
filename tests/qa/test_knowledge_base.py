"""The knowledge base: seed, YAML round trip, validation with line numbers, one-transaction import."""

from pathlib import Path
from typing import Any

import pytest

from storage import Database
from storage.kb import (
    MAX_FILE_BYTES,
    SEED_FILE,
    KnowledgeBaseError,
    KnowledgeBaseRepository,
    dump_knowledge_base,
    parse_knowledge_base,
    read_knowledge_base_file,
)

SOURCE = "https://igtipc.org/2025/06/12/9036"
# Three errors on three lines: a non-boolean, an unknown role, a bad date.
BAD_KB_YAML = (
    "version: 1\n"
    "countries:\n"
    "  - code: DE\n"
    "    names: {ru: Германия}\n"
    "    in_alliance: yes please\n"
    f"    source_url: {SOURCE}\n"
    "    source_date: 2025-06-12\n"
    "organizations:\n"
    "  - key: x\n"
    "    role: boss\n"
    "    kind: centre\n"
    "    names: {en: X}\n"
    f"    source_url: {SOURCE}\n"
    "    source_date: not a date\n"
)


def test_seed_holds_exactly_the_known_facts():
    kb = read_knowledge_base_file(SEED_FILE)
    members = kb.members()
    assert [(o.key, o.role, o.country) for o in members] == [
        ("acca21", "chair_unit", "CN"),
        ("sstec", "chair_unit", "CN"),
        ("igtipc", "co_chair", "KZ"),
        ("shanghai_electric", "co_chair", "CN"),
    ]
    assert {c.code for c in kb.countries if c.in_alliance} == {
        "CN",
        "KZ",
        "DE",
        "NZ",
        "BG",
        "HU",
        "SA",
        "TR",
        "ID",
        "MY",
    }
    counts = {f.key: f.number for f in kb.facts if f.number is not None}
    assert counts == {"organizations_count": 26, "countries_count": 22, "council_members_count": 22}
    rows: list[Any] = [*kb.facts, *kb.roles, *kb.countries, *kb.organizations, *kb.people]
    assert {(row.source.url, row.source.date.isoformat()) for row in rows} == {(SOURCE, "2025-06-12")}


async def test_first_run_loads_the_seed_once_and_the_database_round_trips_it(db: Database):
    repository = KnowledgeBaseRepository(db)
    assert await repository.ensure_seeded() is True
    assert await repository.ensure_seeded() is False
    loaded = await repository.load()
    assert loaded == read_knowledge_base_file(SEED_FILE).sorted()
    assert parse_knowledge_base(dump_knowledge_base(loaded)) == loaded


async def test_organization_names_cover_every_language_and_only_members(db: Database):
    repository = KnowledgeBaseRepository(db)
    await repository.ensure_seeded()
    names = await repository.organization_names()
    for name in ("ACCA21", "SSTEC", "МЦЗТИП", "IGTIPC", "IGTIC", "Shanghai Electric", "上海科学技术交流中心"):
        assert name in names
    assert "ШОС" not in names
    assert "Министерство экологии и природных ресурсов Республики Казахстан" not in names


async def test_a_bad_file_reports_every_error_with_its_line_and_changes_nothing(db: Database, tmp_path: Path):
    repository = KnowledgeBaseRepository(db)
    await repository.ensure_seeded()
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        BAD_KB_YAML,
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeBaseError) as caught:
        read_knowledge_base_file(bad)
    assert caught.value.errors == [
        "line 5: countries[0].in_alliance: expected true or false",
        "line 10: organizations[0].role: expected one of chair_unit, co_chair, council_member, member, secretariat",
        "line 14: organizations[0].source_date: expected a date YYYY-MM-DD",
    ]
    assert await repository.load() == read_knowledge_base_file(SEED_FILE).sorted()


def test_references_and_duplicates_are_checked():
    text = dump_knowledge_base(read_knowledge_base_file(SEED_FILE))
    text = text.replace("country: KZ", "country: XX", 1).replace("key: kain", "key: kalkamanov")
    with pytest.raises(KnowledgeBaseError) as caught:
        parse_knowledge_base(text)
    assert any("country 'XX' is not in countries" in e for e in caught.value.errors)
    assert any("duplicate key 'kalkamanov'" in e for e in caught.value.errors)
    assert all(e.startswith("line ") for e in caught.value.errors)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("facts: [\n  {key: a\n", "line 3: not valid YAML"),
        ("!!python/object/apply:os.system ['echo hi']\n", "line 1: file: expected a mapping"),
        ("version: !!python/name:os.system\n", "line 1: value: unsupported tag"),
        ("", "line 1: the file is empty"),
        ("- just\n- a list\n", "line 1: file: expected a mapping"),
        ("people: {}\n", "line 1: people: expected a list"),
        ("version: 2\n", "line 1: version: expected 1"),
        ("gossip: []\n", "line 1: gossip: unknown section"),
    ],
)
def test_malformed_files_are_refused_with_a_line(text, expected):
    with pytest.raises(KnowledgeBaseError) as caught:
        parse_knowledge_base(text)
    assert caught.value.errors[0].startswith(expected)


def test_oversized_files_are_refused_before_reading(tmp_path: Path):
    big = tmp_path / "big.yaml"
    big.write_text("#" * (MAX_FILE_BYTES + 1), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="larger than the limit"):
        read_knowledge_base_file(big)
