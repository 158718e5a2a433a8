"""Shared fixtures.

``discord_harness`` runs the real :class:`~bot.discord_bot.CareerBot` (real engine,
real cogs, real discord.py objects) with only the network replaced: discord.py's two
HTTP choke points, ``HTTPClient.request`` and ``AsyncWebhookAdapter.request``, are
swapped for :class:`FakeRest`, which records every request, checks its body against
Discord's OpenAPI spec and documented limits, and answers like Discord. Events go in
through the same ``ConnectionState.parse_*`` methods the gateway calls.
"""

from __future__ import annotations

import asyncio
import itertools
import types
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import discord
import discord.http
import pytest
from discord.webhook.async_ import AsyncWebhookAdapter

from bot.core.answering.conversation import ConversationStore
from bot.core.answering.engine import Engine
from bot.core.storage.base import MemoryStore
from bot.discord_bot import CareerBot
from bot.settings import Settings
from tests.fakediscord.harness import spec_or_skip
from tests.fakediscord.payloads import (
    PERM_ADMINISTRATOR,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    application_payload,
    channel_payload,
    guild_create_payload,
    interaction_payload,
    message_payload,
    self_user_payload,
)
from tests.fakediscord.rest import limit_violations
from tests.fakediscord.spec import ApiSpec

TEST_TOKEN = "test-token-never-valid"
FLAG_EPHEMERAL = 1 << 6
APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE = 2, 3, 4
CHAT_INPUT, MESSAGE_MENU = 1, 3


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The real engine over the real KB, loaded once (tests reset its conversations)."""
    return Engine.load()


@pytest.fixture
def discord_spec() -> ApiSpec:
    """Discord's OpenAPI spec; skips (or fails with CAREERBOT_REQUIRE_SHARED=1) if absent."""
    return spec_or_skip()


MESSAGE_ROUTE = "/channels/{channel_id}/messages"
CALLBACK_ROUTE = "/interactions/{interaction_id}/{interaction_token}/callback"


def message_body(
    embeds: list[discord.Embed], view: discord.ui.View | None, content: str | None = None
) -> dict[str, Any]:
    """The JSON discord.py sends for a message with these parts (no mentions allowed)."""
    body: dict[str, Any] = {
        "embeds": [e.to_dict() for e in embeds],
        "allowed_mentions": {"parse": []},
    }
    if content is not None:
        body["content"] = content
    if view is not None:
        body["components"] = view.to_components()
    return body


@pytest.fixture
def sendable(discord_spec: ApiSpec) -> Any:
    """``sendable(embeds, view)`` lists why Discord would reject such a message (or ``[]``).

    The body is checked both as a channel message and as an interaction response,
    against the spec's request schemas (``RichEmbed``, buttons, action rows…) and
    the limits the schema leaves to prose (6,000-character total, 5 per row…).
    """

    def check(
        embeds: list[discord.Embed], view: discord.ui.View | None = None, content: str | None = None
    ) -> list[str]:
        body = message_body(embeds, view, content)
        callback = {"type": 4, "data": body}
        problems = [
            *(v.describe() for v in discord_spec.validate_body("POST", MESSAGE_ROUTE, body)),
            *(v.describe() for v in limit_violations("POST", MESSAGE_ROUTE, body)),
            *(v.describe() for v in discord_spec.validate_body("POST", CALLBACK_ROUTE, callback)),
            *(v.describe() for v in limit_violations("POST", CALLBACK_ROUTE, callback)),
        ]
        return problems

    return check


# ---------------------------------------------------------------------------- fake REST


@dataclass
class Call:
    """One REST request the bot made, and what the fake answered."""

    method: str
    path: str
    template: str
    body: Any
    query: dict[str, Any]
    response: Any = None

    @property
    def message(self) -> dict[str, Any]:
        """The message body, whether sent to a channel, a webhook or as a callback."""
        if self.template.endswith("/callback"):
            return dict(self.body.get("data") or {})
        return dict(self.body or {})

    @property
    def callback_type(self) -> int | None:
        return self.body.get("type") if self.template.endswith("/callback") else None

    @property
    def ephemeral(self) -> bool:
        return bool((self.message.get("flags") or 0) & FLAG_EPHEMERAL)

    @property
    def content(self) -> str:
        return self.message.get("content") or ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list(self.message.get("embeds") or [])

    @property
    def embed(self) -> dict[str, Any]:
        (embed,) = self.embeds
        return embed

    @property
    def custom_ids(self) -> list[str]:
        return [
            c["custom_id"]
            for row in self.message.get("components") or []
            for c in row.get("components", [])
            if "custom_id" in c
        ]


