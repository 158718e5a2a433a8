"""Question in, reply out: the path every way of asking shares.

Slash commands, the context menu, buttons, mentions, DMs and auto-answer channels
all come through here, so length checks, the rate limit, rendering and recording
the outcome are written once. Storage is best effort: a failing or slow store is
logged and the person still gets their answer.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec

import discord

from bot.core.answering.reply import Reply
from bot.core.text import normalise
from bot.discord_support.best_effort import safely
from bot.discord_support.charts import add_reply_chart
from bot.logging_setup import log_answer
from bot.ui.embeds import cooldown_text, reply_embed, too_long_text
from bot.ui.views import reply_view

if TYPE_CHECKING:
    from bot.discord_bot import CareerBot

log = logging.getLogger(__name__)

PRE_RESPONSE_TIMEOUT = 0.25
"""Reads made before answering an interaction share Discord's 3-second deadline (and a
possible 1-second retry of the reply), so they get far less time."""
COOLDOWN_REACTION = "⏳"
KEPT_TEXT = frozenset({"declined", "clarify"})
"""Outcomes whose (normalised) question text is worth keeping: the KB's gaps."""

Conversation = tuple[int, int]
P = ParamSpec("P")
# Mentions, channel links and custom emoji are Discord markup, not words of the
# question: "@everyone how much do MLEs make" is a salary question.
_MARKUP = re.compile(r"<@[!&]?\d+>|<#\d+>|<a?:\w+:\d+>|@(?:everyone|here)\b")


def clean_question(text: str) -> str:
    """The words of a question without Discord markup or extra whitespace."""
    return " ".join(_MARKUP.sub(" ", text).split())


def conversation_key(channel_id: int | None, user_id: int) -> Conversation:
    """Follow-ups are per person per channel: two people in one channel don't mix."""
    return (channel_id or 0, user_id)


async def retry_after(bot: CareerBot, user_id: int, guild_id: int | None) -> float | None:
    """Seconds this person must wait, or ``None``; servers may set their own rate."""
    rate = per = None
    if guild_id is not None:
        setting = await safely(
            bot.store.cooldown(guild_id), None, "reading the cooldown", seconds=PRE_RESPONSE_TIMEOUT
        )
        if setting is not None:
            rate, per = setting.rate, setting.per
    return bot.cooldowns.hit((guild_id or 0, user_id), rate=rate, per=per)


def timed(produce: Callable[P, Reply], *args: P.args, **kwargs: P.kwargs) -> tuple[Reply, float]:
    """The reply and the seconds the engine took to compose it (no Discord, no storage)."""
    begun = time.perf_counter()
    reply = produce(*args, **kwargs)
    return reply, time.perf_counter() - begun


async def record(
    bot: CareerBot, reply: Reply, guild_id: int | None, started: float, engine_seconds: float
) -> None:
    """Count and log a sent reply, and keep it for the unanswered-questions report.

    Never the asker or, for answered questions, the text. ``started`` is when the
    question arrived (the log's latency); ``engine_seconds`` goes to the metrics.
    """
    latency_ms = (time.perf_counter() - started) * 1000
    bot.metrics.answered(reply.status, engine_seconds)
    stop_words = bot.engine.knowledge.lexicon.stop_words
    kept = normalise(reply.question, stop_words) if reply.status in KEPT_TEXT else ""
    await safely(
        bot.store.record_question(
            status=reply.status, topic=reply.topic, normalised=kept, guild_id=guild_id
        ),
        None,
        "recording a question",
    )
    log_answer(
        log,
        status=reply.status,
        topic=reply.topic,
        latency_ms=latency_ms,
        confidence=reply.confidence,
        entries=reply.entries,
    )


def render(bot: CareerBot, reply: Reply, asker_id: int | None) -> dict[str, Any]:
    """The keyword arguments that send ``reply``: an embed and, if any, its buttons
    and its chart."""
    knowledge = bot.engine.knowledge
    kwargs: dict[str, Any] = {"embed": reply_embed(reply, knowledge)}
    view = reply_view(reply, knowledge, asker_id=asker_id)
    if view is not None:
        kwargs["view"] = view
    add_reply_chart(bot, kwargs, reply)
    return kwargs


async def answer_interaction(
    bot: CareerBot,
    interaction: discord.Interaction,
    *,
    question: str | None = None,
    entry_id: str | None = None,
    conversation: Conversation | None = None,
) -> Reply | None:
    """Answer a question (or one KB entry) as the response to ``interaction``.

    Too long or too fast gets an ephemeral note instead; the reply itself is public,
    since answers are meant to be shared, and carries a 🗑 for the asker.
    """
    started = time.perf_counter()
    if question is not None and len(question) > bot.settings.max_question:
        await interaction.response.send_message(
            too_long_text(len(question), bot.settings.max_question), ephemeral=True
        )
        return None
    wait = await retry_after(bot, interaction.user.id, interaction.guild_id)
    if wait is not None:
        await interaction.response.send_message(cooldown_text(wait), ephemeral=True)
        return None
    if conversation is None:
        conversation = conversation_key(interaction.channel_id, interaction.user.id)
    if entry_id is not None:
        reply, seconds = timed(bot.engine.answer_entry, entry_id, conversation)
    else:
        reply, seconds = timed(bot.engine.ask, clean_question(question or ""), conversation)
    await interaction.response.send_message(**render(bot, reply, interaction.user.id))
    await record(bot, reply, interaction.guild_id, started, seconds)
    return reply


async def answer_message(
    bot: CareerBot, message: discord.Message, question: str, *, quiet: bool = False
) -> Reply | None:
    """Reply to a message with the answer to ``question``.

    ``quiet`` is for auto-answer channels, where most messages are conversation, not
    questions for the bot: there it stays silent unless it has an answer, and never
    lectures anyone about length.
    """
    started = time.perf_counter()
    limit = bot.settings.max_question
    if len(question) > limit:
        if not quiet:
            await message.reply(too_long_text(len(question), limit), mention_author=False)
        return None
    guild_id = message.guild.id if message.guild else None
    key = (guild_id or 0, message.author.id)
    if await retry_after(bot, message.author.id, guild_id) is not None:
        # A reaction, once per burst: no extra message in the channel.
        if bot.cooldowns.first_warning(key):
            try:
                await message.add_reaction(COOLDOWN_REACTION)
            except discord.HTTPException:
                log.debug("Could not add the cooldown reaction", exc_info=True)
        return None
    conversation = conversation_key(message.channel.id, message.author.id)
    reply, seconds = timed(bot.engine.ask, clean_question(question), conversation)
    if quiet and reply.status not in ("answered", "compared", "clarify"):
        return None
    await message.reply(mention_author=False, **render(bot, reply, message.author.id))
    await record(bot, reply, guild_id, started, seconds)
    return reply
