"""YAML loaded safely and bounded, SQL only with bound parameters, the token never shown, markup never injected."""

from __future__ import annotations

import ast
import concurrent.futures
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rendering import render_entry
from bot.runtime.logs import scrub
from local_telegram import BotAPIStub
from local_telegram.html import parse_html
from local_telegram.server import TOKEN
from storage.kb import KnowledgeBaseError, parse_knowledge_base
from tests.conftest import REPO_ROOT, RunningBot
from tests.rendering.test_entry import stored

CODE_DIRS = ("bot", "handlers", "storage")
# Migrations run fixed DDL written here; no input ever reaches them.
NOT_SCANNED = ("storage/migrations",)


def parse(source: str) -> ast.Module:
    """ast.parse in a fresh thread: CPython 3.11 can fail an AST check ("recursion depth mismatch") in a thread
    whose recursion counter an earlier caught RecursionError (the nested knowledge-base tests) left off."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(ast.parse, source).result()


def python_files() -> list[Path]:
    files = []
    for directory in CODE_DIRS:
        for path in sorted((REPO_ROOT / directory).rglob("*.py")):
            if not any(str(path.relative_to(REPO_ROOT)).startswith(skip) for skip in NOT_SCANNED):
                files.append(path)
    assert len(files) > 50
    return files


def calls(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def is_built_string(node: ast.AST) -> bool:
    """An f-string, % formatting, concatenation or .format(): SQL built from values instead of bound to them."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(part, ast.FormattedValue) for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return True
    return isinstance(node, ast.Call) and call_name(node) == "format"


def test_sql_is_never_built_from_strings():
    offenders = []
    for path in python_files():
        tree = parse(path.read_text(encoding="utf-8"))
        for call in calls(tree):
            sql_call = call_name(call) in ("text", "execute", "exec_driver_sql", "executescript")
            if sql_call and call.args and is_built_string(call.args[0]):
                offenders.append(f"{path.relative_to(REPO_ROOT)}:{call.lineno}")
    assert offenders == []


def test_yaml_is_only_loaded_with_the_safe_loader():
    unsafe = {"load", "load_all", "full_load", "full_load_all", "unsafe_load", "unsafe_load_all"}
    offenders = []
    for path in python_files():
        source = path.read_text(encoding="utf-8")
        if "yaml" not in source:
            continue
        tree = parse(source)
        for call in calls(tree):
            func = call.func
            if not isinstance(func, ast.Attribute):
                continue
            on_yaml = isinstance(func.value, ast.Name) and func.value.id == "yaml"
            if on_yaml and func.attr in unsafe:
                offenders.append(f"{path.relative_to(REPO_ROOT)}:{call.lineno} yaml.{func.attr}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("Loader", "UnsafeLoader", "FullLoader"):
                offenders.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno} yaml.{node.attr}")
    assert offenders == []


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        # Tags are never constructed: the node is only checked for its shape.
        ('organizations:\n  - !!python/object/apply:os.system ["touch /tmp/pwned"]\n', "expected a mapping"),
        ("organizations: !!python/name:os.system\n", "organizations"),
        ("a: " + "x" * 1_000_001, "larger than 1000 kB"),
    ],
)
def test_hostile_yaml_is_refused(document: str, problem: str):
    with pytest.raises(KnowledgeBaseError) as caught:
        parse_knowledge_base(document)
    assert problem in str(caught.value)
    assert not Path("/tmp/pwned").exists()


def test_an_alias_bomb_is_refused_quickly():
    """A "billion laughs" document: nine levels of ten aliases each."""
    lines = ['l0: &l0 ["lol"]']
    for level in range(1, 10):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 10) + "]")
    lines.append("organizations: *l9")
    started = time.process_time()  # CPU time: other processes on shared cores do not count
    with pytest.raises(KnowledgeBaseError):
        parse_knowledge_base("\n".join(lines) + "\n")
    assert time.process_time() - started < 2.0


@pytest.mark.slow  # several seconds: `pytest -m "not slow"` leaves it out
def test_the_token_is_not_in_a_failed_start(tmp_path: Path):
    """An unreachable Bot API: the one-line error names the URL, never the token (which sits in request URLs)."""
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(REPO_ROOT),
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": "http://127.0.0.1:9",  # discard port: connection refused
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/t.sqlite3",
        "DEFAULT_SOURCES": "false",
    }
    result = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env, capture_output=True, text=True)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "127.0.0.1:9" in output
    assert TOKEN not in output
    assert TOKEN.split(":")[1] not in output


