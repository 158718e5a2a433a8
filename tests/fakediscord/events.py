"""Helpers that make users act: post messages, run commands, click, submit modals.

Each helper builds the gateway payload Discord would send, dispatches it to the
session of the right shard, waits until it is on the wire, and returns a handle
(:class:`FakeMessage` / :class:`FakeInteraction`) to assert on what the bot did.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .interactions import (
    OptionBuilder,
    Resolver,
    component_data,
    find_command,
    find_component,
    modal_submit_data,
)
from .payloads import (
    EVERYONE_PERMISSIONS,
    FakeChannel,
    FakeUser,
    interaction_payload,
    message_payload,
)
from .records import FakeInteraction, FakeMessage
from .world import World

if TYPE_CHECKING:
    from .gateway import Gateway
    from .server import FakeDiscordConfig


class EventDispatcher(World):
    """The user-side actions of :class:`~tests.fakediscord.server.FakeDiscord`."""

    if TYPE_CHECKING:
        config: FakeDiscordConfig
        gateway: Gateway
        messages: dict[int, FakeMessage]
        interactions: dict[int, FakeInteraction]
        commands: dict[int | None, list[dict[str, Any]]]

    def echo(self, event: str, message: FakeMessage) -> None:
        """Tell the bot about its own message changes, as Discord does (not ephemerals)."""
        if not self.config.echo_bot_messages or message.ephemeral:
            return
        if self.gateway.session_for(message.guild_id) is None:
            return
        data = message.payload
        if event == "MESSAGE_DELETE":
            data = {"id": str(message.id), "channel_id": str(message.channel_id)}
            if message.guild_id is not None:
                data["guild_id"] = str(message.guild_id)
        self.gateway.dispatch(event, data, message.guild_id)

    async def dispatch_event(
        self, event: str, data: dict[str, Any], guild_id: int | None
    ) -> int | None:
        """Send any raw dispatch; returns its seq (None if the bot's intents exclude it)."""
        seq = self.gateway.dispatch(event, data, guild_id)
        await self._flush(guild_id)
        return seq

    async def _flush(self, guild_id: int | None) -> None:
        session = self.gateway.session_for(guild_id)
        if session is not None and session.connection is not None:
            await session.connection.flush()

    async def dispatch_message(
        self,
        channel: FakeChannel | int,
        author: FakeUser | None = None,
        content: str = "",
        *,
        mentions: Iterable[FakeUser | int] = (),
        embeds: list[dict[str, Any]] | None = None,
        reply_to: FakeMessage | None = None,
        guild_id: int | None = None,
    ) -> FakeMessage:
        """A user posts a message (guild channel or DM); MESSAGE_CREATE goes to the bot."""
        target = self._channel(channel)
        if guild_id is not None and target.guild_id != guild_id:
            raise ValueError(f"channel {target.id} is not in guild {guild_id}")
        author = author or self.user
        guild = self.find_guild(target.guild_id)
        found = self.mentioned_users(content, target.guild_id)
        for extra in mentions:
            user = extra if isinstance(extra, FakeUser) else self.find_user(extra)
            if user is not None and all(user is not u for u, _ in found):
                found.append((user, guild.member(user.id) if guild else None))
        extra_fields: dict[str, Any] = {}
        if reply_to is not None:
            extra_fields = reply_to.reply_fields()
        payload = message_payload(
            message_id=self.ids(),
            channel=target,
            author=author,
            content=content,
            member=guild.member(author.id) if guild else None,
            mentions=found,
            embeds=embeds,
            message_type=19 if reply_to else 0,
            extra=extra_fields,
        )
        message = FakeMessage(int(payload["id"]), target.id, target.guild_id, payload, "user")
        self.messages[message.id] = message
        await self.dispatch_event("MESSAGE_CREATE", payload, target.guild_id)
        return message

    async def dispatch_slash(
        self,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        user: FakeUser | None = None,
        channel: FakeChannel | int | None = None,
        locale: str = "en-US",
    ) -> FakeInteraction:
        """A user runs ``/name`` (``"group sub"`` for subcommands) with typed options."""
        return await self._command_interaction(2, name, options or {}, None, user, channel, locale)

    async def dispatch_autocomplete(
        self,
        name: str,
        options: Mapping[str, Any],
        focused: str,
        *,
        user: FakeUser | None = None,
        channel: FakeChannel | int | None = None,
    ) -> FakeInteraction:
        """A user types into option ``focused``; the bot must answer with type 8 choices."""
        return await self._command_interaction(4, name, options, focused, user, channel, "en-US")

    async def _command_interaction(
        self,
        kind: int,
        name: str,
        options: Mapping[str, Any],
        focused: str | None,
        user: FakeUser | None,
        channel: FakeChannel | int | None,
        locale: str,
    ) -> FakeInteraction:
        target = self._channel(channel if channel is not None else self.channel)
        root, *path = name.split()
        data = self._command_data(root, 1, target, user)
        builder = OptionBuilder(Resolver(self, self.find_guild(target.guild_id)))
        built = builder.build(self._synced(data), path, options, focused)
        if built:
            data["options"] = built
        if builder.resolved:
            data["resolved"] = builder.resolved
        return await self._dispatch_interaction(kind, data, user, target, locale=locale)

    def _command_data(
        self, name: str, kind: int, channel: FakeChannel, user: FakeUser | None
    ) -> dict[str, Any]:
        """``data`` skeleton for a synced command this user can see in ``channel``."""
        guild = self.find_guild(channel.guild_id)
        invoker = (user or self.user).id
        command = find_command(self.commands, name, kind, guild, invoker)
        data: dict[str, Any] = {"id": command["id"], "name": name, "type": kind}
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        return data

    def _synced(self, data: dict[str, Any]) -> dict[str, Any]:
        scope = int(data["guild_id"]) if "guild_id" in data else None
        return next(c for c in self.commands.get(scope, []) if c["id"] == data["id"])

    async def dispatch_context_menu(
        self, name: str, target_message: FakeMessage | int, *, user: FakeUser | None = None
    ) -> FakeInteraction:
        """A user picks message command ``name`` on ``target_message``."""
        message = self._message(target_message)
        channel = self._channel(message.channel_id)
        data = self._command_data(name, 3, channel, user)
        data["target_id"] = str(message.id)
        data["resolved"] = {"messages": {str(message.id): message.payload}}
        return await self._dispatch_interaction(2, data, user, channel)

    async def dispatch_user_command(
        self,
        name: str,
        target: FakeUser,
        *,
        user: FakeUser | None = None,
        channel: FakeChannel | int | None = None,
    ) -> FakeInteraction:
        """A user picks user command ``name`` on ``target``."""
        where = self._channel(channel if channel is not None else self.channel)
        data = self._command_data(name, 2, where, user)
        resolver = Resolver(self, self.find_guild(where.guild_id))
        data["target_id"] = resolver.user(target)
        data["resolved"] = resolver.resolved
        return await self._dispatch_interaction(2, data, user, where)

    async def dispatch_component(
        self,
        custom_id: str,
        message: FakeMessage | int,
        *,
        values: Sequence[Any] | None = None,
        user: FakeUser | None = None,
    ) -> FakeInteraction:
        """A user clicks a button / picks select ``values`` on one of the bot's messages."""
        target = self._message(message)
        if target.source == "user":
            raise ValueError("components on user messages never reach the bot")
        component = find_component(target.components, custom_id)
        channel = self._channel(target.channel_id)
        data = component_data(component, values, Resolver(self, self.find_guild(channel.guild_id)))
        interaction = await self._dispatch_interaction(
            3, data, user, channel, message=target.payload, component_message_id=target.id
        )
        return interaction

    async def dispatch_modal_submit(
        self,
        opened_by: FakeInteraction,
        values: Mapping[str, Any],
        *,
        user: FakeUser | None = None,
    ) -> FakeInteraction:
        """A user submits the modal the bot opened in reply to ``opened_by``."""
        if opened_by.modal is None:
            raise ValueError(f"interaction {opened_by.id} was not answered with a modal")
        data = modal_submit_data(opened_by.modal, values)
        channel = self._channel(opened_by.channel_id)
        message = None
        if opened_by.component_message_id is not None:
            message = self.messages[opened_by.component_message_id].payload
        return await self._dispatch_interaction(
            5,
            data,
            user,
            channel,
            message=message,
            component_message_id=opened_by.component_message_id,
        )

    async def _dispatch_interaction(
        self,
        kind: int,
        data: dict[str, Any],
        user: FakeUser | None,
        channel: FakeChannel,
        *,
        message: dict[str, Any] | None = None,
        component_message_id: int | None = None,
        locale: str = "en-US",
    ) -> FakeInteraction:
        guild = self.find_guild(channel.guild_id)
        user = user or self.user
        interaction_id = self.ids()
        token = "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)
        bot_permissions = guild.permissions_of(self.bot_user.id) if guild else EVERYONE_PERMISSIONS
        payload = interaction_payload(
            interaction_id=interaction_id,
            token=token,
            interaction_type=kind,
            app_id=self.application_id,
            user=user,
            channel=channel,
            guild=guild,
            bot_permissions=bot_permissions,
            data=data,
            message=message,
            locale=locale,
        )
        interaction = FakeInteraction(
            id=interaction_id,
            token=token,
            type=kind,
            payload=payload,
            channel_id=channel.id,
            guild_id=channel.guild_id,
            component_message_id=component_message_id,
        )
        self.interactions[interaction.id] = interaction
        interaction.dispatched_at = time.monotonic()
        await self.dispatch_event("INTERACTION_CREATE", payload, channel.guild_id)
        return interaction

    def _channel(self, channel: FakeChannel | int) -> FakeChannel:
        if isinstance(channel, FakeChannel):
            return channel
        found = self.find_channel(channel)
        if found is None:
            raise LookupError(f"unknown channel {channel}")
        return found

    def _message(self, message: FakeMessage | int) -> FakeMessage:
        found = self.messages.get(message.id if isinstance(message, FakeMessage) else message)
        if found is None or found.deleted:
            raise LookupError(f"unknown or deleted message {message!r}")
        return found
