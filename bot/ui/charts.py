"""A chart as Discord shows it: the PNG uploaded with the message, drawn as the
embed's image, with its description (alt text) on the attachment.

Discord reads ``attachment://<filename>`` in an embed as "the file uploaded with this
message", so the picture sits inside the answer's card instead of below it, and the
description is what screen readers announce: it states every figure in words.
"""

from __future__ import annotations

import io

import discord

from bot.charts.render import Chart
from bot.ui.limits import ATTACHMENT_DESCRIPTION_LIMIT, truncate


def chart_file(chart: Chart) -> discord.File:
    """A fresh upload of ``chart`` (a File is read once per send, so one per send)."""
    return discord.File(
        io.BytesIO(chart.png),
        filename=chart.filename,
        description=truncate(chart.description, ATTACHMENT_DESCRIPTION_LIMIT),
    )


def show_chart(embed: discord.Embed, chart: Chart) -> discord.File:
    """Make ``chart`` ``embed``'s image; return the file to send with it."""
    embed.set_image(url=f"attachment://{chart.filename}")
    return chart_file(chart)
