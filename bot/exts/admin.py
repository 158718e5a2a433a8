"""Server and bot administration: ``/config`` and ``/kb gaps`` (Manage Server) and
``/kb reload`` (owner).

``default_permissions`` hides ``/config`` from members without Manage Server; a server
can still grant it to other roles in its Integrations settings, which is why the
command does not re-check the permission itself. ``/kb reload`` changes the bot for
every server, so it checks for the bot's owner on every use.

Reloading reads and indexes the whole knowledge base, which takes about a second: it
runs in a worker thread so the gateway heartbeat and everyone else's questions carry
on meanwhile. The engine swaps in the new knowledge base with one assignment at the
end, so a question answered during the reload sees the old one or the new one, never
half of each.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.knowledge import KnowledgeError
from bot.core.reporting.report import ReportError, build_report
from bot.core.storage.base import CooldownSetting
from bot.core.storage.selection import DurableStore
from bot.discord_support.best_effort import safely
from bot.ui.embeds import (
    GAPS_LINES,
    GAPS_READ_FAILED_TEXT,
    GAPS_UNAVAILABLE_TEXT,
    GUILD_ONLY_TEXT,
    NOT_OWNER_TEXT,
    config_embed,
    gaps_embed,
    reload_embed,
    reload_failed_embed,
)

if TYPE_CHECKING:
    from bot.discord_bot import CareerBot

log = logging.getLogger(__name__)

SAVE_FAILED_TEXT = "I couldn't save that setting just now. Please try again in a minute."


class AdminCog(commands.Cog):
    """Per-server settings and knowledge-base maintenance."""

    config = app_commands.Group(
        name="config",
        description="CareerBot settings for this server",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )
    kb = app_commands.Group(
        name="kb",
        description="Knowledge base maintenance",
        default_permissions=discord.Permissions(manage_guild=True),
        guild_only=True,
    )

    def __init__(self, bot: CareerBot) -> None:
        self.bot = bot
        # One reload at a time: two at once would each build a full index in memory,
        # and whichever finished last would win.
        self._reloading = asyncio.Lock()

    async def _settings_embed(self, guild_id: int) -> discord.Embed:
        setting = await safely(self.bot.store.cooldown(guild_id), None, "reading the cooldown")
        rate = setting.rate if setting else self.bot.settings.cooldown_rate
        per = setting.per if setting else self.bot.settings.cooldown_per
        return config_embed(
            self.bot.auto_channels.get(guild_id, frozenset()),
            content_intent=self.bot.content_intent,
            cooldown=(rate, per),
        )

    @config.command(name="list")
    async def config_list(self, interaction: discord.Interaction[CareerBot]) -> None:
        """Show this server's auto-answer channels and question rate limit."""
        if interaction.guild_id is None:
            await interaction.response.send_message(GUILD_ONLY_TEXT, ephemeral=True)
            return
        embed = await self._settings_embed(interaction.guild_id)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @config.command(name="add-channel")
    @app_commands.describe(channel="A channel where I answer every question without a mention")
    async def config_add(
        self, interaction: discord.Interaction[CareerBot], channel: discord.TextChannel
    ) -> None:
        """Answer every question in a channel, without being mentioned."""
        await self._change_channel(interaction, channel, add=True)

    @config.command(name="remove-channel")
    @app_commands.describe(channel="The channel to stop auto-answering in")
    async def config_remove(
        self, interaction: discord.Interaction[CareerBot], channel: discord.TextChannel
    ) -> None:
        """Stop answering every question in a channel (mentions still work)."""
        await self._change_channel(interaction, channel, add=False)

    async def _change_channel(
        self,
        interaction: discord.Interaction[CareerBot],
        channel: discord.TextChannel,
        *,
        add: bool,
    ) -> None:
        guild_id = interaction.guild_id
        if guild_id is None:
            await interaction.response.send_message(GUILD_ONLY_TEXT, ephemeral=True)
            return
        store = self.bot.store
        change = store.add_auto_channel if add else store.remove_auto_channel
        changed = await safely(change(guild_id, channel.id), None, "saving a channel setting")
        if changed is None:
            await interaction.response.send_message(SAVE_FAILED_TEXT, ephemeral=True)
            return
        channels = set(self.bot.auto_channels.get(guild_id, frozenset()))
        if add:
            channels.add(channel.id)
        else:
            channels.discard(channel.id)
        self.bot.auto_channels[guild_id] = frozenset(channels)
        embed = await self._settings_embed(guild_id)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @config.command(name="cooldown")
    @app_commands.describe(
        rate="Questions each person may ask in the window",
        per="Length of the window in seconds",
    )
    async def config_cooldown(
        self,
        interaction: discord.Interaction[CareerBot],
        rate: app_commands.Range[int, 1, 30],
        per: app_commands.Range[int, 5, 3600],
    ) -> None:
        """Set how many questions each person may ask per time window here."""
        await self._set_cooldown(interaction, CooldownSetting(rate, float(per)))

    @config.command(name="cooldown-reset")
    async def config_cooldown_reset(self, interaction: discord.Interaction[CareerBot]) -> None:
        """Go back to the bot's default rate limit."""
        await self._set_cooldown(interaction, None)

    async def _set_cooldown(
        self, interaction: discord.Interaction[CareerBot], setting: CooldownSetting | None
    ) -> None:
        guild_id = interaction.guild_id
        if guild_id is None:
            await interaction.response.send_message(GUILD_ONLY_TEXT, ephemeral=True)
            return
        saved = await safely(
            self.bot.store.set_cooldown(guild_id, setting), False, "saving the cooldown"
        )
        if saved is False:
            await interaction.response.send_message(SAVE_FAILED_TEXT, ephemeral=True)
            return
        embed = await self._settings_embed(guild_id)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @kb.command(name="gaps")
    async def kb_gaps(self, interaction: discord.Interaction[CareerBot]) -> None:
        """Questions asked here that I could not answer, and answers rated worst."""
        guild_id = interaction.guild_id
        if guild_id is None:
            await interaction.response.send_message(GUILD_ONLY_TEXT, ephemeral=True)
            return
        store = self.bot.store
        if not isinstance(store, DurableStore):
            await interaction.response.send_message(GAPS_UNAVAILABLE_TEXT, ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            report = await build_report(
                store, self.bot.engine.knowledge, guild_id=guild_id, limit=GAPS_LINES
            )
        except ReportError as error:  # the store already logged why its reads failed
            log.info("/kb gaps not shown: %s", error)
            await interaction.followup.send(GAPS_READ_FAILED_TEXT, ephemeral=True)
            return
        await interaction.followup.send(embed=gaps_embed(report), ephemeral=True)

    @kb.command(name="reload")
    async def kb_reload(self, interaction: discord.Interaction[CareerBot]) -> None:
        """Reload the knowledge base from disk (bot owner only)."""
        if not await self.bot.is_owner(interaction.user):
            await interaction.response.send_message(NOT_OWNER_TEXT, ephemeral=True)
            return
        # Deferred first: a reload can outlast Discord's 3-second window to respond.
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            async with self._reloading:
                await asyncio.to_thread(self.bot.engine.reload, self.bot.settings.knowledge_dir)
        except KnowledgeError as error:
            log.warning("Knowledge base reload rejected: %d problem(s)", len(error.problems))
            embed = reload_failed_embed([str(p) for p in error.problems])
        else:
            knowledge = self.bot.engine.knowledge
            log.info("Knowledge base reloaded: %d entries", len(knowledge.entries))
            # The new load gets its own charts, drawn off the event loop; a failure is
            # logged there, and answers go out as text meanwhile.
            charts = await self.bot.charts.wait(knowledge) if self.bot.charts.enabled else None
            embed = reload_embed(
                entries=len(knowledge.entries), topics=len(knowledge.topics), charts=charts
            )
        await interaction.followup.send(embed=embed, ephemeral=True)


async def setup(bot: CareerBot) -> None:
    await bot.add_cog(AdminCog(bot))
