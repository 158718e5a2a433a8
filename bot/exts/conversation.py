"""Answering messages: @mentions, DMs, replies to the bot, and auto-answer channels.

Discord delivers the text of mentions and DMs even without the privileged Message
Content intent, so those always work. Other messages arrive with empty text unless
the intent is on, which is why auto-answer channels need it (and the bot says so in
the log instead of silently doing nothing).
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.discord_support.answering import answer_message
from bot.ui.embeds import help_embed

if TYPE_CHECKING:
    from bot.discord_bot import CareerBot

log = logging.getLogger(__name__)

_ANSWERABLE = frozenset({discord.MessageType.default, discord.MessageType.reply})


def strip_mentions(text: str, user_id: int, role_id: int | None = None) -> str:
    """The question without the ``@CareerBot`` that addressed it."""
    pattern = rf"<@!?{user_id}>"
    if role_id is not None:
        pattern += rf"|<@&{role_id}>"
    return " ".join(re.sub(pattern, " ", text).split())


class ConversationCog(commands.Cog):
    """Replies to messages addressed to the bot, in servers and in DMs."""

    def __init__(self, bot: CareerBot) -> None:
        self.bot = bot
        self._warned_without_intent = False

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Every message the gateway delivers; most are not for us and return at once."""
        try:
            await self.handle(message)
        except Exception as error:
            await self.bot.errors.message(message, error)

    async def handle(self, message: discord.Message) -> None:
        """Decide whether ``message`` is for the bot and, if so, answer it."""
        me = self.bot.user
        # Never talk to bots (including ourselves): two bots can loop forever.
        if me is None or message.author.bot or message.webhook_id is not None:
            return
        if message.type not in _ANSWERABLE:
            return
        guild = message.guild
        in_dm = guild is None
        own_role = guild.self_role if guild is not None else None
        mentioned = any(u.id == me.id for u in message.mentions) or (
            own_role is not None and own_role in message.role_mentions
        )
        resolved = message.reference.resolved if message.reference else None
        replied_to_me = isinstance(resolved, discord.Message) and resolved.author.id == me.id
        auto = guild is not None and message.channel.id in self.bot.auto_channels.get(guild.id, ())
        if not (in_dm or mentioned or replied_to_me or auto):
            return

        question = strip_mentions(message.content, me.id, own_role.id if own_role else None)
        if not question:
            if in_dm or mentioned:
                # "@CareerBot" on its own: show how to ask rather than guess.
                await message.reply(embed=help_embed(), mention_author=False)
            elif auto and not self.bot.content_intent:
                self._warn_without_intent()
            return
        await answer_message(
            self.bot, message, question, quiet=auto and not (in_dm or mentioned or replied_to_me)
        )

    def _warn_without_intent(self) -> None:
        if not self._warned_without_intent:
            self._warned_without_intent = True
            log.warning(
                "An auto-answer channel is configured but the Message Content intent is off, "
                "so its messages arrive without text; set CAREERBOT_MESSAGE_CONTENT=1, enable "
                "the intent in the Developer Portal and restart"
            )


async def setup(bot: CareerBot) -> None:
    await bot.add_cog(ConversationCog(bot))
