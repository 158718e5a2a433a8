"""The buttons under an answer, built so they keep working after a restart.

Every button is a :class:`discord.ui.DynamicItem`: its state lives in its
``custom_id`` (``cb:ans:<entry-id>``, ``cb:vote:up:<ids>``, ``cb:del:<asker-id>``), so a
click is routed by pattern rather than by a view object held in memory. Nothing is
stored per message, memory stays flat however many answers are posted, and buttons
on week-old answers still work.

This module decides what the buttons look like and what their ids mean. What a
click *does* (answer, record a vote, delete) needs the engine and the store, so the
items hand the click to a :class:`ButtonHandler` that the bot provides
(``bot.exts.buttons``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol, Self

import discord

from bot.core.answering.reply import Reply
from bot.core.knowledge import Knowledge
from bot.ui.limits import (
    BUTTON_LABEL_LIMIT,
    BUTTONS_PER_ROW,
    CUSTOM_ID_LIMIT,
    ROWS_LIMIT,
    truncate,
)

SUGGESTION_BUTTONS = 3
RELATED_BUTTONS = 3
THUMBS_UP = "👍"
THUMBS_DOWN = "👎"
WASTEBASKET = "🗑️"
UNAVAILABLE_TEXT = "That button is not available right now. Please try again in a minute."

_PREFIX = "cb"
ANSWER_TEMPLATE = re.compile(rf"{_PREFIX}:ans:(?P<entry>[a-z0-9-]+)")
OTHER_TEMPLATE = re.compile(rf"{_PREFIX}:other:(?P<entry>[a-z0-9-]+)")
ASK_TEMPLATE = re.compile(rf"{_PREFIX}:ask:(?P<text>.+)", re.DOTALL)
VOTE_TEMPLATE = re.compile(
    rf"{_PREFIX}:vote:(?P<direction>up|down):(?P<entries>[a-z0-9-]+(?:,[a-z0-9-]+)*)"
)
DELETE_TEMPLATE = re.compile(rf"{_PREFIX}:del:(?P<asker>[0-9]{{1,20}})")

Vote = Literal[1, -1]


class ButtonHandler(Protocol):
    """What the bot does when one of these buttons is clicked (see ``bot.exts.buttons``)."""

    async def answer_entry(self, interaction: discord.Interaction, entry_id: str) -> None:
        """A did-you-mean, related or "same for the other role" button."""

    async def ask_text(self, interaction: discord.Interaction, text: str) -> None:
        """A suggested question that is not a KB question as written."""

    async def vote(
        self, interaction: discord.Interaction, vote: Vote, entry_ids: tuple[str, ...]
    ) -> None:
        """👍 or 👎 on the answer made of ``entry_ids``."""

    async def delete(self, interaction: discord.Interaction, asker_id: int) -> None:
        """🗑: only ``asker_id`` may delete the reply."""


def _handler(interaction: discord.Interaction) -> ButtonHandler | None:
    # The bot sets this attribute when the buttons extension loads; a plain client (or
    # a bot mid-reload) has none, and the click gets a polite "not available".
    return getattr(interaction.client, "button_handler", None)


async def _unavailable(interaction: discord.Interaction) -> None:
    await interaction.response.send_message(UNAVAILABLE_TEXT, ephemeral=True)


class _AnswersEntry:
    """Clicking answers ``entry_id`` (did-you-mean, related, "Same for the other role")."""

    entry_id: str

    async def callback(self, interaction: discord.Interaction) -> None:
        handler = _handler(interaction)
        if handler is None:
            return await _unavailable(interaction)
        await handler.answer_entry(interaction, self.entry_id)


class AnswerButton(
    _AnswersEntry, discord.ui.DynamicItem[discord.ui.Button], template=ANSWER_TEMPLATE
):
    """Answers one KB entry: did-you-mean candidates and related questions."""

    def __init__(
        self,
        entry_id: str,
        label: str = "",
        *,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        row: int | None = None,
    ) -> None:
        self.entry_id = entry_id
        super().__init__(
            discord.ui.Button(
                label=truncate(label, BUTTON_LABEL_LIMIT) or entry_id[:BUTTON_LABEL_LIMIT],
                style=style,
                custom_id=f"{_PREFIX}:ans:{entry_id}",
            ),
            row=row,
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(match["entry"], getattr(item, "label", None) or "")


class OtherRoleButton(
    _AnswersEntry, discord.ui.DynamicItem[discord.ui.Button], template=OTHER_TEMPLATE
):
    """ "Same for the other role": answers the counterpart entry."""

    def __init__(self, entry_id: str, role_name: str = "", *, row: int | None = None) -> None:
        self.entry_id = entry_id
        label = f"Same for {role_name}" if role_name else "Same for the other role"
        super().__init__(
            discord.ui.Button(
                label=truncate(label, BUTTON_LABEL_LIMIT),
                style=discord.ButtonStyle.primary,
                custom_id=f"{_PREFIX}:other:{entry_id}",
            ),
            row=row,
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(match["entry"])


class AskButton(discord.ui.DynamicItem[discord.ui.Button], template=ASK_TEMPLATE):
    """Asks a suggested question that is not word for word a KB question."""

    def __init__(self, text: str, *, row: int | None = None) -> None:
        self.text = text
        super().__init__(
            discord.ui.Button(
                label=truncate(text, BUTTON_LABEL_LIMIT),
                style=discord.ButtonStyle.secondary,
                custom_id=f"{_PREFIX}:ask:{text}",
            ),
            row=row,
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(match["text"])

    async def callback(self, interaction: discord.Interaction) -> None:
        handler = _handler(interaction)
        if handler is None:
            return await _unavailable(interaction)
        await handler.ask_text(interaction, self.text)


class VoteButton(discord.ui.DynamicItem[discord.ui.Button], template=VOTE_TEMPLATE):
    """👍 / 👎 on an answer; the entry ids travel in the custom id."""

    def __init__(self, vote: Vote, entry_ids: Sequence[str], *, row: int | None = None) -> None:
        self.vote: Vote = vote
        self.entry_ids = tuple(entry_ids)
        direction = "up" if vote == 1 else "down"
        super().__init__(
            discord.ui.Button(
                emoji=THUMBS_UP if vote == 1 else THUMBS_DOWN,
                style=discord.ButtonStyle.secondary,
                custom_id=f"{_PREFIX}:vote:{direction}:{','.join(self.entry_ids)}",
            ),
            row=row,
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        vote: Vote = 1 if match["direction"] == "up" else -1
        return cls(vote, match["entries"].split(","))

    async def callback(self, interaction: discord.Interaction) -> None:
        handler = _handler(interaction)
        if handler is None:
            return await _unavailable(interaction)
        await handler.vote(interaction, self.vote, self.entry_ids)


class DeleteButton(discord.ui.DynamicItem[discord.ui.Button], template=DELETE_TEMPLATE):
    """🗑: lets the person who asked remove the reply (nobody else)."""

    def __init__(self, asker_id: int, *, row: int | None = None) -> None:
        self.asker_id = asker_id
        super().__init__(
            discord.ui.Button(
                emoji=WASTEBASKET,
                style=discord.ButtonStyle.secondary,
                custom_id=f"{_PREFIX}:del:{asker_id}",
            ),
            row=row,
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(int(match["asker"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        handler = _handler(interaction)
        if handler is None:
            return await _unavailable(interaction)
        await handler.delete(interaction, self.asker_id)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    AnswerButton,
    OtherRoleButton,
    AskButton,
    VoteButton,
    DeleteButton,
)
"""Register these with ``bot.add_dynamic_items`` so clicks route after a restart."""


@dataclass(frozen=True, slots=True)
class _Pick:
    """A question to offer as a button: a KB entry id, or text to ask as is."""

    text: str
    entry_id: str | None


def _picks(texts: Iterable[str], ids: Sequence[str], knowledge: Knowledge) -> list[_Pick]:
    """Pair question texts with entry ids (given, or looked up by the question's wording)."""
    by_question = {_key(e.question): e.id for e in knowledge.entries}
    picks: list[_Pick] = []
    for i, text in enumerate(texts):
        given = ids[i] if i < len(ids) and ids[i] in knowledge.by_id else None
        entry_id = given or by_question.get(_key(text))
        picks.append(_Pick(text, entry_id))
    return picks


def _key(question: str) -> str:
    # "What skills does a data scientist need?" is the KB's "...Data Scientist need?".
    return " ".join(question.casefold().split())


def _question_button(
    pick: _Pick, style: discord.ButtonStyle, row: int
) -> discord.ui.Item[Any] | None:
    """An answer button when the entry is known, else an ask button, else nothing."""
    answer_id = f"{_PREFIX}:ans:{pick.entry_id}"
    if (
        pick.entry_id is not None
        and len(answer_id) <= CUSTOM_ID_LIMIT
        and ANSWER_TEMPLATE.fullmatch(answer_id)
    ):
        return AnswerButton(pick.entry_id, pick.text, style=style, row=row)
    if pick.text.strip() and len(f"{_PREFIX}:ask:{pick.text}") <= CUSTOM_ID_LIMIT:
        return AskButton(pick.text, row=row)
    return None


def vote_ids(entry_ids: Sequence[str]) -> tuple[str, ...]:
    """As many of ``entry_ids`` as fit in a vote custom id (the longer 👎 one)."""
    room = CUSTOM_ID_LIMIT - len(f"{_PREFIX}:vote:down:")
    kept: list[str] = []
    for entry_id in dict.fromkeys(entry_ids):
        if not re.fullmatch(r"[a-z0-9-]+", entry_id):
            continue
        if len(",".join([*kept, entry_id])) > room:
            break
        kept.append(entry_id)
    return tuple(kept)


def reply_view(
    reply: Reply, knowledge: Knowledge, *, asker_id: int | None
) -> discord.ui.View | None:
    """The buttons under a reply, or ``None`` when there is nothing to click.

    Row 0: did-you-mean candidates (clarify) or related questions (answers).
    Row 1: "Same for the other role", 👍, 👎 and 🗑 (only for answers; 🗑 everywhere).
    """
    view = discord.ui.View(timeout=None)
    rows: list[list[discord.ui.Item[Any]]] = [[], []]
    if reply.status == "clarify":
        picks = _picks(reply.suggestions, reply.entries, knowledge)[:SUGGESTION_BUTTONS]
        style = discord.ButtonStyle.primary
    elif reply.status == "declined":
        picks = _picks(reply.suggestions, reply.suggestion_ids, knowledge)[:SUGGESTION_BUTTONS]
        style = discord.ButtonStyle.secondary
    else:
        picks = _picks(reply.related, reply.related_ids, knowledge)[:RELATED_BUTTONS]
        style = discord.ButtonStyle.secondary
    # "Same for the other role" already offers the counterpart; do not offer it twice.
    skip = {reply.counterpart} if reply.status in ("answered", "compared") else set()
    picks = [p for p in picks if p.entry_id is None or p.entry_id not in skip]
    seen: set[str] = set()
    for pick in picks:
        button = _question_button(pick, style, row=0)
        if button is not None and button.custom_id not in seen:  # type: ignore[attr-defined]
            seen.add(button.custom_id)  # type: ignore[attr-defined]
            rows[0].append(button)

    if reply.status in ("answered", "compared"):
        counterpart = reply.counterpart
        if (
            counterpart
            and counterpart in knowledge.by_id
            and OTHER_TEMPLATE.fullmatch(f"{_PREFIX}:other:{counterpart}")
        ):
            other = knowledge.by_id[counterpart]
            role_name = _role_name(knowledge, other.roles[0]) if len(other.roles) == 1 else ""
            rows[1].append(OtherRoleButton(counterpart, role_name, row=1))
        ids = vote_ids(reply.entries)
        if ids:
            rows[1].append(VoteButton(1, ids, row=1))
            rows[1].append(VoteButton(-1, ids, row=1))
    if asker_id is not None:
        rows[1].append(DeleteButton(asker_id, row=1))

    for row in rows[:ROWS_LIMIT]:
        for item in row[:BUTTONS_PER_ROW]:
            view.add_item(item)
    return view if view.children else None


def delete_only_view(asker_id: int | None) -> discord.ui.View | None:
    """Just 🗑, for public replies that are not answers (role cards, comparisons by topic)."""
    if asker_id is None:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(DeleteButton(asker_id))
    return view


def _role_name(knowledge: Knowledge, role_id: str) -> str:
    return next((r.name for r in knowledge.roles if r.id == role_id), "")
