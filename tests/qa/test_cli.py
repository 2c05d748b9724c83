"""`python -m bot ask` and `kb import/export` as an operator runs them (through `main()`, tests.support.cli)."""

import re
from pathlib import Path

from storage.kb import SEED_FILE, parse_knowledge_base, read_knowledge_base_file
from tests.support.cli import run_main as run_cli


def env_for(tmp_path: Path) -> dict[str, str]:
    return {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3"}


def test_ask_prints_the_answer_in_the_questions_language(tmp_path: Path):
    result = run_cli("ask", "Кто сопредседатели альянса?", "--lang", "en", cwd=tmp_path, env=env_for(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Сопредседатели альянса: МЦЗТИП (Казахстан), Shanghai Electric (Китай).")
    assert 'Источник: <a href="https://igtipc.org/2025/06/12/9036">' in result.stdout


def test_export_then_import_round_trips(tmp_path: Path):
    exported = tmp_path / "kb.yaml"
    result = run_cli("kb", "export", str(exported), cwd=tmp_path, env=env_for(tmp_path))
    assert result.returncode == 0, result.stderr
    assert parse_knowledge_base(exported.read_text(encoding="utf-8")) == read_knowledge_base_file(SEED_FILE).sorted()
    edited = exported.read_text(encoding="utf-8").replace("ru: МЦЗТИП", "ru: МЦЗТИП-2")
    exported.write_text(edited, encoding="utf-8")
    result = run_cli("kb", "import", str(exported), cwd=tmp_path, env=env_for(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "6 organizations, 10 countries, 2 people, 10 facts" in result.stdout
    answer = run_cli("ask", "Кто сопредседатели?", cwd=tmp_path, env=env_for(tmp_path))
    assert "МЦЗТИП-2 (Казахстан)" in answer.stdout


def test_a_bad_import_lists_errors_by_line_and_changes_nothing(tmp_path: Path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nroles:\n  - code: king\n    names: {ru: король}\n", encoding="utf-8")
    result = run_cli("kb", "import", str(bad), cwd=tmp_path, env=env_for(tmp_path))
    assert result.returncode == 2
    logs = re.compile(r"^\d{4}-\d\d-\d\dT")  # log lines (the first run seeds the default sources) are not errors
    errors = [line for line in result.stderr.strip().splitlines() if not logs.match(line)]
    assert (
        errors[0]
        == f"{bad}: line 3: roles[0].code: expected one of chair_unit, co_chair, council_member, member, secretariat"
    )
    assert errors[-1] == f"error: {bad} was not imported: 3 error(s), nothing changed"
    answer = run_cli("ask", "Сколько стран?", cwd=tmp_path, env=env_for(tmp_path))
    assert "В альянсе 22 страны." in answer.stdout


def test_missing_file_is_one_clear_line(tmp_path: Path):
    result = run_cli("kb", "import", str(tmp_path / "nope.yaml"), cwd=tmp_path, env=env_for(tmp_path))
    assert result.returncode == 2
    assert "cannot read" in result.stderr and "nothing changed" in result.stderr
