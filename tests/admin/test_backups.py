"""Backups as operators expect them: scheduled with retention on the leader, restore checks first, /backup."""

from __future__ import annotations

import contextlib
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import Settings
from bot.runtime.backups import run_backup, start_backups
from bot.runtime.bootstrap import create_scheduler
from bot.runtime.supervision import Supervisor
from bot.services.admin.backups import Backups, telegram_upload_limit
from bot.telegram.alerts import plain
from domain.alerts import Alert
from domain.backups import BackupError
from local_telegram import BotAPIStub
from storage import Database
from storage.backup import backups_in, integrity_problem, known_revisions, restore
from tests.admin.conftest import add_subscribers, admin
from tests.conftest import ADMIN_ID, RunningBot, make_settings, start_bot
from tests.support.audit import AuditRecords
from tests.support.cli import CliResult, run_main

SQLITE_HEADER = b"SQLite format 3\x00"


def execute(path: Path, statement: str, *params: object) -> None:
    """One statement in its own connection, closed at once (closing folds SQLite's WAL into the file)."""
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(statement, params)


def chats_in(path: Path) -> set[int]:
    with contextlib.closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)) as conn:
        return {row[0] for row in conn.execute("SELECT id FROM chats")}


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3"


async def test_backup_sends_a_sound_copy_of_the_live_database_to_the_admin(
    stub: BotAPIStub, sqlite_url: str, tmp_path: Path
) -> None:
    app = await start_bot(make_settings(stub, sqlite_url, backup_dir=str(tmp_path / "backups")), stub)
    try:
        await add_subscribers(app, stub, 3, first_id=40_000)
        boss = admin(stub)
        assert (await boss.ask("/backup")).text == "Making a backup…"
        sent = await boss.reply()  # a backup of the whole database, under load
        assert sent.kind == "document"
        assert sent.upload is not None
        assert sent.upload.content.startswith(SQLITE_HEADER)
        assert sent.text.startswith("💾 Backup of ")
        when = sent.text.removeprefix("💾 Backup of ").split(", 0.")[0]  # on the admin's clock, zone shown
        assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2} \(Almaty, UTC\+5\)", when), sent.text
        assert "Restore it with python -m bot restore FILE" in sent.text
        received = tmp_path / "received.sqlite3"
        received.write_bytes(sent.upload.content)
        assert integrity_problem(received) is None
        assert {40_000, 40_001, 40_002, ADMIN_ID} <= chats_in(received)
        assert [path.name for path in backups_in(tmp_path / "backups")] == [sent.upload.filename]
    finally:
        await app.stop()


async def test_backup_larger_than_the_upload_limit_says_where_it_is(
    stub: BotAPIStub, sqlite_url: str, tmp_path: Path
) -> None:
    settings = make_settings(stub, sqlite_url, backup_dir=str(tmp_path / "backups"))
    app = await start_bot(settings, stub)
    app.services.backups.upload_limit = 1000  # a database far smaller than Telegram's 50 MB stands in for a big one
    try:
        boss = admin(stub)
        await boss.ask("/backup")
        answer = await boss.reply()
        assert answer.kind == "text"
        (path,) = backups_in(tmp_path / "backups")
        assert answer.text.startswith("The backup (")
        assert "larger than the 0 MB Telegram lets a bot send" in answer.text
        assert str(path.resolve()) in answer.text
        assert stub.calls_of("sendDocument") == []  # the answer above came after the backup was decided on
    finally:
        await app.stop()


def test_the_upload_limit_is_telegrams_50_mb_unless_a_local_bot_api_serves() -> None:
    official = Settings(_env_file=None)
    local = Settings(_env_file=None, telegram_api_url="http://127.0.0.1:8081")
    assert telegram_upload_limit(official) == 50 * 1000 * 1000
    assert telegram_upload_limit(local) == 2000 * 1000 * 1000


async def test_backup_on_postgresql_answers_one_line(stub: BotAPIStub, app: RunningBot) -> None:
    if app.services.backups.is_sqlite:
        pytest.skip("runs on the PostgreSQL backend (TEST_DATABASE_URL)")
    boss = admin(stub)
    assert (await boss.ask("/backup")).text == (
        "The database is PostgreSQL: back it up on the server with pg_dump (see docs/OPERATIONS.md)."
    )


class Leader:
    held = True


class Follower:
    held = False


