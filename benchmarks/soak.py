"""Soak: 20,000 questions from 10,000 people, by @mention and DM, through the fake Discord.

    python benchmarks/soak.py
    python benchmarks/soak.py --questions 20000 --users 10000 --batch 2000 --window 64

Does memory stay flat when many different people talk to the bot for a long time?
The production bot (:func:`bot.runner.build_bot`, real engine, SQLite store in a temp
dir, default settings) runs in this process; the fake Discord runs in a child process
(``--serve-fake``), so the resident memory measured here is the bot's alone and the
fake's spec validation runs on another core.

Schedule: person ``u`` first @mentions the bot in a channel of one of the servers;
when everyone has asked once, even-numbered people ask again in a DM and odd ones
send a follow-up ("and for ML engineers?") in the same channel. Conversations are
keyed by (channel, person), so there are 1.5 conversations per person: more than the
conversation store may hold, which is the point. Each person asks twice, far apart,
so the default rate limit (5 per 30 s) never refuses anyone and stays on.

After each batch: RSS (``VmRSS``), the conversation store's size against its
``max_size``, and the other per-person structures (the bot's rate-limit buckets,
discord.py's HTTP rate-limit buckets, DM channel cache and view store). Finally the
conversation clock is moved past the TTL and one more question is asked: every idle
conversation must be gone.

What to expect: RSS climbs while the conversation store and the rate-limit buckets
fill, then creeps by about 1 MiB per 2,000 questions as long as replies go to DMs
the bot has not posted in before. That is discord.py keeping one HTTP rate-limit
bucket per channel it posted in, dropped after 300 s idle (the "http buckets"
column; ``--trace`` counts live objects and shows the growth is those ``Ratelimit``
objects): bounded by the DMs of the last five minutes, not by everyone ever seen.
The clock is the only thing not production here: ``careerbot run`` uses
``time.monotonic``; this uses ``time.monotonic() + offset``. Numbers are printed, never
asserted; the exit code is 1 if a question went unanswered or was answered twice, the
fake saw a request Discord would reject, or an error was logged.
"""

# ``timeout=`` mirrors asyncio.wait_for; ASYNC109 does not fit these helpers.
# ruff: noqa: ASYNC109

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import gc
import json
import logging
import os
import random
import resource
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve()
ROOT = SCRIPT.parents[1]
sys.path.insert(0, str(ROOT))

import discord.gateway  # noqa: E402
import discord.http  # noqa: E402
import yarl  # noqa: E402

from bot.core.answering.conversation import ConversationStore  # noqa: E402
from bot.core.answering.engine import Engine  # noqa: E402
from bot.core.storage.sqlite import open_store  # noqa: E402
from bot.discord_bot import CareerBot  # noqa: E402
from bot.runner import build_bot  # noqa: E402
from bot.settings import Settings  # noqa: E402
from tests.fakediscord import (  # noqa: E402
    FakeChannel,
    FakeDiscord,
    FakeDiscordConfig,
    FakeMessage,
    FakeUser,
    load_spec,
)
from tests.loadgen import ErrorLog, percentile, real_questions  # noqa: E402
from tests.shared_files import SPEC, shared_path  # noqa: E402

FOLLOW_UPS = ("and for ML engineers?", "what about data scientists?", "and at senior level?")
REPLY_TIMEOUT = 30.0
"""Seconds one question may wait for its reply before it counts as unanswered."""


