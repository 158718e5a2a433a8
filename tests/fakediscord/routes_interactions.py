"""REST handlers for interaction callbacks and the interaction webhook (follow-ups).

These enforce the interaction lifecycle Discord enforces: one callback per
interaction, within the deadline (3 s), of a type valid for the interaction;
follow-ups and edits only after that and while the token lives (15 min).
"""

from __future__ import annotations

from typing import Any

from . import limits
from .api import ApiError, Context, Result
from .records import CallbackRecord, FakeInteraction, FakeMessage
from .routes_messages import edit_message, remove_message, require_content, store_bot_message
from .violations import Violation

CALLBACK_TYPES_BY_INTERACTION = {
    1: {1},  # PING
    2: {4, 5, 9, 12},  # APPLICATION_COMMAND
    3: {4, 5, 6, 7, 9, 12},  # MESSAGE_COMPONENT
    4: {8},  # APPLICATION_COMMAND_AUTOCOMPLETE
    5: {4, 5, 6, 7, 12},  # MODAL_SUBMIT
}
CALLBACK_TEMPLATE = "/interactions/{interaction_id}/{interaction_token}/callback"


async def interaction_callback(ctx: Context) -> Result:
    interaction = _callback_target(ctx)
    if interaction is None:
        raise ApiError(404, 10062, "Unknown interaction", "callback for an unknown interaction")
    body: dict[str, Any] = ctx.body or {}
    kind = int(body["type"])  # the schema made ``type`` required
    _check_callback(ctx, interaction, kind)
    resource = _apply_callback(ctx, interaction, kind, body.get("data") or {})
    if not ctx.flag("with_response"):
        return Result(204)
    summary: dict[str, Any] = {"id": str(interaction.id), "type": interaction.type}
    original = interaction.original
    if "message" in resource and original is not None:
        summary.update(
            response_message_id=str(original.id),
            response_message_loading=original.loading,
            response_message_ephemeral=original.ephemeral,
        )
    return Result(200, {"interaction": summary, "resource": resource})


def _callback_target(ctx: Context) -> FakeInteraction | None:
    interaction = ctx.fake.interactions.get(ctx.snowflake("interaction_id"))
    if interaction is None or interaction.token != ctx.params["interaction_token"]:
        return None
    return interaction


def record_callback(ctx: Context, status: int) -> None:
    """Log a callback attempt on its interaction, whether the pipeline or handler answered.

    Called by the server after validation *and* handling, so a callback rejected for
    its body (50035) shows up in ``FakeInteraction.callbacks`` too.
    """
    if ctx.template != CALLBACK_TEMPLATE:
        return
    interaction = _callback_target(ctx)
    if interaction is None:
        return
    body = ctx.body if isinstance(ctx.body, dict) else {}
    interaction.callbacks.append(
        CallbackRecord(
            type=int(body.get("type") or 0),
            data=body.get("data"),
            status=status,
            elapsed=ctx.received_at - interaction.dispatched_at,
            with_response=ctx.flag("with_response"),
        )
    )


def _check_callback(ctx: Context, interaction: FakeInteraction, kind: int) -> None:
    """Deadline, single acknowledgement, and a callback type valid for the interaction."""
    elapsed = ctx.received_at - interaction.dispatched_at
    deadline = ctx.fake.config.interaction_deadline
    if elapsed > deadline:
        raise ApiError(
            404,
            10062,
            "Unknown interaction",
            f"interaction {interaction.id} answered after {elapsed:.3f}s (deadline {deadline}s)",
        )
    if interaction.acknowledged:
        raise ApiError(
            400,
            40060,
            "Interaction has already been acknowledged.",
            f"second callback for interaction {interaction.id}",
        )
    allowed = set(CALLBACK_TYPES_BY_INTERACTION.get(interaction.type, ()))
    if interaction.component_message_id is None:
        allowed -= {6, 7}  # only a component's message can be updated
    if kind not in allowed:
        violation = Violation(
            ("type",),
            "INTERACTION_CALLBACK_TYPE_INVALID",
            f"callback type {kind} is not valid for interaction type {interaction.type} "
            f"(allowed: {sorted(allowed)})",
        )
        raise ApiError.invalid_form([violation], "interaction callback")


