"""The Discord client: one object that holds the engine, the store and the settings.

It takes every dependency as a keyword argument (nothing is read from the
environment here), loads an explicit list of extensions in ``setup_hook`` and syncs
the slash commands: instantly to a development server when one is set, otherwise
globally, and only when the commands changed since the last sync (Discord
rate-limits syncing, and a global sync takes a while to reach every client).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import discord
from discord.ext import commands, tasks

from bot.charts.cache import ChartCache, shared_chart_cache
from bot.core.answering.engine import Engine
from bot.core.storage.base import Store
from bot.discord_support.best_effort import safely
from bot.discord_support.cooldowns import Cooldowns
from bot.discord_support.error_reporter import ErrorReporter
from bot.health import clear_heartbeat, touch_heartbeat
from bot.metrics import BotMetrics
from bot.settings import Settings
from bot.ui.quiz import QuizHandler
from bot.ui.views import ButtonHandler

log = logging.getLogger(__name__)

EXTENSIONS: tuple[str, ...] = (
    "bot.exts.errors",
    "bot.exts.buttons",
    "bot.exts.ask",
    "bot.exts.reference",
    "bot.exts.conversation",
    "bot.exts.fit",
    "bot.exts.admin",
)
"""Loaded in this order by ``setup_hook``; errors first so it sees every failure."""
HEARTBEAT_SECONDS = 30.0
"""How often a connected bot touches its heartbeat file (``careerbot health`` reads it)."""


def intents_for(content_intent: bool) -> discord.Intents:
    """The gateway events the bot needs, and nothing more.

    Guild and DM messages deliver mentions and DMs (with their text, intent or not);
    Message Content is privileged and only needed to read auto-answer channels.
    """
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.message_content = content_intent
    return intents


def command_digest(payload: Sequence[dict[str, Any]], application_id: int | None) -> str:
    """A fingerprint of the synced command definitions (per application)."""
    canonical = json.dumps(
        {"application": application_id, "commands": list(payload)},
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


class CareerBot(commands.AutoShardedBot):
    """CareerBot on Discord. Sharded automatically; ``SHARD_IDS`` splits shards across processes."""

    def __init__(
        self,
        *,
        engine: Engine,
        store: Store,
        settings: Settings,
        content_intent: bool | None = None,
        extensions: Sequence[str] = EXTENSIONS,
        heartbeat_file: Path | None = None,
        metrics: BotMetrics | None = None,
        charts: ChartCache | None = None,
        **options: Any,
    ) -> None:
        content = settings.message_content if content_intent is None else content_intent
        super().__init__(
            # No text commands: messages are questions. on_message below never
            # processes commands, so the prefix is never used.
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents_for(content),
            allowed_mentions=discord.AllowedMentions.none(),
            owner_ids=set(settings.owner_ids),
            shard_count=settings.shard_count,
            shard_ids=list(settings.shard_ids) if settings.shard_ids is not None else None,
            # The bot never looks up old messages or members; caching them only costs memory.
            max_messages=None,
            member_cache_flags=discord.MemberCacheFlags.none(),
            chunk_guilds_at_startup=False,
            **options,
        )
        self.engine = engine
        self.charts = charts if charts is not None else shared_chart_cache()
        self.store = store
        self.settings = settings
        self.content_intent = content
        self.cooldowns = Cooldowns(settings.cooldown_rate, settings.cooldown_per)
        # Always measured, served only with CAREERBOT_METRICS_PORT (see bot.runner).
        self.metrics = metrics if metrics is not None else BotMetrics()
        self.metrics.watch(self)
        self.errors = ErrorReporter(on_interaction_error=self.metrics.interaction_failed)
        self.auto_channels: dict[int, frozenset[int]] = {}
        self.button_handler: ButtonHandler | None = None
        self.quiz_handler: QuizHandler | None = None
        self._extension_names = tuple(extensions)
        self.heartbeat_file = heartbeat_file

    async def setup_hook(self) -> None:
        """Load settings kept in the store, the extensions, then sync commands."""
        if (off := self.charts.off_reason()) is not None:
            log.info("Charts are off: %s; answers go out as text", off)
        self.auto_channels = dict(
            await safely(self.store.all_auto_channels(), {}, "loading auto-answer channels")
        )
        for name in self._extension_names:
            await self.load_extension(name)
        if not self.content_intent:
            log.info(
                "Message Content intent is off: answering slash commands, mentions and DMs "
                "(auto-answer channels need CAREERBOT_MESSAGE_CONTENT=1)"
            )
        await self.sync_commands()
        if self.heartbeat_file is not None:
            self._heartbeat.start()

    def gateway_alive(self) -> bool:
        """Ready, and every shard this process runs has an open connection."""
        return self.is_ready() and all(not s.is_closed() for s in self.shards.values())

    @tasks.loop(seconds=HEARTBEAT_SECONDS)
    async def _heartbeat(self) -> None:
        # A stale file tells the health check the process is up but not talking to
        # Discord, which is exactly when a restart helps.
        if self.heartbeat_file is not None and self.gateway_alive():
            touch_heartbeat(self.heartbeat_file)

    async def close(self) -> None:
        """Disconnect, and remove the heartbeat so a stopped bot does not look stuck."""
        if self._heartbeat.is_running():
            self._heartbeat.cancel()
        if self.heartbeat_file is not None:
            clear_heartbeat(self.heartbeat_file)
        await super().close()

    def command_payload(self) -> list[dict[str, Any]]:
        """Exactly what a global sync sends to Discord."""
        return [command.to_dict(self.tree) for command in self.tree.get_commands()]

    async def sync_commands(self) -> None:
        """Sync to the dev server if set, else globally when the definitions changed.

        A failed sync is logged, not raised: the commands Discord already has keep
        working, and mentions and DMs do not depend on them.
        """
        try:
            if self.settings.dev_guild is not None:
                guild = discord.Object(self.settings.dev_guild)
                self.tree.copy_global_to(guild=guild)
                synced = await self.tree.sync(guild=guild)
                log.info("Synced %d commands to development server %s", len(synced), guild.id)
                return
            digest = command_digest(self.command_payload(), self.application_id)
            state = self.settings.sync_state
            if _read_digest(state) == digest:
                log.info("Commands unchanged since the last sync; not syncing")
                return
            synced = await self.tree.sync()
            _write_digest(state, digest)
            log.info("Synced %d global commands (clients update within minutes)", len(synced))
        except (discord.HTTPException, discord.app_commands.AppCommandError) as error:
            log.error("Could not sync commands: %s", error)

    async def on_ready(self) -> None:
        shards = sorted(self.shards) if self.shard_ids is not None else "all"
        log.info("Connected to Discord: %d servers, shards %s", len(self.guilds), shards)
        # Drawn once connected, in a process of its own: importing matplotlib and
        # drawing take a second or two, which start-up does not wait for (once per
        # KB load: a reconnect's on_ready finds them drawn).
        self.charts.start(self.engine.knowledge)

    async def on_interaction(self, interaction: discord.Interaction, /) -> None:
        """Every interaction (command, button, autocomplete) starts its metrics deadline."""
        self.metrics.interaction_received(interaction)

    async def on_message(self, message: discord.Message, /) -> None:
        """Do not process text commands: ``bot.exts.conversation`` answers messages."""


def _read_digest(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def _write_digest(path: Path, digest: str) -> None:
    try:
        path.write_text(digest + "\n", encoding="utf-8")
    except OSError as error:
        # Only costs a redundant sync at the next start.
        log.warning("Could not save the command sync state to %s: %s", path, error)
