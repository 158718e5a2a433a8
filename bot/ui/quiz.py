"""The ``/fit`` quiz in Discord: its embeds, its buttons and what their custom ids mean.

The quiz keeps no state anywhere but in its buttons. An answer button carries the
person taking the quiz, a fingerprint of the quiz and the answers so far
(``cb:fit:<owner>:<quiz>:<answers>:<option>``, e.g. ``cb:fit:80351110224678912:3fa2c1:213:2``,
one digit per answer), so a click after a restart carries on where it was and nothing
is stored per quiz. The fingerprint changes when the quiz's questions or the signals
of their answers change (a knowledge base reload), and a click on an older quiz is
then turned away politely instead of being scored against other questions.

Like :mod:`bot.ui.views`, this module decides what the buttons look like and what
their ids mean; what a click *does* is up to a :class:`QuizHandler` the bot provides
(``bot.exts.fit``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, Self

import discord

from bot.core.answering.compose import short_citation
from bot.core.answering.reply import FitView, Reply
from bot.core.knowledge import Knowledge, QuizQuestion, Role
from bot.ui.embeds import BLANK, BOTH_ROLES_COLOUR, NEUTRAL_COLOUR, escape
from bot.ui.limits import (
    BUTTON_LABEL_LIMIT,
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
from bot.ui.views import UNAVAILABLE_TEXT, DeleteButton

FINGERPRINT_LENGTH = 6
"""Hex digits of the quiz fingerprint in each answer's custom id."""
MAX_OPTIONS = 9
"""Answers are one digit each; the KB allows four options, so this is never reached."""

ONLY_TAKER_TEXT = (
    "This is someone else's quiz, so only they can use it. Run `/fit` to take your own."
)
OUTDATED_TEXT = (
    "This quiz is out of date: its questions have changed since it started. "
    "Run `/fit` again to take the current one."
)
NO_QUIZ_TEXT = "The quiz isn't available right now. Please try again later."
UNKNOWN_ROLE_TEXT = "I don't know that role any more; try `/role`."
FOOTER_TEXT = "Only you can see this quiz, and your answers are not saved."
PROGRESS_TITLE = "Question {number} of {total}"
LEANS_TITLE = "Your answers lean towards {role}"
BALANCED_TITLE = "Your answers are balanced between the two roles"
SCORE_LINE = "**Score:** {scores}"
EXPLAINER = "Each answer below points to a role, with the article's reason and where it says so."
SHARED_TEXT = "{user} shared their `/fit` result:"
BOTH_ROLES = "both roles"

_FIT = "cb:fit"
ANSWER_TEMPLATE = re.compile(
    rf"{_FIT}:(?P<owner>[0-9]{{1,20}}):(?P<quiz>[0-9a-f]{{1,16}}):(?P<answers>[0-9]*):(?P<option>[0-9]{{1,3}})"
)
SHARE_TEMPLATE = re.compile(
    rf"{_FIT}:share:(?P<owner>[0-9]{{1,20}}):(?P<quiz>[0-9a-f]{{1,16}}):(?P<answers>[0-9]*)"
)
RETAKE_TEMPLATE = re.compile(rf"{_FIT}:retake:(?P<owner>[0-9]{{1,20}})")
ROLE_TEMPLATE = re.compile(rf"{_FIT}:role:(?P<role>[a-z0-9-]{{1,60}})")
ACTIONS: dict[str, tuple[str, discord.ButtonStyle, int]] = {
    "compare": ("Compare the roles", discord.ButtonStyle.primary, 0),
    "start": ("Take the quiz", discord.ButtonStyle.success, 1),
}
"""Buttons whose id carries no state: the handler method, label, style and row."""
ACTION_TEMPLATE = re.compile(rf"{_FIT}:(?P<action>{'|'.join(ACTIONS)})")


@dataclass(frozen=True, slots=True)
class Progress:
    """Whose quiz it is, which quiz, and the answers given so far (1-based options)."""

    owner: int
    quiz: str
    answers: tuple[int, ...] = ()

    @property
    def digits(self) -> str:
        return "".join(str(a) for a in self.answers)

    def then(self, option: int) -> Progress:
        return Progress(self.owner, self.quiz, (*self.answers, option))

    @classmethod
    def parse(cls, match: re.Match[str]) -> Progress:
        return cls(int(match["owner"]), match["quiz"], tuple(int(d) for d in match["answers"]))


def fingerprint(quiz: Sequence[QuizQuestion]) -> str:
    """Changes when a question, or the signal behind any of its answers, changes."""
    shape = "|".join(f"{q.id}:{','.join(o.signal for o in q.options)}" for q in quiz)
    return hashlib.sha256(shape.encode()).hexdigest()[:FINGERPRINT_LENGTH]


def playable(quiz: Sequence[QuizQuestion]) -> bool:
    """A quiz the buttons can carry: some questions, each with one-digit answers."""
    return bool(quiz) and all(1 <= len(q.options) <= MAX_OPTIONS for q in quiz)


