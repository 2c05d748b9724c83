"""Texts in three languages with CLDR plurals; logs one line per event without the token."""

import html
import json
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import LANGUAGES, Settings
from bot.i18n import localizer, message_ids, pick_language
from bot.runtime.logs import JsonFormatter, KeyValueFormatter, configure_logging


def test_every_locale_has_every_text() -> None:
    ids = {language: message_ids(language) for language in LANGUAGES}
    union = set().union(*ids.values())
    for language, present in ids.items():
        assert union - present == set(), f"{language} lacks {sorted(union - present)}"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ru", ["1 организация", "2 организации", "5 организаций", "21 организация", "26 организаций"]),
        ("kk", ["1 ұйым", "2 ұйым", "5 ұйым", "21 ұйым", "26 ұйым"]),
        ("en", ["1 organization", "2 organizations", "5 organizations", "21 organizations", "26 organizations"]),
    ],
)
def test_plurals_follow_each_language(language: str, expected: list[str]) -> None:
    l10n = localizer(language)
    assert [l10n("organizations-count", count=n) for n in (1, 2, 5, 21, 26)] == expected


@pytest.mark.parametrize("language", LANGUAGES)
@given(number=st.integers(min_value=1000, max_value=10**13))
def test_identifiers_are_shown_as_typed_and_counts_grouped(language: str, number: int) -> None:
    """`/sources interval 12345 ...` names source #12345, never "#12,345" or "#12 345" (Fluent groups numbers)."""
    l10n = localizer(language)
    assert l10n("admin-src-button-pause", id=number) == f"⏸ #{number}"
    assert f"-{number}" in l10n("admin-why-user-paused", user=-number)  # a group's chat id
    grouped = l10n(
        "admin-bc-report",
        id=number,
        state="",
        total=number,
        sent=0,
        failed=0,
        blocked=0,
        left=0,
        cancelled=0,
        rate=0,
        eta="",
    )
    assert f"#{number}" in grouped and f"{number}" not in grouped.split("\n", 1)[1]  # the recipients count is grouped


@pytest.mark.parametrize(
    ("code", "language"), [("kk", "kk"), ("ru", "ru"), ("en-GB", "en"), ("de", "ru"), (None, "ru"), ("", "ru")]
)
def test_telegram_language_codes_map_to_supported_languages(code: str | None, language: str) -> None:
    assert pick_language(code, "ru") == language


def test_admin_ids_parse() -> None:
    settings = Settings(_env_file=None, admin_ids="1, 22;333")
    assert settings.admin_ids == frozenset({1, 22, 333})
    assert settings.is_admin(22) and not settings.is_admin(4) and not settings.is_admin(None)


def test_token_never_reaches_a_log_line() -> None:
    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    record = logging.LogRecord("bot", logging.ERROR, __file__, 1, "request to %s failed", (f"/bot{token}/getMe",), None)
    record.url = f"https://api.telegram.org/bot{token}/sendMessage"
    for formatter in (KeyValueFormatter(), JsonFormatter()):
        line = formatter.format(record)
        assert token not in line and "<token>" in line
        assert "\n" not in line
    assert json.loads(JsonFormatter().format(record))["event"] == "request to /bot<token>/getMe failed"


def test_key_value_lines_carry_fields() -> None:
    record = logging.LogRecord("bot.services.ingestion", logging.INFO, __file__, 1, "poll.done", None, None)
    record.source_id = 3
    record.outcome = "not modified"
    line = KeyValueFormatter().format(record)
    assert line.endswith('INFO bot.services.ingestion poll.done source_id=3 outcome="not modified"')


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
@given(text=st.text(min_size=2400, max_size=20_000))
def test_arguments_of_any_length_are_placed_whole_and_escaped(language: str, text: str) -> None:
    """Fluent refuses arguments over 2,500 characters; a long error or title must still reach the admin."""
    shown = localizer(language)("admin-alert-crash", error=text)
    assert html.escape(text, quote=False) in shown
    assert "\ue000" not in shown.replace(html.escape(text, quote=False), "")


@pytest.mark.parametrize(("level", "shown"), [("INFO", False), ("DEBUG", True)])
def test_the_schedulers_routine_lines_are_debug(level: str, shown: bool, capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    handlers, saved_level = root.handlers[:], root.level
    try:
        configure_logging(level)
        logging.getLogger("apscheduler.executors.default").info('Running job "poll" (scheduled at now)')
        logging.getLogger("apscheduler.scheduler").warning("Run time of job 'poll' was missed by 0:01:00")
        logging.getLogger("bot.services.ingestion").info("poll.done")
    finally:
        root.handlers[:] = handlers
        root.setLevel(saved_level)
    lines = capsys.readouterr().err.splitlines()
    routine = [line for line in lines if "Running job" in line]
    assert routine == [] if not shown else [" DEBUG " in line for line in routine] == [True]
    assert any("was missed" in line and " WARNING " in line for line in lines)
    assert any("poll.done" in line for line in lines)
