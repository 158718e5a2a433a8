"""Embeds: how each kind of reply looks in Discord.

Every piece of text that reaches an embed goes through :func:`escape`, so a question
containing ``**``, a masked link or ``@everyone`` is shown as typed and never
formats, links or pings (the KB itself uses no markdown, so escaping it is
invisible). Every part is cut to its Discord limit here and the total is checked by
:func:`~bot.ui.limits.fit_embed` before anything is returned.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import discord

from bot.core.answering.reply import Reply, RoleCard, TopicInfo
from bot.core.knowledge import Knowledge
from bot.core.reporting.report import Report
from bot.ui.limits import (
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_NAME_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_FIELDS_LIMIT,
    EMBED_FOOTER_LIMIT,
    EMBED_TITLE_LIMIT,
    MESSAGE_CONTENT_LIMIT,
    fit_embed,
    truncate,
)

# One colour per role comes from the KB (roles.yaml); these are for everything else.
BOTH_ROLES_COLOUR = 0x9B59B6  # comparisons and answers about both roles
NEUTRAL_COLOUR = 0x5865F2  # help, topics, small talk (Discord blurple)
CLARIFY_COLOUR = 0xF1C40F  # "did you mean…?"
DECLINED_COLOUR = 0x95A5A6  # grey: nothing to answer with
EMPTY_TEXT = "…"
BLANK = "\u200b"
ECHO_LIMIT = 200
"""How much of someone's question is quoted back to them (declined/clarify)."""


def escape(text: str) -> str:
    """Show ``text`` literally: no markdown, no masked links, no working mentions.

    ``escape_markdown`` escapes only the first of several masked links on a line
    (its pattern is one greedy ``[.+](.+)``), so every ``](`` is broken up as well.
    """
    escaped = discord.utils.escape_mentions(discord.utils.escape_markdown(text))
    return escaped.replace("](", "]\\(")


def _clip(text: str, limit: int) -> str:
    """Escape, then cut to ``limit`` (escaping adds characters, so order matters)."""
    return truncate(escape(text), limit)


def _field(text: str, limit: int) -> str:
    """Escaped and clipped; a blank field becomes a zero-width space (Discord needs text)."""
    clipped = _clip(text, limit)
    return clipped if clipped.strip() else BLANK


def _embed(title: str, description: str, colour: int) -> discord.Embed:
    return discord.Embed(
        title=_clip(title, EMBED_TITLE_LIMIT) or None,
        description=truncate(description, EMBED_DESCRIPTION_LIMIT) or None,
        colour=discord.Colour(colour),
    )


def _footer(embed: discord.Embed, text: str) -> None:
    # Footers render no markdown and never ping, so they are not escaped (escaping
    # would show the backslashes).
    if text.strip():
        embed.set_footer(text=truncate(text, EMBED_FOOTER_LIMIT))


def _finish(embed: discord.Embed) -> discord.Embed:
    """Never empty (Discord rejects that), never over the 6,000-character total."""
    if not (embed.title or embed.description or embed.fields):
        embed.description = EMPTY_TEXT
    return fit_embed(embed)


def role_colour(knowledge: Knowledge, roles: Sequence[str]) -> int:
    """The role's own colour for a one-role answer, a third colour for both roles."""
    if len(set(roles)) > 1:
        return BOTH_ROLES_COLOUR
    if roles:
        role = next((r for r in knowledge.roles if r.id == roles[0]), None)
        if role is not None:
            return role.colour
    return NEUTRAL_COLOUR


