"""The REST endpoints the bot uses, answered like Discord, with Discord's refusals.

Why: the generic pipeline (``server.py``) has already matched the route to the spec,
checked the token and validated the body; a handler only does what the endpoint
does and refuses what Discord refuses for reasons no schema shows: an interaction
answered twice or after its 3 s deadline, a follow-up before the answer, a channel
the bot may not post in. Only the endpoints the bot calls are here; any other
route in the spec is recorded as a problem, so a new call cannot go unchecked.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from .multipart import ATTACHMENT_URL, Upload, attachments_payload
from .records import FLAG_EPHEMERAL, FLAG_LOADING, CallbackRecord, FakeInteraction, FakeMessage
from .records import RequestRecord as Request
from .spec import CALLBACK, Violation, form_body_error
from .world import FakeChannel, iso_now, member_payload, message_payload, user_payload

if TYPE_CHECKING:
    from .server import FakeDiscord

COMMANDS = "/applications/{application_id}/commands"
GUILD_COMMANDS = "/applications/{application_id}/guilds/{guild_id}/commands"
MESSAGES = "/channels/{channel_id}/messages"
REACTION = "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me"
WEBHOOK = "/webhooks/{webhook_id}/{webhook_token}"
ORIGINAL = WEBHOOK + "/messages/@original"
TOKEN_AUTHENTICATED = (CALLBACK, WEBHOOK, ORIGINAL)  # the token is in the path
CALLBACK_TYPES = {2: {4, 5}, 3: {4, 5, 6, 7}, 4: {8}}  # by interaction type
TOKEN_TTL = 15 * 60  # seconds an interaction token accepts follow-ups
Result = tuple[int, Any]


class ApiError(Exception):
    """A Discord error answer; ``problem`` is recorded as the bot's mistake."""

    def __init__(self, status: int, code: int, message: str, problem: str, body: Any = None):
        super().__init__(message)
        self.status, self.problem = status, problem
        self.body = body or {"code": code, "message": message}

    @classmethod
    def invalid_form(cls, violations: list[Violation]) -> ApiError:
        problem = "; ".join(v.describe() for v in violations)
        return cls(400, 50035, "Invalid Form Body", problem, form_body_error(violations))


def flag(request: Request, name: str) -> bool:
    return request.query.get(name, "").lower() in ("true", "1")


def snowflake(params: dict[str, str], name: str) -> int:
    if not params[name].isdigit():
        raise ApiError(404, 0, "404: Not Found", f"{name}={params[name]!r} is not a snowflake")
    return int(params[name])


async def get_me(fake: FakeDiscord, request: Request, params: dict[str, str]) -> Result:
    return 200, {**user_payload(fake.bot_user), "verified": True, "mfa_enabled": True}


async def get_application(fake: FakeDiscord, request: Request, params: dict[str, str]) -> Result:
    return 200, {
        "id": str(fake.application_id),
        "name": fake.bot_user.username,
        "icon": None,
        "description": "",
        "bot_public": True,
        "bot_require_code_grant": False,
        "verify_key": "0" * 64,
        "owner": user_payload(fake.owner),
    }


async def get_gateway_bot(fake: FakeDiscord, request: Request, params: dict[str, str]) -> Result:
    limit = {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1}
    shards = fake.config.shard_count
    url = fake.gateway_url_for(request.client)
    return 200, {"url": url, "shards": shards, "session_start_limit": limit}


