"""End to end with shards in separate processes: two ``careerbot run``s, one database.

Operators split a big bot's shards over processes (``SHARD_IDS``/``SHARD_COUNT``),
each with its own memory but one shared PostgreSQL database. These tests run exactly
that: real ``careerbot run`` processes (:mod:`tests.bot_processes`), a fresh database
on the suite's throwaway PostgreSQL server (``tests/pg_cluster.py``), and the fake
Discord, whose gateway sends each server's events to the shard Discord would,
``(guild_id >> 22) % shard_count``, and which records which process made every
request. They check what a server's members and its operator would notice:

* every question in every server is answered exactly once, by the process that owns
  the server's shard;
* ``careerbot report`` counts the questions both processes answered;
* a server's ``/config`` made through one process is there after a re-shard;
* ``kill -9`` of one process leaves the other answering its servers, and a restarted
  process takes its shards back.

Waits are on what the fake or the processes' logs show, never on guessed durations.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.bot_processes import BotFleet, BotProcess, clean_environment, owner
from tests.fakediscord import (
    FakeChannel,
    FakeDiscord,
    FakeDiscordConfig,
    FakeGuild,
    FakeInteraction,
    FakeMessage,
    FakeUser,
)
from tests.fakediscord.rest import MESSAGES

pytestmark = pytest.mark.e2e

SHARD_COUNT = 2
SERVERS_PER_SHARD = 2
PEOPLE_PER_SERVER = 4
QUESTIONS = (
    "how much do ML engineers make?",
    "what skills does a data scientist need?",
    "do I need a PhD to be a data scientist?",
    "what tools do ML engineers use?",
)
ANSWER_TIMEOUT = 20.0
"""Generous: three Python processes share two cores; a healthy run takes a second."""


@dataclass(frozen=True)
class Asked:
    """One question put to the bot: a ``/ask`` interaction or an @mention message."""

    guild_id: int
    event: FakeInteraction | FakeMessage


# --------------------------------------------------------------------------- fixtures
@pytest.fixture
def fake_discord_config() -> FakeDiscordConfig:
    return FakeDiscordConfig(shard_count=SHARD_COUNT)


@pytest.fixture
def shared_database(postgres_url: str) -> dict[str, str]:
    """The variables that point every process at the one database they share: a fresh
    database on the suite's throwaway PostgreSQL server."""
    return {"CAREERBOT_DATABASE_URL": postgres_url}


@pytest.fixture
async def fleet(
    fake_discord: FakeDiscord, tmp_path: Path, shared_database: dict[str, str]
) -> AsyncIterator[BotFleet]:
    """The test's bot processes; killed at teardown if still running, before the fake
    stops. A process that logged an error fails the test."""
    started = BotFleet(fake_discord, tmp_path, shared_database)
    try:
        yield started
    finally:
        started.close()
    assert started.errors() == []


@pytest.fixture
def servers(fake_discord: FakeDiscord) -> list[FakeGuild]:
    """Every guild of the fake: at least ``SERVERS_PER_SHARD`` on each shard, each with
    ``PEOPLE_PER_SERVER`` members besides the owner."""
    fake = fake_discord
    while True:
        counts = Counter(shard_of(g.id) for g in fake.guilds)
        short = [s for s in range(SHARD_COUNT) if counts[s] < SERVERS_PER_SHARD]
        if not short:
            break
        # A guild's shard comes from the time in its id: wait (a millisecond or two)
        # for a millisecond that puts the next id on the shard still short of servers.
        while shard_of(fake.ids()) != short[0]:
            pass
        fake.add_guild(f"Server {len(fake.guilds) + 1}")
    for guild in fake.guilds:
        for n in range(PEOPLE_PER_SERVER):
            fake.add_member(guild, fake.add_user(f"member{n}-of-{guild.id}"))
    return list(fake.guilds)


# ---------------------------------------------------------------------------- helpers
def shard_of(guild_id: int, shard_count: int = SHARD_COUNT) -> int:
    return (guild_id >> 22) % shard_count


def people(guild: FakeGuild, fake: FakeDiscord) -> list[FakeUser]:
    """Members who are neither the bot nor the owner."""
    return [m.user for m in guild.members if m.user not in (fake.bot_user, fake.owner)]


async def ask(fake: FakeDiscord, guild: FakeGuild, user: FakeUser, question: str) -> Asked:
    """``/ask question`` in the guild's first channel."""
    interaction = await fake.dispatch_slash(
        "ask", {"question": question}, user=user, channel=guild.channels[0]
    )
    return Asked(guild.id, interaction)