def reply_embed(reply: Reply, knowledge: Knowledge) -> discord.Embed:
    """The embed for any engine reply, whatever its status."""
    if reply.parts:
        return _finish(_several(reply, knowledge))
    if reply.status == "compared":
        embed = _comparison(reply, knowledge)
    elif reply.status == "clarify":
        embed = _embed(
            reply.title or "Did you mean…?",
            _with_list(_echo(reply) + escape(reply.body), reply.suggestions, numbered=True),
            CLARIFY_COLOUR,
        )
    elif reply.status == "declined":
        embed = _embed(
            reply.title or "I can't answer that",
            _with_list(
                _echo(reply) + escape(reply.body), reply.suggestions, heading="You could ask:"
            ),
            DECLINED_COLOUR,
        )
    elif reply.status == "smalltalk":
        embed = _embed(reply.title, escape(reply.body), NEUTRAL_COLOUR)
    else:
        embed = _embed(reply.title, escape(reply.body), role_colour(knowledge, reply.roles))
    _footer(embed, reply.citation_line)
    return _finish(embed)


def _echo(reply: Reply) -> str:
    """Quote the question back when the bot could not answer it, so people see why."""
    question = " ".join(reply.question.split())
    if not question or question.lower() in reply.body.lower():
        return ""
    return f"**You asked:** {_clip(question, ECHO_LIMIT)}\n\n"


def _with_list(
    description: str, items: Iterable[str], *, numbered: bool = False, heading: str = ""
) -> str:
    lines = [
        f"{i}. {escape(item)}" if numbered else f"• {escape(item)}"
        for i, item in enumerate(items, start=1)
    ]
    if not lines:
        return description
    head = f"**{heading}**\n" if heading else ""
    return truncate(f"{description}\n\n{head}" + "\n".join(lines), EMBED_DESCRIPTION_LIMIT)


def _several(reply: Reply, knowledge: Knowledge) -> discord.Embed:
    """A message that asked several things: one section per ask, each with its own
    citation, and what the article doesn't cover on top."""
    embed = _embed(reply.title, escape(reply.body), role_colour(knowledge, reply.roles))
    for part in reply.parts[:EMBED_FIELDS_LIMIT]:
        text = part.body + "".join(f"\n**{c.role_name}:** {c.text}" for c in part.columns)
        cite = f"\n*{escape(part.citation_line)}*" if part.citation_line.strip() else ""
        value = _clip(escape(text), EMBED_FIELD_VALUE_LIMIT - len(cite)) + cite
        embed.add_field(
            name=_field(part.title, EMBED_FIELD_NAME_LIMIT),
            value=truncate(value, EMBED_FIELD_VALUE_LIMIT) or BLANK,
            inline=False,
        )
    return embed


def _comparison(reply: Reply, knowledge: Knowledge) -> discord.Embed:
    """Side by side: one inline field per role, the contrast (if any) on top."""
    embed = _embed(reply.title, escape(reply.body), BOTH_ROLES_COLOUR)
    for column in reply.columns[:EMBED_FIELDS_LIMIT]:
        embed.add_field(
            name=_field(column.role_name, EMBED_FIELD_NAME_LIMIT),
            value=_field(column.text, EMBED_FIELD_VALUE_LIMIT),
            inline=True,
        )
    return embed


def role_card_embed(card: RoleCard, knowledge: Knowledge) -> discord.Embed:
    """``/role``: what the job is, then one cited line per topic."""
    embed = _embed(card.name, escape(card.focus), card.colour)
    for line in card.lines[:EMBED_FIELDS_LIMIT]:
        cite = f"\n*{escape(line.citation_line)}*" if line.citation_line.strip() else ""
        text = _clip(line.text, EMBED_FIELD_VALUE_LIMIT - len(cite))
        value = truncate(text + cite, EMBED_FIELD_VALUE_LIMIT)
        embed.add_field(
            name=_field(line.label, EMBED_FIELD_NAME_LIMIT),
            value=value if value.strip() else BLANK,
            inline=False,
        )
    source = knowledge.source
    _footer(embed, f"From “{source.title}” ({source.short_as_of})")
    return _finish(embed)


