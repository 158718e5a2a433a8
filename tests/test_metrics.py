"""The Prometheus endpoint, scraped over HTTP the way Prometheus does, while people use the bot.

The bot is the one ``careerbot run`` builds, connected to the fake Discord
(``discord_harness``); its metrics are served by :class:`bot.metrics_server.MetricsServer`
on a free port, and every assertion reads what an operator's dashboard would read:
the endpoint's text, parsed by prometheus-client's own parser.

Interactions are settled at a deadline (Discord's 3 seconds); these tests shorten it
on the bot's metrics so they do not wait 3 seconds per interaction.
"""

from __future__ import annotations

import asyncio
import io
import math
import re
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

import bot.discord_support.answering as answering
from bot.core.answering.reply import Status
from bot.core.storage.sqlite import SqliteStore
from bot.metrics import ACK_DEADLINE, BotMetrics
from bot.metrics_server import METRICS_PATH, MetricsServer
from bot.runner import EXIT_CONFIG, run_bot
from bot.settings import Settings
from bot.ui.embeds import ERROR_TEXT
from tests.conftest import Harness

README = Path(__file__).resolve().parent.parent / "README.md"
MLE_PAY = "how much do ML engineers make"
SHORT_DEADLINE = 0.25  # room for an answer that uploads a chart, on a busy machine
"""Seconds: far longer than the fake takes to deliver a response, far shorter than 3."""


class Scrape:
    """One scrape of the endpoint: sample values by name and labels."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.types: dict[str, str] = {}
        self.samples: dict[tuple[str, frozenset[tuple[str, str]]], float] = {}
        for family in text_string_to_metric_families(text):
            self.types[family.name] = family.type
            for sample in family.samples:
                self.samples[sample.name, frozenset(sample.labels.items())] = sample.value

    def __call__(self, name: str, **labels: str) -> float:
        return self.samples[name, frozenset(labels.items())]

    def labelled(self, name: str, label: str) -> dict[str, float]:
        """``{label value: sample value}`` for every series of ``name``."""
        return {
            dict(labels)[label]: value for (n, labels), value in self.samples.items() if n == name
        }


@pytest.fixture
async def served(discord_harness: Harness) -> AsyncIterator[MetricsServer]:
    """The harness bot's metrics on a free local port, with a short deadline."""
    discord_harness.bot.metrics.ack_deadline = SHORT_DEADLINE
    server = MetricsServer(discord_harness.bot.metrics.registry, "127.0.0.1", 0)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


async def scrape(server: MetricsServer) -> Scrape:
    url = f"http://{server.host}:{server.port}{METRICS_PATH}"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 200
        return Scrape(await response.text())


async def settled(h: Harness, interactions: int) -> None:
    """Wait until ``interactions`` interactions of this bot have passed their deadline.

    Counted from the bot's start, not from the call: an answer that takes longer to
    send than the (short) deadline, such as one uploading a chart, has already settled
    by the time this is called.
    """
    metrics = h.bot.metrics
    await h.fake.wait_for(
        lambda: counted(metrics) >= interactions,
        timeout=2,
        what="interactions settled",
    )


def counted(metrics: BotMetrics) -> float:
    """Interactions settled so far, read in-process (the assertions scrape over HTTP)."""
    read = metrics.registry.get_sample_value
    failed = "careerbot_interactions_failed_total"
    return (read("careerbot_interactions_acknowledged_total") or 0) + sum(
        read(failed, {"reason": reason}) or 0 for reason in ("error", "unanswered")
    )


