"""The fake's world: users, guilds, channels and DMs, plus snowflake ids.

Defaults give every test a realistic small setup: the bot user, a guild owner,
a regular user "alice", and "Fake Guild" with a #general text channel, an
@everyone role and a managed bot role.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .payloads import (
    CHANNEL_DM,
    CHANNEL_GUILD_VOICE,
    EVERYONE_PERMISSIONS,
    PERM_ADMINISTRATOR,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    SnowflakeFactory,
)

_MENTION = re.compile(r"<@!?(\d+)>")
PERM_MANAGE_MESSAGES = 1 << 13


class World:
    """Users, guilds and channels the fake knows; ``bot_user`` is the bot under test."""

    def __init__(self) -> None:
        self.ids = SnowflakeFactory()
        self._users: dict[int, FakeUser] = {}
        self._dms: dict[int, FakeChannel] = {}
        self.guilds: list[FakeGuild] = []
        self.bot_user = self.add_user("FakeBot", bot=True)
        self.owner = self.add_user("owner", global_name="Guild Owner")
        self.user = self.add_user("alice", global_name="Alice")
        self.guild = self.add_guild("Fake Guild", owner=self.owner, members=[self.user])
        self.channel = self.guild.channel("general")

    @property
    def application_id(self) -> int:
        return self.bot_user.id  # modern applications share the bot user's id

    def add_user(
        self, username: str, *, bot: bool = False, global_name: str | None = None
    ) -> FakeUser:
        user = FakeUser(id=self.ids(), username=username, global_name=global_name, bot=bot)
        self._users[user.id] = user
        return user

    def add_guild(
        self,
        name: str,
        *,
        owner: FakeUser | None = None,
        members: Iterable[FakeUser] = (),
        channels: Sequence[str] = ("general",),
    ) -> FakeGuild:
        """A guild with @everyone, a managed bot role, the bot, and text channels."""
        guild_id = self.ids()
        owner = owner or self.owner
        bot_role = FakeRole(
            self.ids(),
            self.bot_user.username,
            EVERYONE_PERMISSIONS | PERM_MANAGE_MESSAGES,
            position=1,
            managed=True,
        )
        guild = FakeGuild(
            id=guild_id,
            name=name,
            owner_id=owner.id,
            roles=[FakeRole(guild_id, "@everyone", EVERYONE_PERMISSIONS), bot_role],
        )
        for user in (owner, self.bot_user, *members):
            roles = [bot_role.id] if user is self.bot_user else []
            guild.members.append(FakeMember(user=user, roles=roles))
        for channel_name in channels:
            self.add_channel(guild, channel_name)
        self.guilds.append(guild)
        return guild

    def add_channel(self, guild: FakeGuild, name: str, *, type: int = 0) -> FakeChannel:
        channel = FakeChannel(self.ids(), name, type, guild.id, position=len(guild.channels))
        guild.channels.append(channel)
        return channel

    def add_voice_channel(self, guild: FakeGuild, name: str) -> FakeChannel:
        return self.add_channel(guild, name, type=CHANNEL_GUILD_VOICE)

    def add_member(
        self, guild: FakeGuild, user: FakeUser, roles: Iterable[FakeRole] = ()
    ) -> FakeMember:
        member = FakeMember(user=user, roles=[r.id for r in roles])
        guild.members.append(member)
        return member

    def add_role(self, guild: FakeGuild, name: str, permissions: int = 0) -> FakeRole:
        role = FakeRole(self.ids(), name, permissions, position=len(guild.roles))
        guild.roles.append(role)
        return role

    def make_admin(self, guild: FakeGuild, user: FakeUser) -> None:
        role = self.add_role(guild, "admin", PERM_ADMINISTRATOR)
        member = guild.member(user.id) or self.add_member(guild, user)
        member.roles.append(role.id)

    def dm_channel(self, user: FakeUser) -> FakeChannel:
        """The bot's DM channel with ``user`` (created on first use, like Discord)."""
        if user.id not in self._dms:
            self._dms[user.id] = FakeChannel(self.ids(), "", CHANNEL_DM, None, recipient=user)
        return self._dms[user.id]

    def find_user(self, user_id: int) -> FakeUser | None:
        return self._users.get(int(user_id))

    def find_guild(self, guild_id: int | None) -> FakeGuild | None:
        return next((g for g in self.guilds if g.id == guild_id), None)

    def find_channel(self, channel_id: int) -> FakeChannel | None:
        for guild in self.guilds:
            for channel in guild.channels:
                if channel.id == channel_id:
                    return channel
        return next((c for c in self._dms.values() if c.id == channel_id), None)

    def mentioned_users(
        self, content: str, guild_id: int | None
    ) -> list[tuple[FakeUser, FakeMember | None]]:
        """Users ``<@id>``-mentioned in ``content``, as Discord fills ``mentions``."""
        guild = self.find_guild(guild_id)
        found: list[tuple[FakeUser, FakeMember | None]] = []
        for match in _MENTION.finditer(content):
            user = self.find_user(int(match.group(1)))
            if user is not None and all(user is not u for u, _ in found):
                found.append((user, guild.member(user.id) if guild else None))
        return found