async def put_commands(fake: FakeDiscord, request: Request, params: dict[str, str]) -> Result:
    """Bulk overwrite, answered with the commands as stored (ids kept by name)."""
    if snowflake(params, "application_id") != fake.application_id:
        raise ApiError(403, 50001, "Missing Access", "application_id is not the bot's")
    guild_id = snowflake(params, "guild_id") if "guild_id" in params else None
    if guild_id is not None and fake.find_guild(guild_id) is None:
        raise ApiError(403, 50001, "Missing Access", f"commands for unknown guild {guild_id}")
    old = {(c["name"], c["type"]): c["id"] for c in fake.commands.get(guild_id, [])}
    scope = {} if guild_id is None else {"guild_id": str(guild_id)}
    fake.commands[guild_id] = [
        {
            **copy.deepcopy(body),
            "id": old.get((body["name"], body.get("type") or 1)) or str(fake.ids()),
            "application_id": str(fake.application_id),
            "version": str(fake.ids()),
            "type": body.get("type") or 1,
            "description": body.get("description") or "",
            **scope,
        }
        for body in request.body
    ]
    return 200, fake.commands[guild_id]


async def post_message(fake: FakeDiscord, request: Request, params: dict[str, str]) -> Result:
    channel = fake.find_channel(snowflake(params, "channel_id"))
    if channel is None:
        raise ApiError(404, 10003, "Unknown Channel", "sent to an unknown channel")
    if not channel.bot_can_send:
        raise ApiError(403, 50013, "Missing Permissions", f"no permission to send in {channel.id}")
    body = _not_empty(request.body, "create message")
    extra: dict[str, Any] = {}
    if reference := body.get("message_reference"):
        referenced = fake.messages.get(int(reference.get("message_id") or 0))
        if referenced is None:
            raise ApiError.invalid_form([Violation(("message_reference",), "Unknown message")])
        extra = {**referenced.reply_fields(), "type": 19}
    message = store_message(fake, channel, body, "channel", files=request.files, **extra)
    return 200, message.payload


async def put_reaction(fake: FakeDiscord, request: Request, params: dict[str, str]) -> Result:
    message = fake.messages.get(snowflake(params, "message_id"))
    if message is None or message.deleted or message.channel_id != snowflake(params, "channel_id"):
        raise ApiError(404, 10008, "Unknown Message", "reacted to an unknown message")
    return 204, None


async def interaction_callback(
    fake: FakeDiscord, request: Request, params: dict[str, str]
) -> Result:
    """Answer an interaction: once, within the deadline, with a type valid for it."""
    interaction = fake.interactions.get(snowflake(params, "interaction_id"))
    if interaction is None or interaction.token != params["interaction_token"]:
        raise ApiError(404, 10062, "Unknown interaction", "callback for an unknown interaction")
    kind, data = request.body["type"], request.body.get("data") or {}
    elapsed, deadline = request.at - interaction.dispatched_at, fake.config.interaction_deadline
    if elapsed > deadline:
        problem = f"interaction answered after {elapsed:.3f}s (deadline {deadline}s)"
        raise ApiError(404, 10062, "Unknown interaction", problem)
    if interaction.acknowledged:
        message = "Interaction has already been acknowledged."
        raise ApiError(400, 40060, message, f"second callback for interaction {interaction.id}")
    if kind not in CALLBACK_TYPES[interaction.type]:
        message = f"callback type {kind} is not valid for interaction type {interaction.type}"
        raise ApiError.invalid_form([Violation(("type",), message)])
    channel = fake.find_channel(interaction.channel_id)
    assert channel is not None
    if kind == 4:
        data = _not_empty(data, "interaction response")
        interaction.original = store_message(
            fake, channel, data, "interaction", interaction, files=request.files
        )
    elif kind == 5:  # a "thinking…" placeholder, ephemeral if asked
        loading = {"flags": FLAG_LOADING | (int(data.get("flags") or 0) & FLAG_EPHEMERAL)}
        interaction.original = store_message(fake, channel, loading, "interaction", interaction)
    elif kind == 6 and interaction.component_message_id is not None:  # "I'll update it"
        interaction.original = fake.messages[interaction.component_message_id]
    elif kind == 7 and interaction.component_message_id is not None:  # update it now
        interaction.original = fake.messages[interaction.component_message_id]
        edit_message(fake, interaction.original, data, {k: k in data for k in _EDITABLE})
    if not flag(request, "with_response"):
        return 204, None
    summary: dict[str, Any] = {"id": str(interaction.id), "type": interaction.type}
    resource: dict[str, Any] = {"type": kind}
    if kind in (4, 5, 7) and (original := interaction.original) is not None:
        resource["message"] = original.payload
        summary.update(
            response_message_id=str(original.id),
            response_message_loading=original.loading,
            response_message_ephemeral=original.ephemeral,
        )
    return 200, {"interaction": summary, "resource": resource}