def topics_embed(topics: Sequence[TopicInfo]) -> discord.Embed:
    """``/topics``: each topic with one example question to copy."""
    embed = _embed(
        "What I can answer",
        "Ask in your own words with `/ask`, by mentioning me, or in a DM. "
        "Compare the two roles on any topic with `/compare`.",
        NEUTRAL_COLOUR,
    )
    shown = topics if len(topics) <= EMBED_FIELDS_LIMIT else topics[: EMBED_FIELDS_LIMIT - 1]
    for topic in shown:
        value = f"{escape(topic.description)}\n*e.g.* “{escape(topic.example)}”"
        embed.add_field(
            name=_field(topic.name, EMBED_FIELD_NAME_LIMIT),
            value=truncate(value, EMBED_FIELD_VALUE_LIMIT),
            inline=False,
        )
    if len(shown) < len(topics):
        rest = ", ".join(escape(t.name) for t in topics[len(shown) :])
        embed.add_field(name="…and more", value=truncate(rest, EMBED_FIELD_VALUE_LIMIT) or BLANK)
    return _finish(embed)


def source_embed(knowledge: Knowledge) -> discord.Embed:
    """``/source``: the one article everything comes from and how citations point into it."""
    source = knowledge.source
    description = (
        f"Everything I say comes from this one article ({escape(source.as_of)}). "
        "I don't search the web and I don't make figures up.\n\n"
        "**How citations work:** every answer ends with the section and paragraph (¶) "
        'it is based on, e.g. *Source: "Salary Expectations and Market Demand", ¶2 '
        f"({escape(source.short_as_of)})*. Paragraphs are counted from 1 within each "
        "section.\n\nThis is general information, not professional career advice."
    )
    embed = _embed(source.title, description, NEUTRAL_COLOUR)
    sections = "\n".join(
        f"{i}. {escape(s.title)} ({s.paragraphs} ¶)" for i, s in enumerate(source.sections, 1)
    )
    embed.add_field(
        name="Sections", value=truncate(sections, EMBED_FIELD_VALUE_LIMIT) or BLANK, inline=False
    )
    return _finish(embed)


def help_embed(*, auto_answer: bool = False) -> discord.Embed:
    """``/help``: readable in under 15 seconds."""
    lines = [
        "I answer questions about **Data Scientist** and **ML Engineer** careers, "
        "with the article section I got it from.",
        "",
        "• `/ask` a question, @mention me, or DM me",
        "• `/compare` a topic side by side · `/role` for a role card",
        "• `/fit` quiz: which role fits you?",
        "• `/topics` for what I know · `/source` for where it comes from",
        "• Follow up: *“and for MLEs?”*",
    ]
    if auto_answer:
        lines.append("• In some channels I answer every question automatically.")
    return _embed("CareerBot", "\n".join(lines), NEUTRAL_COLOUR)


def config_embed(
    channel_ids: Iterable[int], *, content_intent: bool, cooldown: tuple[int, float]
) -> discord.Embed:
    """``/config list``: this server's auto-answer channels and question rate."""
    channels = sorted(channel_ids)
    listed = "\n".join(f"• <#{c}>" for c in channels) or "None. Add one with `/config add-channel`."
    notes = [f"**Auto-answer channels**\n{listed}"]
    if channels and not content_intent:
        notes.append(
            "⚠️ The bot is running without the Message Content intent, so it cannot read "
            "messages in these channels yet. The bot's operator must enable it "
            "(see the README) and restart."
        )
    rate, per = cooldown
    notes.append(f"**Rate limit**\n{rate} questions per {per:g} s per person.")
    return _embed("Server settings", "\n\n".join(notes), NEUTRAL_COLOUR)


CHARTS_REDRAWN_TEXT = "Charts redrawn from the new figures."
CHARTS_FAILED_TEXT = "The charts could not be drawn (see the log); answers go out as text."