class Alerts:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str | None]] = []

    async def notify(self, alert: Alert) -> bool:
        self.sent.append((plain(alert, "ru"), alert.key))
        return True


def backup_settings(url: str, directory: Path, keep: int = 3, hours: int = 24) -> Settings:
    return Settings(
        _env_file=None, database_url=url, backup_dir=directory, backup_keep=keep, backup_interval_hours=hours
    )


def backups_for(url: str, directory: Path, keep: int = 3, hours: int = 24) -> Backups:
    return Backups(backup_settings(url, directory, keep, hours), AuditRecords())


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(keep=st.integers(1, 5), runs=st.integers(1, 8))
async def test_retention_keeps_the_newest_backups_and_nothing_else_is_touched(
    tmp_path_factory: pytest.TempPathFactory, keep: int, runs: int
) -> None:
    root = tmp_path_factory.mktemp("retention")
    url = f"sqlite+aiosqlite:///{root}/bot.sqlite3"
    db = Database(url)
    await db.migrate()
    await db.close()
    directory = root / "backups"
    directory.mkdir()
    (directory / "notes.txt").write_text("the operator's own file")
    backups = backups_for(url, directory, keep=keep)
    start = datetime(2025, 1, 1, 3, tzinfo=UTC)
    taken = [await backups.take(start + timedelta(hours=n)) for n in range(runs)]
    assert backups_in(directory) == [t.path for t in taken][-keep:]
    assert (directory / "notes.txt").read_text() == "the operator's own file"
    assert all(integrity_problem(path) is None for path in backups_in(directory))
    assert not list(directory.glob("*.partial"))


async def test_scheduled_backup_runs_on_the_leader_only_and_alerts_on_failure(sqlite_url: str, tmp_path: Path) -> None:
    db = Database(sqlite_url)
    await db.migrate()
    await db.close()
    directory = tmp_path / "backups"
    backups = backups_for(sqlite_url, directory)
    alerts = Alerts()
    await run_backup(backups, Follower(), alerts)  # type: ignore[arg-type]
    assert backups_in(directory) == []
    await run_backup(backups, Leader(), alerts)  # type: ignore[arg-type]
    assert len(backups_in(directory)) == 1
    broken = backups_for(f"sqlite+aiosqlite:///{tmp_path}/missing/bot.sqlite3", directory)
    await run_backup(broken, Leader(), alerts)  # type: ignore[arg-type]
    ((text, key),) = alerts.sent
    assert key == "backup-failed"
    assert text.startswith("Плановая резервная копия не сделана: no database at ")


async def test_the_first_scheduled_run_follows_the_newest_backup_on_disk(sqlite_url: str, tmp_path: Path) -> None:
    db = Database(sqlite_url)
    await db.migrate()
    await db.close()
    directory = tmp_path / "backups"
    six_hours = backup_settings(sqlite_url, directory, hours=6)
    backups = Backups(six_hours, AuditRecords())
    now = datetime.now(UTC)
    assert backups.first_run(now) == now + timedelta(minutes=5)  # none yet: soon after start
    taken = await backups.take(now)
    newest = datetime.fromtimestamp(taken.path.stat().st_mtime, tz=UTC)
    assert backups.first_run(now) == newest + timedelta(hours=6)  # a restart does not take another at once
    scheduler = create_scheduler()
    await start_backups(scheduler, backups, six_hours, Leader(), Alerts(), Supervisor())  # type: ignore[arg-type]
    (job,) = scheduler.get_jobs()
    assert job.id == "backup"
    assert job.trigger.interval == timedelta(hours=6)
    off, never = create_scheduler(), backup_settings(sqlite_url, directory, hours=0)
    await start_backups(off, Backups(never, AuditRecords()), never, Leader(), Alerts(), Supervisor())  # type: ignore[arg-type]
    assert off.get_jobs() == []


def run_cli(*args: str, cwd: Path, **env: str) -> CliResult:
    return run_main(*args, cwd=cwd, env={"DEFAULT_SOURCES": "false", **env})


def one_error(result: CliResult) -> str:
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert result.returncode == 2
    assert len(errors) == 1, result.stderr
    return errors[0]