async def mention(fake: FakeDiscord, guild: FakeGuild, user: FakeUser, question: str) -> Asked:
    """``@bot question`` in the guild's first channel."""
    text = f"{fake.bot_user.mention} {question}"
    return Asked(guild.id, await fake.dispatch_message(guild.channels[0], user, text))


async def ask_everywhere(
    fake: FakeDiscord, guilds: Iterable[FakeGuild], *, mentions: bool = True
) -> list[Asked]:
    """Everyone in every server asks once with ``/ask`` (and once by @mention)."""
    questions = itertools.cycle(QUESTIONS)
    asked: list[Asked] = []
    for guild in guilds:
        for user in people(guild, fake):
            asked.append(await ask(fake, guild, user, next(questions)))
            if mentions:
                asked.append(await mention(fake, guild, user, next(questions)))
    return asked


class Answers:
    """Who answered what, read once from the fake's records (the waits poll this, so it
    is one pass over the records, not one per question)."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.replies: dict[str, list[str | None]] = defaultdict(list)
        for r in fake.requests("POST", template=MESSAGES):
            replied = ((r.body or {}).get("message_reference") or {}).get("message_id")
            if 200 <= r.status < 300 and replied is not None:
                self.replies[str(replied)].append(r.client)

    def by(self, asked: Asked) -> list[str | None]:
        """The process behind each answer to ``asked``, in order; exactly once is one
        item. An interaction's answer is its accepted callback; a mention's is a message
        posted in reply to it."""
        if isinstance(asked.event, FakeInteraction):
            return [c.client for c in asked.event.callbacks if c.accepted]
        return self.replies.get(str(asked.event.id), [])


async def wait_answered(fake: FakeDiscord, asked: Sequence[Asked]) -> None:
    """Until each question has an answer; then until every live process has read all
    the events sent so far, so that a second answer would have had its chance."""

    def unanswered() -> list[Asked]:
        answers = Answers(fake)
        return [a for a in asked if not answers.by(a)]

    try:
        await fake.wait_for(
            lambda: not unanswered(), ANSWER_TIMEOUT, f"answers to {len(asked)} questions"
        )
    except TimeoutError:
        kinds = Counter(type(a.event).__name__ for a in unanswered())
        pytest.fail(f"{sum(kinds.values())} of {len(asked)} questions unanswered: {dict(kinds)}")
    await fake.settle(ANSWER_TIMEOUT)


def wrong_answers(
    fake: FakeDiscord, asked: Iterable[Asked], processes: Sequence[BotProcess]
) -> list[tuple[int, list[str | None], str]]:
    """(guild, answerers, expected) for every question not answered exactly once by
    the process serving its guild's shard."""
    answers = Answers(fake)
    found = []
    for a in asked:
        expected = owner(processes, a.guild_id).name
        got = answers.by(a)
        if got != [expected]:
            found.append((a.guild_id, got, expected))
    return found


