"""REST handlers for channel messages, plus the store of messages the bot posts.

Every message the bot creates (channel send, interaction response, follow-up) goes
through :func:`store_bot_message`, which builds the message object Discord would
return and echoes MESSAGE_CREATE to the bot, as Discord does.
"""

from __future__ import annotations

import copy
from typing import Any

from . import limits
from .api import ApiError, Context, Result
from .payloads import (
    TEXT_LIKE_CHANNELS,
    FakeChannel,
    channel_payload,
    iso_now,
    member_payload,
    mention_payloads,
    message_payload,
)
from .records import FakeInteraction, FakeMessage
from .violations import Violation

_EDITABLE = ("content", "embeds", "components", "flags", "attachments", "poll")


def _writable_channel(ctx: Context) -> FakeChannel:
    channel = ctx.fake.find_channel(ctx.snowflake("channel_id"))
    if channel is None:
        raise ApiError(404, 10003, "Unknown Channel", "request for an unknown channel")
    if channel.type not in TEXT_LIKE_CHANNELS:
        raise ApiError(
            400, 50008, "Cannot send messages in a non-text channel", "sent to a non-text channel"
        )
    if not channel.bot_can_send:
        raise ApiError(
            403, 50013, "Missing Permissions", f"no permission to send in {channel.name}"
        )
    return channel


def require_content(body: dict[str, Any], files: list[dict[str, Any]], context: str) -> None:
    if limits.is_empty_message(body, len(files)):
        raise ApiError(400, 50006, "Cannot send an empty message", f"{context}: empty message")


def _channel_message(ctx: Context, message_id: int) -> FakeMessage:
    message = ctx.fake.messages.get(message_id)
    if message is None or message.deleted or message.channel_id != ctx.snowflake("channel_id"):
        raise ApiError(404, 10008, "Unknown Message", f"unknown message {message_id}")
    return message


async def post_message(ctx: Context) -> Result:
    channel = _writable_channel(ctx)
    body: dict[str, Any] = ctx.body or {}
    require_content(body, ctx.files, "create message")
    reference = body.get("message_reference")
    referenced: FakeMessage | None = None
    if reference and reference.get("type", 0) == 0:
        referenced = ctx.fake.messages.get(int(reference.get("message_id") or 0))
        if referenced is None and reference.get("fail_if_not_exists", True):
            violation = Violation(
                ("message_reference",), "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"
            )
            raise ApiError.invalid_form([violation], "reply to an unknown message")
    extra: dict[str, Any] = {}
    if referenced is not None:
        extra = referenced.reply_fields()
    message = store_bot_message(
        ctx, channel, body, source="channel", message_type=19 if referenced else 0, extra=extra
    )
    return Result(200, message.payload)


async def get_message(ctx: Context) -> Result:
    return Result(200, _channel_message(ctx, ctx.snowflake("message_id")).payload)


async def patch_message(ctx: Context) -> Result:
    message = _channel_message(ctx, ctx.snowflake("message_id"))
    if message.source == "user":
        raise ApiError(
            403,
            50005,
            "Cannot edit a message authored by another user",
            f"edited user message {message.id}",
        )
    edit_message(ctx, message, ctx.body or {})
    return Result(200, message.payload)


async def delete_message(ctx: Context) -> Result:
    message = _channel_message(ctx, ctx.snowflake("message_id"))
    remove_message(ctx, message)
    return Result(204)


async def trigger_typing(ctx: Context) -> Result:
    _writable_channel(ctx)
    return Result(204)


async def put_reaction(ctx: Context) -> Result:
    message = _channel_message(ctx, ctx.snowflake("message_id"))
    message.reactions.append(ctx.params["emoji_name"])
    return Result(204)


async def delete_reaction(ctx: Context) -> Result:
    message = _channel_message(ctx, ctx.snowflake("message_id"))
    emoji = ctx.params["emoji_name"]
    if emoji in message.reactions:
        message.reactions.remove(emoji)
    return Result(204)


async def get_channel(ctx: Context) -> Result:
    channel = ctx.fake.find_channel(ctx.snowflake("channel_id"))
    if channel is None:
        raise ApiError(404, 10003, "Unknown Channel", "fetched an unknown channel")
    return Result(200, channel_payload(channel))


async def create_dm(ctx: Context) -> Result:
    recipient = (ctx.body or {}).get("recipient_id")
    user = ctx.fake.find_user(int(recipient)) if str(recipient or "").isdigit() else None
    if user is None:
        raise ApiError(400, 50033, "Invalid Recipient(s)", f"DM to unknown user {recipient!r}")
    return Result(200, channel_payload(ctx.fake.dm_channel(user)))