async def test_one_answered_question_moves_the_counters_an_operator_watches(
    discord_harness: Harness, served: MetricsServer
) -> None:
    h = discord_harness
    before = await scrape(served)
    # Every status is there from the first scrape, at 0, so rates see the first one.
    assert set(before.labelled("careerbot_questions_total", "status")) == set(
        Status.__args__  # type: ignore[attr-defined]
    )
    assert before("careerbot_answer_seconds_count") == 0

    await h.slash("ask", question=MLE_PAY)
    await settled(h, 1)
    after = await scrape(served)

    assert after("careerbot_questions_total", status="answered") == 1
    assert sum(after.labelled("careerbot_questions_total", "status").values()) == 1
    assert after("careerbot_answer_seconds_count") == 1
    # The engine's time, not Discord's: well under the histogram's top bucket.
    assert 0 < after("careerbot_answer_seconds_sum") < 0.05
    assert after("careerbot_answer_seconds_bucket", le="0.05") == 1
    assert after("careerbot_interactions_acknowledged_total") == 1
    assert after("careerbot_interactions_failed_total", reason="error") == 0
    assert after("careerbot_interactions_failed_total", reason="unanswered") == 0
    assert after.types["careerbot_answer_seconds"] == "histogram"
    assert after.types["careerbot_questions"] == "counter"


async def test_mentions_are_counted_by_status_too(
    discord_harness: Harness, served: MetricsServer
) -> None:
    """Answers to messages are not interactions, but they are questions answered."""
    h = discord_harness
    await h.message(MLE_PAY, mention_me=True)
    await h.message("what is the capital of france", mention_me=True)
    after = await scrape(served)
    statuses = after.labelled("careerbot_questions_total", "status")
    assert statuses["answered"] == 1
    assert sum(statuses.values()) == 2
    assert after("careerbot_answer_seconds_count") == 2
    assert after("careerbot_interactions_acknowledged_total") == 0