def record_callback(fake: FakeDiscord, request: Request, params: dict[str, str]) -> None:
    """Log a callback attempt on its interaction, even one refused for its body."""
    interaction_id = params["interaction_id"]
    interaction = fake.interactions.get(int(interaction_id) if interaction_id.isdigit() else 0)
    if interaction is not None:
        body = request.body if isinstance(request.body, dict) else {}
        elapsed, with_response = (
            request.at - interaction.dispatched_at,
            flag(request, "with_response"),
        )
        interaction.callbacks.append(
            CallbackRecord(
                body.get("type") or 0,
                body.get("data"),
                request.status,
                elapsed,
                with_response,
                request.client,
            )
        )


def _webhook_interaction(
    fake: FakeDiscord, request: Request, params: dict[str, str]
) -> FakeInteraction:
    token = params["webhook_token"]
    interaction = next((i for i in fake.interactions.values() if i.token == token), None)
    if interaction is None or snowflake(params, "webhook_id") != fake.application_id:
        raise ApiError(404, 10015, "Unknown Webhook", "webhook call with an unknown token")
    if request.at - interaction.dispatched_at > TOKEN_TTL:
        raise ApiError(401, 50027, "Invalid Webhook Token", "interaction token expired")
    if not interaction.acknowledged:
        raise ApiError(404, 10015, "Unknown Webhook", "follow-up before the interaction's answer")
    return interaction


async def execute_webhook(fake: FakeDiscord, request: Request, params: dict[str, str]) -> Result:
    """A follow-up; the first one after a deferral fills in the "thinking…" message."""
    interaction = _webhook_interaction(fake, request, params)
    body = _not_empty(request.body, "follow-up")
    message = interaction.original
    if message is not None and message.loading and not message.deleted:
        # The edit finishes the "thinking…" message.
        edit_message(fake, message, body, {k: bool(body.get(k)) for k in _EDITABLE})
    else:
        channel = fake.find_channel(interaction.channel_id)
        assert channel is not None
        message = store_message(fake, channel, body, "followup", interaction, files=request.files)
    return (200, message.payload) if flag(request, "wait") else (204, None)


async def delete_original(fake: FakeDiscord, request: Request, params: dict[str, str]) -> Result:
    message = _webhook_interaction(fake, request, params).original
    if message is None or message.deleted:
        raise ApiError(404, 10008, "Unknown Message", "deleted an unknown interaction message")
    message.deleted = True
    data = {"id": str(message.id), "channel_id": str(message.channel_id)}
    if message.guild_id is not None:
        data["guild_id"] = str(message.guild_id)
    fake.echo("MESSAGE_DELETE", message, data)
    return 204, None


ROUTES: dict[
    tuple[str, str], Callable[[FakeDiscord, Request, dict[str, str]], Awaitable[Result]]
] = {
    ("GET", "/users/@me"): get_me,
    ("GET", "/oauth2/applications/@me"): get_application,
    ("GET", "/gateway/bot"): get_gateway_bot,
    ("PUT", COMMANDS): put_commands,
    ("PUT", GUILD_COMMANDS): put_commands,
    ("POST", MESSAGES): post_message,
    ("PUT", REACTION): put_reaction,
    ("POST", CALLBACK): interaction_callback,
    ("POST", WEBHOOK): execute_webhook,
    ("DELETE", ORIGINAL): delete_original,
}