def fits(quiz: Sequence[QuizQuestion], progress: Progress) -> bool:
    """``progress`` belongs to this quiz: same fingerprint, every answer one it offers."""
    return (
        playable(quiz)
        and progress.quiz == fingerprint(quiz)
        and len(progress.answers) <= len(quiz)
        and all(1 <= a <= len(q.options) for q, a in zip(quiz, progress.answers, strict=False))
    )


def answer_id(progress: Progress, option: int) -> str:
    return f"{_FIT}:{progress.owner}:{progress.quiz}:{progress.digits}:{option}"


def share_id(progress: Progress) -> str:
    return f"{_FIT}:share:{progress.owner}:{progress.quiz}:{progress.digits}"


class QuizHandler(Protocol):
    """What the bot does when a quiz button is clicked (see ``bot.exts.fit``)."""

    async def answer(
        self, interaction: discord.Interaction, progress: Progress, option: int
    ) -> None:
        """An answer: the next question, or the result after the last one."""

    async def share(self, interaction: discord.Interaction, progress: Progress) -> None:
        """The "Share my result" button: the result, posted publicly."""

    async def retake(self, interaction: discord.Interaction, owner: int) -> None:
        """The "Retake" button: back to question 1."""

    async def compare(self, interaction: discord.Interaction) -> None:
        """The "Compare the roles" button: both roles side by side on choosing."""

    async def role_card(self, interaction: discord.Interaction, role: str) -> None:
        """The role card of a role (its slug)."""

    async def start(self, interaction: discord.Interaction) -> None:
        """The "Take the quiz" button under a shared result: a quiz of one's own."""


async def _handle(interaction: discord.Interaction, action: str, *args: Any) -> None:
    # The bot sets ``quiz_handler`` when the fit extension loads; without it the click
    # gets a polite "not available".
    handler: QuizHandler | None = getattr(interaction.client, "quiz_handler", None)
    if handler is None:
        await interaction.response.send_message(UNAVAILABLE_TEXT, ephemeral=True)
        return
    await getattr(handler, action)(interaction, *args)


def _button(
    label: str, custom_id: str, style: discord.ButtonStyle = discord.ButtonStyle.secondary
) -> discord.ui.Button[Any]:
    return discord.ui.Button(
        label=truncate(label, BUTTON_LABEL_LIMIT), style=style, custom_id=custom_id
    )


class QuizAnswerButton(discord.ui.DynamicItem[discord.ui.Button], template=ANSWER_TEMPLATE):
    """One answer to the current question; the quiz so far travels in its id."""

    def __init__(self, progress: Progress, option: int, label: str = "") -> None:
        self.progress = progress
        self.option = option
        super().__init__(_button(label or str(option), answer_id(progress, option)), row=0)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(Progress.parse(match), int(match["option"]), getattr(item, "label", ""))

    async def callback(self, interaction: discord.Interaction) -> None:
        await _handle(interaction, "answer", self.progress, self.option)


