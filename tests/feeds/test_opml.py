"""Sources as feed readers keep them: OPML in and out, hostile XML refused; per-source headers and intervals."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cli.main import main
from bot.services.ingestion.opml import OpmlError, dump_opml, parse_opml
from domain.sources import Source
from tests.support.feeds import FeedSite, Item, items, rss


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path}/cli.sqlite3"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("DEFAULT_LANGUAGE", "kk")
    return url


SEEDED = 4  # `feeds` commands seed the default sources first, as the bot does


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["feeds", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def error_line(err: str) -> str:
    """The one error line (log lines of the run may come before it on stderr)."""
    errors = [line for line in err.strip().splitlines() if line.startswith("error:")]
    assert len(errors) == 1, err
    return errors[0]


@pytest.fixture
def site() -> Iterator[FeedSite]:
    """A local feed site on a background loop: the CLI runs its own event loop."""
    feed_site = FeedSite()
    loop = asyncio.new_event_loop()
    loop.run_until_complete(feed_site.server.start_server())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield feed_site
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.run_until_complete(feed_site.server.close())
    loop.close()


def third_party_opml(site: FeedSite) -> str:
    """A feed reader's export, with feeds on the local site: good ones, a 404, a page that is not a feed."""
    green = site.serve("/green", rss([Item(title="Hello", guid="1")]))
    named = site.serve(
        "/named",
        '<?xml version="1.0"?><rss version="2.0"><channel><title>N</title><language>en-us</language>'
        "<item><title>x</title><guid>n1</guid></item></channel></rss>",
    )
    page = site.serve("/page", "<html><body>Not a feed</body></html>", content_type="text/html")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>Exported from a feed reader</title></head>
  <body>
    <outline text="Climate">
      <outline type="rss" text="Green news" title="Green news" xmlUrl="{green}" htmlUrl="https://green.example.org/"/>
      <outline type="rss" text="Зелёные новости" xmlUrl="{green}" language="ru"/>
    </outline>
    <outline type="rss" text="Names itself" xmlUrl="{named}"/>
    <outline type="rss" text="Gone" xmlUrl="{site.url("/gone")}"/>
    <outline type="rss" text="A page" xmlUrl="{page}"/>
    <outline type="rss" text="Not a feed link" xmlUrl="ftp://example.org/feed"/>
    <outline text="A category with nothing in it"/>
  </body>