@pytest.mark.parametrize(
    "title",
    [
        "<b>Bold</b> <i>claim</i>",
        '<a href="https://evil.example">click</a>',
        "</a></b><script>alert(1)</script>",
        "&lt;already escaped&gt; &amp; &#60;b&#62;",
        "\u202eevil\u202c \x00 \u200b",
    ],
)
def test_feed_titles_never_change_formatting(title: str):
    message = render_entry(stored(title=title, summary="<p>Body.</p>"), "en")
    parsed = parse_html(message.text)
    # The title is shown as text: every tag in the message is the renderer's own, every link the entry's.
    assert all("evil.example" not in link for link in parsed.links)
    assert "<b>Bold</b>" in parsed.text or "Bold" not in title


@pytest.mark.parametrize(
    "question",
    [
        "<b>Что</b> такое <a href='https://evil.example'>альянс</a>?",
        "</i></b>&amp;&lt;script&gt; Who are the members? <tg-spoiler>x</tg-spoiler>",
        "Альянс " + "<b>" * 500,
    ],
)
async def test_questions_never_change_the_answers_formatting(stub: BotAPIStub, app: RunningBot, question: str):
    user = stub.user(6301, language_code="ru")
    reply = await user.ask(question)
    parsed = parse_html(reply.html or "")
    assert all("evil.example" not in link for link in parsed.links)
    assert "tg-spoiler" not in parsed.tags


def test_the_token_is_in_no_exported_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    """The database, its backup and the knowledge-base export (CLI run with BOT_TOKEN set) hold no token."""
    from bot.cli.main import main

    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3")
    monkeypatch.setenv("DEFAULT_SOURCES", "false")
    assert main(["migrate"]) == 0
    assert main(["backup", str(tmp_path / "backup.sqlite3")]) == 0
    assert main(["kb", "export", str(tmp_path / "kb.yaml")]) == 0
    output = capsys.readouterr()
    files = [path for path in tmp_path.iterdir() if path.is_file()]
    assert {"bot.sqlite3", "backup.sqlite3", "kb.yaml"} <= {path.name for path in files}
    secret = TOKEN.split(":")[1].encode()
    assert all(secret not in path.read_bytes() for path in files)
    assert TOKEN not in output.out + output.err


CREDENTIALS = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="/?#'\"<>"),
    min_size=6,
    max_size=30,
).filter(lambda text: text.strip("@:") and "***" not in text)


@given(
    user=CREDENTIALS,
    password=CREDENTIALS,
    scheme=st.sampled_from(["http", "https", "postgresql+asyncpg", "sqlite+aiosqlite", "redis"]),
    tail=st.sampled_from(["", "/", ":8081/bot", "/db?sslmode=require", "/x?password=also-secret&a=1"]),
    around=st.sampled_from(["{}", "cannot reach the Bot API at {}: refused", "url={}", '"{}"', "({})"]),
)
def test_credentials_in_any_url_never_reach_a_line(
    user: str, password: str, scheme: str, tail: str, around: str
) -> None:
    line = scrub(around.format(f"{scheme}://{user}:{password}@host.example{tail}"))
    assert password not in line and user not in line
    assert "also-secret" not in line
    assert f"{scheme}://***@host.example" in line


@pytest.mark.slow
@pytest.mark.parametrize(
    ("setting", "url"),
    [
        ("TELEGRAM_API_URL", "http://operator:Pa55-w0rd-x@127.0.0.1:9"),
        ("TELEGRAM_API_URL", "http://127.0.0.1:9/?token=Pa55-w0rd-x"),
        ("DATABASE_URL", "sqlite+aiosqlite://operator:Pa55-w0rd-x@/{tmp}/t.sqlite3"),
        ("WEBHOOK_URL", "ftp://operator:Pa55-w0rd-x@bot.example.org"),
    ],
)
def test_a_password_in_a_url_setting_is_not_printed(tmp_path: Path, setting: str, url: str) -> None:
    """Printed at startup before: "cannot reach the Bot API at http://operator:Pa55-w0rd-x@..."."""
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(REPO_ROOT),
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": "http://127.0.0.1:9",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/t.sqlite3",
        "DEFAULT_SOURCES": "false",
        "LOG_LEVEL": "DEBUG",
        setting: url.format(tmp=tmp_path),
    }
    result = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env, capture_output=True, text=True)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Pa55-w0rd-x" not in output, output