class ShareButton(discord.ui.DynamicItem[discord.ui.Button], template=SHARE_TEMPLATE):
    """The "Share my result" button: posts a finished quiz's result in the channel."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        super().__init__(
            _button("Share my result", share_id(progress), discord.ButtonStyle.success), row=1
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(Progress.parse(match))

    async def callback(self, interaction: discord.Interaction) -> None:
        await _handle(interaction, "share", self.progress)


class RetakeButton(discord.ui.DynamicItem[discord.ui.Button], template=RETAKE_TEMPLATE):
    """The "Retake" button: the same person starts again from question 1."""

    def __init__(self, owner: int) -> None:
        self.owner = owner
        super().__init__(_button("Retake", f"{_FIT}:retake:{owner}"), row=1)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(int(match["owner"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await _handle(interaction, "retake", self.owner)


class ActionButton(discord.ui.DynamicItem[discord.ui.Button], template=ACTION_TEMPLATE):
    """ "Compare the roles" (both roles side by side on how to choose), or "Take the
    quiz" under a shared result (whoever clicks gets a quiz of their own)."""

    def __init__(self, action: str) -> None:
        self.action = action
        label, style, row = ACTIONS[action]
        super().__init__(_button(label, f"{_FIT}:{action}", style), row=row)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(match["action"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await _handle(interaction, self.action)


class RoleCardButton(discord.ui.DynamicItem[discord.ui.Button], template=ROLE_TEMPLATE):
    """The role card of a role, as ``/role`` shows it."""

    def __init__(self, slug: str, name: str = "") -> None:
        self.slug = slug
        label = f"{name} role card" if name else "Role card"
        super().__init__(_button(label, f"{_FIT}:role:{slug}"), row=0)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(match["role"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await _handle(interaction, "role_card", self.slug)


QUIZ_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    QuizAnswerButton,
    ShareButton,
    RetakeButton,
    ActionButton,
    RoleCardButton,
)
"""Register these with ``bot.add_dynamic_items`` so quizzes carry on after a restart."""


# ------------------------------------------------------------------ messages


def question_message(quiz: Sequence[QuizQuestion], progress: Progress) -> dict[str, Any]:
    """The next unanswered question of ``quiz``: an embed and one button per answer."""
    number = len(progress.answers) + 1
    question = quiz[number - 1]
    description = f"**{truncate(escape(question.question), EMBED_DESCRIPTION_LIMIT // 2)}**"
    if any(len(o.label) > BUTTON_LABEL_LIMIT for o in question.options):
        # A label cut to fit its button is shown here too, each in its share of the room.
        room = (EMBED_DESCRIPTION_LIMIT - len(description) - 2) // len(question.options)
        room -= len("\n9. ")
        description += "\n\n" + "\n".join(
            f"{i}. {truncate(escape(o.label), room)}" for i, o in enumerate(question.options, 1)
        )
    embed = discord.Embed(
        title=PROGRESS_TITLE.format(number=number, total=len(quiz)),
        description=truncate(description, EMBED_DESCRIPTION_LIMIT),
        colour=discord.Colour(NEUTRAL_COLOUR),
    )
    embed.set_footer(text=FOOTER_TEXT)
    view = discord.ui.View(timeout=None)
    for option, choice in enumerate(question.options, 1):
        view.add_item(QuizAnswerButton(progress, option, choice.label))
    return {"embed": fit_embed(embed), "view": view}


def _roles(knowledge: Knowledge) -> dict[str, Role]:
    return {r.slug: r for r in knowledge.roles}


def result_embed(reply: Reply, knowledge: Knowledge, quiz: Sequence[QuizQuestion]) -> discord.Embed:
    """The leaning and both scores, then one cited reason per answer, from the advice."""
    fit = reply.fit or FitView(None, (), ())
    roles = _roles(knowledge)
    leaning = roles.get(fit.role) if fit.role else None
    title = LEANS_TITLE.format(role=leaning.name) if leaning else BALANCED_TITLE
    scores = " · ".join(f"{_name(roles, slug)} {score}" for slug, score in fit.score)
    lines = [SCORE_LINE.format(scores=escape(scores)), "", EXPLAINER]
    if knowledge.fit.disclaimer is not None:
        lines += ["", f"*{escape(knowledge.fit.disclaimer.text)}*"]
    embed = discord.Embed(
        title=truncate(title, EMBED_TITLE_LIMIT),
        description=truncate("\n".join(lines), EMBED_DESCRIPTION_LIMIT),
        colour=discord.Colour(leaning.colour if leaning else BOTH_ROLES_COLOUR),
    )
    questions = [q.question for q in quiz] if len(quiz) == len(fit.signals) else []
    for i, line in enumerate(fit.signals[:EMBED_FIELDS_LIMIT]):
        name = f"{i + 1}. {questions[i]}" if questions else f"{i + 1}."
        towards = _name(roles, line.role) if line.role else BOTH_ROLES
        cite = f"\n*{escape(short_citation(line.citation))}*"
        text = truncate(
            f"“{escape(line.text)}” → {escape(towards)}: {escape(line.reason)}",
            EMBED_FIELD_VALUE_LIMIT - len(cite),
        )
        embed.add_field(
            name=truncate(escape(name), EMBED_FIELD_NAME_LIMIT) or BLANK,
            value=truncate(text + cite, EMBED_FIELD_VALUE_LIMIT),
            inline=False,
        )
    if reply.citation_line.strip():
        embed.set_footer(text=truncate(reply.citation_line, EMBED_FOOTER_LIMIT))
    return fit_embed(embed)


def _name(roles: dict[str, Role], slug: str) -> str:
    role = roles.get(slug)
    return role.name if role else slug


def _next_steps(view: discord.ui.View, fit: FitView | None, knowledge: Knowledge) -> None:
    """Row 0: "Compare the roles" and the role card of the leaning (both when balanced)."""
    view.add_item(ActionButton("compare"))
    roles = _roles(knowledge)
    slugs = [fit.role] if fit is not None and fit.role else list(roles)
    for slug in slugs:
        if slug in roles and ROLE_TEMPLATE.fullmatch(f"{_FIT}:role:{slug}"):
            view.add_item(RoleCardButton(slug, roles[slug].name))


def result_view(progress: Progress, fit: FitView | None, knowledge: Knowledge) -> discord.ui.View:
    """Under the taker's own result: next steps, then "Retake" and "Share my result"."""
    view = discord.ui.View(timeout=None)
    _next_steps(view, fit, knowledge)
    view.add_item(RetakeButton(progress.owner))
    view.add_item(ShareButton(progress))
    return view


def shared_view(owner: int, fit: FitView | None, knowledge: Knowledge) -> discord.ui.View:
    """Under a shared result: next steps for anyone, "Take the quiz", and 🗑 for the sharer."""
    view = discord.ui.View(timeout=None)
    _next_steps(view, fit, knowledge)
    view.add_item(ActionButton("start"))
    view.add_item(DeleteButton(owner, row=1))
    return view


def shared_text(user: discord.abc.User) -> str:
    """Who shared it (a mention that shows the name and, as every message, pings nobody)."""
    return truncate(SHARED_TEXT.format(user=user.mention), MESSAGE_CONTENT_LIMIT)