</opml>
"""


def test_a_feed_readers_opml_is_checked_feed_by_feed_and_reports_each(
    database_url, capsys, tmp_path, site, monkeypatch
):
    monkeypatch.setenv("ALLOW_PRIVATE_SOURCES", "true")  # the feed site is on 127.0.0.1
    path = tmp_path / "reader.opml"
    path.write_text(third_party_opml(site), encoding="utf-8")
    code, out, _ = run(capsys, "import", str(path))
    assert code == 0
    lines = out.strip().splitlines()
    green, named = site.url("/green"), site.url("/named")
    assert lines[0].startswith("added #5 enabled rss kk every 300s")  # no language anywhere: DEFAULT_LANGUAGE
    assert lines[0].endswith(f"Green news {green}")
    assert lines[1].startswith("added #6 enabled rss ru")  # the same URL in another language is another source
    assert lines[2].startswith("added #7 enabled rss en")  # the language the feed names itself
    assert f"refused {site.url('/gone')}: http_404: HTTP 404 Not Found" in lines  # a 404 is not "added"
    assert any(line.startswith(f"refused {site.url('/page')}: not_a_feed:") for line in lines)
    assert "refused ftp://example.org/feed: only http:// and https:// URLs can be fetched, got ftp://" in lines
    assert f"language of {green}: kk (none in the file or the feed: DEFAULT_LANGUAGE)" in lines
    assert f"language of {named}: en (named by the feed)" in lines
    assert lines[-1] == f"imported {path}: 3 added, 0 already sources, 3 refused"
    code, out, _ = run(capsys, "import", str(path))
    assert out.strip().splitlines()[-1] == f"imported {path}: 0 added, 3 already sources, 3 refused"


def test_export_then_import_elsewhere_keeps_kind_language_title_and_interval(
    database_url, capsys, tmp_path, monkeypatch, site
):
    monkeypatch.setenv("ALLOW_PRIVATE_SOURCES", "true")  # the feed site is on 127.0.0.1
    govkz = site.serve("/api/news", '{"content": [], "total": 0}', content_type="application/json")
    feed = site.serve("/feed", rss(items(1), title="Local news"))
    assert run(capsys, "add", govkz, "--kind", "govkz", "--lang", "en", "--interval", "900")[0] == 0
    assert run(capsys, "add", feed, "--lang", "ru")[0] == 0
    exported = tmp_path / "sources.opml"
    assert run(capsys, "export", str(exported)) == (0, f"exported {SEEDED + 2} sources to {exported}\n", "")
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/other.sqlite3")
    assert run(capsys, "import", str(exported))[0] == 0
    listed = run(capsys, "list")[1].strip().splitlines()[SEEDED:]
    assert listed[0].startswith("#5 enabled govkz en every 900s")
    assert listed[0].endswith(f" {govkz}")
    assert listed[1].startswith("#6 enabled rss ru every 300s")
    assert listed[1].endswith(f"Local news {feed}")


def _source(n: int, title: str, kind: str, language: str, interval: int) -> Source:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    return Source(
        id=n,
        url=f"https://example.org/{n}?a=1&b=<{n}>",
        kind=kind,
        language=language,
        title=title,
        interval_seconds=interval,
        enabled=True,
        removed=False,
        etag=None,
        last_modified=None,
        next_check_at=now,
        last_checked_at=None,
        last_success_at=None,
        consecutive_failures=0,
        last_outcome=None,
        last_error=None,
        created_at=now,
        polling_until=None,
        updated_at=now,
    )


xml_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=80)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            xml_text, st.sampled_from(["rss", "govkz"]), st.sampled_from(["ru", "kk", "en"]), st.integers(10, 604800)
        ),
        max_size=20,
    )
)
def test_dump_then_parse_gives_back_every_source(described):
    sources = [_source(n, *values) for n, values in enumerate(described)]
    parsed = parse_opml(dump_opml(sources, title='t <&> "x"'))
    assert [(o.url, o.title, o.kind, o.language, o.interval_seconds) for o in parsed] == [
        (s.url, s.title.strip(), s.kind, s.language, s.interval_seconds) for s in sources
    ]


def test_extra_headers_are_never_exported():
    source = replace(_source(1, "WAF", "rss", "ru", 300), extra_headers={"Cookie": "session=secret"})
    assert b"secret" not in dump_opml([source], title="t")
    assert b"Cookie" not in dump_opml([source], title="t")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE opml [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
]>
<opml version="2.0"><body><outline text="&e;" xmlUrl="https://example.org/&e;"/></body></opml>
"""


def _external(target: str) -> str:
    return f"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY secret SYSTEM "{target}">]>
