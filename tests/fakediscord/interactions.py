"""Build interaction ``data`` the way the Discord client would for a real user.

A user can only invoke commands the bot synced, fill options those commands
declare (with their declared types and choices), and click components that exist
on a message. These builders enforce that, so a test cannot accidentally exercise
a code path production can never reach; misuse raises ``ValueError``/``LookupError``
in the test rather than a confusing failure inside the bot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .limits import walk_components
from .payloads import (
    ALL_PERMISSIONS,
    FakeChannel,
    FakeGuild,
    FakeRole,
    FakeUser,
    channel_payload,
    member_payload,
    role_payload,
    user_payload,
)

if TYPE_CHECKING:
    from .server import FakeDiscord

SUBCOMMAND, SUBCOMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = (
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
    11,
)
SELECT_TYPES = {3: "string", 5: "user", 6: "role", 7: "mentionable", 8: "channel"}


def find_command(
    commands: Mapping[int | None, Sequence[dict[str, Any]]],
    name: str,
    kind: int,
    guild: FakeGuild | None,
    user_id: int,
) -> dict[str, Any]:
    """The synced command the user would see in this place, guild commands first.

    Like the Discord client, hides commands whose ``contexts``/``dm_permission``
    exclude the place and, in guilds, those whose ``default_member_permissions``
    the user lacks (so a test cannot run an admin command as a regular member).
    """
    guild_id = guild.id if guild else None
    scopes = [guild_id, None] if guild_id is not None else [None]
    candidates = [
        command
        for scope in scopes
        for command in commands.get(scope, [])
        if command["name"] == name and command["type"] == kind
    ]
    if not candidates:
        synced = sorted({c["name"] for scope in scopes for c in commands.get(scope, [])})
        raise LookupError(
            f"no synced command {name!r} (type {kind}) visible in guild {guild_id}; "
            f"synced: {synced} — did the bot sync its command tree?"
        )
    command = candidates[0]
    context = 0 if guild is not None else 1  # GUILD / BOT_DM
    contexts = command.get("contexts")
    if (contexts is not None and context not in contexts) or (
        guild is None and command.get("dm_permission") is False
    ):
        raise LookupError(f"command {name!r} is not available in context {context}")
    required = command.get("default_member_permissions")
    if guild is not None and required is not None:
        needed = int(required)
        held = guild.permissions_of(user_id)  # ALL_PERMISSIONS for owner/administrator
        allowed = held == ALL_PERMISSIONS if needed == 0 else held & needed == needed
        if not allowed:
            raise PermissionError(
                f"user {user_id} lacks default_member_permissions {needed:#x} for {name!r}"
            )
    return command


class Resolver:
    """Turns users/roles/channels/attachments into ids and collects ``resolved`` data.

    Discord sends the full objects behind every id a user picked (``resolved``);
    discord.py reads them to give the bot ``Member``/``Role``/channel objects.
    """

    def __init__(self, fake: FakeDiscord, guild: FakeGuild | None) -> None:
        self._fake = fake
        self._guild = guild
        self.resolved: dict[str, dict[str, Any]] = {}

    def user(self, value: FakeUser | int | str) -> str:
        user = value if isinstance(value, FakeUser) else self._fake.find_user(int(value))
        if user is None:
            raise ValueError(f"unknown user {value!r}")
        self.resolved.setdefault("users", {})[str(user.id)] = user_payload(user)
        member = self._guild.member(user.id) if self._guild else None
        if member is not None and self._guild is not None:
            self.resolved.setdefault("members", {})[str(user.id)] = {
                **member_payload(member, with_user=False),
                "permissions": str(self._guild.permissions_of(user.id)),
            }
        return str(user.id)

    def role(self, value: FakeRole | int | str) -> str:
        roles = self._guild.roles if self._guild else []
        role = (
            value
            if isinstance(value, FakeRole)
            else next((r for r in roles if r.id == int(value)), None)
        )
        if role is None:
            raise ValueError(f"unknown role {value!r}")
        self.resolved.setdefault("roles", {})[str(role.id)] = role_payload(role)
        return str(role.id)

    def mentionable(self, value: FakeUser | FakeRole | int | str) -> str:
        if isinstance(value, FakeRole):
            return self.role(value)
        if isinstance(value, FakeUser) or self._fake.find_user(int(value)) is not None:
            return self.user(value)
        return self.role(value)

    def channel(self, value: FakeChannel | int | str) -> str:
        channel = value if isinstance(value, FakeChannel) else self._fake.find_channel(int(value))
        if channel is None:
            raise ValueError(f"unknown channel {value!r}")
        self.resolved.setdefault("channels", {})[str(channel.id)] = {
            **channel_payload(channel),
            "permissions": str(ALL_PERMISSIONS),
        }
        return str(channel.id)

    def attachment(self, value: Mapping[str, Any]) -> str:
        attachment_id = str(value.get("id") or self._fake.ids())
        filename = str(value.get("filename", "file.bin"))
        url = value.get("url") or f"https://cdn.discordapp.com/ephemeral-attachments/{filename}"
        self.resolved.setdefault("attachments", {})[attachment_id] = {
            "id": attachment_id,
            "filename": filename,
            "size": int(value.get("size", 0)),
            "url": url,
            "proxy_url": url,
            "content_type": value.get("content_type", "application/octet-stream"),
            "ephemeral": True,
        }
        return attachment_id


class OptionBuilder:
    """Turns ``{"option": value}`` into typed option payloads plus ``resolved`` data."""

    def __init__(self, resolver: Resolver) -> None:
        self._resolver = resolver

    @property
    def resolved(self) -> dict[str, dict[str, Any]]:
        return self._resolver.resolved

    def build(
        self,
        command: dict[str, Any],
        path: Sequence[str],
        values: Mapping[str, Any],
        focused: str | None = None,
    ) -> list[dict[str, Any]]:
        definitions: list[dict[str, Any]] = command.get("options") or []
        top: list[dict[str, Any]] = []
        container = top
        for name in path:
            definition = _named(
                definitions, name, f"/{command['name']}", (SUBCOMMAND, SUBCOMMAND_GROUP)
            )
            node: dict[str, Any] = {"type": definition["type"], "name": name, "options": []}
            container.append(node)
            container = node["options"]
            definitions = definition.get("options") or []
        if any(d["type"] in (SUBCOMMAND, SUBCOMMAND_GROUP) for d in definitions):
            names = [d["name"] for d in definitions]
            raise ValueError(f"/{command['name']} {' '.join(path)} needs a subcommand: {names}")
        known = {d["name"] for d in definitions}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown options {sorted(unknown)}; command has {sorted(known)}")
        if focused is not None and focused not in values:
            raise ValueError(f"focused option {focused!r} needs a (partial) value")
        for definition in definitions:
            name = definition["name"]
            if name not in values:
                if definition.get("required") and focused is None:
                    raise ValueError(f"required option {name!r} missing")
                continue
            option: dict[str, Any] = {"type": definition["type"], "name": name}
            if name == focused:
                option.update(value=str(values[name]), focused=True)
            else:
                option["value"] = self._convert(definition, values[name], focused is not None)
            container.append(option)
        return top

    def _convert(self, definition: dict[str, Any], value: Any, partial: bool) -> Any:
        kind = definition["type"]
        resolver = self._resolver
        converters: dict[int, Any] = {
            STRING: str,
            INTEGER: int,
            NUMBER: float,
            BOOLEAN: bool,
            USER: resolver.user,
            ROLE: resolver.role,
            MENTIONABLE: resolver.mentionable,
            CHANNEL: resolver.channel,
            ATTACHMENT: resolver.attachment,
        }
        if kind not in converters or (kind == INTEGER and isinstance(value, bool)):
            raise ValueError(f"cannot use {value!r} for option {definition['name']!r} ({kind})")
        converted = converters[kind](value)
        choices = [c["value"] for c in definition.get("choices") or []]
        if choices and not partial and converted not in choices:
            raise ValueError(f"{converted!r} is not a choice of {definition['name']!r}: {choices}")
        return converted


def _named(
    definitions: Sequence[dict[str, Any]], name: str, where: str, kinds: tuple[int, ...]
) -> dict[str, Any]:
    for definition in definitions:
        if definition["name"] == name and definition["type"] in kinds:
            return definition
    names = [d["name"] for d in definitions if d["type"] in kinds]
    raise LookupError(f"{where} has no subcommand {name!r}; it has {names}")


def find_component(components: Sequence[dict[str, Any]], custom_id: str) -> dict[str, Any]:
    """The clickable component with ``custom_id``, refusing disabled ones like the client."""
    for _, component in walk_components(components, ()):
        if component.get("custom_id") == custom_id:
            if component.get("disabled"):
                raise ValueError(f"component {custom_id!r} is disabled; a user cannot use it")
            return dict(component)
    present = [c.get("custom_id") for _, c in walk_components(components, ()) if c.get("custom_id")]
    raise LookupError(f"message has no component {custom_id!r}; it has {present}")


def component_data(
    component: dict[str, Any], values: Sequence[Any] | None, resolver: Resolver
) -> dict[str, Any]:
    """``data`` of a MESSAGE_COMPONENT interaction for a button click or select choice.

    String selects take option values; user/role/mentionable/channel selects take
    Fake objects or ids and get the matching ``resolved`` block.
    """
    kind = component["type"]
    data: dict[str, Any] = {"custom_id": component["custom_id"], "component_type": kind}
    if kind not in SELECT_TYPES:
        if values:
            raise ValueError("buttons take no values")
        return data
    picked = list(values or [])
    low, high = component.get("min_values", 1), component.get("max_values", 1)
    if not low <= len(picked) <= high:
        raise ValueError(f"select needs {low}..{high} values, got {picked}")
    if kind == 3:
        offered = [o["value"] for o in component.get("options") or []]
        chosen = [str(v) for v in picked]
        stray = [v for v in chosen if v not in offered]
        if stray:
            raise ValueError(f"values {stray} are not options of the select: {offered}")
    else:
        resolve = {
            5: resolver.user,
            6: resolver.role,
            7: resolver.mentionable,
            8: resolver.channel,
        }[kind]
        chosen = [resolve(v) for v in picked]
        data["resolved"] = resolver.resolved
    data["values"] = chosen
    return data


def modal_submit_data(modal: dict[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """Mirror the modal the bot opened, filling text inputs/selects from ``values``."""
    used: set[str] = set()

    def fill(component: dict[str, Any]) -> dict[str, Any]:
        custom_id = component.get("custom_id")
        kind = component["type"]
        if custom_id is None:
            return {"type": kind, "id": component.get("id", 0)}
        used.add(custom_id)
        if kind == 4:  # text input
            value = values.get(custom_id, component.get("value") or "")
            if not value and component.get("required", True):
                raise ValueError(f"modal text input {custom_id!r} is required")
            return {
                "type": 4,
                "id": component.get("id", 0),
                "custom_id": custom_id,
                "value": str(value),
            }
        chosen = values.get(custom_id) or []
        return {
            "type": kind,
            "id": component.get("id", 0),
            "custom_id": custom_id,
            "values": [str(v) for v in chosen],
        }

    rows: list[dict[str, Any]] = []
    for top in modal.get("components") or []:
        if top["type"] == 1:
            rows.append({"type": 1, "components": [fill(c) for c in top["components"]]})
        elif top["type"] == 18:
            rows.append({"type": 18, "id": top.get("id", 0), "component": fill(top["component"])})
    stray = set(values) - used
    if stray:
        raise ValueError(f"modal has no inputs {sorted(stray)}")
    return {"custom_id": modal["custom_id"], "components": rows}
