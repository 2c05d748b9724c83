"""Prometheus metrics (prometheus-client), the names an operator's dashboards rely on.

The poller, the sender, the question handler and the supervisor record them as they work; nothing else does,
so a counter that stands still means the work stands still (deploy/prometheus-alerts.yml relies on it).
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

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
    "bot_questions_total", "Questions asked, by outcome (answered, unknown)", ["outcome"], registry=REGISTRY
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


def record_poll(outcome: str, duration: float, *, source: int | None = None, failures: int = 0) -> None:
    """One source polled: `outcome` is ok, not_modified or a failure kind; `failures` is the streak after it."""
    POLLS.labels(outcome=outcome).inc()
    POLL_DURATION.observe(duration)
    LAST_POLL.set(time.time())
    if source is not None:
        SOURCE_FAILURES.labels(source=str(source)).set(failures)
        if failures == 0:
            SOURCE_LAST_SUCCESS.labels(source=str(source)).set(time.time())


def record_send(outcome: str, duration: float | None = None) -> None:
    """One delivery attempt: sent, retry, rate_limited, blocked or failed; `duration` of its request."""
    SENDS.labels(outcome=outcome).inc()
    if duration is not None:
        SEND_LATENCY.observe(duration)
    if outcome == "sent":
        LAST_SEND.set(time.time())
    elif outcome == "rate_limited":
        RATE_LIMITED.inc()


UNKNOWN_INTENTS = frozenset({"unknown"})  # the answer engine found nothing it knows


def record_question(intent: str, duration: float) -> None:
    """One question answered with this intent: counted as `unknown` (nothing known matched) or `answered`."""
    QUESTIONS.labels(outcome="unknown" if intent in UNKNOWN_INTENTS else "answered").inc()
    QUESTION_LATENCY.observe(duration)
