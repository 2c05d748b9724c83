"""Health and metrics over HTTP: `/healthz` for load balancers, `/metrics` for Prometheus."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.runtime.leadership import Leadership
from bot.runtime.metrics import QUEUE_LENGTH, REGISTRY, show_sources
from bot.runtime.supervision import Watchdog
from bot.runtime.version import release_version
from storage import Database
from storage.database import DatabaseFileError
from storage.outbox import Outbox
from storage.sources import SourceRepository

logger = logging.getLogger(__name__)

PING_TIMEOUT_SECONDS = 3.0


def _age(metric: str) -> float | None:
    """Seconds since the time a timestamp gauge holds, None when it was never set."""
    value = REGISTRY.get_sample_value(metric)
    return round(time.time() - value, 1) if value else None


def create_health_app(db: Database, leadership: Leadership, watchdog: Watchdog | None = None) -> web.Application:
    """`/healthz` answers 200 when the database answers (in time, to reads and to the lease, and on SQLite from
    the file at its path) and no due work is stalled, 503 otherwise.

    The JSON body says what it knows; `stalled` lists the reasons (the poller or the sender not progressing
    while work is due), so a load balancer or an operator sees why, not just that.
    """

    async def healthz(_request: web.Request) -> web.Response:
        status: dict[str, Any] = {
            "version": release_version(),
            "leader": leadership.held,
            "holder": leadership.holder,
        }
        silence = leadership.database_silence()
        try:
            # A stalled database must turn the answer red, not hold it until the load balancer gives up.
            await asyncio.wait_for(db.ping(), PING_TIMEOUT_SECONDS)
            status["database"] = "ok"
        except TimeoutError:
            status["database"] = f"error: no answer within {PING_TIMEOUT_SECONDS:g} s"
        except DatabaseFileError as error:
            status["database"] = f"error: {error}"
        except Exception as error:
            status["database"] = f"error: {type(error).__name__}"
        if silence is not None and status["database"] == "ok":
            # Reads may still answer while writes wait (a lock held, a stalled primary): the lease is a write.
            status["database"] = f"error: no answer to the lease for {round(silence)} s"
        status["last_poll_age_seconds"] = _age("bot_last_poll_timestamp_seconds")
        status["last_send_age_seconds"] = _age("bot_last_send_timestamp_seconds")
        stalls: list[str] = []
        if watchdog is not None and status["database"] == "ok":
            try:
                stalls = [stall.reason for stall in await watchdog.stalls()]
            except Exception as error:
                stalls = [f"watchdog: {type(error).__name__}"]
        status["stalled"] = stalls
        healthy = status["database"] == "ok" and not stalls
        return web.json_response({"ok": healthy, **status}, status=200 if healthy else 503)

    outbox = Outbox(db)
    sources = SourceRepository(db)

    async def metrics(_request: web.Request) -> web.Response:
        try:
            QUEUE_LENGTH.set(await outbox.pending_count())  # read at scrape time: always current
        except Exception:
            logger.warning("metrics.queue_unavailable")
        try:
            show_sources(
                (source.id, source.consecutive_failures, source.last_success_at)
                for source in await sources.list_all()
                if not source.removed
            )
        except Exception:
            logger.warning("metrics.sources_unavailable")
        return web.Response(body=generate_latest(REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics)
    return app


class HealthServer:
    """Runs the health app on HEALTH_PORT from the startup hook to the shutdown hook."""

    def __init__(
        self, db: Database, leadership: Leadership, host: str, port: int, watchdog: Watchdog | None = None
    ) -> None:
        self._app = create_health_app(db, leadership, watchdog)
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        self._runner = web.AppRunner(self._app, handle_signals=False, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self._host, self._port).start()
        logger.info("health.start", extra={"port": self._port})

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
