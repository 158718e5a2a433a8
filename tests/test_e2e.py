"""End to end: the bot ``careerbot run`` starts, talking to a local fake Discord.

Every test builds its bot with :func:`bot.runner.build_bot`, the function
``careerbot run`` builds its bot with, over the real engine and a real store, and
starts it with ``bot.start(token)``. Only discord.py's two base URLs are redirected
(by the ``fake_discord`` fixture); the bot itself has no switch for that. The fake
(:mod:`tests.fakediscord`) speaks the gateway and REST protocols and validates every
request against Discord's OpenAPI spec: anything Discord would reject fails the test
even when the test's own assertions pass, so each test also proves that what the
bot sent is valid.

Errors the bot logs fail the test too (:func:`logged_errors`), unless the test
provoked them and consumed them. Waits are on events the fake records, never on
guessed durations; the only real waiting is discord.py's own back-off (1 s before it
retries a 5xx), in the two tests that provoke one.
"""

# Waiting helpers take ``timeout=`` like asyncio.wait_for; ASYNC109 does not fit them.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

import discord
import pytest

import bot.discord_support.answering as answering
from bot.core.answering.conversation import ConversationStore
from bot.core.answering.engine import Engine
from bot.core.storage.base import MemoryStore, Store
from bot.core.storage.sqlite import SqliteStore, open_store
from bot.discord_bot import CareerBot, intents_for
from bot.exts.ask import CONTEXT_MENU_NAME
from bot.settings import Settings
from bot.ui.embeds import ERROR_TEXT, VOTE_THANKS_TEXT
from tests.conftest import start_bot
from tests.fakediscord import (
    FakeChannel,
    FakeDiscord,
    FakeDiscordConfig,
    FakeInteraction,
    FakeMessage,
    FakeUser,
)
from tests.shared_files import spec_path

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.e2e

OP_IDENTIFY, OP_RESUME = 2, 6
CALLBACK_MESSAGE, CALLBACK_UPDATE, CALLBACK_AUTOCOMPLETE = 4, 7, 8
FLAG_EPHEMERAL = 1 << 6
GLOBAL_COMMANDS = "/applications/{application_id}/commands"
GUILD_COMMANDS = "/applications/{application_id}/guilds/{guild_id}/commands"
CHANNEL_MESSAGES = "/channels/*/messages"
COMMAND_NAMES = {
    "ask",
    "compare",
    "role",
    "fit",
    "topics",
    "source",
    "help",
    "config",
    "kb",
    CONTEXT_MENU_NAME,
}
MLE_PAY = "how much do ML engineers make?"
DS_SKILLS = "what skills does a data scientist need?"
# Questions that sat between two close entries when this was written. The engine is
# tuned all the time, so the test asks it which of these still needs a "did you
# mean" instead of hard-coding one; add a new one here if none does any more.
CLARIFY_CANDIDATES = (
    "is ds about reliability or systems",
    "is ds about variety or models",
    "do sr data scientists mentor juniors",
    "is mle more ops/reliability focused",
    "is ds good for people who like variety",
    "mentoring",
    "ops stuff",
)


# --------------------------------------------------------------------------- fixtures
@pytest.fixture
def settings(tmp_path: Path, fake_discord_config: FakeDiscordConfig) -> Settings:
    """Production defaults; only the token and the files are the test's own."""
    return Settings(
        token=fake_discord_config.token,
        sync_state=tmp_path / "sync-hash",
        db_path=tmp_path / "careerbot.sqlite3",
    )


@pytest.fixture
def store() -> MemoryStore:
    """Tests where storage is beside the point use memory; the others open SQLite."""
    return MemoryStore()


