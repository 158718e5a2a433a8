"""The ``/metrics`` endpoint Prometheus scrapes, served on the bot's own event loop.

prometheus-client's ``start_http_server`` would serve from a thread of its own, and
the scrape-time collector (:class:`bot.metrics.BotMetrics`) reads discord.py's shard
table, which the event loop changes while shards connect: reading it from another
thread can fail mid-iteration. Serving with aiohttp (already installed with
discord.py) on the loop makes every scrape see a consistent bot, and it stops with
the process. prometheus-client still writes the response, in the format the scraper
asks for (Prometheus text or OpenMetrics).
"""

from __future__ import annotations

import logging

from aiohttp import web
from prometheus_client import CollectorRegistry
from prometheus_client.exposition import choose_encoder

log = logging.getLogger(__name__)

METRICS_PATH = "/metrics"


class MetricsServerError(Exception):
    """The endpoint could not listen; ``str()`` is one line fit for a terminal."""


class MetricsServer:
    """``GET /metrics`` on ``host:port`` for one registry. ``port`` 0 picks a free one."""

    def __init__(self, registry: CollectorRegistry, host: str, port: int) -> None:
        self.registry = registry
        self.host = host
        self.port = port
        app = web.Application()
        app.router.add_get(METRICS_PATH, self._metrics)
        # No access log: Prometheus scrapes every few seconds, forever.
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)

    async def start(self) -> None:
        """Listen, or raise :class:`MetricsServerError` (port taken, unknown address...)."""
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await site.start()
        except OSError as error:
            await self._runner.cleanup()
            reason = error.strerror or error.__class__.__name__
            raise MetricsServerError(
                f"cannot serve metrics on {self.host}:{self.port} ({reason}); set "
                "CAREERBOT_METRICS_PORT to a free port or CAREERBOT_METRICS_HOST to an "
                "address of this machine"
            ) from None
        sockets = self._runner.addresses
        if sockets:
            self.port = int(sockets[0][1])
        log.info("Serving Prometheus metrics on http://%s:%d%s", self.host, self.port, METRICS_PATH)

    async def stop(self) -> None:
        await self._runner.cleanup()

    async def _metrics(self, request: web.Request) -> web.Response:
        encoder, content_type = choose_encoder(request.headers.get("Accept", ""))
        return web.Response(body=encoder(self.registry), headers={"Content-Type": content_type})
