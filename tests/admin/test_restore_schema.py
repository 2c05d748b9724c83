"""`restore` checks the schema itself against what the migrations build at the file's revision, and refuses
anything else in one line, keeping the current database: a table, column or index missing or added, a planted
trigger or view, a file with only a version stamp."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.backups import BackupError
from storage.backup import known_revisions, restore
from storage.database import head_revision
from tests.conftest import REPO_ROOT


def bot_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO_ROOT), "DEFAULT_SOURCES": "false"}
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, capture_output=True, text=True, env=env)


@pytest.fixture(scope="module")
def good_backup(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A backup of a freshly migrated database: what `restore` must accept."""
    root = tmp_path_factory.mktemp("backup")
    assert bot_cli("migrate", cwd=root).returncode == 0
    assert bot_cli("backup", "good.sqlite3", cwd=root).returncode == 0
    return root / "good.sqlite3"


def objects(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Tables (with their columns) and indexes of a database, to mutate."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall()
        tables = [
            name for kind, name, _ in rows if kind == "table" and name != "alembic_version" and "_fts" not in name
        ]
        columns = [
            (table, column)
            for table in tables
            for (column,) in conn.execute("SELECT name FROM pragma_table_info(?)", (table,))
        ]
        indexes = [(table, name) for kind, name, table in rows if kind == "index"]
    return {"tables": [(table, "") for table in tables], "columns": columns, "indexes": indexes}


@st.composite
def tamperings(draw: st.DrawFn, found: dict[str, list[tuple[str, str]]]) -> str:
    """One change a backup of this bot never has: something removed, or something planted."""
    table, _ = draw(st.sampled_from(found["tables"]))
    column_table, column = draw(st.sampled_from(found["columns"]))
    index_table, index = draw(st.sampled_from(found["indexes"]))
    return draw(
        st.sampled_from(
            [
                f'DROP TABLE "{table}"',
                f'ALTER TABLE "{column_table}" DROP COLUMN "{column}"',
                f'DROP INDEX "{index}"',
                f'ALTER TABLE "{table}" ADD COLUMN planted TEXT',
                f'CREATE INDEX planted_ix ON "{column_table}" ("{column}")',
                f'CREATE TRIGGER planted AFTER INSERT ON "{table}" BEGIN DELETE FROM "{table}"; END',
                f'CREATE VIEW planted AS SELECT * FROM "{table}"',
                "CREATE TABLE planted (x)",
                f'CREATE TRIGGER "{index}_t" BEFORE DELETE ON "{index_table}" BEGIN SELECT 1; END',
            ]
        )
    )


def _restore(database: Path, file: Path) -> None:
    restore(database, file, known_revisions=known_revisions(), safety_dir=file.parent / "kept", now=datetime.now(UTC))


def test_a_sound_backup_is_restored(good_backup: Path, tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    _restore(database, good_backup)
    assert database.exists()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_removed_or_planted_object_is_refused_and_the_current_database_kept(
    good_backup: Path, tmp_path: Path, data: st.DataObject
) -> None:
    statement = data.draw(tamperings(objects(good_backup)))
    tampered = tmp_path / "tampered.sqlite3"
    shutil.copy(good_backup, tampered)
    with contextlib.closing(sqlite3.connect(tampered)) as conn:
        try:
            conn.executescript(statement)
        except sqlite3.OperationalError:
            return  # SQLite itself refuses this change (a column a key or an index uses): nothing to restore
    database = tmp_path / "bot.sqlite3"
    database.write_bytes(b"")  # stands for the current database: it must stay as it is
    with pytest.raises(BackupError) as refused:
        _restore(database, tampered)
    message = str(refused.value)
    assert f"does not have this bot's schema at {head_revision()}" in message and "\n" not in message
    assert message.endswith("nothing was restored")
    assert database.read_bytes() == b""
    assert not (tmp_path / "kept").exists()


def test_a_file_with_only_a_version_stamp_is_refused_in_one_line(tmp_path: Path) -> None:
    stamp = tmp_path / "stamp.sqlite3"
    with contextlib.closing(sqlite3.connect(stamp)) as conn:
        conn.executescript(
            f"CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);"
            f"INSERT INTO alembic_version VALUES ('{head_revision()}');"
        )
    result = bot_cli("restore", "stamp.sqlite3", cwd=tmp_path)
    errors = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(errors) == 1
    assert errors[0].startswith(f"error: stamp.sqlite3 does not have this bot's schema at {head_revision()} (table ")
    assert "is missing" in errors[0] and errors[0].endswith("nothing was restored")
    assert not (tmp_path / "data" / "bot.sqlite3").exists()


def test_a_core_table_dropped_at_the_current_version_is_refused(good_backup: Path, tmp_path: Path) -> None:
    root = tmp_path
    assert bot_cli("migrate", cwd=root).returncode == 0
    before = (root / "data" / "bot.sqlite3").read_bytes()
    shutil.copy(good_backup, root / "dropped.sqlite3")
    with contextlib.closing(sqlite3.connect(root / "dropped.sqlite3")) as conn:
        conn.execute("DROP TABLE outbox_deliveries")
    result = bot_cli("restore", "dropped.sqlite3", cwd=root)
    assert result.returncode == 2
    assert "table outbox_deliveries is missing" in result.stderr
    assert (root / "data" / "bot.sqlite3").read_bytes() == before