@pytest.fixture
def live_engine(engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The real engine (loaded once per session) with this test's own conversations."""
    monkeypatch.setattr(engine, "conversations", ConversationStore(ttl=settings.conversation_ttl))
    return engine


@pytest.fixture
def title(live_engine: Engine) -> Callable[[str], str]:
    """The answer title the engine gives a question asked out of the blue.

    Tests compare with the engine rather than with literal KB wording, so editing
    the knowledge base does not break them.
    """
    return lambda question: live_engine.ask(question).title


class Launch(Protocol):
    def __call__(
        self, *, settings: Settings | None = None, store: Store | None = None
    ) -> Awaitable[CareerBot]: ...


@pytest.fixture
def launch(
    fake_discord: FakeDiscord, live_engine: Engine, settings: Settings, store: MemoryStore
) -> Launch:
    """``await launch()``: build the production bot and wait until it is ready.

    The Message Content intent is asked for exactly when ``careerbot run`` would with
    an empty store: when ``CAREERBOT_MESSAGE_CONTENT`` is on.
    """
    default_settings, default_store = settings, store

    async def start(*, settings: Settings | None = None, store: Store | None = None) -> CareerBot:
        chosen, kept = settings or default_settings, store or default_store
        return await start_bot(fake_discord, chosen, live_engine, kept)

    return start


@pytest.fixture
async def bot(launch: Launch) -> CareerBot:
    return await launch()


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    """The durable store ``careerbot run`` opens, on a file of this test's own.

    Request it before ``fake_discord`` so it is closed after the bot, as in production.
    """
    opened = await open_store(tmp_path / "careerbot.sqlite3")
    try:
        yield opened
    finally:
        await opened.close()


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def logged_errors() -> Iterator[list[logging.LogRecord]]:
    """ERROR records from the bot and discord.py; what a test leaves here fails it.

    Set up before the fake (autouse), so torn down after the bot has closed: errors
    logged while shutting down count too. Tests that provoke an error assert on it
    and then ``clear()`` the list.
    """
    collector = _Collector()
    loggers = [logging.getLogger("bot"), logging.getLogger("discord")]
    for logger in loggers:
        logger.addHandler(collector)
    try:
        yield collector.records
    finally:
        for logger in loggers:
            logger.removeHandler(collector)
    unexpected = [f"{r.name}: {r.getMessage()} {r.exc_info!r}" for r in collector.records]
    assert not unexpected, "errors were logged:\n" + "\n".join(unexpected)


# ---------------------------------------------------------------------------- helpers
def only_embed(message: FakeMessage) -> dict[str, Any]:
    assert len(message.embeds) == 1, message.payload
    return message.embeds[0]


def assert_pings_nobody(message: FakeMessage) -> None:
    """Sent with ``AllowedMentions.none()``: no @everyone, user, role or reply ping."""
    allowed = message.allowed_mentions
    assert allowed is not None and allowed["parse"] == [], allowed
    assert not allowed.get("users") and not allowed.get("roles"), allowed
    assert allowed.get("replied_user", False) is False, allowed


def custom_ids(message: FakeMessage) -> list[str]:
    return [
        component["custom_id"]
        for row in message.components
        for component in row.get("components", [])
        if "custom_id" in component
    ]


async def answered(fake: FakeDiscord, interaction: FakeInteraction) -> FakeMessage:
    """The public message that answered ``interaction`` (asserting it was accepted)."""
    callback = await fake.wait_for_callback(interaction)
    assert callback.accepted and callback.type == CALLBACK_MESSAGE, callback
    assert interaction.original is not None
    return interaction.original


async def ask(fake: FakeDiscord, question: str, **where: Any) -> FakeMessage:
    """``/ask question`` and its answer."""
    return await answered(fake, await fake.dispatch_slash("ask", {"question": question}, **where))


async def say(
    fake: FakeDiscord,
    text: str,
    *,
    channel: FakeChannel | None = None,
    user: FakeUser | None = None,
    mention: bool = True,
    timeout: float = 5.0,
) -> FakeMessage:
    """Post a message (``@bot text`` by default) and return the bot's reply to it."""
    content = f"{fake.bot_user.mention} {text}" if mention else text
    target = channel or fake.channel
    said = await fake.dispatch_message(target, user, content)
    return await fake.wait_for_reply(said, timeout)


def expected(engine: Engine, question: str) -> tuple[str, str]:
    """Title and citation line the engine gives ``question`` with no conversation."""
    reply = engine.ask(question)
    return reply.title, reply.citation_line


def find_clarify_question(engine: Engine) -> str:
    for question in CLARIFY_CANDIDATES:
        if engine.ask(question).status == "clarify":
            return question
    pytest.fail(
        "none of CLARIFY_CANDIDATES gets a 'did you mean' any more; add a question that "
        "does, so the button path stays tested"
    )


async def wait_until(check: Callable[[], Awaitable[bool]], what: str, attempts: int = 500) -> None:
    """Poll an async condition every 10 ms: the store answers from its own thread.

    The bot writes a vote *after* thanking the voter (Discord allows 3 s), so the
    write can land a moment after the fake saw the thanks.
    """
    for _ in range(attempts):
        if await check():
            return
        await asyncio.sleep(0.01)
    pytest.fail(f"timed out waiting until {what}")


# --------------------------------------------------------------------- start-up / sync
async def test_start_up_syncs_commands_once(
    fake_discord: FakeDiscord, launch: Launch, settings: Settings
) -> None:
    first = await launch()
    paths = [r.path for r in fake_discord.records]
    assert paths[:2] == ["/users/@me", "/oauth2/applications/@me"]
    assert "/gateway/bot" in paths  # the sharded client asks how many shards to run
    put = fake_discord.requests("PUT", template=GLOBAL_COMMANDS)
    assert [r.status for r in put] == [200]
    assert {c["name"] for c in put[0].body} == COMMAND_NAMES
    assert {c["name"] for c in fake_discord.commands[None]} == COMMAND_NAMES
    identify = fake_discord.gateway_frames(2)[0]
    assert identify.d["intents"] == intents_for(False).value  # no privileged intent asked
    assert identify.d["shard"] == [0, 1]
    assert fake_discord.gateway.connections[0].compressor is not None  # real zlib-stream
    assert first.application_id == fake_discord.application_id
    assert first.get_guild(fake_discord.guild.id) is not None
    assert settings.sync_state.read_text().strip()

    # A restart with the same commands does not sync again (Discord rate-limits it).
    await first.close()
    second = await launch()
    assert len(fake_discord.requests("PUT", template=GLOBAL_COMMANDS)) == 1
    assert second.is_ready()


async def test_dev_guild_syncs_to_that_guild_only(
    fake_discord: FakeDiscord, launch: Launch, tmp_path: Path, title: Callable[[str], str]
) -> None:
    env = {
        "DISCORD_TOKEN": fake_discord.token,
        "CAREERBOT_DEV_GUILD": str(fake_discord.guild.id),
        "CAREERBOT_SYNC_STATE": str(tmp_path / "sync-hash"),
        "CAREERBOT_DB": str(tmp_path / "careerbot.sqlite3"),
    }
    await launch(settings=Settings.from_env(env, env_file=None))
    assert fake_discord.requests("PUT", template=GLOBAL_COMMANDS) == []
    put = fake_discord.requests("PUT", template=GUILD_COMMANDS)
    assert [r.status for r in put] == [200]
    assert put[0].path.endswith(f"/guilds/{fake_discord.guild.id}/commands")
    assert {c["name"] for c in put[0].body} == COMMAND_NAMES
    reply = await ask(fake_discord, MLE_PAY)
    assert only_embed(reply)["title"] == title(MLE_PAY)


# ------------------------------------------------------------------ slash commands etc.
@pytest.mark.usefixtures("bot")
async def test_ask_answers_with_a_citation(fake_discord: FakeDiscord, live_engine: Engine) -> None:
    question = MLE_PAY
    reply = await ask(fake_discord, question)
    embed = only_embed(reply)
    title, citation = expected(live_engine, question)
    assert embed["title"] == title
    assert embed["footer"]["text"] == citation and citation.startswith("Source:")
    assert not reply.ephemeral and reply.content == ""
    assert_pings_nobody(reply)
    ids = custom_ids(reply)
    assert any(i.startswith("cb:vote:up:") for i in ids)
    assert f"cb:del:{fake_discord.user.id}" in ids


@pytest.mark.usefixtures("bot")
async def test_compare_puts_the_roles_side_by_side(
    fake_discord: FakeDiscord, live_engine: Engine
) -> None:
    interaction = await fake_discord.dispatch_slash("compare", {"topic": "salary"})
    embed = only_embed(await answered(fake_discord, interaction))
    reply = live_engine.compare("salary")
    assert embed["title"] == reply.title
    assert [f["name"] for f in embed["fields"]] == [c.role_name for c in reply.columns]
    assert all(f["inline"] for f in embed["fields"]) and len(embed["fields"]) == 2
    assert embed["footer"]["text"] == reply.citation_line


@pytest.mark.usefixtures("bot")
async def test_role_shows_the_role_card(fake_discord: FakeDiscord, live_engine: Engine) -> None:
    interaction = await fake_discord.dispatch_slash("role", {"role": "ml-engineer"})
    message = await answered(fake_discord, interaction)
    embed = only_embed(message)
    card = live_engine.role_card("ml-engineer")
    assert embed["title"] == card.name
    assert [f["name"] for f in embed["fields"]] == [line.label for line in card.lines]
    assert embed["footer"]["text"].startswith("From “")
    assert custom_ids(message) == [f"cb:del:{fake_discord.user.id}"]


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize(
    ("command", "option", "typed", "wanted"),
    [
        ("ask", "question", "mle salary", "id:mle-salary"),
        ("compare", "topic", "sal", "salary"),
    ],
)
async def test_autocomplete_offers_matching_choices(
    fake_discord: FakeDiscord, command: str, option: str, typed: str, wanted: str
) -> None:
    interaction = await fake_discord.dispatch_slash(command, {option: typed}, focused=option)
    callback = await fake_discord.wait_for_callback(interaction)
    assert callback.accepted and callback.type == CALLBACK_AUTOCOMPLETE
    choices = (callback.data or {})["choices"]
    assert 0 < len(choices) <= 25
    assert wanted in [c["value"] for c in choices[:3]]


@pytest.mark.usefixtures("bot")
async def test_picking_an_autocomplete_choice_answers_that_entry(
    fake_discord: FakeDiscord, live_engine: Engine
) -> None:
    reply = await ask(fake_discord, "id:ds-salary")
    assert only_embed(reply)["title"] == live_engine.answer_entry("ds-salary").title


@pytest.mark.usefixtures("bot")
async def test_context_menu_answers_someone_elses_message(
    fake_discord: FakeDiscord, live_engine: Engine
) -> None:
    bob = fake_discord.add_user("bob")
    fake_discord.add_member(fake_discord.guild, bob)
    question = "how much do data scientists earn?"
    # Without the Message Content intent the bot never saw this text on the gateway;
    # the interaction carries it.
    said = await fake_discord.dispatch_message(fake_discord.channel, bob, question)
    interaction = await fake_discord.dispatch_context_menu(CONTEXT_MENU_NAME, said)
    reply = await answered(fake_discord, interaction)
    assert only_embed(reply)["title"] == expected(live_engine, question)[0]
    assert_pings_nobody(reply)


# ------------------------------------------------------------------------ messages
@pytest.mark.usefixtures("bot")
async def test_a_mention_in_a_channel_is_answered(
    fake_discord: FakeDiscord, live_engine: Engine
) -> None:
    question = DS_SKILLS
    reply = await say(fake_discord, question)
    embed = only_embed(reply)
    assert (embed["title"], embed["footer"]["text"]) == expected(live_engine, question)
    assert_pings_nobody(reply)


@pytest.mark.usefixtures("bot")
async def test_a_direct_message_is_answered(fake_discord: FakeDiscord, live_engine: Engine) -> None:
    dm = fake_discord.dm_channel(fake_discord.user)
    question = "do I need a PhD to be a data scientist?"
    reply = await say(fake_discord, question, channel=dm, mention=False)
    assert reply.guild_id is None
    assert only_embed(reply)["title"] == expected(live_engine, question)[0]


@pytest.mark.usefixtures("bot")
async def test_a_follow_up_continues_the_conversation(
    fake_discord: FakeDiscord, live_engine: Engine
) -> None:
    first = await say(fake_discord, "how much do data scientists earn")
    assert (
        only_embed(first)["title"] == expected(live_engine, "how much do data scientists earn")[0]
    )
    second = await say(fake_discord, "and ML engineers?")
    mle_salary = live_engine.answer_entry("mle-salary")
    assert only_embed(second)["title"] == mle_salary.title
    # Conversations are per person: the same words from someone else start afresh.
    bob = fake_discord.add_user("bob")
    fake_discord.add_member(fake_discord.guild, bob)
    alone = await say(fake_discord, "and ML engineers?", user=bob)
    assert only_embed(alone)["title"] == expected(live_engine, "and ML engineers?")[0]
    assert only_embed(alone)["title"] != mle_salary.title


# ------------------------------------------------------------------------- buttons
@pytest.mark.usefixtures("bot")
async def test_did_you_mean_button_answers_the_picked_entry(
    fake_discord: FakeDiscord, live_engine: Engine
) -> None:
    question = find_clarify_question(live_engine)
    clarify = live_engine.ask(question)
    reply = await ask(fake_discord, question)
    picked = next(i for i in custom_ids(reply) if i.startswith("cb:ans:"))
    entry_id = picked.removeprefix("cb:ans:")
    assert entry_id in clarify.entries

    click = await fake_discord.dispatch_component(picked, reply)
    answer = await answered(fake_discord, click)
    assert only_embed(answer)["title"] == live_engine.answer_entry(entry_id).title
    assert not answer.ephemeral and answer.id != reply.id


async def test_thumbs_up_is_recorded_in_the_store(
    sqlite_store: SqliteStore, fake_discord: FakeDiscord, launch: Launch
) -> None:
    await launch(store=sqlite_store)
    reply = await ask(fake_discord, MLE_PAY)
    vote = next(i for i in custom_ids(reply) if i.startswith("cb:vote:up:"))
    entries = vote.removeprefix("cb:vote:up:").split(",")

    click = await fake_discord.dispatch_component(vote, reply)
    thanks = await answered(fake_discord, click)
    assert thanks.ephemeral and thanks.content == VOTE_THANKS_TEXT

    async def recorded() -> bool:
        stats = await sqlite_store.feedback_stats()
        return all(e in stats and stats[e].up == 1 and stats[e].down == 0 for e in entries)

    await wait_until(recorded, "the vote reached the database")


async def test_the_fit_quiz_survives_a_restart_and_is_shared_pinging_nobody(
    fake_discord: FakeDiscord, launch: Launch, live_engine: Engine
) -> None:
    """``/fit`` from the first question to the result, the bot restarting half-way
    (the answers so far live only in the buttons), then "Share my result"."""
    bot = await launch()
    quiz = live_engine.knowledge.fit.quiz
    message = await answered(fake_discord, await fake_discord.dispatch_slash("fit"))
    assert message.ephemeral
    for number in range(1, len(quiz) + 1):
        if number == len(quiz) // 2 + 1:
            await bot.close()
            bot = await launch()
        assert only_embed(message)["title"] == f"Question {number} of {len(quiz)}"
        first_option = next(i for i in custom_ids(message) if i.endswith(":1"))
        click = await fake_discord.dispatch_component(first_option, message)
        update = await fake_discord.wait_for_callback(click)
        assert update.accepted and update.type == CALLBACK_UPDATE
    result = only_embed(message)
    assert len(result["fields"]) == len(quiz) and all("¶" in f["value"] for f in result["fields"])

    share = next(i for i in custom_ids(message) if i.startswith("cb:fit:share:"))
    shared = await answered(fake_discord, await fake_discord.dispatch_component(share, message))
    assert not shared.ephemeral and only_embed(shared) == result
    assert_pings_nobody(shared)


# ------------------------------------------------------------------------ mentions
@pytest.mark.usefixtures("bot")
async def test_everyone_in_a_question_pings_nobody(
    fake_discord: FakeDiscord, title: Callable[[str], str]
) -> None:
    question = "@everyone how much do ML engineers make? <@&123456789012345678>"
    for reply in (
        await ask(fake_discord, question),
        await say(fake_discord, question),
    ):
        assert_pings_nobody(reply)
        assert reply.payload["mentions"] == [] and reply.payload["mention_roles"] == []
        assert only_embed(reply)["title"] == title(MLE_PAY)
        assert "@everyone" not in reply.content


# -------------------------------------------------------------------------- faults
@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize("path", ["mention", "slash"])
async def test_a_rate_limited_reply_is_retried_and_arrives_once(
    fake_discord: FakeDiscord, path: str, title: Callable[[str], str]
) -> None:
    question = MLE_PAY
    if path == "mention":
        fake_discord.fail_next("POST", CHANNEL_MESSAGES, 429, retry_after=0.05)
        reply = await say(fake_discord, question)
        sent = fake_discord.requests("POST", "/messages")
    else:
        fake_discord.fail_next("POST", "/interactions/*/callback", 429, retry_after=0.05)
        reply = await ask(fake_discord, question)
        sent = fake_discord.requests("POST", "/callback")
    assert [(r.status, r.injected) for r in sent] == [(429, True), (200, False)]
    assert only_embed(reply)["title"] == title(MLE_PAY)
    assert len(fake_discord.bot_messages()) == 1


@pytest.mark.usefixtures("bot")
async def test_a_503_is_logged_and_the_bot_keeps_serving(
    fake_discord: FakeDiscord, logged_errors: list[logging.LogRecord], title: Callable[[str], str]
) -> None:
    # discord.py's HTTP client raises a 503 at once (it retries only 500, 502 and 504).
    fake_discord.fail_next("POST", CHANNEL_MESSAGES, 503)
    note = await say(fake_discord, MLE_PAY)
    assert note.content == ERROR_TEXT  # the person hears that something went wrong
    assert [r.getMessage() for r in logged_errors] == ["Error while answering a message"]
    error = logged_errors[0].exc_info[1] if logged_errors[0].exc_info else None
    assert isinstance(error, discord.DiscordServerError) and error.status == 503
    logged_errors.clear()

    reply = await say(fake_discord, DS_SKILLS)
    assert only_embed(reply)["title"] == title(DS_SKILLS)


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize(("status", "path"), [(500, "mention"), (503, "slash")])
async def test_a_server_error_is_retried_and_the_reply_arrives_once(
    fake_discord: FakeDiscord, status: int, path: str, title: Callable[[str], str]
) -> None:
    # discord.py retries these itself after 1 s: the HTTP client a 500, the webhook
    # adapter (interaction callbacks) any 5xx. One retry still meets the 3 s deadline.
    question = MLE_PAY
    if path == "mention":
        fake_discord.fail_next("POST", CHANNEL_MESSAGES, status)
        reply = await say(fake_discord, question)
        sent = fake_discord.requests("POST", "/messages")
    else:
        fake_discord.fail_next("POST", "/interactions/*/callback", status)
        reply = await ask(fake_discord, question)
        sent = fake_discord.requests("POST", "/callback")
    assert [(r.status, r.injected) for r in sent] == [(status, True), (200, False)]
    assert only_embed(reply)["title"] == title(MLE_PAY)
    assert len(fake_discord.bot_messages()) == 1
    second = await ask(fake_discord, DS_SKILLS)
    assert only_embed(second)["title"] == title(DS_SKILLS)


@pytest.mark.usefixtures("bot")
async def test_reconnect_resumes_and_the_next_question_is_answered(
    fake_discord: FakeDiscord, title: Callable[[str], str]
) -> None:
    session = fake_discord.sessions[0]
    mark = len(fake_discord.gateway_frames())
    await fake_discord.gateway.send_reconnect()
    resume = await fake_discord.wait_for_gateway(OP_RESUME, after=mark)
    assert resume.d["session_id"] == session.session_id
    reply = await ask(fake_discord, MLE_PAY)
    assert only_embed(reply)["title"] == title(MLE_PAY)
    assert session.resumes == 1 and len(fake_discord.sessions) == 1


@pytest.mark.usefixtures("bot")
async def test_a_dropped_socket_resumes_and_the_missed_question_is_answered(
    fake_discord: FakeDiscord, title: Callable[[str], str]
) -> None:
    session = fake_discord.sessions[0]
    mark = len(fake_discord.gateway_frames())
    await fake_discord.gateway.drop_connection()
    # Asked while the bot is away: Discord replays it when the session resumes.
    reply = await say(fake_discord, MLE_PAY, timeout=15)
    await fake_discord.wait_for_gateway(OP_RESUME, after=mark)
    assert only_embed(reply)["title"] == title(MLE_PAY)
    assert session.resumes == 1 and len(fake_discord.sessions) == 1
    assert len(fake_discord.bot_messages()) == 1


@pytest.mark.parametrize(("resumable", "next_op"), [(True, OP_RESUME), (False, OP_IDENTIFY)])
async def test_an_invalid_session_is_resumed_or_replaced_and_answers_go_on(
    fake_discord: FakeDiscord,
    launch: Launch,
    monkeypatch: pytest.MonkeyPatch,
    resumable: bool,
    next_op: int,
    title: Callable[[str], str],
) -> None:
    bot = await launch()

    async def at_once(shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py waits 5 s before identifying again; the test need not."""

    monkeypatch.setattr(bot, "before_identify_hook", at_once)
    mark = len(fake_discord.gateway_frames())
    await fake_discord.gateway.send_invalid_session(resumable=resumable)
    await fake_discord.wait_for_gateway(next_op, after=mark)
    await fake_discord.wait_for(lambda: len(fake_discord.sessions) == (1 if resumable else 2))
    reply = await ask(fake_discord, MLE_PAY)
    assert only_embed(reply)["title"] == title(MLE_PAY)


@pytest.mark.parametrize("fake_discord_config", [FakeDiscordConfig(shard_count=2)])
async def test_two_shards_each_get_their_guilds_events(
    fake_discord: FakeDiscord, launch: Launch
) -> None:
    second = fake_discord.add_guild("Second Guild", members=[fake_discord.user])
    bot = await launch()
    assert bot.shard_count == 2 and len(fake_discord.sessions) == 2
    for guild in (fake_discord.guild, second):
        interaction = await fake_discord.dispatch_slash("help", channel=guild.channels[0])
        assert (await fake_discord.wait_for_callback(interaction)).accepted
        session = fake_discord.gateway.session_for(guild.id)
        assert session is not None and session.shard_id == (guild.id >> 22) % 2
        assert bot.get_guild(guild.id).shard_id == session.shard_id  # type: ignore[union-attr]


@pytest.mark.usefixtures("bot")
async def test_an_answer_after_the_deadline_is_refused(
    fake_discord: FakeDiscord, logged_errors: list[logging.LogRecord]
) -> None:
    fake_discord.config.interaction_deadline = 0.0
    interaction = await fake_discord.dispatch_slash("help")
    # The answer is refused, then so is the error note the bot tries to send instead.
    await fake_discord.wait_for(lambda: len(interaction.callbacks) == 2 and logged_errors)
    assert [c.status for c in interaction.callbacks] == [404, 404]
    assert not interaction.acknowledged
    refused = fake_discord.take_problems()
    assert len(refused) == 2 and all("deadline" in p for p in refused)
    error = logged_errors[0].exc_info[1] if logged_errors[0].exc_info else None
    assert isinstance(error, discord.NotFound) and error.code == 10062
    logged_errors.clear()


# ------------------------------------------------------------------- configuration
async def test_config_add_channel_turns_on_auto_answers(
    fake_discord: FakeDiscord,
    launch: Launch,
    settings: Settings,
    store: MemoryStore,
    live_engine: Engine,
) -> None:
    careers = fake_discord.add_channel(fake_discord.guild, "careers")
    bot = await launch(settings=dataclasses.replace(settings, message_content=True))
    assert fake_discord.gateway_frames(2)[0].d["intents"] == intents_for(True).value

    # Before: a plain message (no mention) in #careers is not for the bot.
    plain = "how much do data scientists earn?"
    before = await fake_discord.dispatch_message(careers, content=plain)

    interaction = await fake_discord.dispatch_slash(
        "config add-channel", {"channel": careers}, user=fake_discord.owner
    )
    note = await answered(fake_discord, interaction)
    assert note.ephemeral and f"<#{careers.id}>" in only_embed(note)["description"]
    assert store.channels == {fake_discord.guild.id: {careers.id}}
    assert bot.auto_channels == {fake_discord.guild.id: frozenset({careers.id})}
    assert [m for m in fake_discord.bot_messages(careers.id) if m.id > before.id] == []

    # After: questions there are answered without a mention (the fake delivers their
    # text because the bot has the intent), follow-ups included...
    reply = await say(fake_discord, plain, channel=careers, mention=False)
    assert only_embed(reply)["title"] == expected(live_engine, plain)[0]
    follow = await say(fake_discord, "and ML engineers?", channel=careers, mention=False)
    assert only_embed(follow)["title"] == live_engine.answer_entry("mle-salary").title
    # ...while chatter that is not a question is left alone.
    chatter = await fake_discord.dispatch_message(careers, content="lunch at noon?")
    last = await say(
        fake_discord, "what tools do ML engineers use?", channel=careers, mention=False
    )
    assert last.id > chatter.id
    replied_to = {
        (m.payload.get("message_reference") or {}).get("message_id")
        for m in fake_discord.bot_messages(careers.id)
    }
    assert str(chatter.id) not in replied_to


async def test_a_storage_outage_does_not_stop_answers(
    broken_store: SqliteStore,
    fake_discord: FakeDiscord,
    launch: Launch,
    title: Callable[[str], str],
) -> None:
    assert not broken_store.available
    await launch(store=broken_store)
    reply = await ask(fake_discord, MLE_PAY)
    assert only_embed(reply)["title"] == title(MLE_PAY)
    mention = await say(fake_discord, DS_SKILLS)
    assert only_embed(mention)["title"] == title(DS_SKILLS)
    # Both outcomes were meant for the unanswered-questions log; neither could be kept.
    await fake_discord.wait_for(lambda: broken_store.failed_writes >= 2)


# ----------------------------------------------------------- the fake catches breakage
async def test_an_overlong_reply_is_rejected_with_the_specs_complaint(
    fake_discord: FakeDiscord,
    launch: Launch,
    monkeypatch: pytest.MonkeyPatch,
    logged_errors: list[logging.LogRecord],
) -> None:
    """A reply Discord would refuse (2,100 characters of content) fails the test.

    Here the complaint is consumed on purpose; ``test_a_broken_reply_fails_the_suite``
    shows what happens to a test that does not expect it.
    """

    def too_long(bot: CareerBot, reply: Any, asker_id: int | None) -> dict[str, Any]:
        return {"content": "x" * 2100}

    monkeypatch.setattr(answering, "render", too_long)
    await launch()
    with fake_discord.expect_problems("data.content") as problems:
        interaction = await fake_discord.dispatch_slash("ask", {"question": MLE_PAY})
        await fake_discord.wait_for(lambda: len(interaction.callbacks) == 2)
    assert "Must be 2000 or fewer in length" in problems[0]
    rejected, note = interaction.callbacks
    assert rejected.status == 400 and len((rejected.data or {})["content"]) == 2100
    response = fake_discord.requests("POST", "/callback")[0].response
    assert response["code"] == 50035 and "content" in response["errors"]["data"]
    # The bot's error handler told the person, through the same interaction.
    assert note.accepted and (note.data or {})["content"] == ERROR_TEXT
    assert (note.data or {})["flags"] & FLAG_EPHEMERAL
    error = logged_errors[0].exc_info[1] if logged_errors[0].exc_info else None
    assert isinstance(error, discord.HTTPException) and error.code == 50035
    assert "content" in error.text
    logged_errors.clear()


def test_a_broken_reply_fails_the_suite(
    pytester: pytest.Pytester, logged_errors: list[logging.LogRecord]
) -> None:
    """The deliberate-break check: an unsuspecting e2e test with a 2,100-character reply fails."""
    spec_path()
    pytester.makepyfile(
        test_broken="""
        import bot.discord_support.answering as answering
        from bot.core.answering.engine import Engine
        from bot.core.storage.base import MemoryStore
        from bot.runner import build_bot
        from bot.settings import Settings
        pytest_plugins = ["tests.fakediscord.plugin"]

        async def test_ask(fake_discord, monkeypatch, tmp_path):
            monkeypatch.setattr(answering, "render", lambda *a: {"content": "x" * 2100})
            settings = Settings(
                token=fake_discord.token, sync_state=tmp_path / "s", db_path=tmp_path / "db"
            )
            bot = build_bot(
                settings, Engine.load(), MemoryStore(),
                content_intent=False, guild_ready_timeout=0.05,
            )
            await fake_discord.connect(bot)
            asked = await fake_discord.dispatch_slash("ask", {"question": "mle pay"})
            await fake_discord.wait_for_callback(asked)
        """
    )
    result = pytester.runpytest_inprocess(
        "-p",
        "no:cacheprovider",
        "-o",
        "asyncio_mode=auto",
        "-o",
        "asyncio_default_fixture_loop_scope=function",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*recorded problems:",
            "*callback -> 400: *data.content: Must be 2000 or fewer in length*",
        ]
    )
    # The inner run shares this process's loggers: its bot logged the rejection.
    assert [r.getMessage() for r in logged_errors] == ["Error while handling ask"]
    logged_errors.clear()
