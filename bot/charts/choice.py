"""Which chart goes with a reply: decided from the figures, not from wording.

A reply gets the salary chart when it is about the salary topic and states figures
the chart draws (the entries listed in ``figures.yaml``'s ``stated_in``): "how much do
MLEs make", "who earns more", a level, ``/compare salary``. "Why do MLEs earn more?"
states no figure, so it gets none. Any answer on the ladder topic gets the ladders.
"""

from __future__ import annotations

from bot.charts.render import CAREER_PATH, SALARY
from bot.core.answering.reply import Reply
from bot.core.knowledge import Knowledge

CHARTED = frozenset({"answered", "compared"})
"""Statuses whose reply is an answer a chart can illustrate."""


def chart_kind(reply: Reply, knowledge: Knowledge) -> str | None:
    """The chart for ``reply`` (or its first part that has one), or None."""
    for part in (reply, *reply.parts):
        kind = _own_kind(part, knowledge)
        if kind is not None:
            return kind
    return None


def _own_kind(reply: Reply, knowledge: Knowledge) -> str | None:
    if reply.status not in CHARTED:
        return None
    figures = knowledge.figures
    salary = figures.salary
    if salary is not None and reply.topic == salary.topic:
        return SALARY if salary.stated_in.intersection(reply.entries) else None
    if figures.ladders and reply.topic == figures.ladder_topic:
        return CAREER_PATH
    return None
