"""``/config`` (Manage Server) and ``/kb reload`` (owner only)."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import discord
import pytest

from bot.core.storage.base import CooldownSetting
from bot.exts.admin import SAVE_FAILED_TEXT
from bot.ui.embeds import NOT_OWNER_TEXT

if TYPE_CHECKING:
    from tests.conftest import Harness

MANAGE_GUILD = discord.Permissions(manage_guild=True).value


def test_admin_commands_are_hidden_from_members_and_dms(discord_harness: Harness) -> None:
    payload = {c["name"]: c for c in discord_harness.bot.command_payload()}
    for name in ("config", "kb"):
        assert int(payload[name]["default_member_permissions"]) == MANAGE_GUILD
        assert payload[name]["dm_permission"] is False
    subcommands = {o["name"] for o in payload["config"]["options"]}
    assert subcommands == {"list", "add-channel", "remove-channel", "cooldown", "cooldown-reset"}


async def test_add_list_and_remove_an_auto_answer_channel(discord_harness: Harness) -> None:
    h = discord_harness
    (added,) = await h.slash("config", "add-channel", user=h.owner, channel=h.channel)
    assert added.ephemeral
    assert f"<#{h.channel.id}>" in added.embed["description"]
    assert await h.store.auto_channels(h.guild.id) == {h.channel.id}
    assert h.bot.auto_channels[h.guild.id] == {h.channel.id}

    (listed,) = await h.slash("config", "list", user=h.owner)
    assert f"<#{h.channel.id}>" in listed.embed["description"]
    assert "5 questions per 30 s" in listed.embed["description"]

    (removed,) = await h.slash("config", "remove-channel", user=h.owner, channel=h.channel)
    assert f"<#{h.channel.id}>" not in removed.embed["description"]
    assert await h.store.auto_channels(h.guild.id) == frozenset()
    assert await h.message("how much do mles make?") == []


async def test_auto_answer_channels_are_loaded_from_the_store_at_start(
    discord_harness: Harness,
) -> None:
    h = discord_harness
    await h.store.add_auto_channel(h.guild.id, h.other_channel.id)
    await h.restart()
    (reply,) = await h.message("how much do mles make?", channel=h.other_channel)
    assert reply.embed["title"] == "How much do ML engineers make?"


async def test_a_storage_failure_is_reported_not_raised(
    discord_harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = discord_harness

    async def broken(guild_id: int, channel_id: int) -> bool:
        raise OSError("read-only database")

    monkeypatch.setattr(h.store, "add_auto_channel", broken)
    (call,) = await h.slash("config", "add-channel", user=h.owner, channel=h.channel)
    assert call.ephemeral and call.content == SAVE_FAILED_TEXT
    assert h.guild.id not in h.bot.auto_channels


async def test_cooldown_override_and_reset(discord_harness: Harness) -> None:
    h = discord_harness
    (call,) = await h.slash("config", "cooldown", user=h.owner, rate=2, per=60)
    assert "2 questions per 60 s" in call.embed["description"]
    assert await h.store.cooldown(h.guild.id) == CooldownSetting(2, 60.0)
    (reset,) = await h.slash("config", "cooldown-reset", user=h.owner)
    assert "5 questions per 30 s" in reset.embed["description"]
    assert await h.store.cooldown(h.guild.id) is None


async def test_kb_reload_is_for_the_owner_only(discord_harness: Harness) -> None:
    h = discord_harness
    h.fake.make_admin(h.guild, h.alice)  # a server admin sees /kb, but does not own the bot
    (call,) = await h.slash("kb", "reload", user=h.alice)
    assert call.ephemeral and call.content == NOT_OWNER_TEXT


async def test_kb_reload(discord_harness: Harness) -> None:
    h = discord_harness
    deferred, result = await h.slash("kb", "reload", user=h.owner)
    assert deferred.callback_type == 5 and deferred.ephemeral
    assert result.ephemeral
    assert result.embed["title"] == "Knowledge base reloaded"
    assert f"{len(h.engine.knowledge.entries)} entries" in result.embed["description"]


async def test_kb_reload_loads_in_a_worker_thread_while_the_loop_stays_free(
    discord_harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = discord_harness
    loop = asyncio.get_running_loop()
    reload = h.engine.reload
    loop_was_free = threading.Event()
    threads: list[int] = []

    def watched_reload(directory: Path | str | None = None) -> None:
        threads.append(threading.get_ident())
        # Only a loop that is not stuck running this reload can set the event.
        loop.call_soon_threadsafe(loop_was_free.set)
        assert loop_was_free.wait(5), "the reload blocked the event loop"
        reload(directory)

    monkeypatch.setattr(h.engine, "reload", watched_reload)
    before = h.engine.knowledge
    _deferred, result = await h.slash("kb", "reload", user=h.owner)
    assert result.embed["title"] == "Knowledge base reloaded"
    assert threads and threading.get_ident() not in threads
    assert h.engine.knowledge is not before


async def test_two_reloads_at_once_run_one_after_the_other(
    discord_harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = discord_harness
    reload = h.engine.reload
    guard = threading.Lock()
    running: list[int] = []
    most_at_once = 0

    def counted_reload(directory: Path | str | None = None) -> None:
        nonlocal most_at_once
        with guard:
            running.append(1)
            most_at_once = max(most_at_once, len(running))
        time.sleep(0.05)  # long enough for the second reload to arrive meanwhile
        try:
            reload(directory)
        finally:
            with guard:
                running.pop()

    monkeypatch.setattr(h.engine, "reload", counted_reload)
    await asyncio.gather(
        h.slash("kb", "reload", user=h.owner), h.slash("kb", "reload", user=h.owner)
    )
    assert most_at_once == 1


async def test_an_invalid_kb_is_rejected_and_the_old_one_kept(
    discord_harness: Harness, tmp_path: Path
) -> None:
    h = discord_harness
    broken = tmp_path / "knowledge"
    shutil.copytree(h.engine.knowledge.directory, broken)
    salary = broken / "qa" / "salary.yaml"
    salary.write_text(
        salary.read_text(encoding="utf-8").replace("topic: salary", "topic: salaries", 1),
        encoding="utf-8",
    )
    before = h.engine.knowledge
    h.bot.settings = dataclasses.replace(h.bot.settings, knowledge_dir=broken)
    _deferred, result = await h.slash("kb", "reload", user=h.owner)
    assert result.embed["title"] == "Knowledge base not reloaded"
    assert "salaries" in result.embed["description"]
    assert "kept serving the previous one" in result.embed["description"]
    assert h.engine.knowledge is before
    (answer,) = await h.slash("ask", question="how much do mles make")
    assert answer.embed["title"] == "How much do ML engineers make?"


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_kb_gaps_shows_this_servers_unanswered_questions(
    discord_harness: Harness, tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    from bot.core.storage.selection import Database

    h = discord_harness
    url = request.getfixturevalue("postgres_url") if backend == "postgres" else None
    store = Database(tmp_path / "gaps.sqlite3", url).store()
    h.bot.store = store
    for text in ("dentist salary", "salary of dentists", "how much do dentists make"):
        await store.record_question(
            status="declined", topic=None, normalised=text, guild_id=h.guild.id
        )
    await store.record_question(status="declined", topic=None, normalised="pilot pay", guild_id=999)
    for _ in range(3):
        await store.record_feedback("mle-salary", -1, h.guild.id)
    deferred, result = await h.slash("kb", "gaps", user=h.owner)
    assert deferred.ephemeral and result.ephemeral
    fields = {f["name"]: f["value"] for f in result.embed["fields"]}
    unanswered = fields["Most frequent unanswered questions"]
    assert unanswered.startswith("3× ") and "dentist" in unanswered
    assert "pilot" not in unanswered  # another server's question
    assert "mle-salary" in fields["Answers rated worst"]
    await store.close()


async def test_kb_gaps_without_a_database_says_so(discord_harness: Harness) -> None:
    from bot.ui.embeds import GAPS_UNAVAILABLE_TEXT

    (call,) = await discord_harness.slash("kb", "gaps", user=discord_harness.owner)
    assert call.ephemeral and call.content == GAPS_UNAVAILABLE_TEXT


async def test_kb_gaps_that_cannot_read_the_database_says_so(
    discord_harness: Harness, tmp_path: Path
) -> None:
    """A store that cannot read returns empty results: shown as a report, they would
    claim that nothing went unanswered here."""
    from bot.core.storage.sqlite import SqliteStore
    from bot.ui.embeds import GAPS_READ_FAILED_TEXT

    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    store = SqliteStore(blocker / "gaps.sqlite3")
    discord_harness.bot.store = store
    deferred, result = await discord_harness.slash("kb", "gaps", user=discord_harness.owner)
    assert deferred.ephemeral and result.ephemeral
    assert result.content == GAPS_READ_FAILED_TEXT and result.embeds == []
    await store.close()
