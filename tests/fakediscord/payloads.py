"""The fake's world (users, guilds, channels) and the JSON Discord sends about it.

Builders produce payloads with the fields the real API sends and discord.py reads
without ``.get`` (``member.flags``, ``user.global_name``, ``attachment_size_limit``…),
so a payload that works here also has the shape the bot meets in production.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000
API_VERSION = 10

# Permission bits used to give members/the bot sensible defaults.
PERM_ADD_REACTIONS = 1 << 6
PERM_VIEW_CHANNEL = 1 << 10
PERM_SEND_MESSAGES = 1 << 11
PERM_EMBED_LINKS = 1 << 14
PERM_ATTACH_FILES = 1 << 15
PERM_READ_HISTORY = 1 << 16
PERM_USE_APP_COMMANDS = 1 << 31
PERM_ADMINISTRATOR = 1 << 3
ALL_PERMISSIONS = (1 << 51) - 1
EVERYONE_PERMISSIONS = (
    PERM_ADD_REACTIONS
    | PERM_VIEW_CHANNEL
    | PERM_SEND_MESSAGES
    | PERM_EMBED_LINKS
    | PERM_ATTACH_FILES
    | PERM_READ_HISTORY
    | PERM_USE_APP_COMMANDS
)

CHANNEL_GUILD_TEXT = 0
CHANNEL_DM = 1
CHANNEL_GUILD_VOICE = 2
CHANNEL_GUILD_CATEGORY = 4
TEXT_LIKE_CHANNELS = frozenset({0, 1, 2, 5, 10, 11, 12, 13})


class SnowflakeFactory:
    """Real-looking, strictly increasing snowflakes.

    They encode the current time because discord.py derives ``created_at`` and the
    shard of a guild (``(guild_id >> 22) % shard_count``) from them.
    """

    def __init__(self) -> None:
        self._counter = itertools.count()
        self._last = 0

    def __call__(self) -> int:
        stamp = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        value = stamp | (1 << 17) | (next(self._counter) & 0xFFF)
        self._last = max(value, self._last + 1)
        return self._last


def iso_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


@dataclass
class FakeUser:
    """A Discord user; ``bot=True`` for the bot under test and other bots."""

    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    avatar: str | None = None

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass
class FakeRole:
    id: int
    name: str
    permissions: int = 0
    position: int = 0
    color: int = 0
    managed: bool = False


@dataclass
class FakeMember:
    user: FakeUser
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso_now)


@dataclass
class FakeChannel:
    """A guild channel or a DM; ``bot_can_send=False`` makes sends fail with 50013."""

    id: int
    name: str
    type: int = CHANNEL_GUILD_TEXT
    guild_id: int | None = None
    recipient: FakeUser | None = None
    position: int = 0
    bot_can_send: bool = True

    @property
    def is_dm(self) -> bool:
        return self.type == CHANNEL_DM


@dataclass
class FakeGuild:
    id: int
    name: str
    owner_id: int
    channels: list[FakeChannel] = field(default_factory=list)
    roles: list[FakeRole] = field(default_factory=list)
    members: list[FakeMember] = field(default_factory=list)
    locale: str = "en-US"

    def member(self, user_id: int) -> FakeMember | None:
        return next((m for m in self.members if m.user.id == user_id), None)

    def channel(self, name_or_id: str | int) -> FakeChannel:
        for channel in self.channels:
            if name_or_id in (channel.id, channel.name):
                return channel
        raise KeyError(f"guild {self.name!r} has no channel {name_or_id!r}")

    def permissions_of(self, user_id: int) -> int:
        """Guild-level permissions: owner/administrator get everything, else OR of roles."""
        if user_id == self.owner_id:
            return ALL_PERMISSIONS
        member = self.member(user_id)
        granted = next((r.permissions for r in self.roles if r.id == self.id), 0)
        for role in self.roles:
            if member is not None and role.id in member.roles:
                granted |= role.permissions
        return ALL_PERMISSIONS if granted & PERM_ADMINISTRATOR else granted


def user_payload(user: FakeUser) -> dict[str, Any]:
    return {
        "id": str(user.id),
        "username": user.username,
        "discriminator": "0",
        "global_name": user.global_name,
        "avatar": user.avatar,
        "bot": user.bot,
        "system": False,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
        "collectibles": None,
        "primary_guild": None,
    }


def self_user_payload(user: FakeUser) -> dict[str, Any]:
    """``GET /users/@me`` and READY's ``user`` carry a few private fields."""
    return {
        **user_payload(user),
        "mfa_enabled": True,
        "verified": True,
        "email": None,
        "locale": "en-US",
        "premium_type": 0,
    }


def member_payload(member: FakeMember, *, with_user: bool = True) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "roles": [str(r) for r in member.roles],
        "nick": member.nick,
        "avatar": None,
        "banner": None,
        "joined_at": member.joined_at,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": None,
    }
    if with_user:
        payload["user"] = user_payload(member.user)
    return payload


