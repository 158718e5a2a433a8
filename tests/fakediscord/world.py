"""What the fake Discord knows (users, guilds, channels, ids) and the JSON it sends about it.

Why: the bot must meet the objects Discord really sends, so the builders below emit
the fields discord.py reads without a default; a payload that works here has the
shape the bot meets in production. Ids are real-looking snowflakes because
discord.py derives ``created_at`` and a guild's shard from them.

The default world is what most tests need: the bot, a guild owner, a member
"alice", and "Fake Guild" with a #general channel.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000
PERM_ADMINISTRATOR = 1 << 3
ALL_PERMISSIONS = (1 << 51) - 1
# Add reactions, view channel, send, embed links, attach files, read history, use commands.
EVERYONE_PERMISSIONS = sum(1 << bit for bit in (6, 10, 11, 14, 15, 16, 31))
CHANNEL_TEXT, CHANNEL_DM = 0, 1
_MENTION = re.compile(r"<@!?(\d+)>")


def iso_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


@dataclass
class FakeUser:
    id: int
    username: str
    bot: bool = False

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass
class FakeRole:
    id: int
    name: str
    permissions: int = 0


@dataclass
class FakeMember:
    user: FakeUser
    roles: list[int] = field(default_factory=list)


@dataclass
class FakeChannel:
    """A guild text channel or a DM; ``bot_can_send=False`` makes sends fail with 50013."""

    id: int
    name: str
    guild_id: int | None = None
    recipient: FakeUser | None = None
    position: int = 0
    bot_can_send: bool = True

    @property
    def is_dm(self) -> bool:
        return self.guild_id is None


@dataclass
class FakeGuild:
    id: int
    name: str
    owner_id: int
    channels: list[FakeChannel] = field(default_factory=list)
    roles: list[FakeRole] = field(default_factory=list)
    members: list[FakeMember] = field(default_factory=list)

    def member(self, user_id: int) -> FakeMember | None:
        return next((m for m in self.members if m.user.id == user_id), None)

    def permissions_of(self, user_id: int) -> int:
        """Guild-level permissions: the owner and administrators have them all."""
        member = self.member(user_id)
        granted = 0
        for role in self.roles:
            if role.id == self.id or (member is not None and role.id in member.roles):
                granted |= role.permissions
        admin = user_id == self.owner_id or granted & PERM_ADMINISTRATOR
        return ALL_PERMISSIONS if admin else granted


class World:
    """Users, guilds and channels; ``bot_user`` is the bot under test."""

    def __init__(self) -> None:
        self._counter = itertools.count()
        self._last_id = 0
        self.users: dict[int, FakeUser] = {}
        self.channels: dict[int, FakeChannel] = {}
        self.dms: dict[int, FakeChannel] = {}
        self.guilds: list[FakeGuild] = []
        self.bot_user = self.add_user("FakeBot", bot=True)
        self.owner = self.add_user("owner")
        self.user = self.add_user("alice")
        self.guild = self.add_guild("Fake Guild", members=[self.user])
        self.channel = self.guild.channels[0]

    def ids(self) -> int:
        """A fresh snowflake: now, in Discord's epoch, and always above the last one."""
        stamp = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last_id = max(stamp | (next(self._counter) & 0xFFF), self._last_id + 1)
        return self._last_id

    @property
    def application_id(self) -> int:
        return self.bot_user.id  # applications share their bot user's id

    def add_user(self, username: str, *, bot: bool = False) -> FakeUser:
        user = FakeUser(self.ids(), username, bot)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str,
        *,
        owner: FakeUser | None = None,
        members: Iterable[FakeUser] = (),
        channels: Iterable[str] = ("general",),
    ) -> FakeGuild:
        """A guild with @everyone, the bot's managed role, the bot, and text channels."""
        guild_id = self.ids()
        owner = owner or self.owner
        bot_role = FakeRole(self.ids(), self.bot_user.username, EVERYONE_PERMISSIONS)
        everyone = FakeRole(guild_id, "@everyone", EVERYONE_PERMISSIONS)
        guild = FakeGuild(guild_id, name, owner.id, roles=[everyone, bot_role])
        guild.members.append(FakeMember(self.bot_user, [bot_role.id]))
        for user in (owner, *members):
            self.add_member(guild, user)
        for channel in channels:
            self.add_channel(guild, channel)
        self.guilds.append(guild)
        return guild

    def add_channel(self, guild: FakeGuild, name: str) -> FakeChannel:
        channel = FakeChannel(self.ids(), name, guild.id, position=len(guild.channels))
        guild.channels.append(channel)
        self.channels[channel.id] = channel
        return channel

    def add_member(self, guild: FakeGuild, user: FakeUser) -> FakeMember:
        member = FakeMember(user)
        guild.members.append(member)
        return member

    def make_admin(self, guild: FakeGuild, user: FakeUser) -> None:
        role = FakeRole(self.ids(), "admin", PERM_ADMINISTRATOR)
        guild.roles.append(role)
        member = guild.member(user.id) or self.add_member(guild, user)
        member.roles.append(role.id)

    def dm_channel(self, user: FakeUser) -> FakeChannel:
        """The bot's DM channel with ``user``, created on first use like Discord's."""
        if user.id not in self.dms:
            self.dms[user.id] = FakeChannel(self.ids(), "", recipient=user)
            self.channels[self.dms[user.id].id] = self.dms[user.id]
        return self.dms[user.id]

    def find_guild(self, guild_id: int | None) -> FakeGuild | None:
        return next((g for g in self.guilds if g.id == guild_id), None)

    def find_channel(self, channel_id: int) -> FakeChannel | None:
        return self.channels.get(channel_id)

    def mentions(self, content: str, guild_id: int | None) -> list[dict[str, Any]]:
        """``mentions`` of a message: the users ``<@id>``-mentioned in its content."""
        guild = self.find_guild(guild_id)
        found = []
        for user_id in dict.fromkeys(int(m) for m in _MENTION.findall(content)):
            if user_id in self.users:
                entry = user_payload(self.users[user_id])
                member = guild.member(user_id) if guild else None
                if member is not None:
                    entry["member"] = member_payload(member, with_user=False)
                found.append(entry)
        return found


