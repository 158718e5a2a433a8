"""The fake's REST surface: which handler serves which spec path, and which limits apply.

The generic pipeline (routing against the spec, auth, validation, fault injection,
recording) lives in ``server.py``; handlers live in ``routes_*.py`` and only
implement what the endpoint does.
"""

from __future__ import annotations

from typing import Any

from . import limits
from .api import ApiError, Context, Handler, Result
from .routes_core import (
    delete_command,
    get_application,
    get_commands,
    get_gateway,
    get_gateway_bot,
    get_me,
    get_member,
    get_user,
    post_command,
    put_commands,
)
from .routes_interactions import (
    CALLBACK_TEMPLATE,
    delete_webhook_message,
    execute_webhook,
    get_webhook_message,
    interaction_callback,
    patch_webhook_message,
    record_callback,
)
from .routes_messages import (
    create_dm,
    delete_message,
    delete_reaction,
    get_channel,
    get_message,
    patch_message,
    post_message,
    put_reaction,
    trigger_typing,
)
from .violations import Violation

__all__ = ["ROUTES", "TOKEN_AUTHENTICATED", "ApiError", "Context", "Result", "record_callback"]

# Interaction callbacks and webhook calls authenticate with the token in the path.
TOKEN_AUTHENTICATED = ("/interactions/", "/webhooks/{webhook_id}/{webhook_token}")

ROUTES: dict[tuple[str, str], Handler] = {
    ("GET", "/users/@me"): get_me,
    ("GET", "/users/{user_id}"): get_user,
    ("POST", "/users/@me/channels"): create_dm,
    ("GET", "/oauth2/applications/@me"): get_application,
    ("GET", "/gateway"): get_gateway,
    ("GET", "/gateway/bot"): get_gateway_bot,
    ("GET", "/guilds/{guild_id}/members/{user_id}"): get_member,
    ("GET", "/applications/{application_id}/commands"): get_commands,
    ("PUT", "/applications/{application_id}/commands"): put_commands,
    ("POST", "/applications/{application_id}/commands"): post_command,
    ("DELETE", "/applications/{application_id}/commands/{command_id}"): delete_command,
    ("GET", "/applications/{application_id}/guilds/{guild_id}/commands"): get_commands,
    ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands"): put_commands,
    ("POST", "/applications/{application_id}/guilds/{guild_id}/commands"): post_command,
    (
        "DELETE",
        "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}",
    ): delete_command,
    ("GET", "/channels/{channel_id}"): get_channel,
    ("POST", "/channels/{channel_id}/messages"): post_message,
    ("GET", "/channels/{channel_id}/messages/{message_id}"): get_message,
    ("PATCH", "/channels/{channel_id}/messages/{message_id}"): patch_message,
    ("DELETE", "/channels/{channel_id}/messages/{message_id}"): delete_message,
    ("POST", "/channels/{channel_id}/typing"): trigger_typing,
    (
        "PUT",
        "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me",
    ): put_reaction,
    (
        "DELETE",
        "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me",
    ): delete_reaction,
    ("POST", CALLBACK_TEMPLATE): interaction_callback,
    ("POST", "/webhooks/{webhook_id}/{webhook_token}"): execute_webhook,
    ("GET", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"): get_webhook_message,
    ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"): patch_webhook_message,
    ("DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"): delete_webhook_message,
    ("GET", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"): get_webhook_message,
    (
        "PATCH",
        "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
    ): patch_webhook_message,
    (
        "DELETE",
        "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
    ): delete_webhook_message,
}


def limit_violations(method: str, template: str, body: Any) -> list[Violation]:
    """The prose limits (``limits.py``) that apply to this endpoint's body."""
    if not isinstance(body, (dict, list)):
        return []
    if template.endswith("/commands") and method == "PUT" and isinstance(body, list):
        return limits.command_list_violations(body)
    if not isinstance(body, dict):
        return []
    if template.endswith("/commands") and method == "POST":
        return limits.command_violations(body)
    if template.endswith("/callback"):
        data = body.get("data") or {}
        kind = body.get("type")
        if kind in (4, 7):
            return limits.message_violations(data, ("data",))
        if kind == 8:
            return limits.autocomplete_violations(data, ("data",))
        if kind == 9:
            return limits.modal_violations(data, ("data",))
        return []
    if "/messages" in template or template.startswith("/webhooks/"):
        return limits.message_violations(body)
    return []
