"""Shared fixtures: the engine, the spec check for replies, and the bot in a fake guild.

``discord_harness`` runs the bot ``careerbot run`` builds (real engine, real
extensions, real discord.py) against :mod:`tests.fakediscord`, in a guild with a
few people. Each of its actions is what a person does in Discord; it waits until
the bot is done and returns the requests the bot made, every one already checked
against Discord's OpenAPI spec by the fake.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.core.answering.conversation import ConversationStore
from bot.core.answering.engine import Engine
from bot.core.storage.base import MemoryStore
from bot.core.storage.sqlite import SqliteStore, open_store
from bot.discord_bot import CareerBot
from bot.exts.ask import CONTEXT_MENU_NAME
from bot.runner import build_bot
from bot.settings import Settings
from tests.fakediscord import (
    ApiSpec,
    FakeChannel,
    FakeDiscord,
    FakeDiscordConfig,
    FakeGuild,
    FakeMessage,
    FakeUser,
    RequestRecord,
)
from tests.fakediscord.rest import MESSAGES
from tests.fakediscord.spec import CALLBACK

pytest_plugins = ["tests.fakediscord.plugin", "tests.pg_cluster"]


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The real engine over the real KB, loaded once (tests reset its conversations)."""
    return Engine.load()


@pytest.fixture
def sendable(discord_api_spec: ApiSpec) -> Any:
    """``sendable(embeds, view, content)`` lists why Discord would refuse such a message.

    The body is checked as a channel message and as an interaction response.
    """

    def check(
        embeds: list[discord.Embed], view: discord.ui.View | None = None, content: str | None = None
    ) -> list[str]:
        body: dict[str, Any] = {"embeds": [e.to_dict() for e in embeds]}
        if content is not None:
            body["content"] = content
        if view is not None:
            body["components"] = view.to_components()
        sends = [(MESSAGES, body), (CALLBACK, {"type": 4, "data": body})]
        return [
            v.describe() for route, b in sends for v in discord_api_spec.check("POST", route, b)
        ]

    return check


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings for a test bot: the fake's token, files in ``tmp_path``, content intent on."""
    values: dict[str, Any] = {
        "token": FakeDiscordConfig.token,
        "sync_state": tmp_path / "sync-hash",
        "db_path": tmp_path / "careerbot.sqlite3",
        "message_content": True,
    }
    return Settings(**{**values, **overrides})


@pytest.fixture
def bot_settings(tmp_path: Path, fake_discord: FakeDiscord) -> Settings:
    """Override in a test module or class to run the harness with other settings."""
    return make_settings(tmp_path, owner_ids=frozenset({fake_discord.owner.id}))


@pytest.fixture
async def broken_store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    """``open_store`` where the database's directory is a regular file: it cannot open."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the database's directory should be\n")
    opened = await open_store(blocker / "careerbot.sqlite3")
    try:
        yield opened
    finally:
        await opened.close()


@dataclass
class Harness:
    """The bot, the fake Discord it is connected to, and the people in its guild.

    ``owner`` owns the guild and (in ``bot_settings``) the bot; ``robot`` is another bot.
    """

    fake: FakeDiscord
    bot: CareerBot
    store: MemoryStore
    engine: Engine
    me: FakeUser
    alice: FakeUser
    bob: FakeUser
    owner: FakeUser
    robot: FakeUser
    guild: FakeGuild
    channel: FakeChannel
    other_channel: FakeChannel
    dm: FakeChannel

    async def _after(self, action: Awaitable[Any]) -> list[RequestRecord]:
        start = len(self.fake.records)
        await action
        await self.fake.settle()
        return self.fake.records[start:]

    async def slash(
        self,
        name: str,
        *path: str,
        user: FakeUser | None = None,
        where: FakeChannel | None = None,
        **options: Any,
    ) -> list[RequestRecord]:
        """``/name [subcommand…] option=value…`` as ``user`` (alice) in ``where``."""
        command = " ".join((name, *path))
        return await self._after(
            self.fake.dispatch_slash(command, options, user=user, channel=where)
        )

    async def autocomplete(self, name: str, option: str, typed: str) -> list[RequestRecord]:
        typing = self.fake.dispatch_slash(name, {option: typed}, focused=option)
        return await self._after(typing)

    async def context_menu(
        self, target: FakeMessage, *, user: FakeUser | None = None
    ) -> list[RequestRecord]:
        return await self._after(
            self.fake.dispatch_context_menu(CONTEXT_MENU_NAME, target, user=user)
        )

    async def click(
        self, message: FakeMessage, custom_id: str, *, user: FakeUser | None = None
    ) -> list[RequestRecord]:
        return await self._after(self.fake.dispatch_component(custom_id, message, user=user))

    async def say(
        self, content: str, *, user: FakeUser | None = None, channel: FakeChannel | None = None
    ) -> FakeMessage:
        """Post a message and wait until the bot is done with it (it may ignore it)."""
        said = await self.fake.dispatch_message(
            channel or self.channel, user or self.alice, content
        )
        await self.fake.settle()
        return said

    async def message(
        self,
        content: str,
        *,
        user: FakeUser | None = None,
        channel: FakeChannel | None = None,
        mention_me: bool = False,
        reply_to: FakeMessage | None = None,
    ) -> list[RequestRecord]:
        """Post ``content`` (``@bot content`` with ``mention_me``); the bot's requests."""
        text = f"{self.me.mention} {content}" if mention_me else content
        where, author = channel or self.channel, user or self.alice
        return await self._after(self.fake.dispatch_message(where, author, text, reply_to=reply_to))

    def sent(self, call: RequestRecord) -> FakeMessage:
        """The message Discord created for a request (to click its buttons)."""
        created = (
            call.response["resource"]["message"] if call.template == CALLBACK else call.response
        )
        return self.fake.messages[int(created["id"])]

    async def restart(self) -> None:
        """A fresh process's worth of bot: same store and Discord, new memory."""
        await self.bot.close()
        self.engine.conversations = ConversationStore()
        self.bot = await start_bot(self.fake, self.bot.settings, self.engine, self.store)


async def start_bot(fake: FakeDiscord, settings: Settings, engine: Engine, store: Any) -> CareerBot:
    """The bot ``careerbot run`` builds, connected to ``fake`` and ready.

    Ready 0.05 s after the last GUILD_CREATE, not discord.py's default 2 s.
    """
    content = settings.message_content
    bot = build_bot(settings, engine, store, content_intent=content, guild_ready_timeout=0.05)
    return await fake.connect(bot, token=settings.token)


@pytest.fixture
async def discord_harness(
    fake_discord: FakeDiscord,
    engine: Engine,
    bot_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Harness]:
    """The bot connected to a fake guild with alice, bob, the owner and another bot."""
    fake = fake_discord
    bob, robot = fake.add_user("bob"), fake.add_user("otherbot", bot=True)
    for user in (bob, robot):
        fake.add_member(fake.guild, user)
    other = fake.add_channel(fake.guild, "other")
    monkeypatch.setattr(engine, "conversations", ConversationStore())
    store = MemoryStore()
    bot = await start_bot(fake, bot_settings, engine, store)
    yield Harness(
        *(fake, bot, store, engine, fake.bot_user, fake.user, bob, fake.owner, robot),
        *(fake.guild, fake.channel, other, fake.dm_channel(fake.user)),
    )
