"""What one ``careerbot run`` process tells Prometheus: every metric is defined here.

Two kinds of metric live side by side:

- events the Discord layer reports as they happen (a question answered, an
  interaction that failed), kept in prometheus-client counters and a histogram;
- state read from the bot only when Prometheus scrapes (gateway latency per shard,
  failed storage writes, the knowledge base in use), by :class:`_BotState`, so
  nothing has to remember to update a gauge and a scrape always sees the truth.

Each :class:`BotMetrics` has its own ``CollectorRegistry``, not prometheus-client's
global one: two bots in one process (the tests, a restart inside the runner) would
otherwise collide on metric names, and nothing from another library leaks into the
endpoint. ``bot.core`` knows nothing of this module; the Discord layer calls it.

Every interaction is settled once, :data:`ACK_DEADLINE` seconds after it arrives:
acknowledged if Discord got a response in that time, failed otherwise. discord.py
has no "handler finished" hook common to commands, buttons and autocomplete, and
what a person notices is exactly this: an answer within Discord's window, or "The
application did not respond".
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol, get_args

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from bot.core.answering.reply import Status

if TYPE_CHECKING:
    from bot.discord_bot import CareerBot

ACK_DEADLINE = 3.0
"""Seconds Discord gives a bot to respond to an interaction before it tells the
person "The application did not respond"."""
ANSWER_BUCKETS = (
    0.0001,
    0.00025,
    0.0005,
    0.00075,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
)
"""Seconds. The engine answers in well under a millisecond (p99 about 1 ms), so the
default buckets (5 ms to 10 s) would put every answer in the first one."""
FAILED_ERROR = "error"
"""A handler raised: the person got "something went wrong"."""
FAILED_UNANSWERED = "unanswered"
"""No response within the deadline: the person saw "The application did not respond"."""


class _Response(Protocol):
    def is_done(self) -> bool: ...


class Interaction(Protocol):
    """What the metrics read of a ``discord.Interaction`` (this module does not import
    discord: only ``bot/exts``, ``bot/ui`` and ``bot/discord_support`` do)."""

    @property
    def id(self) -> int: ...

    @property
    def response(self) -> _Response: ...


class BotMetrics:
    """The metrics of one bot process, in a registry of its own."""

    def __init__(self, *, ack_deadline: float = ACK_DEADLINE) -> None:
        self.ack_deadline = ack_deadline
        """Seconds after arrival that an interaction is settled (tests shorten it)."""
        self.registry = CollectorRegistry()
        self.questions = Counter(
            "careerbot_questions",
            "Questions the bot replied to, by the engine's outcome.",
            ["status"],
            registry=self.registry,
        )
        # Every status from the start, at 0: a rate over a series that appears only
        # on its first event misses that event.
        for status in get_args(Status):
            self.questions.labels(status)
        self.answer_seconds = Histogram(
            "careerbot_answer_seconds",
            "Time the engine took to compose a reply (no Discord round trip, no storage).",
            buckets=ANSWER_BUCKETS,
            registry=self.registry,
        )
        self.interactions_acknowledged = Counter(
            "careerbot_interactions_acknowledged",
            "Interactions Discord got a response to within its 3-second window.",
            registry=self.registry,
        )
        self.interactions_failed = Counter(
            "careerbot_interactions_failed",
            "Interactions whose handler raised (error) or that got no response in time "
            "(unanswered).",
            ["reason"],
            registry=self.registry,
        )
        for reason in (FAILED_ERROR, FAILED_UNANSWERED):
            self.interactions_failed.labels(reason)
        self._state = _BotState()
        self.registry.register(self._state)
        self._pending: set[int] = set()
        self._errored: set[int] = set()

    def watch(self, bot: CareerBot) -> None:
        """Read gateway, storage and knowledge-base state from ``bot`` at each scrape.

        A later call replaces the bot: the runner builds a second one when it retries
        without the Message Content intent, and the metrics carry on.
        """
        self._state.bot = bot

    def answered(self, status: str, seconds: float) -> None:
        """A reply was sent; ``seconds`` is the engine's time to compose it."""
        self.questions.labels(status).inc()
        self.answer_seconds.observe(seconds)

    def interaction_received(self, interaction: Interaction) -> None:
        """Start the deadline of an interaction; it is counted once, when it passes."""
        self._pending.add(interaction.id)
        asyncio.get_running_loop().call_later(self.ack_deadline, self._settle, interaction)

    def interaction_failed(self, interaction: Interaction) -> None:
        """A handler raised while serving ``interaction``.

        Within the deadline it is counted then, as failed. A deferred command that
        fails later (after it was counted as acknowledged) is counted now, so an
        error is never lost from the failure rate.
        """
        if interaction.id in self._pending:
            self._errored.add(interaction.id)
        else:
            self.interactions_failed.labels(FAILED_ERROR).inc()

    def _settle(self, interaction: Interaction) -> None:
        self._pending.discard(interaction.id)
        if interaction.id in self._errored:
            self._errored.discard(interaction.id)
            self.interactions_failed.labels(FAILED_ERROR).inc()
        elif interaction.response.is_done():
            self.interactions_acknowledged.inc()
        else:
            self.interactions_failed.labels(FAILED_UNANSWERED).inc()


class _BotState:
    """A custom collector: what the bot is like right now, read at scrape time."""

    def __init__(self) -> None:
        self.bot: CareerBot | None = None

    def collect(self) -> Iterator[Metric]:
        bot = self.bot
        if bot is None:
            return
        latency = GaugeMetricFamily(
            "careerbot_gateway_latency_seconds",
            "Time between a gateway heartbeat and Discord's acknowledgement, per shard "
            "this process runs (absent until the first acknowledgement).",
            labels=["shard"],
        )
        connected = GaugeMetricFamily(
            "careerbot_gateway_connected",
            "1 while the shard's gateway connection is open, else 0.",
            labels=["shard"],
        )
        for shard_id, shard in sorted(bot.shards.items()):
            connected.add_metric([str(shard_id)], 0.0 if shard.is_closed() else 1.0)
            # discord.py reports inf before the first heartbeat is acknowledged.
            if math.isfinite(shard.latency):
                latency.add_metric([str(shard_id)], shard.latency)
        yield latency
        yield connected
        # The SQLite and PostgreSQL stores count writes that failed (and were
        # skipped so the bot kept answering); the in-memory store cannot fail one.
        failed = CounterMetricFamily(
            "careerbot_storage_writes_failed",
            "Storage writes that failed and were skipped since the process started.",
        )
        failed.add_metric([], float(getattr(bot.store, "failed_writes", 0)))
        yield failed
        engine = bot.engine
        entries = GaugeMetricFamily(
            "careerbot_kb_entries", "Entries in the knowledge base the bot answers from."
        )
        entries.add_metric([], float(len(engine.knowledge.entries)))
        yield entries
        loaded = GaugeMetricFamily(
            "careerbot_kb_loaded_timestamp_seconds",
            "When the knowledge base in use was loaded (start-up or the last /kb reload "
            "that succeeded), unix seconds.",
        )
        loaded.add_metric([], engine.loaded_at)
        yield loaded