# ============================================================== child: the fake Discord
class SoakFake(FakeDiscord):
    """A fake that notices each reply as it is created and forgets finished exchanges.

    Forgetting keeps the child's own memory flat over 20,000 exchanges; it never
    touches anything the bot could still refer to (only answered questions go).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.replies: dict[int, list[tuple[float, FakeMessage]]] = defaultdict(list)
        self.waiting: dict[int, asyncio.Future[None]] = {}

    def echo(self, event: str, message: FakeMessage, data: dict[str, Any]) -> None:
        super().echo(event, message, data)
        if event != "MESSAGE_CREATE" or message.source == "user":
            return
        reference = (message.payload.get("message_reference") or {}).get("message_id")
        if reference is None:
            return
        asked = int(reference)
        self.replies[asked].append((time.monotonic(), message))
        future = self.waiting.pop(asked, None)
        if future is not None and not future.done():
            future.set_result(None)

    def forget(self, asked: int) -> None:
        for _, reply in self.replies.pop(asked, []):
            self.messages.pop(reply.id, None)
        self.messages.pop(asked, None)

    def trim(self) -> None:
        """Drop request records and old replay frames (the socket never drops here)."""
        self.records.clear()
        for session in self.gateway.sessions:
            del session.frames[:-1000]
        self.gateway.received.clear()


@dataclass(slots=True)
class Batch:
    """What the child reports for one batch of questions."""

    asked: int = 0
    answered_once: int = 0
    unanswered: int = 0
    duplicates: int = 0
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0


class Schedule:
    """Who asks what, where: question ``n`` is deterministic (see the module docstring)."""

    def __init__(self, fake: SoakFake, users: int, guilds: int, channels: int, seed: int) -> None:
        self.fake = fake
        self.users: list[FakeUser] = []
        self.homes: list[FakeChannel] = []
        servers = [
            fake.add_guild(f"Careers {g}", channels=[f"careers-{c}" for c in range(channels)])
            for g in range(guilds)
        ]
        for n in range(users):
            user = fake.add_user(f"person{n}")
            server = servers[n % guilds]
            fake.add_member(server, user)
            self.users.append(user)
            self.homes.append(server.channels[(n // guilds) % channels])
        engine = Engine.load()
        self.questions = real_questions(engine)
        self.seed = seed

    def question(self, n: int) -> tuple[FakeChannel, FakeUser, str]:
        person = n % len(self.users)
        rounds = n // len(self.users)
        user = self.users[person]
        rng = random.Random(self.seed * 1_000_003 + n)
        if rounds == 0:
            return self.homes[person], user, rng.choice(self.questions)
        if person % 2 == 0:
            return self.fake.dm_channel(user), user, rng.choice(self.questions)
        return self.homes[person], user, rng.choice(FOLLOW_UPS)


async def ask_batch(
    fake: SoakFake, schedule: Schedule, start: int, count: int, window: int
) -> Batch:
    batch = Batch(asked=count)
    slots = asyncio.Semaphore(window)
    loop = asyncio.get_running_loop()
    began = time.monotonic()
    asked_ids: list[int] = []

    async def one(n: int) -> None:
        channel, user, text = schedule.question(n)
        content = text if channel.guild_id is None else f"{fake.bot_user.mention} {text}"
        async with slots:
            sent = time.monotonic()
            message = await fake.dispatch_message(channel, user, content)
            asked_ids.append(message.id)
            if not fake.replies.get(message.id):
                future: asyncio.Future[None] = loop.create_future()
                fake.waiting[message.id] = future
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(future, REPLY_TIMEOUT)
                fake.waiting.pop(message.id, None)
            replies = fake.replies.get(message.id)
            if replies:
                batch.latencies.append(replies[0][0] - sent)

    await asyncio.gather(*(one(n) for n in range(start, start + count)))
    batch.seconds = time.monotonic() - began
    await asyncio.sleep(0.2)  # a duplicate reply would land now
    for asked in asked_ids:
        replies = len(fake.replies.get(asked, ()))
        batch.answered_once += replies == 1
        batch.unanswered += replies == 0
        batch.duplicates += replies > 1
        fake.forget(asked)
    fake.trim()
    return batch


async def serve_fake(args: argparse.Namespace) -> None:
    """The child: start the fake, tell the parent where it is, then obey its commands."""
    fake = SoakFake(load_spec(shared_path(*SPEC)), FakeDiscordConfig())
    schedule = Schedule(fake, args.users, args.guilds, args.channels, args.seed)
    await fake.start()
    orphaned = asyncio.create_task(exit_with_parent(os.getppid()))
    write({"api_base": fake.api_base, "gateway": fake.gateway_url, "token": fake.token})
    reader = asyncio.StreamReader()
    loop = asyncio.get_running_loop()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    try:
        while line := await reader.readline():
            command = json.loads(line)
            if command["cmd"] == "stop":
                break
            batch = await ask_batch(
                fake, schedule, command["start"], command["count"], command["window"]
            )
            problems = fake.take_problems()
            write({**dataclasses.asdict(batch), "problems": problems})
    finally:
        orphaned.cancel()
        await fake.stop()


async def exit_with_parent(parent: int) -> None:
    """Leave when the parent dies mid-batch (else unanswered questions wait out their timeouts)."""
    while True:
        await asyncio.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)  # nobody is left to report to, and the fake holds nothing durable


def write(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


# ================================================================= parent: the real bot
class SkewedClock:
    """``time.monotonic`` plus an offset, so the soak can jump past the TTL."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset


def rss_mib(field: str = "VmRSS") -> float:
    """Resident memory now (``VmRSS``) or at its peak (``VmHWM``), in MiB.

    Where /proc is missing, the peak from ``getrusage`` stands in for both.
    """
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class FakeProcess:
    """The child process and its one-JSON-line-per-command protocol."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    @classmethod
    async def start(cls, args: argparse.Namespace) -> tuple[FakeProcess, dict[str, Any]]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            str(SCRIPT),
            "--serve-fake",
            f"--users={args.users}",
            f"--guilds={args.guilds}",
            f"--channels={args.channels}",
            f"--seed={args.seed}",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=2**26,  # a batch report carries every latency
        )
        child = cls(proc)
        return child, await child.read()

    async def read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = await self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the fake Discord process exited (see its stderr above)")
        return dict(json.loads(line))

    async def send(self, command: dict[str, Any]) -> dict[str, Any] | None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(command) + "\n").encode())
        await self.proc.stdin.drain()
        return None if command["cmd"] == "stop" else await self.read()

    async def stop(self) -> None:
        with contextlib.suppress(Exception):
            await self.send({"cmd": "stop"})
        try:
            await asyncio.wait_for(self.proc.wait(), 10)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()


async def start_bot(bot: CareerBot, token: str, timeout: float = 30.0) -> asyncio.Task[None]:
    task = asyncio.create_task(bot.start(token), name="soak-bot")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not bot.is_ready():
        if task.done():
            task.result()
            raise RuntimeError("the bot stopped before it was ready")
        if loop.time() > deadline:
            raise TimeoutError(f"the bot was not ready after {timeout}s")
        await asyncio.sleep(0.01)
    return task


@dataclass(frozen=True, slots=True)
class Census:
    """Live Python objects by type, and pymalloc blocks in use (``--trace``).

    Cheap enough to take twice during a full run (tracemalloc slows the bot so much
    that storage calls time out, which changes what is measured).
    """

    blocks: int
    types: Counter[str]

    @classmethod
    def take(cls) -> Census:
        gc.collect()
        types = Counter(type(o).__qualname__ for o in gc.get_objects())
        return cls(sys.getallocatedblocks(), types)

    def print_growth(self, later: Census, top: int = 10) -> None:
        print(
            f"  after the conversation store filled: {later.blocks - self.blocks:+d} "
            "allocated blocks; container objects that grew:"
        )
        grown = later.types.copy()
        grown.subtract(self.types)
        for name, count in grown.most_common(top):
            if count > 0:
                print(f"    {count:+8d} {name}")


def structures(bot: CareerBot) -> str:
    """Sizes of the per-person/per-message structures that could grow without bound."""
    state = bot._connection  # discord.py internals, read only, for the figures
    views = state._view_store
    # discord.py keeps one rate-limit bucket per (route, channel) it posted to and
    # drops it after 300 s idle: a reply in a new DM costs one until then.
    return (
        f"cooldowns {len(bot.cooldowns):>5}  "
        f"http buckets {len(bot.http._buckets):>5}  "
        f"DMs cached {len(state._private_channels):>3}  "
        f"views {len(views._views)}/{len(views._synced_message_views)}"
    )


async def soak(args: argparse.Namespace, workdir: Path) -> int:
    child, hello = await FakeProcess.start(args)
    discord.http.Route.BASE = hello["api_base"]  # what the pytest fixture patches
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(hello["gateway"])
    settings = Settings(
        token=hello["token"],
        sync_state=workdir / "sync-hash",
        db_path=workdir / "careerbot.sqlite3",
    )
    clock = SkewedClock()
    conversations = ConversationStore(ttl=settings.conversation_ttl, clock=clock)
    engine = Engine.load(settings.knowledge_dir, conversations=conversations)
    store = await open_store(settings.db_path)
    bot = build_bot(settings, engine, store, content_intent=False, guild_ready_timeout=0.05)
    errors = ErrorLog()
    failures = 0
    task: asyncio.Task[None] | None = None
    try:
        with errors.installed():
            task = await start_bot(bot, settings.token)
            gc.collect()
            before = rss_mib()
            print(
                f"soak: {args.questions} questions from {args.users} people in {args.guilds} "
                f"servers x {args.channels} channels (+ DMs), window {args.window}, "
                f"Python {sys.version.split()[0]}"
            )
            print(
                f"  settings: production defaults (rate limit {settings.cooldown_rate} per "
                f"{settings.cooldown_per:g} s, never reached: 2 questions per person); "
                f"conversation store max_size {conversations.max_size}, "
                f"ttl {conversations.ttl:g} s"
            )
            print(f"  RSS at ready {before:8.1f} MiB")
            full: Census | None = None
            done = 0
            all_latencies: list[float] = []
            started = time.monotonic()
            while done < args.questions:
                count = min(args.batch, args.questions - done)
                report = await child.send(
                    {"cmd": "ask", "start": done, "count": count, "window": args.window}
                )
                assert report is not None
                done += count
                all_latencies += report["latencies"]
                failures += report["unanswered"] + report["duplicates"] + len(report["problems"])
                gc.collect()
                print(
                    f"  after {done:>6}  RSS {rss_mib():8.1f} MiB  "
                    f"conversations {len(conversations):>6}/{conversations.max_size}  "
                    f"{structures(bot)}  "
                    f"once {report['answered_once']:>5}/{count} "
                    f"missed {report['unanswered']} twice {report['duplicates']} "
                    f"problems {len(report['problems'])}  {count / report['seconds']:.0f} q/s"
                )
                for problem in report["problems"][:5]:
                    print(f"    ! {problem}")
                if args.trace and full is None and len(conversations) >= conversations.max_size:
                    full = Census.take()
            elapsed = time.monotonic() - started
            if full is not None:
                full.print_growth(Census.take())
            after = rss_mib()
            size = len(conversations)

            # Jump past the TTL: the next question must find every conversation expired.
            clock.offset += conversations.ttl + 1
            probe = await child.send({"cmd": "ask", "start": done, "count": 1, "window": 1})
            assert probe is not None
            failures += probe["unanswered"] + probe["duplicates"] + len(probe["problems"])
            after_ttl = len(conversations)
            failures += len(errors.records)
            print(
                f"  summary: {done} questions in {elapsed:.0f} s ({done / elapsed:.0f} q/s), "
                f"reply latency p50 {percentile(all_latencies, 50) * 1000:.1f} ms "
                f"p99 {percentile(all_latencies, 99) * 1000:.1f} ms"
            )
            peak = rss_mib("VmHWM")
            bounded = "bounded" if size <= conversations.max_size else "OVER max_size"
            expired = "all expired" if after_ttl <= 1 else "NOT expired"
            print(
                f"  RSS before {before:.1f} MiB, after {after:.1f} MiB "
                f"(+{after - before:.1f} MiB); peak {peak:.1f} MiB"
            )
            print(
                f"  conversation store: {size} after the run (max_size "
                f"{conversations.max_size}: {bounded}), {after_ttl} after the TTL passed "
                f"and one more question ({expired})"
            )
            print(
                f"  errors logged {len(errors.records)}; store failed writes {store.failed_writes}"
            )
            for line in errors.records[:5]:
                print(f"    ! {line}")
    finally:
        await bot.close()
        if task is not None:
            with contextlib.suppress(Exception):
                await task
        await store.close()
        await child.stop()
    ok = failures == 0 and size <= conversations.max_size and after_ttl <= 1
    return 0 if ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=20_000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--guilds", type=int, default=20, help="servers the people are spread over")
    parser.add_argument("--channels", type=int, default=5, help="channels per server")
    parser.add_argument("--batch", type=int, default=2_000, help="questions between measurements")
    parser.add_argument("--window", type=int, default=64, help="questions in flight at once")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--trace",
        action="store_true",
        help="count live objects when the conversation store fills and at the end",
    )
    parser.add_argument("--serve-fake", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("discord.client").setLevel(logging.ERROR)  # "PyNaCl is not installed"
    if args.serve_fake:
        asyncio.run(serve_fake(args))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        return asyncio.run(soak(args, Path(tmp)))


if __name__ == "__main__":
    raise SystemExit(main())