@pytest.fixture
def backed_up(tmp_path: Path) -> tuple[Path, Path]:
    """A migrated database with one chat, and a backup of it."""
    assert run_cli("migrate", cwd=tmp_path).returncode == 0
    database = tmp_path / "data" / "bot.sqlite3"
    execute(
        database,
        "INSERT INTO chats (id, type, language, active, created_at, updated_at) "
        "VALUES (7, 'private', 'kk', 1, '2025-01-01 00:00:00', '2025-01-01 00:00:00')",
    )
    result = run_cli("backup", "copy.sqlite3", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return database, tmp_path / "copy.sqlite3"


def test_restore_puts_the_backup_back_and_keeps_the_database_it_replaced(backed_up: tuple[Path, Path]) -> None:
    database, _copy = backed_up
    root = database.parent.parent
    execute(database, "DELETE FROM chats")  # the mistake the backup undoes
    result = run_cli("restore", "copy.sqlite3", cwd=root)
    assert result.returncode == 0, result.stderr
    (kept,) = (root / "data" / "backups").glob("before-restore-*.sqlite3")
    assert result.stdout.strip() == (
        f"restored copy.sqlite3 into data/bot.sqlite3; the previous database is kept at data/backups/{kept.name}; "
        "start the bot to run any newer migrations"
    )
    assert chats_in(database) == {7}
    assert chats_in(kept) == set()
    assert integrity_problem(database) is None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.floats(0.0, 0.999), garbage=st.binary(max_size=64))
def test_restore_refuses_any_truncated_or_foreign_file_and_changes_nothing(
    backed_up: tuple[Path, Path], cut: float, garbage: bytes
) -> None:
    database, copy = backed_up
    root = database.parent.parent
    before = database.read_bytes()
    content = copy.read_bytes()
    damaged = root / "damaged.sqlite3"
    damaged.write_bytes(content[: int(len(content) * cut)] + garbage)
    with pytest.raises(BackupError) as refused:
        restore(database, damaged, known_revisions=known_revisions(), safety_dir=root / "kept", now=datetime.now(UTC))
    message = str(refused.value)
    assert message.startswith(f"{damaged} is not ")
    assert message.endswith("nothing was restored")
    assert "\n" not in message
    assert database.read_bytes() == before
    assert not (root / "kept").exists()


def test_restore_of_a_cut_off_file_is_one_line_from_the_command_line(backed_up: tuple[Path, Path]) -> None:
    database, copy = backed_up
    root = database.parent.parent
    content = copy.read_bytes()
    (root / "cut.sqlite3").write_bytes(content[: len(content) - 4096])
    assert one_error(run_cli("restore", "cut.sqlite3", cwd=root)) == (
        f"error: cut.sqlite3 is not a sound SQLite database (truncated: {len(content) - 4096} of {len(content)} "
        "bytes); nothing was restored"
    )


def test_restore_refuses_another_programs_database_and_a_newer_schema(backed_up: tuple[Path, Path]) -> None:
    database, copy = backed_up
    root = database.parent.parent
    execute(root / "other.sqlite3", "CREATE TABLE notes (text)")
    assert one_error(run_cli("restore", "other.sqlite3", cwd=root)) == (
        "error: other.sqlite3 is not a database of this bot (no schema version in it); nothing was restored"
    )
    execute(copy, "UPDATE alembic_version SET version_num = '9999'")
    assert one_error(run_cli("restore", "copy.sqlite3", cwd=root)) == (
        "error: copy.sqlite3 is at schema 9999, newer than this version of the bot; nothing was restored"
    )
    assert one_error(run_cli("restore", "missing.sqlite3", cwd=root)) == "error: no backup at missing.sqlite3"


def test_restore_refuses_while_the_bot_holds_the_database(backed_up: tuple[Path, Path]) -> None:
    database, _copy = backed_up
    root = database.parent.parent
    expires = (datetime.now(UTC) + timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S.%f")
    execute(database, "INSERT INTO leases (name, holder, expires_at) VALUES ('leader', 'host:1234', ?)", expires)
    assert one_error(run_cli("restore", "copy.sqlite3", cwd=root)) == (
        "error: the bot is running on data/bot.sqlite3 (host:1234): stop it first; nothing was restored"
    )


def test_restore_and_backup_on_postgresql_answer_one_line(tmp_path: Path) -> None:
    url = "postgresql+asyncpg://bot@127.0.0.1:9/bot"
    for command in ("restore", "backup"):
        assert one_error(run_cli(command, "x.sqlite3", cwd=tmp_path, DATABASE_URL=url)) == (
            f"error: {command} works on SQLite databases; for PostgreSQL use pg_dump and pg_restore "
            "(see docs/OPERATIONS.md)"
        )
