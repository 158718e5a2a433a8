"""What the bot knows, on request: ``/role``, ``/compare``, ``/topics``, ``/source``, ``/help``.

``/role`` and ``/compare`` post publicly (they are answers worth sharing); ``/topics``,
``/source`` and ``/help`` are ephemeral, so learning to use the bot adds nothing to
the channel.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.charts.render import CAREER_PATH
from bot.discord_support.answering import record, render, retry_after, timed
from bot.discord_support.charts import add_chart
from bot.ui.embeds import cooldown_text, help_embed, role_card_embed, source_embed, topics_embed
from bot.ui.limits import (
    AUTOCOMPLETE_CHOICES_LIMIT,
    CHOICE_NAME_LIMIT,
    CHOICE_VALUE_LIMIT,
    truncate,
)
from bot.ui.views import delete_only_view

if TYPE_CHECKING:
    from bot.discord_bot import CareerBot

log = logging.getLogger(__name__)

TOPIC_MAX_LENGTH = 100
# The command shape is synced to Discord once at start-up, so the two roles are part
# of it rather than read from the KB (a KB reload cannot resync commands). The values
# are role slugs, which the engine resolves; a test checks each one does.
ROLE_CHOICES = (
    app_commands.Choice(name="Data Scientist", value="data-scientist"),
    app_commands.Choice(name="ML Engineer", value="ml-engineer"),
)


def _send_kwargs(embed: discord.Embed, view: discord.ui.View | None) -> dict[str, Any]:
    return {"embed": embed, "view": view} if view is not None else {"embed": embed}


class ReferenceCog(commands.Cog):
    """Role cards, comparisons and the bot's own documentation."""

    def __init__(self, bot: CareerBot) -> None:
        self.bot = bot

    async def _throttled(self, interaction: discord.Interaction[CareerBot]) -> bool:
        """Public replies count against the rate limit; the note about it is ephemeral."""
        wait = await retry_after(self.bot, interaction.user.id, interaction.guild_id)
        if wait is None:
            return False
        await interaction.response.send_message(cooldown_text(wait), ephemeral=True)
        return True

    @app_commands.command(name="role")
    @app_commands.describe(role="Which role to summarise")
    @app_commands.choices(role=list(ROLE_CHOICES))
    async def role(self, interaction: discord.Interaction[CareerBot], role: str) -> None:
        """A one-screen card on a role: what they do, skills, tools, pay, path."""
        if await self._throttled(interaction):
            return
        card = self.bot.engine.role_card(role)
        embed = role_card_embed(card, self.bot.engine.knowledge)
        kwargs = _send_kwargs(embed, delete_only_view(interaction.user.id))
        add_chart(self.bot, kwargs, CAREER_PATH)  # the path, side by side with the other role's
        await interaction.response.send_message(**kwargs)

    @app_commands.command(name="compare")
    @app_commands.describe(topic="What to compare, e.g. salary, skills, remote work")
    async def compare(
        self,
        interaction: discord.Interaction[CareerBot],
        topic: app_commands.Range[str, 1, TOPIC_MAX_LENGTH],
    ) -> None:
        """Data Scientist and ML Engineer side by side on one topic."""
        started = time.perf_counter()
        if await self._throttled(interaction):
            return
        reply, seconds = timed(self.bot.engine.compare, topic)
        await interaction.response.send_message(**render(self.bot, reply, interaction.user.id))
        await record(self.bot, reply, interaction.guild_id, started, seconds)

    @compare.autocomplete("topic")
    async def compare_autocomplete(
        self, interaction: discord.Interaction[CareerBot], current: str
    ) -> list[app_commands.Choice[str]]:
        """Topics that can be compared, best match first."""
        pairs = self.bot.engine.topic_choices(
            current[:TOPIC_MAX_LENGTH], AUTOCOMPLETE_CHOICES_LIMIT
        )
        return [
            app_commands.Choice(name=truncate(name, CHOICE_NAME_LIMIT), value=topic_id)
            for name, topic_id in pairs
            if name.strip() and len(topic_id) <= CHOICE_VALUE_LIMIT
        ][:AUTOCOMPLETE_CHOICES_LIMIT]

    @app_commands.command(name="topics")
    async def topics(self, interaction: discord.Interaction[CareerBot]) -> None:
        """What I can answer, with an example question for each topic."""
        embed = topics_embed(self.bot.engine.topics())
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="source")
    async def source(self, interaction: discord.Interaction[CareerBot]) -> None:
        """Where my answers come from and how to read the citations."""
        embed = source_embed(self.bot.engine.knowledge)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="help")
    async def help(self, interaction: discord.Interaction[CareerBot]) -> None:
        """How to use CareerBot, in fifteen seconds."""
        embed = help_embed(auto_answer=self.bot.content_intent)
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: CareerBot) -> None:
    await bot.add_cog(ReferenceCog(bot))
