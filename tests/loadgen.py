"""Load through the fake Discord: many people running ``/ask`` at once, and what came back.

Shared by the pytest load test (``tests/test_e2e_load.py``, small, asserts only that
everything was answered exactly once) and the benchmark (``benchmarks/e2e_load.py``,
full size, prints throughput and latency). Both drive the production bot built by
:func:`bot.runner.build_bot` through :class:`~tests.fakediscord.FakeDiscord`, so the
whole path is measured: gateway event → discord.py → cog → engine → spec-validated
interaction callback.

Latency is the fake's own measure, dispatch → callback received
(:attr:`~tests.fakediscord.CallbackRecord.elapsed`): the time a person waits for the
answer, minus only the hop from Discord to their screen.
"""

# ``timeout=`` mirrors asyncio.wait_for; ASYNC109 does not fit these helpers.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import discord.gateway
import discord.http
import yarl

from bot.core.answering.engine import Engine
from tests.fakediscord import FakeChannel, FakeDiscord, FakeInteraction, FakeUser

CALLBACK_MESSAGE = 4
FLAG_EPHEMERAL = 1 << 6


@dataclass(frozen=True, slots=True)
class LoadPlan:
    """How many interactions, from how many people, in how many channels."""

    interactions: int
    users: int
    channels: int
    seed: int = 5

    @property
    def per_user(self) -> int:
        """Questions each person asks (people take turns, so this is exact)."""
        return math.ceil(self.interactions / self.users)


@dataclass(slots=True)
class LoadOutcome:
    """Every dispatched interaction with what the bot did about it."""

    interactions: list[FakeInteraction]
    problems: list[str]
    errors: list[str]
    dispatch_seconds: float

    @property
    def answered_once(self) -> int:
        """Exactly one callback, accepted, and it is the public answer (not a note)."""
        return sum(1 for i in self.interactions if _answered_once(i))

    @property
    def not_answered_once(self) -> list[FakeInteraction]:
        return [i for i in self.interactions if not _answered_once(i)]

    @property
    def latencies(self) -> list[float]:
        """Seconds from dispatch to the first callback, per answered interaction."""
        return [i.callbacks[0].elapsed for i in self.interactions if i.callbacks]

    @property
    def seconds(self) -> float:
        """First dispatch to last callback: the wall time the whole load took."""
        first = min(i.dispatched_at for i in self.interactions)
        last = max(c.at for i in self.interactions for c in i.callbacks)
        return last - first

    @property
    def throughput(self) -> float:
        return len(self.interactions) / self.seconds if self.seconds > 0 else math.inf


def _answered_once(interaction: FakeInteraction) -> bool:
    if len(interaction.callbacks) != 1:
        return False
    callback = interaction.callbacks[0]
    flags = int((callback.data or {}).get("flags") or 0)
    return (
        callback.accepted
        and callback.type == CALLBACK_MESSAGE
        and not flags & FLAG_EPHEMERAL  # cooldown and error notes are ephemeral
        and bool((callback.data or {}).get("embeds"))
    )


def percentile(samples: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0-100), as the other benchmarks report it."""
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def real_questions(engine: Engine, extra: Sequence[str] = ()) -> list[str]:
    """The knowledge base's own questions (plus ``extra`` phrasings), de-duplicated."""
    questions = [e.question for e in engine.knowledge.entries]
    return list(dict.fromkeys([*questions, *extra]))


def populate(fake: FakeDiscord, plan: LoadPlan) -> tuple[list[FakeUser], list[FakeChannel]]:
    """Members and channels for the plan; call before the bot connects (GUILD_CREATE)."""
    channels = [fake.add_channel(fake.guild, f"careers-{n}") for n in range(plan.channels)]
    users = []
    for n in range(plan.users):
        user = fake.add_user(f"asker{n}")
        fake.add_member(fake.guild, user)
        users.append(user)
    return users, channels


class ErrorLog(logging.Handler):
    """Collects ERROR records (and anything logged with a traceback) from every logger."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info:
            self.records.append(f"{record.name}: {record.getMessage()}")

    @contextlib.contextmanager
    def installed(self) -> Iterator[ErrorLog]:
        root = logging.getLogger()
        root.addHandler(self)
        try:
            yield self
        finally:
            root.removeHandler(self)


@contextlib.contextmanager
def redirected(fake: FakeDiscord) -> Iterator[None]:
    """Point discord.py at ``fake`` (what the pytest fixture does, for scripts)."""
    base, gateway = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = fake.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway


@dataclass
class _Pending:
    """Interactions still waiting for a callback; shrinks as answers arrive."""

    waiting: list[FakeInteraction] = field(default_factory=list)

    def done(self) -> bool:
        self.waiting = [i for i in self.waiting if not i.callbacks]
        return not self.waiting


async def run_load(
    fake: FakeDiscord,
    plan: LoadPlan,
    users: Sequence[FakeUser],
    channels: Sequence[FakeChannel],
    questions: Sequence[str],
    *,
    timeout: float = 120.0,
    settle: float = 0.1,
) -> LoadOutcome:
    """Dispatch ``plan.interactions`` ``/ask``s as fast as the fake can send them.

    People take turns (so each asks exactly ``plan.per_user`` questions); channel and
    question are drawn at random. Returns once every interaction has a callback and
    the fake has been quiet for ``settle`` seconds, so a late duplicate would show.
    """
    rng = random.Random(plan.seed)
    errors = ErrorLog()
    problems_before = len(fake.problems)
    with errors.installed():
        started = time.monotonic()
        interactions = [
            await fake.dispatch_slash(
                "ask",
                {"question": rng.choice(questions)},
                user=users[n % len(users)],
                channel=rng.choice(channels),
            )
            for n in range(plan.interactions)
        ]
        dispatched = time.monotonic() - started
        await fake.wait_for(_Pending(list(interactions)).done, timeout, "every callback")
        await _quiet(fake, settle)
    problems = list(fake.problems)[problems_before:]
    return LoadOutcome(interactions, problems, errors.records, dispatched)


async def _quiet(fake: FakeDiscord, seconds: float) -> None:
    """Wait until the fake has received no request for ``seconds``."""
    while True:
        seen = len(fake.records)
        await asyncio.sleep(seconds)
        if len(fake.records) == seen:
            return