_EDITABLE = ("content", "embeds", "components")


def edit_message(
    fake: FakeDiscord, message: FakeMessage, body: dict[str, Any], replaced: dict[str, bool]
) -> None:
    """Replace the ``replaced`` parts of ``message`` with ``body``'s, echo MESSAGE_UPDATE.

    An edit can never change whether a message is ephemeral.
    """
    edited = {k: body.get(k) for k, replace in replaced.items() if replace}
    if "embeds" in edited:
        edited["embeds"] = [{"type": "rich", **e} for e in edited["embeds"] or []]
    flags = int(message.payload.get("flags") or 0) & FLAG_EPHEMERAL
    message.payload.update(edited, flags=flags, edited_timestamp=iso_now())
    message.bodies.append(copy.deepcopy(body))
    fake.echo("MESSAGE_UPDATE", message, message.payload)


def _not_empty(body: Any, what: str) -> dict[str, Any]:
    keys = ("content", "embeds", "components", "sticker_ids", "attachments", "poll")
    if not isinstance(body, dict) or not any(body.get(key) for key in keys):
        raise ApiError(400, 50006, "Cannot send an empty message", f"{what}: empty message")
    return body


def store_message(
    fake: FakeDiscord,
    channel: FakeChannel,
    body: dict[str, Any],
    source: str,
    interaction: FakeInteraction | None = None,
    *,
    files: list[Upload] | None = None,
    **extra: Any,
) -> FakeMessage:
    """Create the message Discord would from the bot's body (and its uploaded
    ``files``), and echo MESSAGE_CREATE."""
    if interaction is not None:
        payload = interaction.payload
        command = payload["data"].get("type") if source == "interaction" else None
        extra.update(
            type={1: 20, 3: 23}.get(command, 0),  # CHAT_INPUT_COMMAND, CONTEXT_MENU_COMMAND
            webhook_id=str(fake.application_id),
            application_id=str(fake.application_id),
            interaction_metadata={
                "id": str(interaction.id),
                "type": interaction.type,
                "user": payload.get("user") or payload["member"]["user"],
                "authorizing_integration_owners": payload["authorizing_integration_owners"],
            },
        )
    guild = fake.find_guild(channel.guild_id)
    if guild is not None and (member := guild.member(fake.bot_user.id)) is not None:
        extra["member"] = member_payload(member, with_user=False)
    extra["mentions"] = fake.mentions(str(body.get("content") or ""), channel.guild_id)
    created = message_payload(fake.ids(), channel, fake.bot_user, copy.deepcopy(body), **extra)
    if files:
        _attach(fake, channel, created, body, files)
    message = FakeMessage(
        int(created["id"]), channel.id, channel.guild_id, created, source, files=list(files or ())
    )
    message.bodies.append(copy.deepcopy(body))
    fake.messages[message.id] = message
    fake.echo("MESSAGE_CREATE", message, message.payload)
    return message


CDN = "https://cdn.discordapp.com/attachments"


def _attach(
    fake: FakeDiscord,
    channel: FakeChannel,
    created: dict[str, Any],
    body: dict[str, Any],
    files: list[Upload],
) -> None:
    """The uploads become the message's attachments, and an embed's
    ``attachment://name`` becomes that attachment's URL, as Discord does."""
    ids = [fake.ids() for _ in files]
    created["attachments"] = attachments_payload(files, body, ids, f"{CDN}/{channel.id}")
    urls = {a["filename"]: a["url"] for a in created["attachments"]}
    for embed in created["embeds"]:
        for part in (embed.get(key) for key in ("image", "thumbnail")):
            url = part.get("url") if isinstance(part, dict) else None
            if isinstance(url, str) and url.startswith(ATTACHMENT_URL):
                part["url"] = part["proxy_url"] = urls[url[len(ATTACHMENT_URL) :]]