@dataclass
class FakeRest:
    """Answers discord.py's REST calls like Discord, after checking them against the spec."""

    spec: ApiSpec
    app: FakeUser
    app_id: int
    owner: FakeUser
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(10**17))
    calls: list[Call] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    forbidden_channels: set[int] = field(default_factory=set)

    async def http_request(self, route: discord.http.Route, **kwargs: Any) -> Any:
        """Stands in for ``HTTPClient.request`` (channel messages, reactions, sync…)."""
        body = kwargs.get("json")
        if kwargs.get("files"):
            self.problems.append(f"{route.method} {route.path}: unexpected file upload")
        return self._handle(route, body, kwargs.get("params") or {})

    async def webhook_request(self, route: discord.http.Route, session: Any, **kwargs: Any) -> Any:
        """Stands in for ``AsyncWebhookAdapter.request`` (interaction callbacks, follow-ups).

        Installed as a class attribute; a bound method is not re-bound, so no adapter
        argument arrives.
        """
        return self._handle(route, kwargs.get("payload"), kwargs.get("params") or {})

    def _handle(self, route: discord.http.Route, body: Any, query: dict[str, Any]) -> Any:
        path = unquote(route.url[len(discord.http.Route.BASE) :])
        match = self.spec.match(path)
        template = match.template if match else route.path
        call = Call(route.method, path, template, body, dict(query))
        self.calls.append(call)
        if match is None or route.method not in match.methods:
            self.problems.append(f"{route.method} {path}: not a Discord API route")
            return None
        if self.spec.takes_body(route.method, template):
            for v in self.spec.validate_body(route.method, template, body):
                self.problems.append(f"{route.method} {template}: {v.describe()}")
            for v in limit_violations(route.method, template, body):
                self.problems.append(f"{route.method} {template}: {v.describe()}")
        call.response = self._respond(route.method, template, match.params, body)
        return call.response

    def _respond(self, method: str, template: str, params: dict[str, str], body: Any) -> Any:
        if template == "/users/@me":
            return self_user_payload(self.app)
        if template == "/oauth2/applications/@me":
            return application_payload(self.app_id, self.app, self.owner, 0)
        if template.endswith("/commands") and method == "PUT":
            return [
                {
                    "id": str(next(self.ids)),
                    "application_id": str(self.app_id),
                    "version": "1",
                    "type": 1,
                    "description": "",
                    **command,
                }
                for command in body
            ]
        if template == "/channels/{channel_id}/messages" and method == "POST":
            channel_id = int(params["channel_id"])
            if channel_id in self.forbidden_channels:
                raise discord.Forbidden(
                    types.SimpleNamespace(status=403, reason="Forbidden"),  # type: ignore[arg-type]
                    {"code": 50013, "message": "Missing Permissions"},
                )
            return self.message_from(body, channel_id)
        if template.endswith("/callback"):
            kind = body["type"]
            response: dict[str, Any] = {
                "interaction": {
                    "id": params["interaction_id"],
                    "type": 2,
                    "response_message_loading": kind == 5,
                    "response_message_ephemeral": bool(
                        ((body.get("data") or {}).get("flags") or 0) & FLAG_EPHEMERAL
                    ),
                }
            }
            if kind in (4, 5, 7):
                message = self.message_from(body.get("data") or {}, 0)
                response["interaction"]["response_message_id"] = message["id"]
                response["resource"] = {"type": kind, "message": message}
            return response
        if template.startswith("/webhooks/") and method in ("POST", "PATCH"):
            return self.message_from(body or {}, 0)
        return None

    def message_from(self, body: dict[str, Any], channel_id: int) -> dict[str, Any]:
        """The message Discord would create from a request body."""
        channel = FakeChannel(id=channel_id or 1, name="any")
        return message_payload(
            message_id=next(self.ids),
            channel=channel,
            author=self.app,
            content=body.get("content") or "",
            embeds=body.get("embeds"),
            components=body.get("components"),
            flags=body.get("flags") or 0,
        )

    def since(self, start: int) -> list[Call]:
        return self.calls[start:]


# ---------------------------------------------------------------------------- harness