def role_payload(role: FakeRole) -> dict[str, Any]:
    return {
        "id": str(role.id),
        "name": role.name,
        "color": role.color,
        "colors": {"primary_color": role.color, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": role.position,
        "permissions": str(role.permissions),
        "managed": role.managed,
        "mentionable": False,
        "flags": 0,
    }


def channel_payload(channel: FakeChannel) -> dict[str, Any]:
    if channel.is_dm:
        recipients = [user_payload(channel.recipient)] if channel.recipient else []
        return {
            "id": str(channel.id),
            "type": CHANNEL_DM,
            "last_message_id": None,
            "flags": 0,
            "recipients": recipients,
        }
    return {
        "id": str(channel.id),
        "type": channel.type,
        "guild_id": str(channel.guild_id),
        "name": channel.name,
        "position": channel.position,
        "permission_overwrites": [],
        "topic": None,
        "nsfw": False,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "parent_id": None,
        "flags": 0,
    }


def guild_create_payload(
    guild: FakeGuild, *, bot_id: int, include_all_members: bool
) -> dict[str, Any]:
    """GUILD_CREATE. Without GUILD_PRESENCES Discord sends only the bot's own member."""
    members = [m for m in guild.members if include_all_members or m.user.id == bot_id]
    return {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(guild.owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "premium_progress_bar_enabled": False,
        "preferred_locale": guild.locale,
        "features": [],
        "application_id": None,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "vanity_url_code": None,
        "max_members": 500000,
        "max_video_channel_users": 25,
        "joined_at": iso_now(),
        "large": False,
        "unavailable": False,
        "lazy": True,
        "member_count": len(guild.members),
        "roles": [role_payload(r) for r in guild.roles],
        "emojis": [],
        "stickers": [],
        "channels": [channel_payload(c) for c in guild.channels],
        "threads": [],
        "members": [member_payload(m) for m in members],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "incidents_data": None,
    }


def application_payload(app_id: int, bot: FakeUser, owner: FakeUser, flags: int) -> dict[str, Any]:
    """``GET /oauth2/applications/@me``; no interactions endpoint, so events use the gateway."""
    return {
        "id": str(app_id),
        "name": bot.username,
        "icon": None,
        "description": "",
        "summary": "",
        "type": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "flags": flags,
        "owner": user_payload(owner),
        "team": None,
        "bot": user_payload(bot),
        "redirect_uris": [],
        "interactions_endpoint_url": None,
        "role_connections_verification_url": None,
        "tags": [],
        "approximate_guild_count": 1,
        "integration_types_config": {"0": {}, "1": {}},
    }


def message_payload(
    *,
    message_id: int,
    channel: FakeChannel,
    author: FakeUser,
    content: str = "",
    member: FakeMember | None = None,
    mentions: Iterable[tuple[FakeUser, FakeMember | None]] = (),
    embeds: list[dict[str, Any]] | None = None,
    components: list[dict[str, Any]] | None = None,
    attachments: list[dict[str, Any]] | None = None,
    flags: int = 0,
    message_type: int = 0,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A message object as in MESSAGE_CREATE and REST responses."""
    payload: dict[str, Any] = {
        "id": str(message_id),
        "channel_id": str(channel.id),
        "author": user_payload(author),
        "content": content,
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": mention_payloads(mentions, channel.guild_id),
        "mention_roles": [],
        "attachments": attachments or [],
        "embeds": embeds or [],
        "components": components or [],
        "pinned": False,
        "type": message_type,
        "flags": flags,
    }
    if channel.guild_id is not None:
        payload["guild_id"] = str(channel.guild_id)
        if member is not None:
            payload["member"] = member_payload(member, with_user=False)
    if extra:
        payload.update(extra)
    return payload


def mention_payloads(
    mentions: Iterable[tuple[FakeUser, FakeMember | None]], guild_id: int | None
) -> list[dict[str, Any]]:
    """``mentions`` entries: users, with a partial ``member`` inside guilds."""
    out = []
    for user, member in mentions:
        entry = user_payload(user)
        if member is not None and guild_id is not None:
            entry["member"] = member_payload(member, with_user=False)
        out.append(entry)
    return out


def interaction_payload(
    *,
    interaction_id: int,
    token: str,
    interaction_type: int,
    app_id: int,
    user: FakeUser,
    channel: FakeChannel,
    guild: FakeGuild | None,
    bot_permissions: int,
    data: dict[str, Any] | None,
    message: dict[str, Any] | None = None,
    locale: str = "en-US",
) -> dict[str, Any]:
    """INTERACTION_CREATE with every field discord.py 2.7 indexes directly."""
    payload: dict[str, Any] = {
        "id": str(interaction_id),
        "application_id": str(app_id),
        "type": interaction_type,
        "token": token,
        "version": 1,
        "channel_id": str(channel.id),
        "channel": channel_payload(channel),
        "app_permissions": str(bot_permissions),
        "locale": locale,
        "entitlements": [],
        "entitlement_sku_ids": [],
        "attachment_size_limit": 10 * 1024 * 1024,
    }
    if data is not None:
        payload["data"] = data
    if message is not None:
        payload["message"] = message
    if guild is not None:
        member = guild.member(user.id) or FakeMember(user=user)
        payload["guild_id"] = str(guild.id)
        payload["guild"] = {"id": str(guild.id), "locale": guild.locale, "features": []}
        payload["guild_locale"] = guild.locale
        payload["member"] = {
            **member_payload(member),
            "permissions": str(guild.permissions_of(user.id)),
        }
        payload["authorizing_integration_owners"] = {"0": str(guild.id)}
        payload["context"] = 0
        payload["channel"]["permissions"] = str(guild.permissions_of(user.id))
    else:
        payload["user"] = user_payload(user)
        # Guild-installed app invoked in the bot's DM: the guild owner key is "0".
        payload["authorizing_integration_owners"] = {"0": "0"}
        payload["context"] = 1
    return payload
