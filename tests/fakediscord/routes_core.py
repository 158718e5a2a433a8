"""REST handlers for identity, gateway discovery, users and application commands."""

from __future__ import annotations

import copy
from typing import Any

from .api import ApiError, Context, Result
from .payloads import application_payload, member_payload, self_user_payload, user_payload


async def get_me(ctx: Context) -> Result:
    return Result(200, self_user_payload(ctx.fake.bot_user))


async def get_application(ctx: Context) -> Result:
    fake = ctx.fake
    payload = application_payload(
        fake.application_id, fake.bot_user, fake.owner, fake.application_flags
    )
    return Result(200, payload)


async def get_gateway(ctx: Context) -> Result:
    return Result(200, {"url": ctx.fake.gateway_url})


async def get_gateway_bot(ctx: Context) -> Result:
    limit = {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1}
    return Result(
        200,
        {
            "url": ctx.fake.gateway_url,
            "shards": ctx.fake.config.shard_count,
            "session_start_limit": limit,
        },
    )


async def get_user(ctx: Context) -> Result:
    user = ctx.fake.find_user(ctx.snowflake("user_id"))
    if user is None:
        raise ApiError(404, 10013, "Unknown User", "fetched an unknown user")
    return Result(200, user_payload(user))


async def get_member(ctx: Context) -> Result:
    guild = ctx.fake.find_guild(ctx.snowflake("guild_id"))
    member = guild.member(ctx.snowflake("user_id")) if guild else None
    if member is None:
        raise ApiError(404, 10007, "Unknown Member", "fetched an unknown member")
    return Result(200, member_payload(member))


# --------------------------------------------------------------------- commands
def _check_application(ctx: Context) -> None:
    if ctx.snowflake("application_id") != ctx.fake.application_id:
        raise ApiError(403, 50001, "Missing Access", "application_id is not the bot's application")


def _command_scope(ctx: Context) -> int | None:
    _check_application(ctx)
    if "guild_id" not in ctx.params:
        return None
    guild_id = ctx.snowflake("guild_id")
    if ctx.fake.find_guild(guild_id) is None:
        raise ApiError(403, 50001, "Missing Access", f"commands for unknown guild {guild_id}")
    return guild_id


def _command_object(ctx: Context, body: dict[str, Any], guild_id: int | None) -> dict[str, Any]:
    """Store a command as Discord returns it, keeping the id of a same-name command."""
    fake = ctx.fake
    kind = body.get("type") or 1
    existing = next(
        (
            c
            for c in fake.commands.get(guild_id, [])
            if c["name"] == body["name"] and c["type"] == kind
        ),
        None,
    )
    permissions = body.get("default_member_permissions")
    command: dict[str, Any] = {
        "id": existing["id"] if existing else str(fake.ids()),
        "application_id": str(fake.application_id),
        "version": str(fake.ids()),
        "type": kind,
        "name": body["name"],
        "description": body.get("description") or "",
        "default_member_permissions": None if permissions is None else str(permissions),
        "dm_permission": body.get("dm_permission", True),
        "nsfw": bool(body.get("nsfw")),
        "contexts": body.get("contexts"),
        "integration_types": body.get("integration_types") or [0],
    }
    for key in ("options", "name_localizations", "description_localizations"):
        if body.get(key):
            command[key] = copy.deepcopy(body[key])
    if guild_id is not None:
        command["guild_id"] = str(guild_id)
    return command


async def get_commands(ctx: Context) -> Result:
    return Result(200, ctx.fake.commands.get(_command_scope(ctx), []))


async def put_commands(ctx: Context) -> Result:
    guild_id = _command_scope(ctx)
    commands = [_command_object(ctx, body, guild_id) for body in ctx.body or []]
    ctx.fake.commands[guild_id] = commands
    return Result(200, commands)


async def post_command(ctx: Context) -> Result:
    guild_id = _command_scope(ctx)
    command = _command_object(ctx, ctx.body, guild_id)
    others = [c for c in ctx.fake.commands.get(guild_id, []) if c["id"] != command["id"]]
    ctx.fake.commands[guild_id] = [*others, command]
    return Result(200, command)


async def delete_command(ctx: Context) -> Result:
    guild_id = _command_scope(ctx)
    command_id = ctx.params["command_id"]
    commands = ctx.fake.commands.get(guild_id, [])
    if not any(c["id"] == command_id for c in commands):
        raise ApiError(404, 10063, "Unknown application command", "deleted an unknown command")
    ctx.fake.commands[guild_id] = [c for c in commands if c["id"] != command_id]
    return Result(204)
