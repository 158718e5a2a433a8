"""``/ask`` with autocomplete, and the "Ask CareerBot" message context menu.

The question's length limit is a setting, and Discord only enforces it in the client
if the synced command carries it. discord.py takes an option's limit from the
callback's annotation when the command is created, so :func:`ask_command` creates
``/ask`` when the cog is, with ``Range[str, 1, limit]`` built from the setting. That
needs annotations evaluated where they are written, which is why this module, unlike
the others, does not use ``from __future__ import annotations``.
"""

import logging
from collections.abc import Awaitable, Callable, Container
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_bot import CareerBot
from bot.discord_support.answering import answer_interaction, conversation_key
from bot.ui.embeds import NO_TEXT_TEXT, message_too_long_text
from bot.ui.limits import (
    AUTOCOMPLETE_CHOICES_LIMIT,
    CHOICE_NAME_LIMIT,
    CHOICE_VALUE_LIMIT,
    truncate,
)

log = logging.getLogger(__name__)

ENTRY_CHOICE_PREFIX = "id:"
"""Autocomplete choices carry the entry id, so picking one answers exactly that entry."""
CONTEXT_MENU_NAME = "Ask CareerBot"
QuestionHandler = Callable[[discord.Interaction[CareerBot], str], Awaitable[None]]


def entry_choice(entry_id: str) -> str:
    """The autocomplete value for an entry (``id:<entry-id>``)."""
    return f"{ENTRY_CHOICE_PREFIX}{entry_id}"


def chosen_entry(value: str, known: Container[str]) -> str | None:
    """The entry id behind an autocomplete pick, or ``None`` for free text."""
    if value.startswith(ENTRY_CHOICE_PREFIX):
        entry_id = value[len(ENTRY_CHOICE_PREFIX) :]
        if entry_id in known:
            return entry_id
    return None


def ask_command(limit: int, handle: QuestionHandler) -> app_commands.Command[Any, ..., None]:
    """``/ask``, whose question Discord itself stops at ``limit`` characters.

    Discord's limit is a courtesy to the person typing, not a guarantee to the bot:
    ``handle`` still refuses a longer question politely (see ``answer_interaction``).
    """

    @app_commands.command(name="ask")
    @app_commands.describe(question="Your question, e.g. how much do ML engineers make?")
    async def ask(
        interaction: discord.Interaction[CareerBot],
        question: app_commands.Range[str, 1, limit],
    ) -> None:
        """Ask about Data Scientist or ML Engineer careers: pay, skills, paths and more."""
        await handle(interaction, question)

    return ask


class AskCog(commands.Cog):
    """Free-text questions: the slash command and the message context menu."""

    def __init__(self, bot: CareerBot) -> None:
        self.bot = bot
        self.ask = ask_command(bot.settings.max_question, self.answer_question)
        self.ask.autocomplete("question")(self.ask_autocomplete)
        self.context_menu = app_commands.ContextMenu(
            name=CONTEXT_MENU_NAME, callback=self.ask_about_message
        )

    async def cog_load(self) -> None:
        # Both are built per cog (not declared in the class), so they are added by hand.
        self.bot.tree.add_command(self.ask)
        self.bot.tree.add_command(self.context_menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.ask.name)
        self.bot.tree.remove_command(self.context_menu.name, type=self.context_menu.type)

    async def answer_question(
        self, interaction: discord.Interaction[CareerBot], question: str
    ) -> None:
        """Answer ``/ask``: a picked autocomplete choice is that entry, anything else is text."""
        entry_id = chosen_entry(question, self.bot.engine.knowledge.by_id)
        if entry_id is not None:
            await answer_interaction(self.bot, interaction, entry_id=entry_id)
        else:
            await answer_interaction(self.bot, interaction, question=question)

    async def ask_autocomplete(
        self, interaction: discord.Interaction[CareerBot], current: str
    ) -> list[app_commands.Choice[str]]:
        """The KB questions closest to what has been typed so far (at most 25)."""
        entries = self.bot.engine.autocomplete_entries(
            current[: self.bot.settings.max_question], limit=AUTOCOMPLETE_CHOICES_LIMIT
        )
        choices = [
            app_commands.Choice(
                name=truncate(e.question, CHOICE_NAME_LIMIT), value=entry_choice(e.id)
            )
            for e in entries
            if len(entry_choice(e.id)) <= CHOICE_VALUE_LIMIT
        ]
        return choices[:AUTOCOMPLETE_CHOICES_LIMIT]

    async def ask_about_message(
        self, interaction: discord.Interaction[CareerBot], message: discord.Message
    ) -> None:
        """Answer the question in someone's message (the answer pings no one)."""
        question = message.content.strip()
        if not question:
            await interaction.response.send_message(NO_TEXT_TEXT, ephemeral=True)
            return
        limit = self.bot.settings.max_question
        if len(question) > limit:
            note = message_too_long_text(len(question), limit)
            await interaction.response.send_message(note, ephemeral=True)
            return
        # The question is the author's, so a follow-up from them continues it.
        await answer_interaction(
            self.bot,
            interaction,
            question=question,
            conversation=conversation_key(interaction.channel_id, message.author.id),
        )


async def setup(bot: CareerBot) -> None:
    await bot.add_cog(AskCog(bot))