async def test_a_failing_interaction_is_counted_as_failed_not_acknowledged(
    discord_harness: Harness, served: MetricsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = discord_harness

    def broken(*args: Any) -> dict[str, Any]:
        raise RuntimeError("a bug while rendering")

    monkeypatch.setattr(answering, "render", broken)
    calls = await h.slash("ask", question=MLE_PAY)
    # The person was told something went wrong, so Discord saw a response...
    assert [c.content for c in calls] == [ERROR_TEXT]
    await settled(h, 1)
    after = await scrape(served)
    # ...but the operator sees a failure, not an acknowledged interaction.
    assert after("careerbot_interactions_failed_total", reason="error") == 1
    assert after("careerbot_interactions_acknowledged_total") == 0
    assert sum(after.labelled("careerbot_questions_total", "status").values()) == 0


async def test_an_interaction_answered_too_late_is_counted_as_unanswered(
    discord_harness: Harness, served: MetricsServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = discord_harness
    slow = asyncio.Event()
    real_retry_after = answering.retry_after

    async def stuck(*args: Any, **kwargs: Any) -> float | None:
        await slow.wait()  # a storage read that hangs past the deadline
        return await real_retry_after(*args, **kwargs)

    monkeypatch.setattr(answering, "retry_after", stuck)
    interaction = await h.fake.dispatch_slash("ask", {"question": MLE_PAY})
    await settled(h, 1)
    late = await scrape(served)
    assert late("careerbot_interactions_failed_total", reason="unanswered") == 1
    assert late("careerbot_interactions_acknowledged_total") == 0
    slow.set()
    await h.fake.wait_for(lambda: interaction.callbacks)
    await h.fake.settle()


async def test_gateway_latency_and_connection_per_shard(
    discord_harness: Harness, served: MetricsServer
) -> None:
    h = discord_harness
    await h.fake.settle()  # a heartbeat round trip, so the latency is known
    after = await scrape(served)
    latencies = after.labelled("careerbot_gateway_latency_seconds", "shard")
    assert set(latencies) == {str(shard) for shard in h.bot.shards} == {"0"}
    assert math.isfinite(latencies["0"]) and latencies["0"] >= 0
    assert after.labelled("careerbot_gateway_connected", "shard") == {"0": 1.0}
    assert after.types["careerbot_gateway_latency_seconds"] == "gauge"


async def test_failed_storage_writes_are_counted(
    discord_harness: Harness, served: MetricsServer, broken_store: SqliteStore
) -> None:
    h = discord_harness
    before = await scrape(served)
    assert before("careerbot_storage_writes_failed_total") == 0  # the memory store
    h.bot.store = broken_store
    await h.slash("ask", question=MLE_PAY)
    await h.fake.wait_for(lambda: broken_store.failed_writes >= 1)
    after = await scrape(served)
    assert after("careerbot_storage_writes_failed_total") == broken_store.failed_writes >= 1
    # The person still got the answer.
    assert after("careerbot_questions_total", status="answered") == 1


async def test_kb_entries_and_the_time_of_the_last_reload(
    discord_harness: Harness, served: MetricsServer
) -> None:
    h = discord_harness
    before = await scrape(served)
    entries = len(h.engine.knowledge.entries)
    assert before("careerbot_kb_entries") == entries > 0
    loaded = before("careerbot_kb_loaded_timestamp_seconds")
    assert loaded == h.engine.loaded_at

    await h.slash("kb", "reload", user=h.owner)
    after = await scrape(served)
    assert after("careerbot_kb_entries") == entries
    assert after("careerbot_kb_loaded_timestamp_seconds") > loaded


async def test_openmetrics_is_served_when_the_scraper_asks_for_it(
    discord_harness: Harness, served: MetricsServer
) -> None:
    """Prometheus asks for OpenMetrics first; the body must then end with ``# EOF``."""
    url = f"http://{served.host}:{served.port}{METRICS_PATH}"
    accept = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"
    async with (
        aiohttp.ClientSession() as session,
        session.get(url, headers={"Accept": accept}) as response,
    ):
        assert response.headers["Content-Type"].startswith("application/openmetrics-text")
        body = await response.text()
    assert body.rstrip().endswith("# EOF")
    assert "careerbot_kb_entries" in body


def test_two_bots_in_one_process_do_not_share_metrics() -> None:
    one, two = BotMetrics(), BotMetrics()
    one.answered("answered", 0.001)
    answered = ("careerbot_questions_total", {"status": "answered"})
    assert one.registry.get_sample_value(*answered) == 1
    assert two.registry.get_sample_value(*answered) == 0
    assert one.ack_deadline == ACK_DEADLINE == 3.0


# ----------------------------------------------------------------- careerbot run


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


async def test_run_says_in_one_line_when_the_metrics_port_is_taken(
    tmp_path: Path, taken_port: int
) -> None:
    settings = Settings(
        token="a-token",
        db_path=tmp_path / "careerbot.sqlite3",
        metrics_port=taken_port,
        metrics_host="127.0.0.1",
    )
    err = io.StringIO()
    assert await run_bot(settings, stderr=err) == EXIT_CONFIG
    (line,) = err.getvalue().splitlines()
    assert line.startswith(f"careerbot: cannot serve metrics on 127.0.0.1:{taken_port} (")
    assert "CAREERBOT_METRICS_PORT" in line
    # It stopped before opening the database.
    assert not (tmp_path / "careerbot.sqlite3").exists()


async def test_the_readme_documents_every_metric_and_no_other(
    discord_harness: Harness, served: MetricsServer
) -> None:
    """The table in README.md's "Metrics" section is what an operator builds dashboards from."""
    documented = readme_metrics()
    served_families = {
        # Counters are documented under the name operators query, with ``_total``.
        (f"{name}_total" if kind == "counter" else name, kind)
        for name, kind in (await scrape(served)).types.items()
        # prometheus-client's creation time of each counter and histogram, which the
        # text format shows as a family of its own; the README mentions it once.
        if not name.endswith("_created")
    }
    assert documented == served_families


def readme_metrics() -> set[tuple[str, str]]:
    """``(name, type)`` of each row of the table in README.md's "Metrics" section."""
    readme = README.read_text(encoding="utf-8")
    section = readme.split("\n## Metrics\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `(careerbot_\w+)` \| (\w+) \|", section, re.MULTILINE))