def reload_embed(*, entries: int, topics: int, charts: bool | None = None) -> discord.Embed:
    """``charts``: whether the new load's charts were drawn (None: charts are off)."""
    text = f"Now serving {entries} entries in {topics} topics."
    if charts is not None:
        text += " " + (CHARTS_REDRAWN_TEXT if charts else CHARTS_FAILED_TEXT)
    return _embed("Knowledge base reloaded", text, NEUTRAL_COLOUR)


def reload_failed_embed(problems: Sequence[str]) -> discord.Embed:
    """The validation errors, with the reassurance that the old KB is still served."""
    head = (
        f"The new knowledge base has {len(problems)} problem(s), so I kept serving the "
        "previous one. Fix these and reload again:\n\n"
    )
    body = "\n".join(f"• {escape(p)}" for p in problems)
    return _embed("Knowledge base not reloaded", head + body, DECLINED_COLOUR)


# ------------------------------------------------------------------ short plain-text notes
# Sent as message content (ephemeral for interactions), so each stays far below 2,000.

GAPS_LINES = 10
GAPS_UNAVAILABLE_TEXT = (
    "Nothing is recorded yet: this bot runs without its database, so there is no "
    "history of unanswered questions to show."
)
GAPS_READ_FAILED_TEXT = (
    "I could not read this server's history from the database just now, so there is no "
    "report to show (an empty one would be wrong). Please try again later."
)


def gaps_embed(report: Report) -> discord.Embed:
    """``/kb gaps``: what this server asked that the bot could not answer, and the
    answers people here rated worst. Questions are shown as stored (normalised)."""
    embed = _embed(
        "Knowledge gaps in this server",
        f"{report.questions} question(s) recorded, {report.unanswered} not answered "
        "(declined or needed a clarification).",
        NEUTRAL_COLOUR,
    )
    gaps = [
        f"{g.count}× {g.representative}"
        + (f" → nearest: {g.nearest.entry_id} ({g.nearest.score:.0f})" if g.nearest else "")
        for g in report.gaps[:GAPS_LINES]
    ]
    worst = [
        f"{r.down}/{r.total} 👎 `{r.entry_id}`" + ("" if r.question else " (no longer in the KB)")
        for r in report.worst[:GAPS_LINES]
    ]
    embed.add_field(
        name="Most frequent unanswered questions",
        value=_field("\n".join(gaps) or "None yet.", EMBED_FIELD_VALUE_LIMIT),
        inline=False,
    )
    embed.add_field(
        name="Answers rated worst",
        value=truncate("\n".join(worst) or "Not enough votes yet.", EMBED_FIELD_VALUE_LIMIT),
        inline=False,
    )
    return _finish(embed)


ERROR_TEXT = "Something went wrong on my side. Please try again."
ONLY_ASKER_TEXT = "Only the person who asked can delete this."
VOTE_THANKS_TEXT = "Thanks for the feedback!"
ALREADY_VOTED_TEXT = "You already rated this answer. Thanks!"
NO_TEXT_TEXT = "That message has no text I can answer."
UNKNOWN_ENTRY_TEXT = "I can't find that question any more; try asking it in your own words."
NOT_OWNER_TEXT = "Only the bot's owner can reload the knowledge base."
GUILD_ONLY_TEXT = "This only works in a server."
NO_PERMISSION_TEXT = "You need the Manage Server permission for that."


def cooldown_text(retry_after: float) -> str:
    seconds = max(1, round(retry_after))
    return f"You're asking quickly. Give me {seconds} s and ask again."


def message_too_long_text(length: int, limit: int) -> str:
    """For the context menu: the long text is someone else's, so don't ask them to edit."""
    return f"That message is {length:,} characters; I can answer questions up to {limit:,}."


def too_long_text(length: int, limit: int) -> str:
    text = (
        f"That's {length:,} characters; please shorten it to {limit:,} or fewer and ask again "
        "(one question at a time works best)."
    )
    return truncate(text, MESSAGE_CONTENT_LIMIT)
