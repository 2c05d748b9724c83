"""Telegram's flood limits in the local Telegram: strict where the FAQ says Telegram refuses, no stricter.

core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this: one message a second in a chat with
short bursts tolerated, 20 a minute in a group, ~30 a second overall. The pure model is checked over generated
request times; the server over HTTP, edits included.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from local_telegram import BotAPIStub
from local_telegram.errors import ApiError
from local_telegram.flood import FloodControl, RateLimits
from tests.local_telegram.test_strictness import call

LIMITS = RateLimits()
GAPS = st.lists(st.floats(min_value=0.0, max_value=3.0, allow_nan=False), min_size=1, max_size=60)


def _run(gaps: list[float], chat_id: int, private: bool, limits: RateLimits = LIMITS) -> list[tuple[float, bool]]:
    """Requests at the generated times (cumulative gaps): when each came and whether Telegram took it."""
    flood = FloodControl()
    outcome = []
    for now in itertools.accumulate(gaps):
        refusal = _refusal(flood, limits, chat_id, private, now)
        assert refusal is None or refusal >= 1
        outcome.append((now, refusal is None))
    return outcome


def _refusal(flood: FloodControl, limits: RateLimits, chat_id: int, private: bool, now: float) -> int | None:
    """None when the request is taken, else the retry_after of Telegram's 429."""
    try:
        flood.admit(limits, chat_id, private, now)
    except ApiError as error:
        if error.code != 429 or error.parameters is None:
            raise
        return int(error.parameters["retry_after"])
    return None


@given(st.lists(st.floats(min_value=LIMITS.private_interval, max_value=5.0), min_size=1, max_size=40))
def test_a_chat_at_one_message_a_second_is_never_refused(gaps: list[float]) -> None:
    assert all(ok for _, ok in _run(gaps, 1, private=True))


@given(st.integers(min_value=1, max_value=LIMITS.private_burst), st.floats(min_value=0, max_value=1000))
def test_a_short_burst_in_a_chat_is_tolerated(burst: int, start: float) -> None:
    assert all(ok for _, ok in _run([start] + [0.0] * (burst - 1), 1, private=True))


@given(GAPS)
def test_a_chat_never_gets_more_than_its_burst_plus_one_a_second(gaps: list[float]) -> None:
    taken = [now for now, ok in _run(gaps, 1, private=True) if ok]
    for i, j in itertools.combinations(range(len(taken)), 2):
        # "eventually you'll begin receiving 429 errors": over any span, one a second after the burst
        allowed = LIMITS.private_burst + (taken[j] - taken[i] + LIMITS.slack) / LIMITS.private_interval
        assert j - i + 1 <= allowed + 1e-9


@given(GAPS)
def test_a_group_never_gets_more_than_20_in_a_minute_and_always_gets_20(gaps: list[float]) -> None:
    outcome = _run([gap * 10 for gap in gaps], -100, private=False)
    taken = [now for now, ok in outcome if ok]
    for i in range(len(taken) - LIMITS.group_per_minute):
        assert taken[i + LIMITS.group_per_minute] - taken[i] >= 60.0 - LIMITS.slack
    for now, ok in outcome:  # a refusal only when 20 went out in the minute before
        if not ok:
            assert sum(1 for t in taken if now - t < 60.0 - LIMITS.slack) >= LIMITS.group_per_minute


@given(st.lists(st.floats(min_value=0.0, max_value=0.1), min_size=1, max_size=80))
def test_the_bot_never_sends_more_than_30_a_second_overall(gaps: list[float]) -> None:
    flood = FloodControl()
    taken = []
    for chat_id, now in enumerate(itertools.accumulate(gaps), start=1):
        if _refusal(flood, LIMITS, chat_id, True, now) is None:
            taken.append(now)
    for i in range(len(taken) - LIMITS.global_per_second):
        assert taken[i + LIMITS.global_per_second] - taken[i] >= 1.0 - LIMITS.slack


@given(GAPS, st.booleans())
def test_waiting_retry_after_is_always_enough(gaps: list[float], private: bool) -> None:
    flood = FloodControl()
    for now in itertools.accumulate(gaps):
        retry_after = _refusal(flood, LIMITS, 5, private, now)
        if retry_after is not None:
            assert _refusal(flood, LIMITS, 5, private, now + retry_after) is None


# -- over HTTP ----------------------------------------------------------------------------------------


async def test_two_quick_replies_in_a_private_chat_go_through(stub: BotAPIStub) -> None:
    stub.rate_limits = RateLimits()
    user = stub.user(1)
    for text in ("answer", "menu", "hint"):
        assert (await call(stub, "sendMessage", chat_id=user.id, text=text))["ok"]
    assert stub.rate_limited == 0


@pytest.mark.parametrize("method", ["editMessageText", "editMessageReplyMarkup"])
async def test_edits_spend_the_same_budget_as_sends(stub: BotAPIStub, method: str) -> None:
    stub.rate_limits = RateLimits(private_burst=2)
    user = stub.user(1)
    sent = await call(stub, "sendMessage", chat_id=user.id, text="v0")
    target = {"chat_id": user.id, "message_id": sent["result"]["message_id"]}
    answers = []
    for i in range(1, 6):
        if method == "editMessageText":
            answers.append(await call(stub, method, **target, text=f"v{i}"))
        else:
            markup = {"inline_keyboard": [[{"text": f"b{i}", "callback_data": "x"}]]}
            answers.append(await call(stub, method, **target, reply_markup=markup))
    refused = [answer for answer in answers if not answer["ok"]]
    assert refused, "an edit burst above the chat's rate must meet 429"
    assert all(answer["error_code"] == 429 and answer["parameters"]["retry_after"] >= 1 for answer in refused)
    assert stub.rate_limited == len(refused)