@dataclass
class Harness:
    """A logged-in CareerBot plus a small Discord world to talk to it from."""

    bot: CareerBot
    rest: FakeRest
    store: MemoryStore
    engine: Engine
    guild: FakeGuild
    channel: FakeChannel
    other_channel: FakeChannel
    dm: FakeChannel
    me: FakeUser
    alice: FakeUser
    bob: FakeUser
    owner: FakeUser
    robot: FakeUser
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(5 * 10**17))

    @property
    def state(self) -> Any:
        return self.bot._connection

    # -- events in ---------------------------------------------------------------

    async def settle(self) -> None:
        """Wait until every task the last event started has finished."""
        for _ in range(100):
            pending = [
                t
                for t in asyncio.all_tasks()
                if t is not asyncio.current_task()
                and not t.done()
                and t.get_name().startswith(("discord", "CommandTree"))
            ]
            if not pending:
                return
            await asyncio.wait(pending, timeout=5)

    async def interaction(self, payload: dict[str, Any]) -> list[Call]:
        start = len(self.rest.calls)
        self.state.parse_interaction_create(payload)
        await self.settle()
        return self.rest.since(start)

    def _interaction_payload(
        self,
        kind: int,
        data: dict[str, Any],
        user: FakeUser | None,
        channel: FakeChannel | None,
        message: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        channel = channel or self.channel
        guild = None if channel.is_dm else self.guild
        return interaction_payload(
            interaction_id=next(self.ids),
            token=f"interaction-token-{next(self.ids)}",
            interaction_type=kind,
            app_id=self.rest.app_id,
            user=user or self.alice,
            channel=channel,
            guild=guild,
            bot_permissions=(1 << 51) - 1,
            data=data,
            message=message,
        )

    def command_data(self, name: str, *path: str, **options: Any) -> dict[str, Any]:
        """Interaction ``data`` for a synced slash command, typed from its definition."""
        definition = next(
            c for c in self.bot.command_payload() if c["name"] == name and c["type"] == CHAT_INPUT
        )
        resolved: dict[str, Any] = {}
        container: list[dict[str, Any]] = []
        top = container
        definitions = definition.get("options") or []
        for sub in path:
            node = next(d for d in definitions if d["name"] == sub)
            entry: dict[str, Any] = {"type": node["type"], "name": sub, "options": []}
            container.append(entry)
            container = entry["options"]
            definitions = node.get("options") or []
        focused = options.pop("_focused", None)
        for d in definitions:
            if d["name"] not in options:
                continue
            value = options[d["name"]]
            if isinstance(value, FakeChannel):
                resolved.setdefault("channels", {})[str(value.id)] = {
                    **channel_payload(value),
                    "permissions": str((1 << 51) - 1),
                }
                value = str(value.id)
            option: dict[str, Any] = {"type": d["type"], "name": d["name"], "value": value}
            if d["name"] == focused:
                option["focused"] = True
            container.append(option)
        data: dict[str, Any] = {
            "id": str(next(self.ids)),
            "name": name,
            "type": CHAT_INPUT,
            "options": top,
        }
        if resolved:
            data["resolved"] = resolved
        return data

    async def slash(
        self,
        name: str,
        *path: str,
        user: FakeUser | None = None,
        where: FakeChannel | None = None,
        **options: Any,
    ) -> list[Call]:
        """Invoke ``/name [path…] option=value…`` as ``user`` in channel ``where``."""
        data = self.command_data(name, *path, **options)
        return await self.interaction(
            self._interaction_payload(APPLICATION_COMMAND, data, user, where)
        )

    async def autocomplete(self, name: str, option: str, value: str) -> list[Call]:
        data = self.command_data(name, **{option: value, "_focused": option})
        return await self.interaction(self._interaction_payload(AUTOCOMPLETE, data, None, None))

    async def context_menu(
        self, target: dict[str, Any], *, user: FakeUser | None = None
    ) -> list[Call]:
        data = {
            "id": str(next(self.ids)),
            "name": "Ask CareerBot",
            "type": MESSAGE_MENU,
            "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}},
        }
        return await self.interaction(
            self._interaction_payload(APPLICATION_COMMAND, data, user, None)
        )

    async def click(
        self,
        message: dict[str, Any],
        custom_id: str,
        *,
        user: FakeUser | None = None,
        where: FakeChannel | None = None,
    ) -> list[Call]:
        assert custom_id in [
            c.get("custom_id") for row in message["components"] for c in row["components"]
        ], f"no button {custom_id!r} on the message"
        data = {"custom_id": custom_id, "component_type": 2}
        return await self.interaction(
            self._interaction_payload(COMPONENT, data, user, where, message=message)
        )

    def user_message(
        self,
        content: str,
        *,
        user: FakeUser | None = None,
        channel: FakeChannel | None = None,
        mention_me: bool = False,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        channel = channel or self.channel
        author = user or self.alice
        member = None if channel.is_dm else self.guild.member(author.id)
        mentions = [(self.me, self.guild.member(self.me.id))] if mention_me else []
        extra: dict[str, Any] = {}
        if reply_to is not None:
            extra["message_reference"] = {
                "message_id": reply_to["id"],
                "channel_id": str(channel.id),
                "type": 0,
            }
            extra["referenced_message"] = reply_to
        if "@everyone" in content:
            extra["mention_everyone"] = False  # users without the permission cannot ping
        return message_payload(
            message_id=next(self.ids),
            channel=channel,
            author=author,
            content=(f"<@{self.me.id}> {content}" if mention_me else content),
            member=member,
            mentions=mentions,
            message_type=19 if reply_to is not None else 0,
            extra=extra,
        )

    async def message(self, content: str, **kwargs: Any) -> list[Call]:
        start = len(self.rest.calls)
        self.state.parse_message_create(self.user_message(content, **kwargs))
        await self.settle()
        return self.rest.since(start)

    async def restart(self) -> None:
        """Replace the bot with a fresh process's worth of bot: same store, new memory."""
        settings = self.bot.settings
        await self.bot.close()
        self.engine.conversations = ConversationStore()
        self.bot = CareerBot(engine=self.engine, store=self.store, settings=settings)
        self.bot.http.request = self.rest.http_request  # type: ignore[method-assign]
        await self.bot.login(TEST_TOKEN)
        self.state.parse_guild_create(
            guild_create_payload(self.guild, bot_id=self.me.id, include_all_members=True)
        )

    def sent(self, call: Call) -> dict[str, Any]:
        """The message Discord created for a reply (to click its buttons)."""
        if call.template.endswith("/callback"):
            return call.response["resource"]["message"]
        return call.response


def _world() -> dict[str, Any]:
    me = FakeUser(id=900, username="CareerBot", bot=True)
    alice = FakeUser(id=101, username="alice")
    bob = FakeUser(id=102, username="bob")
    owner = FakeUser(id=103, username="owner")
    robot = FakeUser(id=104, username="otherbot", bot=True)
    guild_id = 800
    channel = FakeChannel(id=801, name="careers", guild_id=guild_id)
    other = FakeChannel(id=802, name="general", guild_id=guild_id)
    admin = FakeRole(id=803, name="admin", permissions=PERM_ADMINISTRATOR)
    everyone = FakeRole(id=guild_id, name="@everyone", permissions=(1 << 11) | (1 << 10))
    guild = FakeGuild(
        id=guild_id,
        name="Careers",
        owner_id=owner.id,
        channels=[channel, other],
        roles=[everyone, admin],
        members=[FakeMember(user=u) for u in (me, alice, bob, owner, robot)],
    )
    dm = FakeChannel(id=804, name="dm", type=1, recipient=alice)
    return {
        "me": me,
        "alice": alice,
        "bob": bob,
        "owner": owner,
        "robot": robot,
        "guild": guild,
        "channel": channel,
        "other_channel": other,
        "dm": dm,
    }


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "token": TEST_TOKEN,
        "owner_ids": frozenset({103}),
        "sync_state": tmp_path / "sync-hash",
        "message_content": True,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def bot_settings(tmp_path: Path) -> Settings:
    """Override in a test module to run the harness with other settings."""
    return make_settings(tmp_path)


@pytest.fixture
async def discord_harness(
    engine: Engine,
    discord_spec: ApiSpec,
    bot_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Harness]:
    """A CareerBot logged in against :class:`FakeRest`, in a guild with a few members."""
    world = _world()
    monkeypatch.setattr(engine, "conversations", ConversationStore())
    rest = FakeRest(discord_spec, world["me"], app_id=700, owner=world["owner"])
    store = MemoryStore()
    bot = CareerBot(engine=engine, store=store, settings=bot_settings)
    monkeypatch.setattr(bot.http, "request", rest.http_request)
    monkeypatch.setattr(AsyncWebhookAdapter, "request", rest.webhook_request)
    await bot.login(TEST_TOKEN)
    harness = Harness(bot=bot, rest=rest, store=store, engine=engine, **world)
    bot._connection.parse_guild_create(
        guild_create_payload(harness.guild, bot_id=harness.me.id, include_all_members=True)
    )
    try:
        yield harness
    finally:
        await harness.bot.close()
    assert not rest.problems, "requests Discord would reject:\n" + "\n".join(rest.problems)
