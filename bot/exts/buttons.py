"""What the buttons under an answer do (their looks and ids live in ``bot.ui.views``).

The items are registered with ``add_dynamic_items`` so clicks on answers posted
before a restart still work; each click is handed to this cog through
``bot.button_handler``.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.discord_support.answering import answer_interaction
from bot.discord_support.best_effort import safely
from bot.ui.embeds import (
    ALREADY_VOTED_TEXT,
    ONLY_ASKER_TEXT,
    UNKNOWN_ENTRY_TEXT,
    VOTE_THANKS_TEXT,
)
from bot.ui.views import DYNAMIC_ITEMS, Vote

if TYPE_CHECKING:
    from bot.discord_bot import CareerBot

log = logging.getLogger(__name__)

VOTE_MEMORY = 50_000
"""(message, person) pairs remembered to ignore double votes; oldest forgotten first."""


class ButtonsCog(commands.Cog):
    """Answers did-you-mean/related/other-role clicks, records votes, deletes replies."""

    def __init__(self, bot: CareerBot) -> None:
        self.bot = bot
        self._voted: OrderedDict[tuple[int, int], None] = OrderedDict()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)
        self.bot.button_handler = self

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)
        if self.bot.button_handler is self:
            self.bot.button_handler = None

    async def _guarded(
        self, interaction: discord.Interaction, action: Callable[[], Awaitable[None]]
    ) -> None:
        # discord.py only logs exceptions from dynamic items; route them to the one
        # error handler so the person gets the ephemeral note.
        try:
            await action()
        except Exception as error:
            await self.bot.errors.interaction(interaction, error)

    async def answer_entry(self, interaction: discord.Interaction, entry_id: str) -> None:
        async def action() -> None:
            if entry_id not in self.bot.engine.knowledge.by_id:
                # The KB was reloaded and this entry is gone.
                await interaction.response.send_message(UNKNOWN_ENTRY_TEXT, ephemeral=True)
                return
            await answer_interaction(self.bot, interaction, entry_id=entry_id)

        await self._guarded(interaction, action)

    async def ask_text(self, interaction: discord.Interaction, text: str) -> None:
        async def action() -> None:
            await answer_interaction(self.bot, interaction, question=text)

        await self._guarded(interaction, action)

    async def vote(
        self, interaction: discord.Interaction, vote: Vote, entry_ids: tuple[str, ...]
    ) -> None:
        async def action() -> None:
            message_id = interaction.message.id if interaction.message else 0
            key = (message_id, interaction.user.id)
            if key in self._voted:
                await interaction.response.send_message(ALREADY_VOTED_TEXT, ephemeral=True)
                return
            self._voted[key] = None
            while len(self._voted) > VOTE_MEMORY:
                self._voted.popitem(last=False)
            # Thank first: the store may be slow, and Discord allows 3 seconds.
            await interaction.response.send_message(VOTE_THANKS_TEXT, ephemeral=True)
            known = self.bot.engine.knowledge.by_id
            for entry_id in entry_ids:
                if entry_id in known:
                    await safely(
                        self.bot.store.record_feedback(entry_id, vote, interaction.guild_id),
                        None,
                        "recording feedback",
                    )

        await self._guarded(interaction, action)

    async def delete(self, interaction: discord.Interaction, asker_id: int) -> None:
        async def action() -> None:
            if interaction.user.id != asker_id:
                await interaction.response.send_message(ONLY_ASKER_TEXT, ephemeral=True)
                return
            # Through the interaction's webhook, so no channel permission is needed.
            await interaction.response.defer()
            await interaction.delete_original_response()

        await self._guarded(interaction, action)


async def setup(bot: CareerBot) -> None:
    await bot.add_cog(ButtonsCog(bot))
