"""Prometheus metrics (prometheus-client), the names an operator's dashboards rely on."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

SENDS = Counter("bot_sends_total", "Messages handed to Telegram, by outcome", ["outcome"], registry=REGISTRY)
RATE_LIMITED = Counter("bot_telegram_429_total", "429 Too Many Requests answers from Telegram", registry=REGISTRY)
QUEUE_LENGTH = Gauge("bot_outbox_queue_length", "Deliveries waiting in the outbox", registry=REGISTRY)
POLLS = Counter("bot_polls_total", "Source polls, by outcome", ["outcome"], registry=REGISTRY)
POLL_DURATION = Histogram(
    "bot_poll_duration_seconds",
    "Time to poll one source",
    registry=REGISTRY,
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
QUESTION_LATENCY = Histogram(
    "bot_question_latency_seconds",
    "Time to answer a question",
    registry=REGISTRY,
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1),
)
LAST_POLL = Gauge("bot_last_poll_timestamp_seconds", "Unix time of the last finished poll", registry=REGISTRY)
LAST_SEND = Gauge("bot_last_send_timestamp_seconds", "Unix time of the last successful send", registry=REGISTRY)


def record_poll(outcome: str, duration: float) -> None:
    """One source polled: `outcome` is ok, not_modified, error or disabled."""
    POLLS.labels(outcome=outcome).inc()
    POLL_DURATION.observe(duration)
    LAST_POLL.set(time.time())


def record_send(outcome: str) -> None:
    """One delivery attempt: sent, retry, rate_limited, blocked or failed."""
    SENDS.labels(outcome=outcome).inc()
    if outcome == "sent":
        LAST_SEND.set(time.time())
    elif outcome == "rate_limited":
        RATE_LIMITED.inc()
