"""The interaction ``data`` a person's Discord client sends, and only what it could send.

Why: a test must not reach a code path production cannot. A person can only run a
command the bot synced and that is visible to them in that place, fill the options
it declares with their declared types and choices, and click an enabled button that
is on the message. Misuse raises in the test (``LookupError``, ``ValueError``,
``PermissionError``) instead of failing obscurely inside the bot.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .world import ALL_PERMISSIONS, FakeChannel, FakeGuild, World, channel_payload

SUBCOMMAND, GROUP, STRING, INTEGER, BOOLEAN, CHANNEL, NUMBER = 1, 2, 3, 4, 5, 7, 10
_CONVERT = {STRING: str, INTEGER: int, BOOLEAN: bool, NUMBER: float}


def visible_command(
    world: World, name: str, kind: int, guild: FakeGuild | None, user_id: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The synced command this user sees here: guild commands first, then global.

    Like the client, hides a command whose ``contexts``/``dm_permission`` exclude the
    place and, in a guild, one whose ``default_member_permissions`` the user lacks.
    """
    scopes = [guild.id, None] if guild else [None]
    found = [
        c
        for scope in scopes
        for c in world.commands.get(scope, [])
        if c["name"] == name and c["type"] == kind
    ]
    if not found:
        raise LookupError(f"no synced command {name!r} of type {kind}; did the bot sync?")
    command: dict[str, Any] = found[0]
    context = 0 if guild else 1  # GUILD, BOT_DM
    if context not in (command.get("contexts") or [context]) or (
        guild is None and command.get("dm_permission") is False
    ):
        raise LookupError(f"command {name!r} is not offered in context {context}")
    needed = command.get("default_member_permissions")
    if guild is not None and needed is not None:
        held = guild.permissions_of(user_id)
        if (held != ALL_PERMISSIONS) if int(needed) == 0 else (held & int(needed) != int(needed)):
            raise PermissionError(f"user {user_id} cannot see {name!r} (needs {needed})")
    data: dict[str, Any] = {"id": command["id"], "name": name, "type": kind}
    if "guild_id" in command:
        data["guild_id"] = command["guild_id"]
    return command, data


def fill_options(
    world: World,
    command: dict[str, Any],
    data: dict[str, Any],
    path: list[str],
    values: Mapping[str, Any],
    focused: str | None,
) -> None:
    """Add typed ``options`` (and ``resolved`` channels) for ``/command path… values``."""
    definitions: list[dict[str, Any]] = command.get("options") or []
    container = data.setdefault("options", [])
    for name in path:
        node = next((d for d in definitions if d["name"] == name and d["type"] in (1, 2)), None)
        if node is None:
            raise LookupError(f"/{command['name']} has no subcommand {name!r}")
        container.append({"type": node["type"], "name": name, "options": []})
        container, definitions = container[-1]["options"], node.get("options") or []
    known = {d["name"]: d for d in definitions if d["type"] not in (SUBCOMMAND, GROUP)}
    if unknown := set(values) - set(known):
        raise ValueError(f"unknown options {sorted(unknown)}; the command has {sorted(known)}")
    for name, definition in known.items():
        if name not in values:
            if definition.get("required") and focused is None:
                raise ValueError(f"required option {name!r} missing")
            continue
        option: dict[str, Any] = {"type": definition["type"], "name": name}
        if name == focused:
            option.update(value=str(values[name]), focused=True)
        else:
            option["value"] = _typed(world, definition, values[name], data, focused is None)
        container.append(option)


def _typed(
    world: World, definition: dict[str, Any], value: Any, data: dict[str, Any], whole: bool
) -> Any:
    kind = definition["type"]
    if kind == CHANNEL and isinstance(value, FakeChannel):
        resolved = {**channel_payload(value), "permissions": str(ALL_PERMISSIONS)}
        data.setdefault("resolved", {}).setdefault("channels", {})[str(value.id)] = resolved
        return str(value.id)
    if kind not in _CONVERT or (kind == INTEGER and isinstance(value, bool)):
        raise ValueError(
            f"the fake cannot fill {definition['name']!r} (type {kind}) with {value!r}"
        )
    converted = _CONVERT[kind](value)
    choices = [c["value"] for c in definition.get("choices") or []]
    if whole and choices and converted not in choices:
        raise ValueError(f"{converted!r} is not a choice of {definition['name']!r}: {choices}")
    return converted


def button_data(components: list[dict[str, Any]], custom_id: str) -> dict[str, Any]:
    """A click on the enabled button ``custom_id`` among a message's components."""
    buttons = [c for row in components for c in row.get("components") or []]
    button = next((b for b in buttons if b.get("custom_id") == custom_id), None)
    if button is None:
        present = [b.get("custom_id") for b in buttons]
        raise LookupError(f"the message has no button {custom_id!r}; it has {present}")
    if button.get("disabled"):
        raise ValueError(f"button {custom_id!r} is disabled; nobody can click it")
    return {"custom_id": custom_id, "component_type": button["type"]}
