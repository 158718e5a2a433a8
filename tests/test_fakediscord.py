"""End-to-end proof that the fake Discord carries an unmodified discord.py 2.7 bot.

The bot here is a tiny self-contained AutoShardedBot (not the project's bot): a
``/ping`` that answers with an embed and a button, an autocompleted ``/ask``, a
``/say`` that can produce an over-long message, a ``/feedback`` modal, an "Explain"
message context menu, and an ``on_message`` that answers mentions and DMs.
"""

from __future__ import annotations

import asyncio
import io
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands

from tests.fakediscord import (
    FakeDiscord,
    FakeDiscordConfig,
    spec_or_skip,
    start_client,
)
from tests.fakediscord.rest import limit_violations

pytest_plugins = ["tests.fakediscord.plugin", "pytester"]

TOPICS = ["machine learning", "mlops", "statistics", "data engineering"]
OP_IDENTIFY, OP_RESUME = 2, 6


class PingView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Again", custom_id="ping:again", style=discord.ButtonStyle.primary)
    async def again(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        await interaction.response.send_message("pong again", ephemeral=True)


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    text: discord.ui.TextInput[FeedbackModal] = discord.ui.TextInput(
        label="What could be better?", custom_id="feedback:text"
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Thanks!", ephemeral=True)
        await interaction.edit_original_response(content=f"Thanks: {self.text.value}")


class SampleBot(commands.AutoShardedBot):
    """Small bot; records what went wrong so tests can assert on handled errors."""

    def __init__(self) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=discord.Intents.default(),
            guild_ready_timeout=0.05,
            help_command=None,
        )
        self.errors: list[BaseException] = []
        self.seen: list[str] = []  # content of every user message the bot received
        self.resumed = asyncio.Event()
        self.tree.on_error = self._on_tree_error
        self._add_commands()

    async def setup_hook(self) -> None:
        self.add_view(PingView())
        await self.tree.sync()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py sleeps 5 s before every non-initial IDENTIFY; tests skip that."""

    async def _on_tree_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        self.errors.append(getattr(error, "original", error))

    async def on_resumed(self) -> None:
        self.resumed.set()

    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot:
            return
        self.seen.append(message.content)
        try:
            if "!longtitle" in message.content:
                await message.channel.send(embed=discord.Embed(title="t" * 300))
            elif "!file" in message.content:
                upload = discord.File(io.BytesIO(b"career notes"), filename="notes.txt")
                await message.channel.send("Here you go", file=upload)
            elif message.guild is None or (self.user and self.user in message.mentions):
                await message.reply(
                    "Hi! Ask me with /ask.",
                    mention_author=False,
                    allowed_mentions=discord.AllowedMentions.none(),
                )
        except discord.HTTPException as exc:
            self.errors.append(exc)

    def _add_commands(self) -> None:
        @self.tree.command(name="ping", description="Replies with pong")
        async def ping(interaction: discord.Interaction) -> None:
            embed = discord.Embed(title="Pong", description="All systems go", color=0x5865F2)
            embed.add_field(name="Latency", value="fast")
            await interaction.response.send_message(embed=embed, view=PingView())

        async def topic_choices(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            hits = [t for t in TOPICS if current.lower() in t]
            return [app_commands.Choice(name=t, value=t) for t in hits]

        @self.tree.command(name="ask", description="Ask about a topic")
        @app_commands.autocomplete(topic=topic_choices)
        async def ask(interaction: discord.Interaction, topic: str, detail: bool = False) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.followup.send(f"About {topic} (detail={detail})")

        @self.tree.command(name="say", description="Says x repeated")
        async def say(interaction: discord.Interaction, length: int) -> None:
            await interaction.response.send_message("x" * length)

        @self.tree.command(name="feedback", description="Opens a feedback form")
        async def feedback(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(FeedbackModal())

        @self.tree.context_menu(name="Explain")
        async def explain(interaction: discord.Interaction, message: discord.Message) -> None:
            await interaction.response.send_message(
                f"Explaining: {message.content}", ephemeral=True
            )


@pytest.fixture
async def bot(fake_discord: FakeDiscord) -> SampleBot:
    return await start_client(SampleBot(), fake_discord)


# ------------------------------------------------------------------------ login
async def test_login_ready_and_guild_available(fake_discord: FakeDiscord, bot: SampleBot) -> None:
    assert bot.user is not None and bot.user.id == fake_discord.bot_user.id
    guild = bot.get_guild(fake_discord.guild.id)
    assert guild is not None and not guild.unavailable
    assert guild.get_channel(fake_discord.channel.id) is not None
    assert bot.application_id == fake_discord.application_id
    assert fake_discord.gateway.connections[0].compressed  # real zlib-stream frames
    identify = fake_discord.gateway_frames(OP_IDENTIFY)[0]
    assert identify.d["shard"] == [0, 1]
    assert identify.d["intents"] == discord.Intents.default().value
    paths = [r.path for r in fake_discord.records]
    # login, then setup_hook's tree sync, then AutoShardedClient asks for the gateway
    assert paths[:2] == ["/users/@me", "/oauth2/applications/@me"]
    assert paths[3] == "/gateway/bot"
    response = fake_discord.records[0]
    assert response.status == 200 and response.response["bot"] is True


async def test_json_content_type_is_exact(fake_discord: FakeDiscord) -> None:
    headers = {"Authorization": f"Bot {fake_discord.token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(fake_discord.api_base + "/users/@me", headers=headers) as resp,
    ):
        assert resp.headers["Content-Type"] == "application/json"
        assert resp.headers["Via"] and resp.headers["X-RateLimit-Bucket"]


# --------------------------------------------------------------------- commands
async def test_tree_sync_is_validated(fake_discord: FakeDiscord, bot: SampleBot) -> None:
    put = fake_discord.requests("PUT", template="/applications/{application_id}/commands")
    assert len(put) == 1 and put[0].status == 200
    assert {c["name"] for c in put[0].json} == {"ping", "ask", "say", "feedback", "Explain"}

    guild = discord.Object(fake_discord.guild.id)
    bot.tree.copy_global_to(guild=guild)
    synced = await bot.tree.sync(guild=guild)
    assert {c.name for c in synced} == {"ping", "ask", "say", "feedback", "Explain"}
    assert all(c.guild_id == fake_discord.guild.id for c in synced)
    assert fake_discord.commands[fake_discord.guild.id][0]["guild_id"] == str(guild.id)


async def test_slash_command_replies_with_embed_and_view(
    fake_discord: FakeDiscord, bot: SampleBot
) -> None:
    interaction = await fake_discord.dispatch_slash("ping")
    callback = await fake_discord.wait_for_callback(interaction)
    assert callback.accepted and callback.type == 4 and callback.with_response
    original = interaction.original
    assert original is not None and original.source == "interaction"
    assert original.embeds[0]["title"] == "Pong"
    button = original.components[0]["components"][0]
    assert button["custom_id"] == "ping:again" and button["label"] == "Again"


async def test_autocomplete_and_deferred_followup(
    fake_discord: FakeDiscord, bot: SampleBot
) -> None:
    completion = await fake_discord.dispatch_autocomplete("ask", {"topic": "ml"}, focused="topic")
    callback = await fake_discord.wait_for_callback(completion)
    assert callback.type == 8
    assert completion.choices == [{"name": "mlops", "value": "mlops"}]

    asked = await fake_discord.dispatch_slash("ask", {"topic": "mlops", "detail": True})
    await fake_discord.wait_for(lambda: asked.original and not asked.original.loading)
    assert asked.response is not None and asked.response.type == 5
    assert asked.original is not None and asked.original.content == "About mlops (detail=True)"
    assert asked.followups == []  # first follow-up after a defer edits the loading message


async def test_button_click_is_routed_to_view(fake_discord: FakeDiscord, bot: SampleBot) -> None:
    ping = await fake_discord.dispatch_slash("ping")
    await fake_discord.wait_for_callback(ping)
    assert ping.original is not None
    click = await fake_discord.dispatch_component("ping:again", ping.original)
    callback = await fake_discord.wait_for_callback(click)
    assert callback.accepted and callback.type == 4
    assert click.original is not None and click.original.ephemeral
    assert click.original.content == "pong again"


async def test_message_context_menu(fake_discord: FakeDiscord, bot: SampleBot) -> None:
    said = await fake_discord.dispatch_message(fake_discord.channel, content="what is mlops?")
    menu = await fake_discord.dispatch_context_menu("Explain", said)
    await fake_discord.wait_for_callback(menu)
    assert menu.original is not None
    assert menu.original.content == "Explaining: what is mlops?" and menu.original.ephemeral


async def test_modal_submit_and_edit_original(fake_discord: FakeDiscord, bot: SampleBot) -> None:
    opened = await fake_discord.dispatch_slash("feedback")
    assert (await fake_discord.wait_for_callback(opened)).type == 9
    submitted = await fake_discord.dispatch_modal_submit(opened, {"feedback:text": "more RAG"})
    await fake_discord.wait_for(
        lambda: submitted.original and submitted.original.content == "Thanks: more RAG"
    )
    assert submitted.original is not None and submitted.original.ephemeral
    assert [b.get("content") for b in submitted.original.bodies] == ["Thanks!", "Thanks: more RAG"]


# ---------------------------------------------------------------------- messages
async def test_mention_reply_sets_allowed_mentions(
    fake_discord: FakeDiscord, bot: SampleBot
) -> None:
    asked = await fake_discord.dispatch_message(
        fake_discord.channel, content=f"{fake_discord.bot_user.mention} help"
    )
    reply = await fake_discord.wait_for_bot_message(channel_id=fake_discord.channel.id, after=asked)
    assert reply.content == "Hi! Ask me with /ask."
    assert reply.allowed_mentions == {"parse": [], "replied_user": False}
    assert reply.payload["message_reference"]["message_id"] == str(asked.id)


async def test_file_upload_is_multipart(fake_discord: FakeDiscord, bot: SampleBot) -> None:
    mention = fake_discord.bot_user.mention
    await fake_discord.dispatch_message(fake_discord.channel, content=f"{mention} !file")
    sent = await fake_discord.wait_for_bot_message()
    assert sent.content == "Here you go"
    assert sent.payload["attachments"][0]["filename"] == "notes.txt"
    upload = fake_discord.requests("POST", "/messages")[0]
    assert upload.files[0]["size"] == len(b"career notes")
    assert upload.json["attachments"][0]["filename"] == "notes.txt"  # from payload_json


async def test_direct_message_reply(fake_discord: FakeDiscord, bot: SampleBot) -> None:
    dm = fake_discord.dm_channel(fake_discord.user)
    hello = await fake_discord.dispatch_message(dm, content="hello there")
    reply = await fake_discord.wait_for_bot_message(channel_id=dm.id, after=hello)
    assert reply.guild_id is None and reply.content == "Hi! Ask me with /ask."


async def test_unmentioned_guild_message_content_is_redacted(
    fake_discord: FakeDiscord, bot: SampleBot
) -> None:
    await fake_discord.dispatch_message(fake_discord.channel, content="secret")
    await fake_discord.wait_for(lambda: bot.seen)
    assert bot.seen == [""]  # no MESSAGE_CONTENT intent: Discord blanks the content
    assert fake_discord.bot_messages() == []


# --------------------------------------------------------------------- rejection
async def test_overlong_content_is_rejected_with_50035(
    fake_discord: FakeDiscord, bot: SampleBot
) -> None:
    with fake_discord.expect_problems("data.content"):
        said = await fake_discord.dispatch_slash("say", {"length": 2100})
        callback = await fake_discord.wait_for_callback(said)
        await fake_discord.wait_for(lambda: bot.errors)
    assert callback.status == 400 and not said.acknowledged
    error = bot.errors[0]
    assert isinstance(error, discord.HTTPException) and error.code == 50035
    assert "data.content" in error.text


async def test_overlong_embed_title_is_rejected(fake_discord: FakeDiscord, bot: SampleBot) -> None:
    mention = fake_discord.bot_user.mention
    await fake_discord.dispatch_message(fake_discord.channel, content=f"{mention} !longtitle")
    await fake_discord.wait_for(lambda: bot.errors)
    problems = fake_discord.take_problems()
    assert len(problems) == 1 and "embeds[0].title" in problems[0]
    assert "maxLength 256" in problems[0]
    error = bot.errors[0]
    assert isinstance(error, discord.HTTPException) and error.code == 50035
    assert "embeds.0.title" in error.text
    assert fake_discord.bot_messages() == []


async def test_unknown_route_is_a_problem(fake_discord: FakeDiscord, bot: SampleBot) -> None:
    route = discord.http.Route("GET", "/guilds/{guild_id}/audit-logs", guild_id=1)
    with pytest.raises(discord.NotFound):
        await bot.http.request(route)
    with pytest.raises(discord.NotFound):
        await bot.http.request(discord.http.Route("GET", "/definitely/not/discord"))
    problems = fake_discord.take_problems()
    assert "does not implement" in problems[0] and "not in Discord's API spec" in problems[1]


async def test_second_callback_is_already_acknowledged(fake_discord: FakeDiscord) -> None:
    await start_client(SampleBot(), fake_discord)
    ping = await fake_discord.dispatch_slash("ping")
    await fake_discord.wait_for_callback(ping)
    url = f"{fake_discord.api_base}/interactions/{ping.id}/{ping.token}/callback"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json={"type": 4, "data": {"content": "again"}}) as resp,
    ):
        assert resp.status == 400
        assert (await resp.json())["code"] == 40060
    assert "second callback" in fake_discord.take_problems()[0]


async def test_late_callback_is_unknown_interaction(
    fake_discord: FakeDiscord, bot: SampleBot
) -> None:
    fake_discord.config.interaction_deadline = 0.0
    ping = await fake_discord.dispatch_slash("ping")
    callback = await fake_discord.wait_for_callback(ping)
    await fake_discord.wait_for(lambda: bot.errors)
    assert callback.status == 404 and not ping.acknowledged
    assert isinstance(bot.errors[0], discord.NotFound) and bot.errors[0].code == 10062
    assert "deadline" in fake_discord.take_problems()[0]


# ------------------------------------------------------------------------ faults
async def test_rate_limit_is_retried_once(fake_discord: FakeDiscord, bot: SampleBot) -> None:
    fake_discord.fail_next("POST", "/channels/*/messages", 429, retry_after=0.05)
    await fake_discord.dispatch_message(fake_discord.channel, content=f"<@{bot.user.id}> hi")
    retried = await fake_discord.wait_for_request(lambda r: r.status == 200, method="POST")
    assert retried.json["content"] == "Hi! Ask me with /ask."
    posts = fake_discord.requests("POST", "/messages")
    assert [p.status for p in posts] == [429, 200] and posts[0].injected
    assert len(fake_discord.bot_messages()) == 1 and bot.errors == []


async def test_server_error_raises_http_exception(
    fake_discord: FakeDiscord, bot: SampleBot
) -> None:
    # 503 is raised at once; discord.py retries 500/502/504 with 1+2n s back-off.
    fake_discord.fail_next("POST", "/channels/*/messages", 503)
    await fake_discord.dispatch_message(fake_discord.channel, content=f"<@{bot.user.id}> hi")
    await fake_discord.wait_for(lambda: bot.errors)
    assert isinstance(bot.errors[0], discord.DiscordServerError) and bot.errors[0].status == 503
    assert fake_discord.bot_messages() == []


async def test_internal_server_error_is_retried(fake_discord: FakeDiscord, bot: SampleBot) -> None:
    fake_discord.fail_next("POST", "/channels/*/messages", 500)
    await fake_discord.dispatch_message(fake_discord.channel, content=f"<@{bot.user.id}> hi")
    await fake_discord.wait_for_bot_message(timeout=5)
    assert [p.status for p in fake_discord.requests("POST", "/messages")] == [500, 200]


async def test_reconnect_resumes_session(fake_discord: FakeDiscord, bot: SampleBot) -> None:
    session = fake_discord.sessions[0]
    mark = len(fake_discord.gateway_frames())
    await fake_discord.send_reconnect()
    resume = await fake_discord.wait_for_gateway(OP_RESUME, after=mark)
    assert resume.d["session_id"] == session.session_id
    await asyncio.wait_for(bot.resumed.wait(), 5)
    ping = await fake_discord.dispatch_slash("ping")
    assert (await fake_discord.wait_for_callback(ping)).accepted
    assert session.resumes == 1 and len(fake_discord.sessions) == 1


async def test_dropped_socket_resumes_and_replays(
    fake_discord: FakeDiscord, bot: SampleBot
) -> None:
    mark = len(fake_discord.gateway_frames())
    await fake_discord.drop_connection()
    missed = await fake_discord.dispatch_message(
        fake_discord.channel, content=f"{fake_discord.bot_user.mention} are you there?"
    )
    await fake_discord.wait_for_gateway(OP_RESUME, after=mark)
    reply = await fake_discord.wait_for_bot_message(after=missed)
    assert reply.payload["message_reference"]["message_id"] == str(missed.id)
    assert len(fake_discord.sessions) == 1


@pytest.mark.parametrize(("resumable", "expected_op", "sessions"), [(True, 6, 1), (False, 2, 2)])
async def test_invalid_session(
    fake_discord: FakeDiscord, bot: SampleBot, resumable: bool, expected_op: int, sessions: int
) -> None:
    mark = len(fake_discord.gateway_frames())
    await fake_discord.send_invalid_session(resumable=resumable)
    await fake_discord.wait_for_gateway(expected_op, after=mark)
    await fake_discord.wait_for(lambda: len(fake_discord.sessions) == sessions)
    ping = await fake_discord.dispatch_slash("ping")
    assert (await fake_discord.wait_for_callback(ping)).accepted


@pytest.mark.parametrize("fake_discord_config", [FakeDiscordConfig(shard_count=2)])
async def test_two_shards_route_events_by_guild(fake_discord: FakeDiscord) -> None:
    second = fake_discord.add_guild("Second Guild", members=[fake_discord.user])
    bot = await start_client(SampleBot(), fake_discord)
    assert bot.shard_count == 2 and len(fake_discord.sessions) == 2
    assert {g.id for g in bot.guilds} == {fake_discord.guild.id, second.id}
    for guild in (fake_discord.guild, second):
        ping = await fake_discord.dispatch_slash("ping", channel=guild.channels[0])
        assert (await fake_discord.wait_for_callback(ping)).accepted
        session = fake_discord.gateway.session_for(guild.id)
        assert session is not None and session.shard_id == (guild.id >> 22) % 2
        assert bot.get_guild(guild.id).shard_id == session.shard_id  # type: ignore[union-attr]


def test_problems_fail_the_test(pytester: pytest.Pytester) -> None:
    spec_or_skip()
    pytester.makepyfile(
        test_inner="""
        import aiohttp

        pytest_plugins = ["tests.fakediscord.plugin", "pytester"]

        async def post_long(fake):
            url = f"{fake.api_base}/channels/{fake.channel.id}/messages"
            headers = {"Authorization": f"Bot {fake.token}"}
            async with aiohttp.ClientSession() as session:
                async with session.post(url, json={"content": "x" * 2001}, headers=headers) as r:
                    return r.status

        async def test_unexpected(fake_discord):
            assert await post_long(fake_discord) == 400

        async def test_expected(fake_discord):
            with fake_discord.expect_problems("content"):
                assert await post_long(fake_discord) == 400
        """
    )
    result = pytester.runpytest_inprocess(
        "-o", "asyncio_mode=auto", "-o", "asyncio_default_fixture_loop_scope=function"
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*test_unexpected*", "*recorded problems:", "*content: Must be 2000 or fewer*"]
    )


# -------------------------------------------------------------------- validator
def test_validator_names_fields_and_applies_prose_limits() -> None:
    spec = spec_or_skip()
    callback = "/interactions/{interaction_id}/{interaction_token}/callback"
    row = {
        "type": 1,
        "components": [
            {"type": 2, "style": 1, "label": "x" * 81, "custom_id": "a"},
            {"type": 3, "custom_id": "s", "options": [{"label": "o", "value": "o"}]},
        ],
    }
    body = {"type": 4, "data": {"content": "ok", "components": [row] * 6}}

    found = spec.validate_body("POST", callback, body) + limit_violations("POST", callback, body)
    described = " | ".join(v.describe() for v in found)
    assert "data.components[0].components[0].label" in described  # spec maxLength 80
    assert "select menu must be the only component" in described
    assert "Must be 5 or fewer in length (got 6" in described
    assert "cannot be duplicated" in described

    message = "/channels/{channel_id}/messages"
    ints_ok = {
        "content": "hi",
        "allowed_mentions": {"users": [123]},
        "message_reference": {"message_id": 456},
    }
    assert spec.validate_body("POST", message, ints_ok) == []
    big = {"embeds": [{"description": "d" * 4000}, {"description": "d" * 2500}]}
    assert any(v.code == "MAX_EMBED_SIZE_EXCEEDED" for v in limit_violations("POST", message, big))
    bad_url = {"embeds": [{"title": "x", "url": "example.com"}]}
    assert spec.validate_body("POST", message, bad_url)[0].path == ("embeds", 0, "url")


def test_missing_spec_skips_or_fails(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setenv("DISCORD_API_SPEC", str(tmp_path / "missing.json"))
    monkeypatch.delenv("CAREERBOT_REQUIRE_SHARED", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"missing\.json"):
        spec_or_skip()
    monkeypatch.setenv("CAREERBOT_REQUIRE_SHARED", "1")
    with pytest.raises(pytest.fail.Exception, match="CAREERBOT_REQUIRE_SHARED"):
        spec_or_skip()
