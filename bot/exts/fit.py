"""``/fit``: a short quiz on which role fits you, one question at a time, every reason cited.

The quiz is ephemeral: only the person taking it sees the questions and the result,
until they press "Share my result". Its state lives in the buttons' custom ids (see
:mod:`bot.ui.quiz`), registered as dynamic items, so a quiz half-way through carries
on after a restart and nothing is stored. Every click is checked against the quiz
the bot serves now: someone else's click, or a click on a quiz whose questions have
changed since (a knowledge base reload), gets a short ephemeral note and leaves the
quiz as it was.

Scoring and the cited reasons come from the core
(``Engine.quiz_result``), the same signals the free-text advice uses.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Concatenate, ParamSpec

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.knowledge import Knowledge
from bot.discord_support.answering import render, retry_after
from bot.ui.embeds import cooldown_text, role_card_embed
from bot.ui.quiz import (
    NO_QUIZ_TEXT,
    ONLY_TAKER_TEXT,
    OUTDATED_TEXT,
    QUIZ_ITEMS,
    UNKNOWN_ROLE_TEXT,
    Progress,
    fingerprint,
    fits,
    playable,
    question_message,
    result_embed,
    result_view,
    shared_text,
    shared_view,
)

if TYPE_CHECKING:
    from bot.discord_bot import CareerBot

log = logging.getLogger(__name__)

P = ParamSpec("P")
Click = Callable[Concatenate["FitCog", discord.Interaction, P], Awaitable[None]]


def guarded(method: Click[P]) -> Click[P]:
    """Route a click's exception to the one error handler (discord.py only logs those
    of dynamic items), so the person gets the ephemeral "something went wrong"."""

    @functools.wraps(method)
    async def click(
        cog: FitCog, interaction: discord.Interaction, *args: P.args, **kwargs: P.kwargs
    ) -> None:
        try:
            await method(cog, interaction, *args, **kwargs)
        except Exception as error:
            await cog.bot.errors.interaction(interaction, error)

    return click


class FitCog(commands.Cog):
    """The ``/fit`` command and every click on a quiz button."""

    def __init__(self, bot: CareerBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*QUIZ_ITEMS)
        self.bot.quiz_handler = self

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*QUIZ_ITEMS)
        if self.bot.quiz_handler is self:
            self.bot.quiz_handler = None

    @app_commands.command(name="fit")
    async def fit(self, interaction: discord.Interaction[CareerBot]) -> None:
        """Which role fits you? A short quiz, one question at a time (only you see it)."""
        await self._first_question(interaction, edit=False)

    # ------------------------------------------------------------ clicks

    @guarded
    async def answer(
        self, interaction: discord.Interaction, progress: Progress, option: int
    ) -> None:
        if await self._not_owner(interaction, progress.owner):
            return
        knowledge = self.bot.engine.knowledge
        quiz = knowledge.fit.quiz
        progress = progress.then(option)
        if not fits(quiz, progress):
            await interaction.response.send_message(OUTDATED_TEXT, ephemeral=True)
        elif len(progress.answers) < len(quiz):
            await interaction.response.edit_message(**question_message(quiz, progress))
        else:
            await self._result(interaction, knowledge, progress, share=False)

    @guarded
    async def share(self, interaction: discord.Interaction, progress: Progress) -> None:
        if await self._not_owner(interaction, progress.owner):
            return
        knowledge = self.bot.engine.knowledge
        quiz = knowledge.fit.quiz
        if not fits(quiz, progress) or len(progress.answers) != len(quiz):
            await interaction.response.send_message(OUTDATED_TEXT, ephemeral=True)
            return
        # A public message, so it counts against the rate limit like any answer.
        wait = await retry_after(self.bot, interaction.user.id, interaction.guild_id)
        if wait is not None:
            await interaction.response.send_message(cooldown_text(wait), ephemeral=True)
            return
        await self._result(interaction, knowledge, progress, share=True)

    @guarded
    async def retake(self, interaction: discord.Interaction, owner: int) -> None:
        if await self._not_owner(interaction, owner):
            return
        await self._first_question(interaction, edit=True)

    @guarded
    async def start(self, interaction: discord.Interaction) -> None:
        await self._first_question(interaction, edit=False)

    @guarded
    async def compare(self, interaction: discord.Interaction) -> None:
        """Like ``/compare`` on the choosing topic, but for the quiz taker's eyes only."""
        knowledge = self.bot.engine.knowledge
        reply = self.bot.engine.compare(knowledge.lexicon.topic_roles.choosing)
        await interaction.response.send_message(
            **render(self.bot, reply, asker_id=None), ephemeral=True
        )

    @guarded
    async def role_card(self, interaction: discord.Interaction, role: str) -> None:
        """Like ``/role``, for the quiz taker's eyes only."""
        knowledge = self.bot.engine.knowledge
        if role not in {r.slug for r in knowledge.roles}:
            await interaction.response.send_message(UNKNOWN_ROLE_TEXT, ephemeral=True)
            return
        embed = role_card_embed(self.bot.engine.role_card(role), knowledge)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    # ------------------------------------------------------------ helpers

    async def _not_owner(self, interaction: discord.Interaction, owner: int) -> bool:
        """Tell anyone but the quiz taker so (only them) and leave the quiz unchanged."""
        if interaction.user.id == owner:
            return False
        await interaction.response.send_message(ONLY_TAKER_TEXT, ephemeral=True)
        return True

    async def _first_question(self, interaction: discord.Interaction, *, edit: bool) -> None:
        quiz = self.bot.engine.knowledge.fit.quiz
        if not playable(quiz):
            await interaction.response.send_message(NO_QUIZ_TEXT, ephemeral=True)
            return
        message = question_message(quiz, Progress(interaction.user.id, fingerprint(quiz)))
        if edit:
            await interaction.response.edit_message(**message)
        else:
            await interaction.response.send_message(**message, ephemeral=True)

    async def _result(
        self,
        interaction: discord.Interaction,
        knowledge: Knowledge,
        progress: Progress,
        *,
        share: bool,
    ) -> None:
        """The result of a finished quiz: in place of the last question, or shared."""
        try:
            reply = self.bot.engine.quiz_result(progress.answers)
        except ValueError:
            # ``fits`` already checked; only a core that counts differently gets here.
            log.warning("A /fit quiz that fits was refused by the advisor", exc_info=True)
            await interaction.response.send_message(OUTDATED_TEXT, ephemeral=True)
            return
        embed = result_embed(reply, knowledge, knowledge.fit.quiz)
        if share:
            await interaction.response.send_message(
                shared_text(interaction.user),
                embed=embed,
                view=shared_view(progress.owner, reply.fit, knowledge),
                allowed_mentions=discord.AllowedMentions.none(),
            )
        else:
            view = result_view(progress, reply.fit, knowledge)
            await interaction.response.edit_message(embed=embed, view=view)


async def setup(bot: CareerBot) -> None:
    await bot.add_cog(FitCog(bot))
