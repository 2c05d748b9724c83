"""The operator interface: `python -m bot` as an operator runs it, in a fresh directory.

The commands run through the CLI's `main()` in this process (tests.support.cli); the playground's start, which
is announced on stdout and stopped by a signal, runs as a real process (so do `--version` and `healthcheck` in
tests/packaging).
"""

import asyncio
import os
import pty
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from local_telegram import BotAPIStub
from tests.conftest import REPO_ROOT
from tests.support.cli import run_main as run_cli


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = run_cli("--help", cwd=tmp_path)
    assert result.returncode == 0
    for command in ("run", "ask", "feeds", "kb", "backup", "migrate"):
        assert f"    {command} " in result.stdout


def test_run_without_token_off_a_terminal_is_one_line_and_a_failure(tmp_path: Path) -> None:
    """Under systemd or Docker (no TTY) a forgotten token must not look like a healthy service."""
    result = run_cli("run", cwd=tmp_path, env={"PLAYGROUND_PORT": "0"})
    assert result.returncode != 0
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: BOT_TOKEN is not set: put BOT_TOKEN=<token> into")
    assert str(tmp_path / ".env") in line and "python -m bot demo" in line
    assert not (tmp_path / "data").exists()  # neither the operator's database nor the playground's


@pytest.mark.slow
def test_run_without_token_on_a_terminal_says_what_is_missing_and_starts_the_playground(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key not in {"BOT_TOKEN", "DATABASE_URL", "ADMIN_IDS"}}
    env |= {"PYTHONPATH": str(REPO_ROOT), "PLAYGROUND_PORT": "0", "LOG_LEVEL": "WARNING"}
    main, terminal = pty.openpty()  # a person at a terminal: stdin and stdout are a TTY
    with (tmp_path / "stderr.txt").open("w+") as stderr, os.fdopen(main, "rb", buffering=0) as screen:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, stdin=terminal, stdout=terminal, stderr=stderr
        )
        os.close(terminal)
        try:
            announced = b""
            while b"\n" not in announced:  # the playground says where it is once it is up
                announced += screen.read(1024)
            url = announced.decode().split("open ", 1)[1].split()[0]
            with urllib.request.urlopen(url, timeout=30) as page:
                assert page.status == 200
        finally:
            process.send_signal(signal.SIGINT)
            assert process.wait() == 0
        stderr.seek(0)
        lines = stderr.read().splitlines()
    env_file = str(tmp_path / ".env")
    assert lines[0].startswith(f"BOT_TOKEN is not set in {env_file}: started the playground instead")
    assert f"To run on Telegram: put BOT_TOKEN=<token> into {env_file}" in lines[1]
    assert "@BotFather" in lines[1] and "https://t.me/BotFather" in lines[1]
    assert url.startswith("http://127.0.0.1:")
    assert not (tmp_path / "data" / "bot.sqlite3").exists()  # the operator's database is never created
    assert (tmp_path / "data" / "playground.sqlite3").exists()


def test_token_in_env_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("BOT_TOKEN=1:short\nTELEGRAM_API_URL=ftp://example.org\n")
    result = run_cli(cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"error: TELEGRAM_API_URL in {tmp_path / '.env'} is invalid: "
        "Value error, must start with http:// or https://, got 'ftp://example.org'"
    )


def test_bad_admin_ids_are_one_clear_line(tmp_path: Path) -> None:
    result = run_cli("migrate", cwd=tmp_path, env={"ADMIN_IDS": "12, bob"})
    assert result.returncode == 2
    assert "ADMIN_IDS" in result.stderr and "numeric Telegram user ids" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_webhook_without_secret_is_refused(tmp_path: Path) -> None:
    result = run_cli("migrate", cwd=tmp_path, env={"WEBHOOK_URL": "https://bot.example.org"})
    assert result.returncode == 2
    assert "WEBHOOK_SECRET is required" in result.stderr


def test_migrate_then_backup(tmp_path: Path) -> None:
    assert run_cli("migrate", cwd=tmp_path).returncode == 0
    assert (tmp_path / "data" / "bot.sqlite3").is_file()
    result = run_cli("backup", "copy.sqlite3", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "backup written: copy.sqlite3" in result.stdout
    again = run_cli("backup", "copy.sqlite3", cwd=tmp_path)
    assert again.returncode == 2
    assert "exists already" in again.stderr


async def test_bad_token_fails_fast_with_one_line(tmp_path: Path, stub: BotAPIStub) -> None:
    env = {"BOT_TOKEN": "111:wrongtokenwrongtokenwrongtokenwrong", "TELEGRAM_API_URL": stub.url}
    result = await asyncio.to_thread(run_cli, cwd=tmp_path, env=env)
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: BOT_TOKEN was rejected by the Bot API (401 Unauthorized)")
    assert "wrongtoken" not in result.stderr


async def test_unreachable_api_is_named(tmp_path: Path) -> None:
    env = {"BOT_TOKEN": "111:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "TELEGRAM_API_URL": "http://127.0.0.1:9"}
    result = await asyncio.to_thread(run_cli, cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert "cannot reach the Bot API at http://127.0.0.1:9" in result.stderr.strip().splitlines()[-1]