def _apply_callback(
    ctx: Context, interaction: FakeInteraction, kind: int, data: dict[str, Any]
) -> dict[str, Any]:
    """Do what the callback type means; returns the ``resource`` of the response."""
    channel = ctx.fake.find_channel(interaction.channel_id)
    assert channel is not None
    if kind == 4:  # CHANNEL_MESSAGE_WITH_SOURCE
        require_content(data, ctx.files, "interaction response")
        interaction.original = store_bot_message(
            ctx, channel, data, source="interaction", interaction=interaction
        )
    elif kind == 5:  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: a "thinking…" placeholder
        ephemeral = (data.get("flags") or 0) & limits.FLAG_EPHEMERAL
        placeholder = {"flags": limits.FLAG_LOADING | ephemeral}
        interaction.original = store_bot_message(
            ctx, channel, placeholder, source="interaction", interaction=interaction
        )
    elif kind in (6, 7) and interaction.component_message_id is not None:
        interaction.original = ctx.fake.messages[interaction.component_message_id]
        if kind == 7:  # UPDATE_MESSAGE
            edit_message(ctx, interaction.original, data)
    elif kind == 9:  # MODAL
        interaction.modal = data
    resource: dict[str, Any] = {"type": kind}
    if interaction.original is not None and kind in (4, 5, 7):
        resource["message"] = interaction.original.payload
    return resource


def _webhook_interaction(ctx: Context) -> FakeInteraction:
    fake = ctx.fake
    interaction = fake.interaction_by_token(ctx.params["webhook_token"])
    if interaction is None or ctx.snowflake("webhook_id") != fake.application_id:
        raise ApiError(404, 10015, "Unknown Webhook", "webhook call with an unknown token")
    if ctx.received_at - interaction.dispatched_at > fake.config.interaction_token_ttl:
        raise ApiError(401, 50027, "Invalid Webhook Token", "interaction token expired")
    if not interaction.acknowledged:
        raise ApiError(
            404,
            10015,
            "Unknown Webhook",
            f"follow-up/edit before interaction {interaction.id} was acknowledged",
        )
    return interaction


def _interaction_message(ctx: Context, interaction: FakeInteraction) -> FakeMessage:
    wanted = ctx.params.get("message_id", "@original")
    if wanted == "@original":
        message = interaction.original
    else:
        candidates = [interaction.original, *interaction.followups]
        message = next((m for m in candidates if m and str(m.id) == wanted), None)
    if message is None or message.deleted:
        raise ApiError(404, 10008, "Unknown Message", f"unknown interaction message {wanted}")
    return message


async def execute_webhook(ctx: Context) -> Result:
    interaction = _webhook_interaction(ctx)
    body: dict[str, Any] = ctx.body or {}
    require_content(body, ctx.files, "follow-up")
    original = interaction.original
    if original is not None and original.loading and not original.deleted:
        # After a deferred response the first follow-up edits the loading message
        # (documented backwards-compatibility behaviour); its ephemerality is kept.
        edit_message(ctx, original, body)
        message = original
    else:
        channel = ctx.fake.find_channel(interaction.channel_id)
        assert channel is not None
        message = store_bot_message(ctx, channel, body, source="followup", interaction=interaction)
        interaction.followups.append(message)
    return Result(200, message.payload) if ctx.flag("wait") else Result(204)


async def get_webhook_message(ctx: Context) -> Result:
    return Result(200, _interaction_message(ctx, _webhook_interaction(ctx)).payload)


async def patch_webhook_message(ctx: Context) -> Result:
    message = _interaction_message(ctx, _webhook_interaction(ctx))
    edit_message(ctx, message, ctx.body or {})
    return Result(200, message.payload)


async def delete_webhook_message(ctx: Context) -> Result:
    remove_message(ctx, _interaction_message(ctx, _webhook_interaction(ctx)))
    return Result(204)
