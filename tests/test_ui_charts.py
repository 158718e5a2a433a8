"""A chart as a Discord upload: inside the embed, described, within Discord's limits."""

from __future__ import annotations

import discord

from bot.charts.render import Chart
from bot.ui.charts import show_chart
from bot.ui.limits import ATTACHMENT_DESCRIPTION_LIMIT


def test_the_chart_becomes_the_embeds_image_with_its_description():
    embed = discord.Embed(title="Pay")
    chart = Chart("salary", "salary-ranges.png", b"\x89PNG...", "Entry level: $95,000 to $130,000.")
    file = show_chart(embed, chart)
    assert embed.image.url == "attachment://salary-ranges.png"
    assert file.filename == "salary-ranges.png" and file.fp.read() == b"\x89PNG..."
    assert file.description == chart.description


def test_a_long_description_is_cut_to_discords_limit():
    chart = Chart("salary", "s.png", b"png", "word " * 500)
    file = show_chart(discord.Embed(title="Pay"), chart)
    assert len(file.description) <= ATTACHMENT_DESCRIPTION_LIMIT
    assert file.description.endswith("…")
