"""The fake Discord itself: the rules it judges the bot by, and the HTTP details it gets right.

Every other Discord test trusts these: if the oracle let a bad body through, or
refused a good one, those tests would prove nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest

from tests.fakediscord.rest import COMMANDS, MESSAGES
from tests.fakediscord.spec import CALLBACK
from tests.shared_files import spec_path

if TYPE_CHECKING:
    from tests.conftest import Harness
    from tests.fakediscord import ApiSpec, FakeDiscord


def problems(spec: ApiSpec, route: str, body: Any, method: str = "POST") -> str:
    return " | ".join(v.describe() for v in spec.check(method, route, body))


def button(custom_id: str | None, label: str = "ok") -> dict[str, Any]:
    return {"type": 2, "style": 1, "label": label, "custom_id": custom_id}


def test_message_limits_from_the_spec_and_from_discords_prose(discord_api_spec: ApiSpec) -> None:
    spec = discord_api_spec
    row = {"type": 1, "components": [button("a", "x" * 81), button("a")]}
    said = problems(spec, CALLBACK, {"type": 4, "data": {"content": "ok", "components": [row] * 6}})
    assert "data.components[0].components[0].label: Must be 80 or fewer" in said  # the spec
    assert "data.components: Must be 5 or fewer in length (got 6)" in said  # prose: 5 rows
    assert "custom id 'a' cannot be duplicated" in said
    assert "content: Must be 2000 or fewer" in problems(spec, MESSAGES, {"content": "x" * 2001})
    assert "embeds[0].title: Must be 256 or fewer" in problems(
        spec, MESSAGES, {"embeds": [{"title": "t" * 300}]}
    )
    big = {"embeds": [{"description": "d" * 4000}, {"description": "d" * 2500}]}
    assert "Embed size exceeds maximum size of 6000" in problems(spec, MESSAGES, big)
    assert "embeds[0].url" in problems(spec, MESSAGES, {"embeds": [{"url": "example.com"}]})
    no_id = {"components": [{"type": 1, "components": [button(None)]}]}
    assert "custom_id: None is not of type 'string'" in problems(spec, MESSAGES, no_id)
    # What discord.py sends and Discord accepts although the spec types it otherwise.
    ints = {
        "content": "hi",
        "allowed_mentions": {"users": [1]},
        "message_reference": {"message_id": 2},
    }
    assert problems(spec, MESSAGES, ints) == ""


def test_command_rules_from_discords_prose(discord_api_spec: ApiSpec) -> None:
    option = {"type": 3, "name": "question", "description": "d"}
    commands = [
        {"name": "Ask", "description": "d"},
        {"name": "ok", "description": ""},
        {"name": "Menu", "type": 3, "description": "not empty"},
        {"name": "ok", "description": "d", "options": [option, {**option, "required": True}]},
    ]
    said = problems(discord_api_spec, COMMANDS, commands, "PUT")
    assert "[0].name: 'Ask' does not match" in said  # chat-input names are lowercase
    assert "[1].description: '' should be non-empty" in said
    assert "[2].description: 'not empty' is not one of" in said  # menus have none
    assert "[3].name: Application command names must be unique" in said
    assert "[3].options[1].required: Required options must be placed before" in said
    ask = {"name": "ask", "description": "d", "options": [{**option, "required": True}]}
    assert problems(discord_api_spec, COMMANDS, [ask, {"name": "Ask Me", "type": 3}], "PUT") == ""


async def post(
    fake: FakeDiscord, path: str, body: Any, *, auth: bool = True
) -> aiohttp.ClientResponse:
    headers = {"Authorization": f"Bot {fake.token}"} if auth else {}
    sent = "data" if isinstance(body, bytes) else "json"
    async with (
        aiohttp.ClientSession() as session,
        session.post(fake.api_base + path, headers=headers, **{sent: body}) as response,
    ):
        await response.read()
        return response


async def test_what_discord_would_refuse_is_answered_and_recorded(
    fake_discord: FakeDiscord,
) -> None:
    fake = fake_discord
    messages = f"/channels/{fake.channel.id}/messages"
    tests = [
        (messages, {"content": "x" * 2001}, True, 400, "content: Must be 2000 or fewer"),
        (messages, {"content": "hi"}, False, 401, "wrong bot token"),
        (messages, {}, True, 400, "empty message"),
        (messages, b"--boundary", True, 400, "body is not JSON"),
        (f"/channels/{fake.channel.id}/typing", None, True, 404, "does not implement"),
        ("/definitely/not/discord", None, True, 404, "not a route in Discord's API spec"),
        ("/users/@me", {"a": 1}, True, 405, "Discord has no such method"),
    ]
    for path, body, auth, status, problem in tests:
        response = await post(fake, path, body, auth=auth)
        assert response.status == status
        assert problem in fake.take_problems()[0]
    # Discord allows a message to ping; this bot must never ask it to.
    response = await post(fake, messages, {"content": "<@1> hi"})
    assert response.status == 200
    (ping,) = fake.take_problems()
    assert "could ping" in ping


async def test_answers_are_json_exactly_as_discord_py_expects(fake_discord: FakeDiscord) -> None:
    headers = {"Authorization": f"Bot {fake_discord.token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.get(fake_discord.api_base + "/users/@me", headers=headers) as response,
    ):
        assert response.headers["Content-Type"] == "application/json"  # no "; charset"
        assert response.headers["Via"] and response.headers["X-RateLimit-Bucket"]


async def test_an_interaction_is_answered_once(discord_harness: Harness) -> None:
    h = discord_harness
    (answer,) = await h.slash("help")
    interaction = next(iter(h.fake.interactions.values()))
    path = f"/interactions/{interaction.id}/{interaction.token}/callback"
    again = await post(h.fake, path, {"type": 4, "data": {"content": "again"}}, auth=False)
    assert answer.status == 200 and again.status == 400
    assert "second callback" in h.fake.take_problems()[0]
    assert [c.status for c in interaction.callbacks] == [200, 400]


def test_a_missing_spec_skips_or_fails(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DISCORD_API_SPEC", str(tmp_path / "missing.json"))
    monkeypatch.delenv("CAREERBOT_REQUIRE_SHARED", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"missing\.json"):
        spec_path()
    monkeypatch.setenv("CAREERBOT_REQUIRE_SHARED", "1")
    with pytest.raises(pytest.fail.Exception, match="required shared file missing"):
        spec_path()


async def test_an_update_edits_the_clicked_message_and_is_checked_like_a_send(
    discord_harness: Harness,
) -> None:
    """Callback type 7 (UPDATE_MESSAGE) on a click: validated, then the message changes."""
    h = discord_harness
    (answer,) = await h.slash("ask", question="how much do mles make")
    message = h.sent(answer)
    message.payload["components"] = [{"type": 1, "components": [button("no-handler-for-this")]}]
    interaction = await h.fake.dispatch_component("no-handler-for-this", message)
    await h.fake.settle()
    path = f"/interactions/{interaction.id}/{interaction.token}/callback"
    too_long = {"type": 7, "data": {"embeds": [{"title": "x" * 257}]}}
    refused = await post(h.fake, path, too_long, auth=False)
    assert refused.status == 400 and "title" in h.fake.take_problems()[0]
    assert message.embed["title"] != "edited"

    edit = {"type": 7, "data": {"embeds": [{"title": "edited"}]}}
    updated = await post(h.fake, path, edit, auth=False)
    assert updated.status == 204
    assert message.embed == {"type": "rich", "title": "edited"}
    assert message.components == [{"type": 1, "components": [button("no-handler-for-this")]}]
    assert message.payload["edited_timestamp"] and not message.ephemeral
