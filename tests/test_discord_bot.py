"""The bot object: extensions, intents, safety defaults and command sync."""

from __future__ import annotations

import ast
import importlib
import inspect
import logging
import pkgutil
from pathlib import Path
from typing import TYPE_CHECKING

import discord
import pytest

import bot.exts
from bot.core.storage.base import MemoryStore
from bot.discord_bot import EXTENSIONS, CareerBot, command_digest, intents_for
from tests.conftest import make_settings

if TYPE_CHECKING:
    from bot.core.answering.engine import Engine
    from tests.conftest import Harness
    from tests.fakediscord import ApiSpec, FakeDiscord

BULK_OVERWRITE = "/applications/{application_id}/commands"
GUILD_BULK_OVERWRITE = "/applications/{application_id}/guilds/{guild_id}/commands"


def test_every_extension_module_is_loaded() -> None:
    """``bot.exts`` holds extensions only; shared helpers live in ``bot.discord_support``."""
    modules = {f"bot.exts.{m.name}" for m in pkgutil.iter_modules(bot.exts.__path__)}
    assert set(EXTENSIONS) == modules
    assert EXTENSIONS[0] == "bot.exts.errors", "the error handler is installed first"
    for name in EXTENSIONS:
        assert inspect.iscoroutinefunction(importlib.import_module(name).setup), name


def test_the_client_does_not_import_its_extensions() -> None:
    source = (Path(bot.exts.__file__).parents[1] / "discord_bot.py").read_text(encoding="utf-8")
    imports = [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    names = [a.name for n in imports for a in n.names] + [
        n.module or "" for n in imports if isinstance(n, ast.ImportFrom)
    ]
    assert not [n for n in names if n == "bot.exts" or n.startswith("bot.exts.")]


def test_intents_are_minimal() -> None:
    without = intents_for(False)
    assert (without.guilds, without.guild_messages, without.dm_messages) == (True, True, True)
    assert not without.message_content
    assert not without.members and not without.presences
    assert intents_for(True).message_content


def test_the_client_never_pings(engine: Engine, tmp_path: Path) -> None:
    client = CareerBot(engine=engine, store=MemoryStore(), settings=make_settings(tmp_path))
    allowed = client.allowed_mentions
    assert allowed is not None
    assert allowed.to_dict() == {"parse": []}  # replied_user is off unless sent as true


def test_sharding_comes_from_settings(engine: Engine, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, shard_count=4, shard_ids=(2, 3))
    client = CareerBot(engine=engine, store=MemoryStore(), settings=settings)
    assert isinstance(client, discord.AutoShardedClient)
    assert (client.shard_count, client.shard_ids) == (4, [2, 3])


def test_command_names_are_unique_and_described(discord_harness: Harness) -> None:
    payload = discord_harness.bot.command_payload()
    keys = [(c["name"], c["type"]) for c in payload]
    assert len(keys) == len(set(keys))
    names = {c["name"] for c in payload}
    assert {"ask", "role", "compare", "topics", "source", "help", "config", "kb"} <= names
    assert ("Ask CareerBot", 3) in keys
    for command in payload:
        if command["type"] == 1:
            assert 1 <= len(command["description"]) <= 100
            for option in command.get("options", []):
                assert option["description"]
                if option["type"] == 3:
                    assert "max_length" in option or "choices" in option, option["name"]


def test_sync_payload_validates_against_discords_spec(
    discord_harness: Harness, discord_api_spec: ApiSpec
) -> None:
    """The bulk-overwrite body is an array of ``ApplicationCommandUpdateRequest``."""
    payload = discord_harness.bot.command_payload()
    violations = discord_api_spec.check("PUT", BULK_OVERWRITE, payload)
    assert [v.describe() for v in violations] == []
    (put,) = discord_harness.fake.requests("PUT")
    assert put.template == BULK_OVERWRITE
    assert put.body == payload, "the validated payload is exactly what was synced"


async def test_sync_is_skipped_when_the_commands_did_not_change(
    discord_harness: Harness,
) -> None:
    h = discord_harness
    assert h.bot.settings.sync_state.read_text().strip() == command_digest(
        h.bot.command_payload(), h.fake.application_id
    )
    start = len(h.fake.records)
    await h.restart()
    paths = [c.path for c in h.fake.records[start:]]
    assert "/users/@me" in paths, "the new bot logged in"
    assert [c for c in h.fake.records[start:] if c.method == "PUT"] == [], "and did not sync"


async def test_sync_runs_again_when_the_commands_changed(discord_harness: Harness) -> None:
    h = discord_harness
    h.bot.settings.sync_state.write_text("stale\n")
    start = len(h.fake.records)
    await h.restart()
    assert [c.template for c in h.fake.records[start:] if c.method == "PUT"] == [BULK_OVERWRITE]


class TestDevelopmentServer:
    @pytest.fixture
    def bot_settings(self, tmp_path: Path, fake_discord: FakeDiscord):  # type: ignore[no-untyped-def]
        return make_settings(tmp_path, dev_guild=fake_discord.guild.id)

    def test_commands_sync_to_the_dev_server_only(self, discord_harness: Harness) -> None:
        (put,) = discord_harness.fake.requests("PUT")
        assert put.template == GUILD_BULK_OVERWRITE
        assert put.path.endswith(f"/guilds/{discord_harness.guild.id}/commands")
        assert {c["name"] for c in put.body} >= {"ask", "compare", "Ask CareerBot"}


async def test_a_failed_sync_is_logged_and_the_bot_keeps_going(
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = CareerBot(engine=engine, store=MemoryStore(), settings=make_settings(tmp_path))

    async def rate_limited(**_: object) -> list[object]:
        raise discord.app_commands.MissingApplicationID()

    monkeypatch.setattr(client.tree, "sync", rate_limited)
    with caplog.at_level(logging.ERROR, logger="bot.discord_bot"):
        await client.sync_commands()
    assert "Could not sync commands" in caplog.text
    assert not (tmp_path / "sync-hash").exists(), "a failed sync is retried next start"


async def test_the_heartbeat_file_tracks_the_gateway(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    beat = tmp_path / "heartbeat"
    client = CareerBot(
        engine=engine, store=MemoryStore(), settings=make_settings(tmp_path), heartbeat_file=beat
    )

    async def disconnect(self: discord.AutoShardedClient) -> None:
        return None

    # Only our close() is under test; the client never connected, so skip discord.py's.
    monkeypatch.setattr(discord.AutoShardedClient, "close", disconnect)
    await client._heartbeat.coro(client)
    assert not beat.exists(), "not connected: no heartbeat"
    monkeypatch.setattr(client, "gateway_alive", lambda: True)
    await client._heartbeat.coro(client)
    assert beat.exists()
    await client.close()
    assert not beat.exists(), "a clean stop removes it"
