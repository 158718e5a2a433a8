"""Putting the chart that goes with an answer on the message that sends it.

Best effort by design: a chart is only ever added when it is already rendered (see
:class:`~bot.charts.cache.ChartCache`), so an answer never waits for matplotlib and
never fails because of it: without a chart it goes out as text, as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.charts.choice import chart_kind
from bot.core.answering.reply import Reply
from bot.ui.charts import show_chart

if TYPE_CHECKING:
    from bot.discord_bot import CareerBot


def add_chart(bot: CareerBot, kwargs: dict[str, Any], kind: str | None) -> None:
    """Add chart ``kind`` (if rendered) to the send ``kwargs``: its embed's image and
    the file."""
    if kind is None:
        return
    chart = bot.charts.ready(bot.engine.knowledge, kind)
    if chart is not None:
        kwargs["file"] = show_chart(kwargs["embed"], chart)


def add_reply_chart(bot: CareerBot, kwargs: dict[str, Any], reply: Reply) -> None:
    """The chart for an answer: salary figures or a career ladder, if it has one."""
    add_chart(bot, kwargs, chart_kind(reply, bot.engine.knowledge))
