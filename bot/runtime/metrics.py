"""Prometheus metrics (prometheus-client), the names an operator's dashboards rely on.

The poller, the sender, the question handler and the supervisor record them as they work; nothing else does,
so a counter that stands still means the work stands still (deploy/prometheus-alerts.yml relies on it).
"""

from __future__ import annotations

import collections
import functools
import time
from collections.abc import Iterable, Sequence
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from domain.questions import is_missed

REGISTRY = CollectorRegistry(auto_describe=True)

SENDS = Counter("bot_sends_total", "Messages handed to Telegram, by outcome", ["outcome"], registry=REGISTRY)
RATE_LIMITED = Counter("bot_telegram_429_total", "429 Too Many Requests answers from Telegram", registry=REGISTRY)
QUEUE_LENGTH = Gauge("bot_outbox_queue_length", "Deliveries waiting in the outbox", registry=REGISTRY)
SEND_LATENCY = Histogram(
    "bot_send_latency_seconds",
    "Time of one send request to Telegram (the request alone, not the wait for a slot)",
    registry=REGISTRY,
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
POLLS = Counter("bot_polls_total", "Source polls, by outcome", ["outcome"], registry=REGISTRY)
POLL_DURATION = Histogram(
    "bot_poll_duration_seconds",
    "Time to poll one source",
    registry=REGISTRY,
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
SOURCE_LAST_SUCCESS = Gauge(
    "bot_source_last_success_timestamp_seconds", "Unix time of a source's last successful poll", ["source"],
    registry=REGISTRY,
)  # fmt: skip
SOURCE_FAILURES = Gauge(
    "bot_source_consecutive_failures", "Failed polls in a row of a source (0 after a success)", ["source"],
    registry=REGISTRY,
)  # fmt: skip
QUESTION_LATENCY = Histogram(
    "bot_question_latency_seconds",
    "Time to answer a question",
    registry=REGISTRY,
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1),
)
QUESTIONS = Counter(
    "bot_questions_total", "Questions asked, by outcome (answered, missed)", ["outcome"], registry=REGISTRY
)
LAST_POLL = Gauge("bot_last_poll_timestamp_seconds", "Unix time of the last finished poll", registry=REGISTRY)
LAST_SEND = Gauge("bot_last_send_timestamp_seconds", "Unix time of the last successful send", registry=REGISTRY)
TASK_FAILURES = Counter(
    "bot_task_failures_total", "Failures of supervised tasks and scheduled jobs", ["task"], registry=REGISTRY
)
TASK_RESTARTS = Counter("bot_task_restarts_total", "Restarts of supervised tasks", ["task"], registry=REGISTRY)
API_RETRIES = Counter(
    "bot_api_retries_total", "Bot API calls repeated after a 429 or a network error, by method", ["method"],
    registry=REGISTRY,
)  # fmt: skip


def record_polls(polls: Sequence[tuple[str, float]]) -> None:
    """Sources polled, each as (outcome, duration in seconds): `outcome` is ok, not_modified or a failure kind (the
    per-source gauges are read from the database at scrape time, `show_sources`). The poller hands them over with
    each batch of health records: a counter's lock taken once per outcome, not once per poll."""
    if not polls:
        return
    for outcome, count in collections.Counter(outcome for outcome, _ in polls).items():
        _polls(outcome).inc(count)
    for _, duration in polls:
        POLL_DURATION.observe(duration)
    LAST_POLL.set(time.time())


@functools.cache  # the labelled child, looked up once per outcome instead of on every poll (a few kinds in all)
def _polls(outcome: str) -> Counter:
    return POLLS.labels(outcome=outcome)


def record_send(outcome: str, duration: float | None = None) -> None:
    """One delivery attempt: sent, retry, rate_limited, blocked or failed; `duration` of its request."""
    SENDS.labels(outcome=outcome).inc()
    if duration is not None:
        SEND_LATENCY.observe(duration)
    if outcome == "sent":
        LAST_SEND.set(time.time())
    elif outcome == "rate_limited":
        RATE_LIMITED.inc()


def record_question(outcome: str, duration: float) -> None:
    """One question answered with this outcome: counted as `missed` (the definition /kb misses and /stats use,
    domain.questions) or `answered`."""
    QUESTIONS.labels(outcome="missed" if is_missed(outcome) else "answered").inc()
    QUESTION_LATENCY.observe(duration)


def show_sources(health: Iterable[tuple[int, int, datetime | None]]) -> None:
    """The per-source gauges as the database holds them (id, failures in a row, last success): the figures /sources
    shows, read at scrape time, so a resumed source reads 0 and a removed one is gone, as there."""
    SOURCE_FAILURES.clear()
    SOURCE_LAST_SUCCESS.clear()
    for source_id, failures, last_success in health:
        SOURCE_FAILURES.labels(source=str(source_id)).set(failures)
        if last_success is not None:
            SOURCE_LAST_SUCCESS.labels(source=str(source_id)).set(last_success.timestamp())
