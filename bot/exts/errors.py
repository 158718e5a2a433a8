"""Installs the one error handler for slash commands and context menus.

The handler itself, :class:`~bot.discord_support.error_reporter.ErrorReporter`, lives
outside the extensions because the client creates it and buttons and messages call it
directly; this cog only plugs it into the command tree, and is loaded first so it sees
every failure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

if TYPE_CHECKING:
    from bot.discord_bot import CareerBot


class ErrorsCog(commands.Cog):
    """Installs the client's error reporter as the command tree's error handler."""

    def __init__(self, bot: CareerBot) -> None:
        self.bot = bot
        self._previous = bot.tree.on_error

    async def cog_load(self) -> None:
        # ``CommandTree.error`` is discord.py's public way to replace ``on_error``.
        self.bot.tree.error(self.on_app_command_error)

    async def cog_unload(self) -> None:
        self.bot.tree.error(self._previous)

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """The tree's handler for every slash command and context menu failure."""
        await self.bot.errors.interaction(interaction, error)


async def setup(bot: CareerBot) -> None:
    await bot.add_cog(ErrorsCog(bot))