def report(database: dict[str, str], cwd: Path) -> dict[str, object]:
    """``careerbot report --json`` as an operator runs it, on the shared database."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "report", "--json"],
        cwd=cwd,
        env=clean_environment(database),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    parsed: dict[str, object] = json.loads(done.stdout)
    return parsed


async def slash(
    fake: FakeDiscord, name: str, where: FakeChannel, options: dict[str, object] | None = None
) -> FakeInteraction:
    """The server owner runs ``/name`` in ``where`` and it is answered."""
    interaction = await fake.dispatch_slash(name, options, user=fake.owner, channel=where)
    callback = await fake.wait_for_callback(interaction, ANSWER_TIMEOUT)
    assert callback.accepted, callback
    return interaction


# ------------------------------------------------------------------------------ tests
async def test_each_question_is_answered_once_by_its_shards_process_and_config_survives_a_reshard(
    fake_discord: FakeDiscord,
    fleet: BotFleet,
    servers: list[FakeGuild],
    shared_database: dict[str, str],
    tmp_path: Path,
) -> None:
    fake = fake_discord
    # A server on shard 1 will be configured through the process that serves it.
    configured = next(g for g in servers if shard_of(g.id) == 1)
    general, careers = configured.channels[0], fake.add_channel(configured, "careers")
    first = fleet.start("shard0", [0], SHARD_COUNT)
    second = fleet.start("shard1", [1], SHARD_COUNT)
    await fleet.wait_ready(first, second)
    # Each process identified for its own shard only.
    identified = sorted((s.client, s.shard_id, s.shard_count) for s in fake.sessions)
    assert identified == [("shard0", 0, SHARD_COUNT), ("shard1", 1, SHARD_COUNT)]

    asked = await ask_everywhere(fake, servers)
    await wait_answered(fake, asked)
    assert wrong_answers(fake, asked, [first, second]) == []
    answers = Answers(fake)
    per_process = Counter(answers.by(a)[0] for a in asked)
    assert per_process["shard0"] > 0 and per_process["shard1"] > 0, per_process

    for name, options in (
        ("config add-channel", {"channel": careers}),
        ("config cooldown", {"rate": 7, "per": 60}),
    ):
        interaction = await slash(fake, name, general, options)
        assert [c.client for c in interaction.callbacks] == ["shard1"]
        assert interaction.original is not None and interaction.original.embeds

    assert await fleet.stop(first, second) == [0, 0]  # SIGTERM: a clean exit
    # The report reads the one database both processes wrote to.
    assert report(shared_database, tmp_path)["questions"] == len(asked)

    # One process now serves everything (shard count 1): the settings made through
    # the old shard-1 process are there.
    alone = fleet.start("alone", [0], 1)
    await fleet.wait_ready(alone)
    listed = await slash(fake, "config list", general)
    assert [c.client for c in listed.callbacks] == ["alone"]
    assert listed.original is not None
    settings = listed.original.embeds[0]["description"]
    assert f"<#{careers.id}>" in settings and "7 questions per 60 s per person" in settings
    # The auto-answer channel works: a plain question there, no mention, is answered.
    plain = await fake.dispatch_message(careers, people(configured, fake)[0], QUESTIONS[0])
    reply = await fake.wait_for_reply(plain, ANSWER_TIMEOUT)
    assert reply.embeds  # an answer, not a note
    again = [await ask(fake, g, people(g, fake)[-1], QUESTIONS[1]) for g in servers]
    await wait_answered(fake, again)
    assert wrong_answers(fake, again, [alone]) == []
    assert await fleet.stop(alone) == [0]


async def test_kill_9_of_one_process_leaves_the_other_answering_and_a_restart_takes_its_shards_back(
    fake_discord: FakeDiscord, fleet: BotFleet, servers: list[FakeGuild]
) -> None:
    fake = fake_discord
    first = fleet.start("shard0", [0], SHARD_COUNT)
    second = fleet.start("shard1", [1], SHARD_COUNT)
    await fleet.wait_ready(first, second)

    # Under load: questions in every server, the first process killed half-way
    # through, while the questions before it are still being answered.
    burst = [(g, u) for _ in range(2) for g in servers for u in people(g, fake)]
    half = len(burst) // 2
    before = [await ask(fake, g, u, QUESTIONS[0]) for g, u in burst[:half]]
    first.kill()
    during = [await ask(fake, g, u, QUESTIONS[1]) for g, u in burst[half:]]
    await fake.wait_for(
        lambda: all(s.connection is None for s in fake.sessions if s.client == "shard0"),
        ANSWER_TIMEOUT,
        "the fake to see the killed process's gateway socket close",
    )
    # With the first process gone for certain, everyone asks once more.
    dead = await ask_everywhere(fake, servers, mentions=False)

    survivors = [a for a in (*before, *during, *dead) if second.serves(a.guild_id)]
    await wait_answered(fake, survivors)
    assert wrong_answers(fake, survivors, [second]) == []
    # Nobody answers the dead shard's servers: not the survivor, not twice.
    orphaned = [a for a in dead if first.serves(a.guild_id)]
    answers = Answers(fake)
    assert orphaned and all(answers.by(a) == [] for a in orphaned)
    # Questions the killed process had received were answered by it or not at all.
    assert all(
        answers.by(a) in ([], ["shard0"]) for a in (*before, *during) if first.serves(a.guild_id)
    )

    restarted = fleet.start("shard0-restarted", [0], SHARD_COUNT)
    await fleet.wait_ready(restarted)
    after = [await ask(fake, g, people(g, fake)[0], QUESTIONS[2]) for g in servers]
    await wait_answered(fake, after)
    assert wrong_answers(fake, after, [restarted, second]) == []
    assert await fleet.stop(restarted, second) == [0, 0]