# ------------------------------------------------------------------- payloads
def user_payload(user: FakeUser) -> dict[str, Any]:
    return {
        "id": str(user.id),
        "username": user.username,
        "discriminator": "0",
        "avatar": None,
        "bot": user.bot,
    }


def member_payload(member: FakeMember, *, with_user: bool = True) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "roles": [str(r) for r in member.roles],
        "joined_at": iso_now(),
        "flags": 0,
    }
    if with_user:
        payload["user"] = user_payload(member.user)
    return payload


def channel_payload(channel: FakeChannel) -> dict[str, Any]:
    if channel.is_dm:
        recipients = [user_payload(channel.recipient)] if channel.recipient else []
        return {"id": str(channel.id), "type": CHANNEL_DM, "recipients": recipients}
    return {
        "id": str(channel.id),
        "type": CHANNEL_TEXT,
        "guild_id": str(channel.guild_id),
        "name": channel.name,
        "position": channel.position,
        "permission_overwrites": [],
    }


def guild_payload(guild: FakeGuild, *, members: Iterable[FakeMember]) -> dict[str, Any]:
    """GUILD_CREATE (Discord sends every member only with the GUILD_PRESENCES intent)."""
    roles = [
        {"id": str(r.id), "name": r.name, "permissions": str(r.permissions)} for r in guild.roles
    ]
    return {
        "id": str(guild.id),
        "name": guild.name,
        "owner_id": str(guild.owner_id),
        "unavailable": False,
        "roles": roles,
        "channels": [channel_payload(c) for c in guild.channels],
        "members": [member_payload(m) for m in members],
    }


def message_payload(
    message_id: int, channel: FakeChannel, author: FakeUser, body: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    """A message object as in MESSAGE_CREATE and REST answers, built from a send body."""
    payload: dict[str, Any] = {
        "id": str(message_id),
        "channel_id": str(channel.id),
        "author": user_payload(author),
        "content": body.get("content") or "",
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [{"type": "rich", **e} for e in body.get("embeds") or []],
        "components": body.get("components") or [],
        "pinned": False,
        "type": 0,
        "flags": body.get("flags") or 0,
        **extra,
    }
    if channel.guild_id is not None:
        payload["guild_id"] = str(channel.guild_id)
    return payload


def interaction_payload(
    world: World,
    interaction_id: int,
    token: str,
    kind: int,
    user: FakeUser,
    channel: FakeChannel,
    data: dict[str, Any],
    message: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """INTERACTION_CREATE with every field discord.py 2.7 reads without a default."""
    payload: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(world.application_id),
        "type": kind,
        "token": token,
        "version": 1,
        "channel_id": str(channel.id),
        "channel": channel_payload(channel),
        "attachment_size_limit": 10 * 1024 * 1024,
        "data": data,
    }
    if message is not None:
        payload["message"] = message
    guild = world.find_guild(channel.guild_id)
    if guild is None:
        # A guild-installed app used in the bot's DM: the owner key is "0".
        payload.update(user=user_payload(user), context=1, app_permissions=str(ALL_PERMISSIONS))
        payload["authorizing_integration_owners"] = {"0": "0"}
        return payload
    member = guild.member(user.id) or FakeMember(user)
    permissions = str(guild.permissions_of(user.id))
    payload.update(
        guild_id=str(guild.id),
        member={**member_payload(member), "permissions": permissions},
        app_permissions=str(guild.permissions_of(world.bot_user.id)),
        authorizing_integration_owners={"0": str(guild.id)},
        context=0,
    )
    payload["channel"]["permissions"] = permissions
    return payload
