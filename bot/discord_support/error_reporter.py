"""The one error handler: every failure becomes a log line and, if possible, a polite note.

Slash commands and context menus reach it through the command tree's ``on_error``
(installed by ``bot.exts.errors``); buttons and messages call :class:`ErrorReporter`
directly (discord.py only logs their exceptions). People see "something went wrong,
try again" (ephemeral where Discord allows); the log gets the traceback, never the
message text or who sent it.
A channel where the bot may not post (``Forbidden``) is logged once, not on every
question, and is not an error the user can do anything about.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable

import discord
from discord import app_commands
from discord.ext import commands

from bot.ui.embeds import ERROR_TEXT, GUILD_ONLY_TEXT, NO_PERMISSION_TEXT

log = logging.getLogger(__name__)

FORBIDDEN_MEMORY = 10_000
"""How many no-permission channels are remembered (bounded: a bot can be in many)."""
OUTDATED_TEXT = "This command was just updated. Please try again in a minute."


class ErrorReporter:
    """Turns exceptions into one log line and one user-facing note.

    ``on_interaction_error`` hears of every interaction that failed with our bug (not
    the person's situation, such as a missing permission): the metrics count them.
    """

    def __init__(
        self, on_interaction_error: Callable[[discord.Interaction], None] | None = None
    ) -> None:
        self._forbidden: OrderedDict[int, None] = OrderedDict()
        self._on_interaction_error = on_interaction_error

    def forbidden(self, channel_id: int | None, error: BaseException | None = None) -> None:
        """Log that the bot may not post in a channel, once per channel."""
        key = channel_id or 0
        if key in self._forbidden:
            return
        self._forbidden[key] = None
        while len(self._forbidden) > FORBIDDEN_MEMORY:
            self._forbidden.popitem(last=False)
        detail = ""
        if isinstance(error, discord.HTTPException) and error.text:
            detail = f" ({error.text})"
        log.warning(
            "Missing permission to reply in channel %s%s; "
            "grant Send Messages and Embed Links there, or ignore this",
            channel_id,
            detail,
        )

    async def interaction(self, interaction: discord.Interaction, error: BaseException) -> None:
        """Report a failed slash command, context menu or button click."""
        original = _unwrap(error)
        if isinstance(original, discord.Forbidden):
            self.forbidden(interaction.channel_id, original)
            return
        note = _expected_note(original)
        if note is None:
            command = interaction.command
            name = command.qualified_name if command else _custom_id(interaction)
            log.error("Error while handling %s", name or "an interaction", exc_info=original)
            if self._on_interaction_error is not None:
                self._on_interaction_error(interaction)
            note = ERROR_TEXT
        await self._tell(interaction, note)

    async def message(self, message: discord.Message, error: BaseException) -> None:
        """Report a failure while answering a message (a mention, DM or auto-answer)."""
        if isinstance(error, discord.Forbidden):
            self.forbidden(message.channel.id, error)
            return
        log.error("Error while answering a message", exc_info=error)
        try:
            await message.reply(ERROR_TEXT, mention_author=False)
        except discord.Forbidden as exc:
            self.forbidden(message.channel.id, exc)
        except discord.HTTPException:
            log.debug("Could not send the error note", exc_info=True)

    async def _tell(self, interaction: discord.Interaction, note: str) -> None:
        try:
            if interaction.response.is_done():
                await interaction.followup.send(note, ephemeral=True)
            else:
                await interaction.response.send_message(note, ephemeral=True)
        except discord.Forbidden as exc:
            self.forbidden(interaction.channel_id, exc)
        except discord.HTTPException:
            # Most often the 3-second window has passed (10062 Unknown interaction).
            log.debug("Could not send the error note", exc_info=True)


def _unwrap(error: BaseException) -> BaseException:
    """The exception our code raised, not discord.py's wrapper around it."""
    while isinstance(error, app_commands.CommandInvokeError | commands.CommandInvokeError):
        error = error.original
    return error


def _expected_note(error: BaseException) -> str | None:
    """A specific note for errors that are the user's situation, not our bug."""
    if isinstance(error, app_commands.NoPrivateMessage):
        return GUILD_ONLY_TEXT
    if isinstance(error, app_commands.MissingPermissions):
        return NO_PERMISSION_TEXT
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use that here."
    if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
        return OUTDATED_TEXT
    if isinstance(error, app_commands.TransformerError):
        return "I couldn't understand one of the options. Please pick it from the list."
    return None


def _custom_id(interaction: discord.Interaction) -> str:
    data = interaction.data or {}
    custom_id = data.get("custom_id")
    # Only the button kind ("cb:vote"), not the ids it carries.
    return ":".join(str(custom_id).split(":")[:2]) if custom_id else ""