<opml version="2.0"><body><outline text="&secret;" xmlUrl="https://example.org/feed"/></body></opml>
"""


def test_hostile_opml_is_refused_before_any_entity_is_expanded_or_fetched(database_url, capsys, tmp_path, site):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", encoding="utf-8")
    site.serve("/entity", "TOP-SECRET-VALUE")
    hostile = {
        "bomb.opml": BILLION_LAUGHS,
        "file.opml": _external(secret.as_uri()),
        "http.opml": _external(site.url("/entity")),
        "parameter.opml": f'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY % p SYSTEM "{site.url("/entity")}"> %p;]>'
        '<opml version="2.0"><body/></opml>',
    }
    for name, text in hostile.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        code, out, err = run(capsys, "import", str(path))
        assert code == 2
        assert error_line(err) == (
            f"error: {path} was not imported: refused: the file declares a DTD or entities (DTDForbidden)"
        )
        assert "TOP-SECRET" not in out + err
    # Each import ran to its end above, so any fetch of the entity would have happened by now.
    assert site.hits("/entity") == []
    assert len(run(capsys, "list")[1].strip().splitlines()) == SEEDED


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "not XML: no element found: line 1, column 0"),
        (b"<html><body/></html>", "not an OPML file: no <opml> element with a <body>"),
        (b"<opml><body><outline", "not XML: unclosed token: line 1, column 12"),
        (b"x" * (1024 * 1024 + 1), "the file is larger than 1024 KB"),
    ],
)
def test_a_file_that_is_not_opml_is_one_line_and_changes_nothing(database_url, capsys, tmp_path, content, reason):
    path = tmp_path / "bad.opml"
    path.write_bytes(content)
    code, _, err = run(capsys, "import", str(path))
    assert (code, error_line(err)) == (2, f"error: {path} was not imported: {reason}")


def test_headers_and_user_agent_go_with_every_poll_and_interval_is_set(database_url, capsys, site, monkeypatch):
    monkeypatch.setenv("ALLOW_PRIVATE_SOURCES", "true")  # the feed site is on 127.0.0.1
    url = site.serve("/waf-feed", rss(items(2)))
    code, out, _ = run(
        capsys, "add", url, "--lang", "en", "--user-agent", "Mozilla/5.0 (X11)", "--header", "Cookie: waf=ok"
    )
    assert code == 0
    assert out.splitlines()[0].endswith("headers: Cookie, User-Agent")  # names only
    assert run(capsys, "poll", "5")[0] == 0
    request = site.hits("/waf-feed")[-1]
    assert request.headers["User-Agent"] == "Mozilla/5.0 (X11)"
    assert request.headers["Cookie"] == "waf=ok"
    assert request.headers["Accept-Language"] == "en"

    assert run(capsys, "set-headers", "5", "--header", "X-Token: abc")[0] == 0
    assert run(capsys, "poll", "5")[0] == 0
    request = site.hits("/waf-feed")[-1]
    assert request.headers["X-Token"] == "abc"
    assert "Cookie" not in request.headers
    assert request.headers["User-Agent"].startswith("AllianceNewsBot/")  # back to the bot's own

    code, out, _ = run(capsys, "set-interval", url, "3600")
    assert code == 0
    assert re.fullmatch(rf"#5 {re.escape(url)} \(en\) is polled every 3600s, next at \S+ \S+Z\n", out)
    assert "every 3600s" in run(capsys, "list")[1]


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["--header", "Accept-Encoding: br"], "the Accept-Encoding header is set by the bot itself"),
        (["--header", "If-None-Match: x"], "the If-None-Match header is set by the bot itself"),
        (["--header", "no colon here"], "'no colon here' is not a header: write Name: value"),
        (["--header", "Bad Name: x"], "'Bad Name' is not a valid header name"),
        (["--interval", "5"], "the poll interval must be 10 to 604800 seconds, got 5"),
    ],
)
def test_bad_headers_or_intervals_are_refused_in_one_line(database_url, capsys, argv, error):
    code, _, err = run(capsys, "add", "https://example.org/feed", *argv)
    assert code == 2
    assert error in error_line(err)
    assert "https://example.org/feed" not in run(capsys, "list")[1]


def test_set_interval_out_of_bounds_changes_nothing(database_url, capsys, site, monkeypatch):
    monkeypatch.setenv("ALLOW_PRIVATE_SOURCES", "true")  # the feed site is on 127.0.0.1
    assert run(capsys, "add", site.serve("/feed", rss(items(1))))[0] == 0
    code, _, err = run(capsys, "set-interval", "5", "9")
    assert (code, error_line(err)) == (2, "error: the poll interval must be 10 to 604800 seconds, got 9")
    assert run(capsys, "list")[1].strip().splitlines()[-1].startswith("#5 enabled rss kk every 300s")


def test_parse_refuses_more_outlines_than_the_cap():
    body = "".join(f'<outline xmlUrl="https://e.org/{n}"/>' for n in range(2001))
    with pytest.raises(OpmlError, match="more than 2000 feeds"):
        parse_opml(f"<opml><body>{body}</body></opml>".encode())
