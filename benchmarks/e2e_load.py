"""End-to-end load: 2,000 ``/ask``s from 200 people in 50 channels, through the fake Discord.

    python benchmarks/e2e_load.py
    python benchmarks/e2e_load.py --interactions 2000 --users 200 --channels 50 --deadline 3

The bot is the production one (:func:`bot.runner.build_bot`, real engine, SQLite store
in a temp dir) and talks to :class:`tests.fakediscord.FakeDiscord` over loopback; the
fake validates every callback against Discord's OpenAPI spec and enforces the
interaction deadline. All interactions are dispatched as fast as the fake can put
them on the gateway, without waiting for answers; then the run waits for every
callback. Reported: answered-exactly-once count, spec problems, errors logged,
throughput and dispatch → callback latency (p50/p99/max).

Two settings are not production defaults, and the output says so:

* the per-person rate limit (default 5 questions per 30 s) is raised to exactly the
  number of questions each person asks here, or the bot would rightly refuse half;
* ``--deadline`` sets the fake's interaction deadline (Discord's is 3 s). It stays 3 s
  unless you raise it; late answers then show as problems instead of passing.

The fake runs in the same process and event loop as the bot, so the throughput is
what one CPU core sustains for bot *and* fake together: a floor for the bot alone.
Numbers are printed, never asserted: timing belongs here, not in tests.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.answering.conversation import ConversationStore  # noqa: E402
from bot.core.answering.engine import Engine  # noqa: E402
from bot.core.answering.evaluation import default_eval_dir, load_cases  # noqa: E402
from bot.core.storage.sqlite import open_store  # noqa: E402
from bot.runner import build_bot  # noqa: E402
from bot.settings import DEFAULT_COOLDOWN_RATE, Settings  # noqa: E402
from tests.fakediscord import FakeDiscord, FakeDiscordConfig, load_spec  # noqa: E402
from tests.fakediscord.spec import Violation  # noqa: E402
from tests.loadgen import (  # noqa: E402
    LoadOutcome,
    LoadPlan,
    percentile,
    populate,
    real_questions,
    redirected,
    run_load,
)
from tests.shared_files import SPEC, shared_path  # noqa: E402

DISCORD_DEADLINE = 3.0


def eval_phrasings(max_length: int) -> list[str]:
    """How people actually ask (the dev evaluation set), when the checkout has it."""
    path = default_eval_dir() / "dev.yaml"
    if not path.exists():
        return []
    return [
        turn.question
        for conversation in load_cases(path)
        for turn in conversation[:1]
        if len(turn.question) <= max_length
    ]


@dataclass(slots=True)
class CpuSplit:
    """Where the single core went during the load: the fake's spec checks vs the rest."""

    total: float = 0.0
    validation: float = 0.0


def time_validation(fake: FakeDiscord, split: CpuSplit) -> None:
    """Count the seconds the fake spends validating bodies (synchronous, so exact)."""
    check = fake.check

    def timed(method: str, template: str, body: Any) -> list[Violation]:
        started = time.perf_counter()
        try:
            return check(method, template, body)
        finally:
            split.validation += time.perf_counter() - started

    fake.check = timed  # type: ignore[method-assign]


async def measure(
    plan: LoadPlan, deadline: float, workdir: Path
) -> tuple[LoadOutcome, Settings, CpuSplit]:
    config = FakeDiscordConfig(interaction_deadline=deadline)
    settings = Settings(
        token=config.token,
        cooldown_rate=max(DEFAULT_COOLDOWN_RATE, plan.per_user),
        sync_state=workdir / "sync-hash",
        db_path=workdir / "careerbot.sqlite3",
    )
    # As ``careerbot run`` builds them (bot.runner.run_bot).
    engine = Engine.load(
        settings.knowledge_dir, conversations=ConversationStore(ttl=settings.conversation_ttl)
    )
    questions = real_questions(engine, eval_phrasings(settings.max_question))
    fake = FakeDiscord(load_spec(shared_path(*SPEC)), config)
    await fake.start()
    store = await open_store(settings.db_path)
    try:
        with redirected(fake):
            users, channels = populate(fake, plan)
            bot = build_bot(settings, engine, store, content_intent=False, guild_ready_timeout=0.05)
            await fake.connect(bot, token=settings.token)
            split = CpuSplit()
            time_validation(fake, split)
            cpu = time.process_time()
            outcome = await run_load(fake, plan, users, channels, questions, timeout=600)
            split.total = time.process_time() - cpu
            await fake.stop()
    finally:
        await store.close()
    return outcome, settings, split


def report(
    plan: LoadPlan, outcome: LoadOutcome, settings: Settings, deadline: float, split: CpuSplit
) -> None:
    latencies = [s * 1000 for s in outcome.latencies]
    late = sum(1 for s in outcome.latencies if s > DISCORD_DEADLINE)
    print(
        f"e2e load: {plan.interactions} /ask interactions, {plan.users} users, "
        f"{plan.channels} channels, Python {sys.version.split()[0]}"
    )
    print(
        f"  rate limit      {settings.cooldown_rate} questions per {settings.cooldown_per:g} s "
        f"per person (default {DEFAULT_COOLDOWN_RATE}; raised so each person's "
        f"{plan.per_user} questions pass)"
    )
    note = "Discord's" if deadline == DISCORD_DEADLINE else f"raised from {DISCORD_DEADLINE:g} s"
    print(f"  deadline        {deadline:g} s in the fake ({note})")
    print(
        f"  answered once   {outcome.answered_once}/{plan.interactions} "
        "(exactly one accepted public callback each)"
    )
    print(f"  spec problems   {len(outcome.problems)}")
    print(f"  errors logged   {len(outcome.errors)}")
    print(f"  dispatching     {outcome.dispatch_seconds:.2f} s")
    print(f"  total           {outcome.seconds:.2f} s (first dispatch to last callback)")
    print(f"  throughput      {outcome.throughput:.0f} interactions/s")
    print(
        f"  latency ms      p50 {percentile(latencies, 50):.1f}  "
        f"p99 {percentile(latencies, 99):.1f}  max {max(latencies):.1f}  "
        f"(> {DISCORD_DEADLINE:g} s: {late})"
    )
    rest = split.total - split.validation
    print(
        f"  CPU             {split.total:.2f} s: fake's spec validation {split.validation:.2f} s "
        f"({split.validation / split.total:.0%}), everything else {rest:.2f} s "
        f"= {rest / plan.interactions * 1000:.2f} ms per interaction "
        f"(bot, discord.py, both HTTP ends, the fake's dispatching)"
    )
    for line in (outcome.problems + outcome.errors)[:10]:
        print(f"  ! {line}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=2000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--channels", type=int, default=50)
    parser.add_argument(
        "--deadline",
        type=float,
        default=DISCORD_DEADLINE,
        help="the fake's interaction deadline in seconds (Discord: 3)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("discord.client").setLevel(logging.ERROR)  # "PyNaCl is not installed"
    plan = LoadPlan(args.interactions, args.users, args.channels)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        outcome, settings, split = asyncio.run(measure(plan, args.deadline, Path(tmp)))
    report(plan, outcome, settings, args.deadline, split)
    print(f"  (benchmark ran {time.perf_counter() - started:.1f} s including start-up)")
    ok = outcome.answered_once == plan.interactions and not outcome.problems and not outcome.errors
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
