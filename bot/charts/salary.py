"""The salary chart: both roles side by side per level, each range a bar from its
minimum to its maximum.

An open-ended range ("packages exceeding $250,000") has no maximum to draw, so its bar
runs off the right edge, fading, with an arrow, and its label says "and above":
drawing it to some round number would invent a figure the article never gives.
Every bar is labelled with its range, so the picture can be read without the axis.
"""

from __future__ import annotations

import math

from matplotlib.figure import Figure

from bot.charts.canvas import (
    GRID,
    LINE_PX,
    MUTED,
    PAD,
    ROLE_COLOURS,
    ROLE_HATCHES,
    TEXT_PT,
    TITLE_PT,
    Canvas,
    text_width,
    wrap,
)
from bot.charts.describe import (
    LEVEL_NAMES,
    range_label,
    salary_heading,
    salary_levels,
    salary_source,
    short_dollars,
)
from bot.core.knowledge import Knowledge, Salaries, SalaryRange

BAR_PX = 18.0
BAR_GAP_PX = 4.0
GROUP_GAP_PX = 10.0
LABEL_GAP_PX = 5.0
FADE_PX = 36.0
"""How much of an open-ended bar fades out towards the edge."""
ARROW_PX = 9.0
TICK_STEP = 100_000
"""A gridline every $100k."""


class _Scale:
    """Dollars to display pixels along the plot."""

    def __init__(self, salary: Salaries, left: float, right: float) -> None:
        lows = [r.minimum for r in salary.ranges]
        highs = [r.maximum or r.minimum for r in salary.ranges]
        step = TICK_STEP // 2
        self.low = max(0, min(lows) // step * step)
        # Room past the highest start for an open-ended bar to visibly run on.
        self.high = max(highs) * 1.2
        self.left, self.right = left, right

    def x(self, dollars: float) -> float:
        return self.left + (dollars - self.low) / (self.high - self.low) * (self.right - self.left)

    def ticks(self) -> list[int]:
        first = math.ceil(self.low / TICK_STEP) * TICK_STEP
        return list(range(first, int(self.high) + 1, TICK_STEP))


def salary_figure(knowledge: Knowledge) -> Figure:
    """The salary chart for ``knowledge`` (which must have salary figures)."""
    salary = knowledge.figures.salary
    if salary is None:
        raise ValueError("this knowledge base has no salary figures")
    roles = [r.id for r in knowledge.roles]
    levels = salary_levels(salary)
    width = 400.0
    source = wrap(salary_source(knowledge), width - 2 * PAD)
    group = len(roles) * BAR_PX + (len(roles) - 1) * BAR_GAP_PX
    legend_top = PAD + 26
    plot_top = legend_top + LINE_PX + 8
    plot_bottom = plot_top + len(levels) * group + (len(levels) - 1) * GROUP_GAP_PX
    source_top = plot_bottom + 6 + LINE_PX + 6
    canvas = Canvas(source_top + len(source) * LINE_PX + PAD - 2)

    canvas.text(PAD, PAD, salary_heading(salary), size=TITLE_PT, weight="bold")
    _legend(canvas, knowledge, legend_top)
    label_width = max(text_width(LEVEL_NAMES[level]) for level in levels)
    scale = _Scale(salary, PAD + label_width + 12, width - PAD)
    for tick in scale.ticks():
        x = scale.x(tick)
        canvas.rect(x - 0.5, plot_top - 4, 1.0, plot_bottom - plot_top + 8, GRID, z=0)
        canvas.text(x, plot_bottom + 6, short_dollars(tick), ha="center")
    y = plot_top
    for level in levels:
        canvas.text(PAD, y + group / 2, LEVEL_NAMES[level], va="center_baseline")
        for i, role in enumerate(roles):
            found = salary.range(role, level)
            if found is not None:
                _bar(canvas, scale, found, y + i * (BAR_PX + BAR_GAP_PX), i)
        y += group + GROUP_GAP_PX
    canvas.lines(PAD, source_top, source, colour=MUTED)
    return canvas.figure


def _legend(canvas: Canvas, knowledge: Knowledge, y: float) -> None:
    x = PAD
    for i, role in enumerate(knowledge.roles):
        canvas.rect(x, y + 3, 14, 14, ROLE_COLOURS[i], hatch=ROLE_HATCHES[i])
        canvas.text(x + 20, y, role.name)
        x += 20 + text_width(role.name, TEXT_PT) + 18


def _bar(canvas: Canvas, scale: _Scale, found: SalaryRange, y: float, index: int) -> None:
    colour, hatch = ROLE_COLOURS[index], ROLE_HATCHES[index]
    start = scale.x(found.minimum)
    middle = y + BAR_PX / 2
    if found.maximum is not None:
        end = scale.x(found.maximum)
        canvas.rect(start, y, end - start, BAR_PX, colour, hatch=hatch)
        canvas.text(end + LABEL_GAP_PX, middle, range_label(found), va="center_baseline")
        return
    # Open-ended: solid, then fading towards the edge, then an arrow: "and above".
    edge = scale.right - ARROW_PX
    solid_end = max(start + 4, edge - FADE_PX)
    canvas.rect(start, y, solid_end - start, BAR_PX, colour, hatch=hatch)
    steps = 6
    step = (edge - solid_end) / steps
    for k in range(steps):
        alpha = 1 - (k + 1) / (steps + 1)
        canvas.rect(solid_end + k * step, y, step + 0.3, BAR_PX, colour, hatch=hatch, alpha=alpha)
    tip = [(edge, y - 2), (scale.right, middle), (edge, y + BAR_PX + 2)]
    canvas.polygon(tip, colour)
    canvas.text(start - LABEL_GAP_PX, middle, range_label(found), ha="right", va="center_baseline")
