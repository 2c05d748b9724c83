"""`python -m bot feeds add|list|remove|poll` against a local feed server."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bot.cli.main import main
from storage import Database
from storage.schema import audit_log
from storage.schema.admin import held_entries
from storage.schema.delivery import outbox_deliveries
from tests.delivery.helpers import subscribe_many
from tests.support.feeds import Item, items, rss, served_in_thread


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path}/cli.sqlite3"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ALLOW_PRIVATE_SOURCES", "true")  # the feed server is on 127.0.0.1
    return url


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["feeds", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.org/feed", "only http:// and https:// URLs can be fetched, got ftp://"),
        ("example.org/feed", "only http:// and https:// URLs can be fetched, got no scheme"),
        ("http:///feed", "the URL has no host name"),
    ],
)
def test_add_rejects_a_bad_url_with_one_clear_line(database_url, capsys, url, reason):
    code, _out, err = run(capsys, "add", url)
    assert code != 0
    assert err.strip().splitlines() == [f"error: bad source URL {url!r}: {reason}"]


served = served_in_thread


@pytest.fixture
def feed_url() -> Iterator[str]:
    with served(rss(items(3))) as url:
        yield url


def test_add_list_poll_remove(database_url, capsys, feed_url):
    url = feed_url
    code, out, _ = run(capsys, "add", url, "--lang", "en")
    assert code == 0
    assert out.startswith("added #5 enabled rss en")

    code, out, _ = run(capsys, "list")
    listed = out.strip().splitlines()
    assert len(listed) == 5  # four seeded defaults and ours
    assert listed[-1].endswith(url)

    code, out, _ = run(capsys, "poll", "5")
    assert code == 0
    assert out.startswith("#5 ok new=3 updated=0")

    code, out, _ = run(capsys, "poll", url)
    assert out.startswith("#5 not_modified new=0")

    code, _, err = run(capsys, "add", url, "--lang", "en")
    assert (code, err.strip()) == (2, f"error: {url} was not added: {url} (en) is already a source")

    code, out, _ = run(capsys, "disable", "5")
    assert (code, out.strip()) == (0, f"disabled #5 {url} (en)")
    assert "#5 disabled" in run(capsys, "list")[1]
    code, out, _ = run(capsys, "poll", "5")  # polling by hand does not turn a disabled source back on
    assert out.startswith("#5 not_modified")
    assert "#5 disabled" in run(capsys, "list")[1]
    assert run(capsys, "enable", url)[0] == 0
    assert "#5 enabled" in run(capsys, "list")[1]

    code, out, _ = run(capsys, "remove", "5")
    assert code == 0
    assert "removed #5" in out
    code, out, _ = run(capsys, "list")
    assert url not in out

    code, _, err = run(capsys, "remove", "5")
    assert code == 2
    assert "no source with id or URL '5'" in err


def test_add_fetches_the_url_first_as_sources_add_does(database_url, capsys):
    """The shell's `feeds add` runs the check of `/sources add`: a URL that does not answer is not stored."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/feed"
    code, _, err = run(capsys, "add", url)
    assert code == 2
    assert err.strip().splitlines()[-1].startswith(f"error: {url} was not added: connection: cannot connect")
    assert url not in run(capsys, "list")[1]


def test_poll_of_a_failing_source_exits_non_zero_with_the_reason(database_url, capsys):
    with served(rss(items(1))) as url:
        assert run(capsys, "add", url)[0] == 0
    code, _, err = run(capsys, "poll", url)  # the site is gone now
    assert code == 2
    assert err.strip().splitlines()[-1].startswith("error: source #5 failed: connection: cannot connect")


def test_what_the_shell_does_is_audited_as_the_shell(database_url, capsys, feed_url):
    assert run(capsys, "add", feed_url, "--lang", "en")[0] == 0
    assert run(capsys, "set-interval", "5", "600")[0] == 0
    assert run(capsys, "remove", "5")[0] == 0

    async def actions() -> list[tuple[str, dict[str, Any]]]:
        db = Database(database_url)
        try:
            async with db.connect() as conn:
                rows = await conn.execute(sa.select(audit_log.c.action, audit_log.c.details).order_by(audit_log.c.id))
                return [(row.action, row.details) for row in rows]
        finally:
            await db.close()

    recorded = asyncio.run(actions())
    assert [action for action, _ in recorded] == ["source.add", "source.interval", "source.remove"]
    assert all(details["door"] == "shell" for _, details in recorded)


def _count(database_url: str, table: sa.Table, *where: Any) -> int:
    async def count() -> int:
        db = Database(database_url)
        try:
            async with db.connect() as conn:
                return int((await conn.execute(sa.select(sa.func.count()).select_from(table).where(*where))).scalar())
        finally:
            await db.close()

    return asyncio.run(count())


@pytest.fixture
def alliance_feed_url() -> Iterator[str]:
    """A local feed with one item about the alliance."""
    item = Item(
        title="Альянс низкоуглеродных технологий: заседание",
        link="http://news.local/alliance",
        guid="alliance-1",
        description="<p>Альянс низкоуглеродных технологий «Пояса и пути» провёл заседание.</p>",
    )
    with served(rss([item])) as url:
        yield url


@pytest.mark.parametrize("moderation", [True, False])
def test_poll_from_the_shell_is_moderated_like_the_bot(
    database_url, capsys, monkeypatch, alliance_feed_url, moderation
):
    monkeypatch.setenv("MODERATION", str(moderation).lower())
    assert run(capsys, "add", alliance_feed_url)[0] == 0

    async def subscribe() -> None:
        db = Database(database_url)
        try:
            await subscribe_many(db, range(7001, 7004))
        finally:
            await db.close()

    asyncio.run(subscribe())
    code, out, _ = run(capsys, "poll", alliance_feed_url)
    assert (code, out.split()[1:3]) == (0, ["ok", "new=1"])
    held = _count(database_url, held_entries, held_entries.c.status == "held")
    queued = _count(database_url, outbox_deliveries)
    assert (held, queued) == ((1, 0) if moderation else (0, 3))


def test_default_sources_false_is_honoured_by_every_feeds_command(database_url, capsys, monkeypatch, feed_url):
    monkeypatch.setenv("DEFAULT_SOURCES", "false")
    code, out, _ = run(capsys, "list")
    assert (code, out) == (0, "")
    code, out, _ = run(capsys, "add", feed_url)
    assert out.startswith("added #1 ")
    code, out, _ = run(capsys, "poll")
    assert [line.split()[0] for line in out.splitlines()] == ["#1"]