def store_bot_message(
    ctx: Context,
    channel: FakeChannel,
    body: dict[str, Any],
    *,
    source: str,
    interaction: FakeInteraction | None = None,
    message_type: int = 0,
    extra: dict[str, Any] | None = None,
) -> FakeMessage:
    """Create a message the bot posted and echo MESSAGE_CREATE like Discord does."""
    fake = ctx.fake
    extra = dict(extra or {})
    if interaction is not None:
        message_type = _interaction_message_type(interaction, source)
        extra.update(
            webhook_id=str(fake.application_id),
            application_id=str(fake.application_id),
            interaction_metadata=_interaction_metadata(interaction),
        )
    payload = message_payload(
        message_id=fake.ids(),
        channel=channel,
        author=fake.bot_user,
        content=body.get("content") or "",
        member=None,
        mentions=fake.mentioned_users(body.get("content") or "", channel.guild_id),
        embeds=[{"type": "rich", **e} for e in body.get("embeds") or []],
        components=copy.deepcopy(body.get("components") or []),
        attachments=_attachments(ctx, channel, body),
        flags=body.get("flags") or 0,
        message_type=message_type,
        extra=extra,
    )
    if channel.guild_id is not None:
        guild = fake.find_guild(channel.guild_id)
        member = guild.member(fake.bot_user.id) if guild else None
        if member is not None:
            payload["member"] = member_payload(member, with_user=False)
    message = FakeMessage(
        id=int(payload["id"]),
        channel_id=channel.id,
        guild_id=channel.guild_id,
        payload=payload,
        source=source,
        interaction_id=interaction.id if interaction else None,
        bodies=[copy.deepcopy(body)],
    )
    fake.messages[message.id] = message
    fake.echo("MESSAGE_CREATE", message)
    return message


def edit_message(ctx: Context, message: FakeMessage, body: dict[str, Any]) -> None:
    """Apply a PATCH body (or UPDATE_MESSAGE data) and echo MESSAGE_UPDATE.

    Edits finish a deferred (LOADING) message and can never change ephemerality.
    """
    merged = {**message.payload}
    for key in _EDITABLE:
        if key in body:
            merged[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
    if "embeds" in body:
        merged["embeds"] = [{"type": "rich", **e} for e in body.get("embeds") or []]
    if "attachments" in body or ctx.files:
        channel = ctx.fake.find_channel(message.channel_id)
        assert channel is not None
        kept = {str(a.get("id")) for a in body.get("attachments") or []}
        old = [a for a in message.payload.get("attachments", []) if a["id"] in kept]
        merged["attachments"] = old + _attachments(ctx, channel, {})
    sticky = limits.FLAG_LOADING | limits.FLAG_EPHEMERAL
    flags = (merged.get("flags") or 0) & ~sticky
    merged["flags"] = flags | (message.flags & limits.FLAG_EPHEMERAL)
    if limits.is_empty_message(merged):
        raise ApiError(400, 50006, "Cannot send an empty message", "edit left the message empty")
    merged["edited_timestamp"] = iso_now()
    content = str(merged.get("content") or "")
    merged["mentions"] = mention_payloads(
        ctx.fake.mentioned_users(content, message.guild_id), message.guild_id
    )
    message.payload = merged
    message.bodies.append(copy.deepcopy(body))
    ctx.fake.echo("MESSAGE_UPDATE", message)


def remove_message(ctx: Context, message: FakeMessage) -> None:
    message.deleted = True
    ctx.fake.echo("MESSAGE_DELETE", message)


def _attachments(ctx: Context, channel: FakeChannel, body: dict[str, Any]) -> list[dict[str, Any]]:
    described = {str(a.get("id")): a for a in body.get("attachments") or []}
    out = []
    for index, upload in enumerate(ctx.files):
        attachment_id = ctx.fake.ids()
        filename = upload["filename"]
        url = f"https://cdn.discordapp.com/attachments/{channel.id}/{attachment_id}/{filename}"
        out.append(
            {
                "id": str(attachment_id),
                "filename": filename,
                "size": upload["size"],
                "url": url,
                "proxy_url": url,
                "content_type": upload["content_type"],
                "description": described.get(str(index), {}).get("description"),
            }
        )
    return out


def _interaction_message_type(interaction: FakeInteraction, source: str) -> int:
    if source != "interaction" or interaction.type != 2:
        return 0
    command_type = (interaction.payload.get("data") or {}).get("type", 1)
    return 20 if command_type == 1 else 23  # CHAT_INPUT_COMMAND / CONTEXT_MENU_COMMAND


def _interaction_metadata(interaction: FakeInteraction) -> dict[str, Any]:
    payload = interaction.payload
    user = payload.get("user") or payload.get("member", {}).get("user")
    metadata: dict[str, Any] = {
        "id": str(interaction.id),
        "type": interaction.type,
        "user": user,
        "authorizing_integration_owners": payload.get("authorizing_integration_owners", {}),
    }
    if interaction.original is not None:
        metadata["original_response_message_id"] = str(interaction.original.id)
    if interaction.component_message_id is not None:
        metadata["interacted_message_id"] = str(interaction.component_message_id)
    return metadata
